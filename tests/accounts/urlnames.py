"""Every named URL pattern of the project, and a URL to reach each one with sample arguments."""

from __future__ import annotations

from django.urls import URLResolver, get_resolver, reverse

# Arguments for patterns that take some. Keys of allauth's e-mailed links are dummies: the pages
# must answer a wrong key calmly. "{program}" stands for the id of a program the test created.
SAMPLE_KWARGS: dict[str, dict[str, str]] = {
    "programs:detail": {"program_id": "{program}"},
    **{
        f"programs:{name}": {"program_id": "{program}"}
        for name in ("contact_edit", "crisis_lines", "crisis_line_new")
    },
    **{
        f"programs:{name}": {"program_id": "{program}", "line_id": "{line}"}
        for name in ("crisis_line_edit", "crisis_line_remove", "crisis_line_move")
    },
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "1z", "key": "set-password"},
    "mfa_remove_webauthn": {"pk": "1"},
    "mfa_edit_webauthn": {"pk": "1"},
    "volunteers:staff_detail": {"volunteer_id": "{volunteer}"},
    "volunteers:staff_status": {"volunteer_id": "{volunteer}"},
    "volunteers:staff_screening": {"volunteer_id": "{volunteer}"},
    "volunteers:staff_training": {"volunteer_id": "{volunteer}"},
    "volunteers:staff_invite": {"volunteer_id": "{volunteer}"},
    "volunteers:staff_debrief": {"debrief_id": "{debrief}"},
    "volunteers:staff_agreement": {"program_id": "{program}"},
    "topics:edit": {"topic_id": "{topic}"},
    "intake:staff_detail": {"request_id": "{request}"},
    "intake:staff_status": {"request_id": "{request}"},
    "intake:staff_concern": {"concern_id": "{concern}"},
    "intake:staff_concern_status": {"concern_id": "{concern}"},
    "matching:candidates": {"request_id": "{request}"},
    "matching:propose": {"request_id": "{request}"},
    **{
        f"support:volunteer_{name}": {"match_id": "{match}"}
        for name in ("match", "answer", "contact", "checkin", "flag", "change")
    },
    "support_staff:match": {"match_id": "{match}"},
    "support_staff:match_withdraw": {"match_id": "{match}"},
    "support_staff:match_close": {"match_id": "{match}"},
    "support_staff:task_resolve": {"task_id": "{task}"},
}
# Stand-ins for objects a test did not make (the pages must answer a calm 404 for them).
DUMMY_SAMPLES = {
    "volunteer": "00000000-0000-4000-8000-000000000000",
    "debrief": "00000000-0000-4000-8000-000000000000",
    "topic": "999999",
    "line": "999999",
    "request": "00000000-0000-4000-8000-000000000000",
    "concern": "00000000-0000-4000-8000-000000000000",
    "match": "00000000-0000-4000-8000-000000000000",
    "task": "00000000-0000-4000-8000-000000000000",
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Names of every URL pattern, with their namespaces, found by walking the resolvers."""
    names: list[str] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names += url_names(pattern, inner)
        elif pattern.name:
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        else:
            # An unnamed pattern cannot be given a row in the matrix; name it.
            names.append(f"<unnamed {pattern.pattern}>")
    return names


def url_for(name: str, *, program_id: int, samples: dict[str, str] | None = None) -> str:
    values = {**DUMMY_SAMPLES, **(samples or {}), "program": str(program_id)}
    kwargs = {key: value.format(**values) for key, value in SAMPLE_KWARGS.get(name, {}).items()}
    return reverse(name, kwargs=kwargs or None)
