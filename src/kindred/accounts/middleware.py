"""Session lifetime (idle and absolute) and two-factor sign-in required for staff."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from kindred.accounts.signals import SESSION_SEEN, SESSION_STARTED

# Writing the "last seen" time on every request would rewrite the session row each time.
SEEN_RESOLUTION_SECONDS = 30
# When this session last told "Where you are signed in" it was active, and when it last found
# that its staff member has a second factor (both re-checked every SEEN_RESOLUTION_SECONDS).
ACTIVITY_RECORDED = "kindred_activity_recorded"
SECOND_FACTOR_SEEN = "kindred_second_factor_seen"


class SessionLifetimeMiddleware:
    """Staff are signed out after STAFF_IDLE_MINUTES idle; everyone after SESSION_MAX_HOURS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if now - started > settings.SESSION_MAX_HOURS * 3600:
                return self._end(
                    request,
                    "For your safety you were signed out after "
                    f"{settings.SESSION_MAX_HOURS} hours. Please sign in again.",
                )
            if user.is_staff_member and now - seen > settings.STAFF_IDLE_MINUTES * 60:
                return self._end(
                    request,
                    "For your safety you were signed out after "
                    f"{settings.STAFF_IDLE_MINUTES} minutes without activity.",
                )
            if now - seen > SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)

    def _end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        # Back to the same page after signing in again (a path on this site, never content).
        return redirect_to_login(request.get_full_path())


class UserActivityMiddleware:
    """allauth's "Where you are signed in" list (its UserSessionsMiddleware), with the session's
    IP and last-seen time written at most every SEEN_RESOLUTION_SECONDS rather than on every
    request: the same list, without a read and a write of its row on every page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            usersessions_settings.TRACK_ACTIVITY
            and request.session.session_key
            and request.user.is_authenticated
        ):
            now = time.time()
            if now - request.session.get(ACTIVITY_RECORDED, 0) > SEEN_RESOLUTION_SECONDS:
                UserSession.objects.create_from_request(request)
                request.session[ACTIVITY_RECORDED] = now
        return self.get_response(request)


def has_second_factor(user: object) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class StaffTwoFactorMiddleware:
    """A staff member without a second factor can only set one up (or sign out)."""

    ALLOWED_URL_NAMES = (
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed_paths: set[str] | None = None

    def _allowed(self) -> set[str]:
        if self._allowed_paths is None:
            self._allowed_paths = {reverse(name) for name in self.ALLOWED_URL_NAMES}
        return self._allowed_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff_member
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in self._allowed()
            and not self._second_factor_seen(request)
        ):
            messages.warning(
                request,
                "Staff accounts must use two-step sign-in. Set up an authenticator app to go on.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _second_factor_seen(request: HttpRequest) -> bool:
        """Whether the staff member has a second factor, looked up at most every
        SEEN_RESOLUTION_SECONDS per session (removing the last one is felt within that time)."""
        now = time.time()
        if now - request.session.get(SECOND_FACTOR_SEEN, 0) <= SEEN_RESOLUTION_SECONDS:
            return True
        if has_second_factor(request.user):
            request.session[SECOND_FACTOR_SEEN] = now
            return True
        return False
