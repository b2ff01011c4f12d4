"""The participant's own request at /my/.

A participant has no account. They sign in with their reference and passphrase, or with a code
emailed to the address they chose; from then on every page works on `request.participant_access`
(set by ParticipantAccessMiddleware from the session), never on an id in the URL, so there is
nothing to change to reach anyone else's request. Every change goes through an action (audited);
a copy of their data, on screen or downloaded, is audited as an export.

Sign-in is throttled with allauth's limiter per client address, and per (client address,
reference) or (client address, email) — never per reference or email alone: such a limit would let
anyone, anywhere, lock a participant out by typing wrong passphrases for their reference. Only
failures count: a success gives its attempt back. A wrong reference and a wrong passphrase get the
same words, so the page never tells which references exist. Wrong emailed codes are also counted
per (client address, email) in participant_access, for the same reason.

Flash messages never carry an email address or anything typed: they are kept in a cookie or the
session, and a shared computer may show them to the next person.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from allauth.core.internal import ratelimit
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kindred.confidential import audit, keys
from kindred.confidential.access import PARTICIPANT, PUBLIC, allow
from kindred.confidential.models import AuditAction
from kindred.intake import actions, participant_access, passphrases, queries
from kindred.intake.forms.participant import (
    CONTACT_METHODS,
    CodeEnterForm,
    CodeRequestForm,
    ContactForm,
    SignInEmailForm,
    SignInForm,
)
from kindred.intake.models import (
    AskerKind,
    Channel,
    HowSoon,
    RiskAnswer,
    SupportRequest,
    TriageStatus,
)
from kindred.intake.participant_access import own_request
from kindred.programs.models import CrisisLine
from kindred.programs.queries import crisis_lines_for
from kindred.support.queries import peer_on_participant_home
from kindred.topics.models import Topic
from kindred.volunteers.models import IDENTITY_FLAGS

RATE_APP = "kindred.intake"
SIGN_IN = "participant_sign_in"
CODE_REQUEST = "participant_code_request"
CODE_ENTER = "participant_code_enter"
RATES = {
    SIGN_IN: "10/10m/ip,5/10m/key",
    # Each code request may send an email: fewer, so nobody can flood someone's inbox from here.
    CODE_REQUEST: "5/10m/ip,3/10m/key",
    CODE_ENTER: "10/10m/ip,5/10m/key",
}
RETRY_AFTER_SECONDS = 600
# Deleting is done by a coordinator, by hand (the automatic purge is not built yet): the page
# promises only the time Alberta's PIPA allows for answering a request about personal information.
DELETION_ANSWER_DAYS = 45
DELETION_ASKED = gettext_lazy(
    "We have your request to delete your information. It is now on the coordinators' task list. "
    "A coordinator will delete it within %(days)d days."
)
HOME_OPENINGS = 10  # the most recent on the home page; all of them in the copy of their data
DOWNLOAD_NAME = "my-request.json"

NO_MATCH = "That reference and passphrase don't match. Check them and try again."
CODE_NO_MATCH = (
    "That code doesn't match, or it has expired. Check the numbers, or ask for a new code."
)
TOO_MANY = (
    "There have been several tries to sign in from your internet connection in a short while, so "
    "we have paused sign-in here for a few minutes. This keeps your request safe. Please wait "
    "about ten minutes, then try again."
)
TOO_MANY_CODES = gettext_lazy(
    "Several codes have been asked for from your internet connection in a short while, so we have "
    "paused sending new ones, and have not sent one now. Please wait about ten minutes, then try "
    "again. A code already in your email still works for 10 minutes after it was sent."
)
# What is true whether or not the address is on a request, and whether or not the mail server
# takes the email: the page never says which, and never says a code "is on its way" for sure.
CODE_ASKED_FOR = gettext_lazy(
    "If this address is on a request, we are emailing a sign-in code to it now (one code for "
    "each request that uses it). It usually arrives within a few minutes."
)

# The status, as the participant reads it: what is happening and what happens next.
STATUS_IN_WORDS = {
    TriageStatus.NEW: (
        "We have your request. A coordinator will contact you within 2 working days."
    ),
    TriageStatus.CONTACTED: (
        "A coordinator has been in touch with you. They will follow up about the next step, "
        "as you agreed together."
    ),
    TriageStatus.AWAITING_MATCH: (
        "We are finding a peer who fits what you asked for. This can take a little while. We "
        "will contact you the way you chose as soon as we have someone."
    ),
    TriageStatus.MATCHED: (
        "You are matched with a peer. You can ask for a different peer at any time, without "
        "giving a reason."
    ),
    TriageStatus.REFERRED_ELSEWHERE: (
        "Your coordinator has suggested another service that may suit you better. If you have "
        "questions about it, you are welcome to contact the program."
    ),
    TriageStatus.DUPLICATE: (
        "This request has been joined with another request of yours, so nothing is lost. The "
        "coordinator follows up on that one."
    ),
    TriageStatus.WITHDRAWN: (
        "You withdrew this request. You are welcome to ask for support again at any time."
    ),
    TriageStatus.CLOSED: (
        "This request is closed. If you would like support again, you are welcome to ask at "
        "any time."
    ),
}
WHO_CHANGED = {True: "You", False: "The program"}
# While a volunteer decides, the participant reads "awaiting a match": that a peer was asked, or
# that one said no, is not theirs to carry (their peer page shows a proposal once it is theirs).
AS_THE_PARTICIPANT_SEES = {TriageStatus.PROPOSED: TriageStatus.AWAITING_MATCH}


# A peer said yes and waits for the participant's answer: that, not "we are finding a peer", is
# where things stand (the request itself still reads "proposed" until the participant answers).
PEER_WAITING_IN_WORDS = gettext_lazy(
    "We have found a peer who would like to talk with you. See who they are, then say yes or "
    "no. If you say no, we will look for someone else."
)


PEER_WAITING_LABEL = gettext_lazy("A peer is waiting for your answer")


def status_seen(status: str) -> TriageStatus:
    seen = TriageStatus(status)
    return AS_THE_PARTICIPANT_SEES.get(seen, seen)


def peer_state(support_request: SupportRequest) -> str:
    """What the support app says of the request's match: "waiting" (a peer said yes and waits for
    the participant's answer), "active", or "". First, a proposal that lapsed sends the request
    back to the queue, so the status read afterwards says so. A request no longer open has no
    peer to show, whatever a match says."""
    peer = peer_on_participant_home(support_request)
    return peer if support_request.is_open else ""


def status_now(support_request: SupportRequest, peer: str) -> str:
    """The one status, in words, given `peer_state`."""
    if peer == "waiting":
        return str(PEER_WAITING_IN_WORDS)
    seen = status_seen(support_request.status)
    return str(STATUS_IN_WORDS.get(seen, seen.label))


METHOD_LABELS = dict(CONTACT_METHODS)
STRENGTH_WORDS = {"must": "this matters to you", "nice": "if possible"}
IDENTITY_LABELS = dict(IDENTITY_FLAGS)
SHOWN_PREFERENCES = frozenset(
    {"gender", "identity", "language", "city", "region", "career_stage", "practice_area"}
    | {"practice_area_value"}
)


def _rate_key(request: HttpRequest, value: str) -> str:
    # Keyed, so the cache table (which keeps expired rows a while) never holds a plain hash
    # of an address and an email or reference that anyone could confirm by guessing.
    return keys.blind_index("rate-limit", f"{ratelimit.get_ip(request)}|{value}")


def _consume(request: HttpRequest, action: str, value: str) -> ratelimit.RateLimitUsage | None:
    return ratelimit.consume(
        request, app=RATE_APP, action=action, config=RATES, key=_rate_key(request, value)
    )


def _with_limits(context: dict[str, Any]) -> dict[str, Any]:
    """The sign-in pages say when a participant session ends."""
    return {
        **context,
        "idle_minutes": participant_access.PARTICIPANT_IDLE_MINUTES,
        "max_hours": participant_access.PARTICIPANT_MAX_HOURS,
    }


def _throttled(request: HttpRequest, template: str, form: Any, message: str) -> HttpResponse:
    """The form as typed, with a calm word about waiting, and 429 for machines."""
    form.add_error(None, message)
    response = render(request, template, _with_limits({"form": form}), status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- Signing in and out ------------------------------------------------------------------------


@allow(PUBLIC)
def sign_in(request: HttpRequest) -> HttpResponse:
    if getattr(request, "participant_access", None) is not None:
        return redirect("intake:my_home")
    template = "intake/participant/sign_in.html"
    form = SignInForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, template, _with_limits({"form": form}))
    reference = passphrases.normalise_reference(form.cleaned_data["reference"])
    usage = _consume(request, SIGN_IN, reference)
    if usage is None:
        return _throttled(request, template, form, TOO_MANY)
    support_request = participant_access.sign_in_with_passphrase(
        reference, form.cleaned_data["passphrase"]
    )
    if support_request is None:
        audit.record(AuditAction.SIGN_IN_FAILED, object_type="participant_sign_in")
        form.add_error(None, NO_MATCH)
        return render(request, template, _with_limits({"form": form}))
    usage.rollback()  # only failures count towards the limit
    participant_access.start_session(request, support_request)
    return redirect("intake:my_home")


@allow(PUBLIC)
def code_request(request: HttpRequest) -> HttpResponse:
    if getattr(request, "participant_access", None) is not None:
        return redirect("intake:my_home")
    template = "intake/participant/code_request.html"
    form = CodeRequestForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, template, _with_limits({"form": form}))
    email = form.cleaned_data["email"]
    # Counted whether or not the address is known, so the limit says nothing about it either.
    if _consume(request, CODE_REQUEST, email.strip().lower()) is None:
        return _throttled(request, template, form, str(TOO_MANY_CODES))
    participant_access.send_sign_in_code(email)
    messages.info(request, str(CODE_ASKED_FOR))
    return redirect("intake:my_code_enter")


@allow(PUBLIC)
def code_enter(request: HttpRequest) -> HttpResponse:
    if getattr(request, "participant_access", None) is not None:
        return redirect("intake:my_home")
    template = "intake/participant/code_enter.html"
    form = CodeEnterForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, template, _with_limits({"form": form}))
    email = form.cleaned_data["email"]
    usage = _consume(request, CODE_ENTER, email.strip().lower())
    if usage is None:
        return _throttled(request, template, form, TOO_MANY)
    support_request = participant_access.sign_in_with_code(
        email, form.cleaned_data["code"], client=ratelimit.get_ip(request)
    )
    if support_request is None:
        audit.record(AuditAction.SIGN_IN_FAILED, object_type="participant_sign_in")
        form.add_error(None, CODE_NO_MATCH)
        return render(request, template, _with_limits({"form": form}))
    usage.rollback()
    participant_access.start_session(request, support_request)
    return redirect("intake:my_home")


@allow(PARTICIPANT)
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("intake:my_home")
    participant_access.end_session(request)
    messages.info(
        request,
        "You have signed out. To see your request again, sign in with your reference and "
        "passphrase.",
    )
    return redirect("intake:my_sign_in")


# --- Their request -----------------------------------------------------------------------------


@allow(PARTICIPANT)
def home(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    peer = peer_state(support_request)
    openings = queries.staff_openings(support_request)
    return render(
        request,
        "intake/participant/home.html",
        {
            "support_request": support_request,
            "status_in_words": status_now(support_request, peer),
            "asked_for": asked_for(support_request),
            "contact_lines": contact_lines(support_request.contact),
            "openings": openings[:HOME_OPENINGS],
            "more_openings": len(openings) > HOME_OPENINGS,
            "idle_minutes": participant_access.PARTICIPANT_IDLE_MINUTES,
            "max_hours": participant_access.PARTICIPANT_MAX_HOURS,
            "peer": peer,
        },
    )


@allow(PARTICIPANT)
def contact(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    stored = dict(support_request.contact or {})
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            actions.update_contact(support_request, form.contact(stored))
            messages.success(request, "Saved. We will contact you the way you chose.")
            return redirect("intake:my_home")
    else:
        form = ContactForm(initial=ContactForm.initial_from(stored))
    return render(request, "intake/participant/contact.html", {"form": form})


@allow(PARTICIPANT)
def sign_in_email(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    current = support_request.sign_in_email
    form = SignInEmailForm(initial={"email": current})
    if request.method == "POST":
        if "remove" in request.POST:
            if current:
                actions.set_sign_in_email(support_request, "")
                messages.success(
                    request,
                    "The address is removed. You can still sign in with your reference and "
                    "passphrase.",
                )
            return redirect("intake:my_home")
        form = SignInEmailForm(request.POST)
        if form.is_valid():
            actions.set_sign_in_email(support_request, form.cleaned_data["email"])
            messages.success(request, "Saved. Sign-in codes will go to this address.")
            return redirect("intake:my_home")
    return render(
        request, "intake/participant/sign_in_email.html", {"form": form, "current": current}
    )


@allow(PARTICIPANT)
def withdraw(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    if request.method == "POST" and support_request.is_open:
        actions.withdraw(support_request)
        messages.success(
            request,
            "Your request is withdrawn. You are welcome to ask for support again at any time.",
        )
        return redirect("intake:my_home")
    return render(
        request,
        "intake/participant/withdraw.html",
        {
            "support_request": support_request,
            "crisis_resources": crisis_resources(support_request),
        },
    )


@allow(PARTICIPANT)
def copy(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    actions.record_export(support_request, what="a copy of their data (on screen)")
    return render(
        request,
        "intake/participant/copy.html",
        {
            "support_request": support_request,
            "asked_for": asked_for(support_request),
            "contact_lines": contact_lines(support_request.contact),
            "history": status_history(support_request),
            "openings": queries.staff_openings(support_request),
            "labels": field_labels(support_request, peer_state(support_request)),
        },
    )


@allow(PARTICIPANT)
def download(request: HttpRequest) -> HttpResponse:
    # POST only: a link from another site must not drop a file of everything onto a shared
    # computer.
    if request.method != "POST":
        return redirect("intake:my_copy")
    support_request = own_request(request)
    actions.record_export(support_request, what="a copy of their data (JSON file)")
    data = own_data(support_request, peer_state(support_request))
    content = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    # A neutral file name: no reference or name in the downloads folder.
    response["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}"'
    return response


@allow(PARTICIPANT)
def delete(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    if request.method == "POST" and support_request.deletion_requested_at is None:
        actions.request_deletion(support_request)
        messages.success(request, str(DELETION_ASKED) % {"days": DELETION_ANSWER_DAYS})
        return redirect("intake:my_home")
    return render(
        request,
        "intake/participant/delete.html",
        {"support_request": support_request, "answer_within_days": DELETION_ANSWER_DAYS},
    )


# --- What they told us, in their words and ours ------------------------------------------------


def topic_names(slugs: Iterable[str]) -> list[str]:
    slugs = list(slugs)
    names = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [names.get(slug, slug.replace("-", " ").capitalize()) for slug in slugs]


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value)) if value else ""


def _wish(value: Any) -> tuple[str, str]:
    """A preference stored as {"value": …, "strength": "must"|"nice"} or as a plain value."""
    if isinstance(value, dict):
        return _plain(value.get("value") or ""), STRENGTH_WORDS.get(str(value.get("strength")), "")
    return ("" if value in (None, False) else _plain(value)), ""


def _with_strength(text: str, strength: str) -> str:
    return f"{text} ({strength})" if strength else text


def _identity_labels(value: Any) -> Any:
    """The shared identities chosen (stored as flags) in words: "indigenous" → "Indigenous"."""
    if isinstance(value, dict) and isinstance(value.get("value"), list):
        return {**value, "value": [IDENTITY_LABELS.get(str(v), v) for v in value["value"]]}
    if isinstance(value, list):
        return [IDENTITY_LABELS.get(str(v), v) for v in value]
    return value


def _in_brackets(text: str) -> str:
    return f" ({text})" if text else ""


def preference_lines(preferences: dict[str, Any]) -> list[str]:
    """Their wishes about a peer, in plain words; anything unexpected is still shown."""
    lines: list[str] = []
    gender, strength = _wish(preferences.get("gender"))
    if gender:
        lines.append(_with_strength(f"Your peer's gender: {gender}", strength))
    identity, strength = _wish(_identity_labels(preferences.get("identity")))
    if identity:
        lines.append(_with_strength(f"A peer who shares this with you: {identity}", strength))
    language, strength = _wish(preferences.get("language"))
    if language:
        lines.append(_with_strength(f"Language to talk in: {language}", strength))
    region, _ = _wish(preferences.get("region"))
    city = preferences.get("city")
    if city == "same":
        lines.append("A peer in your city or region" + _in_brackets(region))
    elif city == "different":
        lines.append("A peer somewhere else, not in your city or region" + _in_brackets(region))
    elif region:
        lines.append(f"Your city or region: {region}")
    if preferences.get("career_stage") is True:
        lines.append("A peer at a similar stage of their career")
    area, _ = _wish(preferences.get("practice_area_value"))
    practice = preferences.get("practice_area")
    if practice == "same":
        lines.append("A peer in the same area of practice as you" + _in_brackets(area))
    elif practice == "different":
        lines.append("A peer in a different area of practice from yours" + _in_brackets(area))
    elif area:
        lines.append(f"Your area of practice: {area}")
    for key, value in preferences.items():
        if key not in SHOWN_PREFERENCES and value not in (None, "", [], {}, False):
            lines.append(f"{key.replace('_', ' ').capitalize()}: {_plain(value)}")
    return lines


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def asked_for(support_request: SupportRequest) -> dict[str, Any]:
    return {
        "asker_kind": _label(AskerKind, support_request.asker_kind),
        "call_me": support_request.call_me,
        "topics": topic_names(support_request.topics or []),
        "how_soon": _label(HowSoon, support_request.how_soon),
        "preferences": preference_lines(support_request.preferences or {}),
        "avoid": [_plain(item) for item in support_request.avoid or []],
    }


def contact_lines(contact: dict[str, Any]) -> list[tuple[str, str]]:
    contact = contact or {}
    methods = [str(METHOD_LABELS.get(m, m)).lower() for m in contact.get("methods", [])]
    lines = [("How we may contact you", ", ".join(methods) or "You have not chosen yet")]
    if contact.get("phone"):
        lines.append(("Phone", str(contact["phone"])))
    personal_only = "only ever at a personal address, never at work"
    if contact.get("email"):
        email = str(contact["email"])
        lines.append(
            ("Email", f"{email} ({personal_only})" if contact.get("personal_email_only") else email)
        )
    elif contact.get("personal_email_only"):
        lines.append(("Email", personal_only.capitalize()))
    if contact.get("safe_times"):
        lines.append(("Safe times", str(contact["safe_times"])))
    lines.append(("May we leave a message", "Yes" if contact.get("leave_message") else "No"))
    return lines


def status_history(support_request: SupportRequest) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for change in support_request.status_changes.all():
        seen = status_seen(change.to_status)
        if lines and lines[-1]["seen"] == seen:
            continue  # "awaiting" → proposed → "awaiting" reads as one line
        lines.append(
            {
                "at": change.changed_at,
                "status": seen.label,
                "seen": seen,
                "by": WHO_CHANGED[change.by_participant],
            }
        )
    return lines


def status_label(support_request: SupportRequest, peer: str) -> str:
    if peer == "waiting":
        return str(PEER_WAITING_LABEL)
    return str(status_seen(support_request.status).label)


def field_labels(support_request: SupportRequest, peer: str) -> dict[str, str]:
    return {
        "status": status_label(support_request, peer),
        "channel": support_request.get_channel_display(),
        "risk_answer": _label(RiskAnswer, support_request.risk_answer),
    }


def crisis_resources(support_request: SupportRequest) -> list[CrisisLine]:
    return crisis_lines_for(support_request.program)


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def own_data(support_request: SupportRequest, peer: str) -> dict[str, Any]:
    """Everything stored about them, for the downloaded copy. The passphrase is not stored (only
    a one-way hash of it) and is not in the copy."""
    return {
        "about": "Everything the peer support program keeps about your request.",
        "reference": support_request.reference,
        "program": support_request.program.name,
        "asked_on": _when(support_request.created_at),
        "asked_by": _label(Channel, support_request.channel),
        "status": status_label(support_request, peer),
        "status_in_words": status_now(support_request, peer),
        "status_changed_on": _when(support_request.status_changed_at),
        "first_contact_on": _when(support_request.first_contact_at),
        "flagged_for_a_quick_reply": support_request.urgent,
        "how_soon": _label(HowSoon, support_request.how_soon),
        "you_are": _label(AskerKind, support_request.asker_kind),
        "what_to_call_you": support_request.call_me,
        "topics": topic_names(support_request.topics or []),
        "what_you_told_us": support_request.free_text,
        "answer_to_the_safety_question": _label(RiskAnswer, support_request.risk_answer),
        "preferences_for_a_peer": support_request.preferences or {},
        "preferences_in_words": preference_lines(support_request.preferences or {}),
        "people_or_firms_to_avoid": support_request.avoid or [],
        "contact": support_request.contact or {},
        "sign_in_email": support_request.sign_in_email,
        "deletion_requested_on": _when(support_request.deletion_requested_at),
        "status_history": [
            {"on": _when(item["at"]), "status": item["status"], "by": item["by"]}
            for item in status_history(support_request)
        ],
        "staff_openings": [
            {"role": opening.role, "on": _when(opening.at)}
            for opening in queries.staff_openings(support_request)
        ],
        "copied_on": _when(timezone.now()),
    }
