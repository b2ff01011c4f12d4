"""Sign-in, sign-out and failed sign-ins go to the audit log; sessions remember their start."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kindred.confidential import audit
from kindred.confidential.models import AuditAction

SESSION_STARTED = "kindred_started_at"
SESSION_SEEN = "kindred_seen_at"


@receiver(user_logged_in)
def on_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        # An account signing in on a browser with a participant session ends that session.
        for key in ("kindred_participant_request", "kindred_participant_seen_at"):
            request.session.pop(key, None)
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
    audit.record(
        AuditAction.SIGN_IN,
        actor=audit.user_actor(user),
        object_type="account",
        object_id=user.pk,
    )


@receiver(user_logged_out)
def on_signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit.record(
        AuditAction.SIGN_OUT,
        actor=audit.user_actor(user),
        object_type="account",
        object_id=user.pk,
    )


@receiver(user_login_failed)
def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The address typed is never written down; the account it names, if any, is.
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    user_id = (
        get_user_model().objects.filter(email=email).values_list("pk", flat=True).first()
        if email
        else None
    )
    audit.record(
        AuditAction.SIGN_IN_FAILED,
        actor=audit.ANONYMOUS,
        object_type="account",
        object_id=user_id or "",
    )
