"""How a participant, who has no account, reaches their own request.

Signing in with the reference and passphrase, or with a code emailed to the address they chose,
puts the request's id in the session (with a fresh session key). A middleware then hands the
request to views as `request.participant_access`; the access rule PARTICIPANT admits only that.
Participant sessions end after PARTICIPANT_IDLE_MINUTES without activity, for shared computers,
and PARTICIPANT_MAX_HOURS after sign-in whatever the activity, so a session that someone else
keeps alive (a stolen cookie, a page left refreshing) still ends.

One address may be the sign-in address of several requests (the address is not verified, and
one person may ask more than once). Asking for a code then sends one email with a code for each
request, and each code opens only its own request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connections, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.confidential import audit, keys
from kindred.confidential.models import AuditAction
from kindred.intake import passphrases
from kindred.intake.models import SupportRequest

logger = logging.getLogger(__name__)

SESSION_KEY = "kindred_participant_request"
SESSION_SEEN = "kindred_participant_seen_at"
SESSION_STARTED = "kindred_participant_started_at"
PARTICIPANT_IDLE_MINUTES = 30
# Never longer than 12 hours, shorter if the installation's own session limit is shorter.
PARTICIPANT_MAX_HOURS = min(12, settings.SESSION_MAX_HOURS)
CODE_SECONDS = 10 * 60
CODE_ATTEMPTS = 5
# More than this many requests on one address is not one person asking again: the email keeps
# to the most recent ones rather than growing without end.
MOST_CODES_IN_ONE_EMAIL = 10


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


def _requests_for_code(email: str) -> list[SupportRequest]:
    """The requests with this sign-in address, most recent first."""
    if not email.strip():
        return []
    index = keys.blind_index("participant-email", email)
    return list(
        SupportRequest.objects.filter(sign_in_email_index=index).order_by("-created_at", "-pk")[
            :MOST_CODES_IN_ONE_EMAIL
        ]
    )


_deliveries: list[threading.Thread] = []


def deliver_later(send: Callable[[], object]) -> None:
    """Send after the response, so how long a request takes says nothing about whether an
    address is on a request (an SMTP exchange takes far longer than a look-up)."""
    thread = threading.Thread(target=_send_quietly, args=(send,), daemon=True)
    _deliveries.append(thread)
    transaction.on_commit(thread.start)


def _send_quietly(send: Callable[[], object]) -> None:
    try:
        send()
    except Exception as error:
        logger.error("a sign-in code could not be sent (%s)", type(error).__name__)
    finally:
        connections.close_all()


def wait_for_deliveries(timeout: float = 10) -> None:
    """For tests and orderly shutdown: wait for codes being sent."""
    while _deliveries:
        thread = _deliveries.pop()
        if thread.is_alive() or not thread.ident:
            thread.join(timeout)


def _new_codes(count: int) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in codes:  # two requests never share a code
            codes.append(code)
    return codes


def _code_email(requests_and_codes: list[tuple[SupportRequest, str]]) -> tuple[str, str]:
    """Subject and body. Nothing about a program or a topic: a work inbox may be read by others.
    With several requests, each code is named by its request's reference and the day it was
    asked for (neither is secret, and they tell the person which is which)."""
    if len(requests_and_codes) == 1:
        code = requests_and_codes[0][1]
        body = _(
            "Your code is %(code)s. It works once, for 10 minutes.\n\n"
            "If you did not ask for it, you can ignore this email.\n"
        ) % {"code": code}
        return _("Your sign-in code"), body
    lines = [
        _("%(reference)s (asked on %(day)s): %(code)s")
        % {
            "reference": support_request.reference,
            "day": date_format(timezone.localtime(support_request.created_at), "j F Y"),
            "code": code,
        }
        for support_request, code in requests_and_codes
    ]
    intro = ngettext(
        "This address is on %(count)d request, so here is a code for it.",
        "This address is on %(count)d requests, so here is a code for each. Each code opens "
        "only its own request.",
        len(requests_and_codes),
    ) % {"count": len(requests_and_codes)}
    body = (
        intro
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + _(
            "Each code works once, for 10 minutes.\n\n"
            "If you did not ask for them, you can ignore this email.\n"
        )
    )
    return _("Your sign-in codes"), body


def send_sign_in_code(email: str) -> None:
    """Email a one-time code for each request with this sign-in address (one email, however many
    requests); say nothing either way, and take the same time either way. Each code opens only
    its own request. A new ask replaces the codes sent before."""
    found = _requests_for_code(email)
    if not found:
        return
    pairs = list(zip(found, _new_codes(len(found)), strict=True))
    cache.set(
        _code_key(email),
        {str(support_request.pk): _digest(code) for support_request, code in pairs},
        CODE_SECONDS,
    )
    subject, body = _code_email(pairs)
    address = email.strip()
    deliver_later(lambda: send_mail(subject, body, None, [address]))


def _attempts_key(email: str, client: str) -> str:
    # Per (client address, email): wrong codes typed elsewhere never lock the person out.
    return "intake:sign-in-code-attempts:" + keys.blind_index(
        "participant-code-attempts", f"{client}|{email}"
    )


def sign_in_with_code(email: str, code: str, *, client: str) -> SupportRequest | None:
    """The request whose code this is, once. Wrong guesses are counted per (client address,
    email) for an hour, across new codes, so asking for fresh codes never buys more guesses;
    past CODE_ATTEMPTS, codes stop working from that client address for that hour (the
    passphrase still does, and the person at their own address is never locked out by someone
    else's guesses)."""
    attempts = _attempts_key(email, client)
    cache.add(attempts, 0, 3600)
    try:
        tries = cache.incr(attempts)
    except ValueError:  # expired between add and incr
        cache.add(attempts, 1, 3600)
        tries = 1
    if tries > CODE_ATTEMPTS:
        return None
    stored = cache.get(_code_key(email))
    if not isinstance(stored, dict):
        return None
    digest = _digest(code.strip())
    matched = [pk for pk, expected in stored.items() if hmac.compare_digest(expected, digest)]
    if not matched:
        return None
    pk = matched[0]
    remaining = {key: value for key, value in stored.items() if key != pk}
    if remaining:  # one use: the other requests' codes still work until they expire
        cache.set(_code_key(email), remaining, CODE_SECONDS)
    else:
        cache.delete(_code_key(email))
    cache.delete(attempts)
    # The address may have been changed or removed since the code was sent: then it opens
    # nothing.
    return SupportRequest.objects.filter(
        pk=pk, sign_in_email_index=keys.blind_index("participant-email", email)
    ).first()


def start_session(request: HttpRequest, support_request: SupportRequest) -> None:
    if request.user.is_authenticated:
        # A staff or volunteer account is never also a participant session.
        logout(request)
    request.session.cycle_key()  # a new session id at sign-in
    now = time.time()
    request.session[SESSION_KEY] = str(support_request.pk)
    request.session[SESSION_SEEN] = now
    request.session[SESSION_STARTED] = now
    audit.record(
        AuditAction.SIGN_IN,
        actor=audit.Actor("participant", str(support_request.pk), "participant"),
        object_type="support_request",
        object_id=support_request.pk,
        program_id=support_request.program_id,
    )


def own_request(request: HttpRequest) -> SupportRequest:
    """The signed-in participant's own request: the only one a participant's pages (intake's
    and support's) ever show."""
    support_request: SupportRequest | None = getattr(request, "participant_access", None)
    if support_request is None:  # the access rule lets no one else in; fail closed regardless
        raise Http404
    return support_request


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
            now = time.time()
            seen = request.session.get(SESSION_SEEN, 0)
            # A session begun before sign-in recorded its start counts from its last activity.
            started = request.session.setdefault(SESSION_STARTED, seen)
            if (
                now - seen > PARTICIPANT_IDLE_MINUTES * 60
                or now - started > PARTICIPANT_MAX_HOURS * 3600
            ):
                for key in (SESSION_KEY, SESSION_SEEN, SESSION_STARTED):
                    request.session.pop(key, None)
            else:
                request.participant_access = (  # type: ignore[attr-defined]
                    SupportRequest.objects.select_related("program", "data_key")
                    .filter(pk=request_id)
                    .first()
                )
                if now - seen > 30:
                    request.session[SESSION_SEEN] = now
        return self.get_response(request)
