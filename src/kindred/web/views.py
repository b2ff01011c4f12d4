"""The public home page, the sign-in router, and the landing pages of each role."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kindred.accounts.middleware import has_second_factor
from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.confidential import audit
from kindred.confidential.access import PUBLIC, SIGNED_IN, allow, roles
from kindred.confidential.models import AuditAction
from kindred.intake.models import WAITING_STATUSES, ConcernStatus, ConcernUrgency, TriageStatus
from kindred.intake.queries import concerns_visible_to_staff, requests_visible_to_staff
from kindred.support.views.staff import open_tasks_summary
from kindred.volunteers.models import DebriefRequest
from kindred.volunteers.queries import (
    EXPIRING_WITHIN_DAYS,
    ListFilters,
    filtered_volunteers,
    volunteers_to_check_in_with,
    volunteers_visible_to_staff,
)


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
    visible = volunteers_visible_to_staff(request)
    check_in = volunteers_to_check_in_with(request)
    # The gentle check-in list shows names: every volunteer shown is recorded.
    audit.record_many(
        AuditAction.VIEW,
        [audit.Subject("volunteer", volunteer.pk, volunteer.program_id) for volunteer in check_in],
        actor=audit.actor_for(request),
        purpose="check-in prompt",
    )
    is_director = user.has_role(Role.EXECUTIVE_DIRECTOR)
    # Counts only, in one query each: nothing anyone told us is shown here.
    waiting = requests_visible_to_staff(request).aggregate(
        total=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
        urgent=Count("pk", filter=Q(status__in=WAITING_STATUSES, urgent=True)),
        alert_failed=Count("pk", filter=Q(status=TriageStatus.NEW, alert_failed=True)),
    )
    concerns = concerns_visible_to_staff(request).aggregate(
        open=Count("pk", filter=~Q(status=ConcernStatus.CLOSED)),
        now=Count("pk", filter=~Q(status=ConcernStatus.CLOSED) & Q(urgency=ConcernUrgency.NOW)),
        alert_failed=Count("pk", filter=Q(status=ConcernStatus.NEW, alert_failed=True)),
    )
    return render(
        request,
        "web/staff_home.html",
        {
            "programs": user.programs_with_role(*PROGRAM_STAFF_ROLES),
            "role_labels": [labels[name] for name in user.role_names()],
            "is_executive_director": is_director,
            "directed_programs": user.programs_with_role(Role.EXECUTIVE_DIRECTOR)
            if is_director
            else [],
            "check_in": check_in,
            # Dates and links only: no name or note leaves the volunteer's file here.
            "open_debriefs": DebriefRequest.objects.filter(
                volunteer__in=visible, resolved_at__isnull=True
            )
            .only("id", "volunteer_id", "requested_at")
            .order_by("requested_at"),
            "training_expiring": filtered_volunteers(
                visible, ListFilters(training_expiring=True), timezone.localdate()
            ).count(),
            "expiring_days": EXPIRING_WITHIN_DAYS,
            "waiting": waiting,
            "concerns": concerns,
            # Kinds, dates and references: no task's note leaves the task list.
            "open_tasks": open_tasks_summary(request),
        },
    )


@allow(roles(Role.REPORTING_VIEWER, Role.EXECUTIVE_DIRECTOR))
def reports_home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "web/reports_home.html")
