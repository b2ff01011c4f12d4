"""The public home page, the sign-in router, and the landing pages of each role that are not
another app's (staff home is support's: it gathers every app's work).

Here rather than in `web`, which holds only page furniture and imports no domain app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.accounts.middleware import has_second_factor
from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.confidential.access import PUBLIC, SIGNED_IN, allow, roles


@allow(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@allow(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@allow(SIGNED_IN)
def start(request: AuthenticatedRequest) -> HttpResponse:
    """Where sign-in lands: each role's own home, most responsible role first."""
    user = request.user
    if user.has_role(*PROGRAM_STAFF_ROLES):
        return redirect("staff_home")
    if user.has_role(Role.OPERATOR):
        return redirect("operator_status")
    if user.has_role(Role.REPORTING_VIEWER):
        return redirect("reports_home")
    if user.has_role(Role.VOLUNTEER):
        return redirect("volunteers:home")
    return render(request, "web/start.html")


@allow(SIGNED_IN)
def account_security(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "web/account.html", {"has_second_factor": has_second_factor(request.user)}
    )


@allow(SIGNED_IN)
def sign_in_email(request: AuthenticatedRequest) -> HttpResponse:
    """Replaces allauth's email page: Kindred sends no verification emails, so letting a session
    change its own sign-in address would turn a stolen session into a lasting takeover (with a
    password reset to the new address). The address is changed by the program instead."""
    return render(request, "web/sign_in_email.html")


@allow(roles(Role.REPORTING_VIEWER, Role.EXECUTIVE_DIRECTOR))
def reports_home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "web/reports_home.html")
