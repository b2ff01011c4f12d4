"""How a participant, who has no account, reaches their own request.

Signing in with the reference and passphrase, or with a code emailed to the address they chose,
puts the request's id in the session (with a fresh session key). A middleware then hands the
request to views as `request.participant_access`; the access rule PARTICIPANT admits only that.
Participant sessions end after PARTICIPANT_IDLE_MINUTES without activity, for shared computers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse

from kindred.confidential import audit, keys
from kindred.confidential.models import AuditAction
from kindred.intake import passphrases
from kindred.intake.models import SupportRequest

SESSION_KEY = "kindred_participant_request"
SESSION_SEEN = "kindred_participant_seen_at"
PARTICIPANT_IDLE_MINUTES = 30
CODE_SECONDS = 10 * 60
CODE_ATTEMPTS = 5


def sign_in_with_passphrase(reference: str, passphrase: str) -> SupportRequest | None:
    candidate = SupportRequest.objects.filter(
        reference=passphrases.normalise_reference(reference)
    ).first()
    encoded = candidate.passphrase_hash if candidate else passphrases.decoy_hash()
    matches = passphrases.passphrase_matches(passphrase, encoded)
    return candidate if candidate is not None and matches else None


def _code_key(email: str) -> str:
    return f"intake:sign-in-code:{keys.blind_index('participant-email', email)}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def send_sign_in_code(email: str) -> None:
    """Email a one-time code if a request has this sign-in address; say nothing either way."""
    index = keys.blind_index("participant-email", email)
    found = SupportRequest.objects.filter(sign_in_email_index=index).exists() if email else False
    if not found:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_key(email), {"digest": _digest(code), "attempts": 0}, CODE_SECONDS)
    send_mail(
        "Your sign-in code",
        f"Your code is {code}. It works once, for 10 minutes.\n\n"
        "If you did not ask for it, you can ignore this email.\n",
        None,
        [email.strip()],
    )


def sign_in_with_code(email: str, code: str) -> SupportRequest | None:
    key = _code_key(email)
    entry = cache.get(key)
    if not entry:
        return None
    entry["attempts"] += 1
    if entry["attempts"] > CODE_ATTEMPTS:
        cache.delete(key)
        return None
    if not hmac.compare_digest(entry["digest"], _digest(code.strip())):
        cache.set(key, entry, CODE_SECONDS)
        return None
    cache.delete(key)  # one use
    index = keys.blind_index("participant-email", email)
    return SupportRequest.objects.filter(sign_in_email_index=index).order_by("-created_at").first()


def start_session(request: HttpRequest, support_request: SupportRequest) -> None:
    request.session.cycle_key()  # a new session id at sign-in
    request.session[SESSION_KEY] = str(support_request.pk)
    request.session[SESSION_SEEN] = time.time()
    audit.record(
        AuditAction.SIGN_IN,
        actor=audit.Actor("participant", str(support_request.pk), "participant"),
        object_type="support_request",
        object_id=support_request.pk,
        program_id=support_request.program_id,
    )


def end_session(request: HttpRequest) -> None:
    support_request = getattr(request, "participant_access", None)
    if support_request is not None:
        audit.record(
            AuditAction.SIGN_OUT,
            actor=audit.Actor("participant", str(support_request.pk), "participant"),
            object_type="support_request",
            object_id=support_request.pk,
            program_id=support_request.program_id,
        )
    request.session.flush()


class ParticipantAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.participant_access = None  # type: ignore[attr-defined]
        request_id = request.session.get(SESSION_KEY)
        if request_id:
            seen = request.session.get(SESSION_SEEN, 0)
            if time.time() - seen > PARTICIPANT_IDLE_MINUTES * 60:
                request.session.pop(SESSION_KEY, None)
            else:
                request.participant_access = (  # type: ignore[attr-defined]
                    SupportRequest.objects.select_related("program", "data_key")
                    .filter(pk=request_id)
                    .first()
                )
                if time.time() - seen > 30:
                    request.session[SESSION_SEEN] = time.time()
        return self.get_response(request)
