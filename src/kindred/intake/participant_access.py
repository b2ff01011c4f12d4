"""How a participant, who has no account, reaches their own request.

Signing in with the reference and passphrase, or with a code emailed to the address they chose,
puts the request's id in the session (with a fresh session key). A middleware then hands the
request to views as `request.participant_access`; the access rule PARTICIPANT admits only that.
Participant sessions end after PARTICIPANT_IDLE_MINUTES without activity, for shared computers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse

from kindred.confidential import audit, keys
from kindred.confidential.models import AuditAction
from kindred.intake import passphrases
from kindred.intake.models import SupportRequest

logger = logging.getLogger(__name__)

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


def _request_for_code(email: str) -> SupportRequest | None:
    """The one request with this sign-in address. None if there is none, or more than one: the
    address is not verified, so a second request naming it (perhaps someone else's) must never
    turn a code into access to the wrong request."""
    if not email.strip():
        return None
    index = keys.blind_index("participant-email", email)
    matches = list(SupportRequest.objects.filter(sign_in_email_index=index)[:2])
    return matches[0] if len(matches) == 1 else None


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


def send_sign_in_code(email: str) -> None:
    """Email a one-time code if exactly one request has this sign-in address; say nothing
    either way, and take the same time either way."""
    if _request_for_code(email) is None:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_key(email), _digest(code), CODE_SECONDS)
    address = email.strip()
    deliver_later(
        lambda: send_mail(
            "Your sign-in code",
            f"Your code is {code}. It works once, for 10 minutes.\n\n"
            "If you did not ask for it, you can ignore this email.\n",
            None,
            [address],
        )
    )


def _attempts_key(email: str) -> str:
    return _code_key(email) + ":attempts"


def sign_in_with_code(email: str, code: str) -> SupportRequest | None:
    """A code works once. Wrong guesses are counted per address for an hour, across new codes,
    so asking for fresh codes never buys more guesses; past CODE_ATTEMPTS, codes stop working
    for that hour (the passphrase still does)."""
    attempts = _attempts_key(email)
    cache.add(attempts, 0, 3600)
    try:
        tries = cache.incr(attempts)
    except ValueError:  # expired between add and incr
        cache.add(attempts, 1, 3600)
        tries = 1
    if tries > CODE_ATTEMPTS:
        return None
    expected = cache.get(_code_key(email))
    if not expected or not hmac.compare_digest(expected, _digest(code.strip())):
        return None
    cache.delete(_code_key(email))  # one use
    cache.delete(attempts)
    return _request_for_code(email)


def start_session(request: HttpRequest, support_request: SupportRequest) -> None:
    if request.user.is_authenticated:
        # A staff or volunteer account is never also a participant session.
        logout(request)
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
