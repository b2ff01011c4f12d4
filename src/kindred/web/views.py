"""The public home page, the sign-in router, and the landing pages of each role."""

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


@allow(roles(*PROGRAM_STAFF_ROLES))
def staff_home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    labels = dict(Role.choices)
    return render(
        request,
        "web/staff_home.html",
        {
            "programs": user.programs_with_role(*PROGRAM_STAFF_ROLES),
            "role_labels": [labels[name] for name in user.role_names()],
            "is_executive_director": user.has_role(Role.EXECUTIVE_DIRECTOR),
        },
    )


@allow(roles(Role.REPORTING_VIEWER, Role.EXECUTIVE_DIRECTOR))
def reports_home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "web/reports_home.html")
