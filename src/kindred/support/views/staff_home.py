"""Staff home: what needs a coordinator or director now, across every app (urgent items nobody
has opened, requests waiting, concerns, volunteers to check in with, open tasks). Support's,
because support is the highest domain app: it may read every app below it.

Counts, dates and references only, apart from the audited check-in list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.accounts.on_call import (
    installation_on_call_addresses,
    unstaffed_programs,
    whom_to_call,
)
from kindred.accounts.queries import programs_directed_by, programs_run_by
from kindred.confidential import audit
from kindred.confidential.access import allow, roles
from kindred.confidential.models import AuditAction
from kindred.intake.descriptions import waited
from kindred.intake.models import (
    WAITING_STATUSES,
    Concern,
    ConcernStatus,
    ConcernUrgency,
    SupportRequest,
    TriageStatus,
)
from kindred.intake.queries import (
    concerns_visible_to_staff,
    requests_visible_to_staff,
    unseen_danger_now_concerns,
    unseen_urgent_requests,
)
from kindred.support.staff_queries import open_tasks_summary
from kindred.volunteers.models import DebriefRequest
from kindred.volunteers.queries import (
    EXPIRING_WITHIN_DAYS,
    ListFilters,
    filtered_volunteers,
    volunteers_to_check_in_with,
    volunteers_visible_to_staff,
)

# The first few "Urgent, not yet seen" items of each kind; the count says how many in all.
UNSEEN_SHOWN = 20
UNSEEN_COLUMNS = (
    "id",
    "program_id",
    "program__name",
    "created_at",
    "alert_sent_at",
    "alert_failed",
)


@dataclass(frozen=True)
class Unseen:
    """One urgent item nobody on staff has opened: only what is needed to act, no content."""

    kind: str  # "request" or "concern"
    pk: object
    reference: str
    program_name: str
    waiting: str
    alert_sent_at: datetime | None
    alert_failed: bool
    may_open: bool  # the viewer runs its program, so its file opens for them
    call: list[str]  # otherwise, whom to tell: its program's coordinators and directors


def _unseen(request: AuthenticatedRequest, run: set[int]) -> dict[str, object]:
    """The installation-wide safety net at the top of every staff home page, in a fixed number
    of queries."""
    now = timezone.now()
    requests = list(
        unseen_urgent_requests()
        .select_related("program")
        .only(*UNSEEN_COLUMNS, "reference")
        .order_by("created_at", "pk")[:UNSEEN_SHOWN]
    )
    concerns = list(
        unseen_danger_now_concerns()
        .select_related("program")
        .only(*UNSEEN_COLUMNS)
        .order_by("created_at", "pk")[:UNSEEN_SHOWN]
    )
    items: list[SupportRequest | Concern] = [*requests, *concerns]
    others = {item.program_id for item in items if item.program_id not in run}
    contacts = whom_to_call(others) if others else {}

    def row(kind: str, item: SupportRequest | Concern, reference: str) -> Unseen:
        return Unseen(
            kind=kind,
            pk=item.pk,
            reference=reference,
            program_name=item.program.name,
            waiting=waited(item.created_at, now),
            alert_sent_at=item.alert_sent_at,
            alert_failed=item.alert_failed,
            may_open=item.program_id in run,
            call=contacts.get(item.program_id, []),
        )

    rows = [row("request", item, item.reference) for item in requests] + [
        row("concern", item, "") for item in concerns
    ]
    # Counted every time, so the page costs the same whatever the number.
    total = unseen_urgent_requests().count() + unseen_danger_now_concerns().count()
    return {
        "rows": rows,
        "total": total,
        # Whom to tell when a program has nobody (or nobody who may open it is looking).
        "on_call": installation_on_call_addresses() if others else [],
    }


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
    waiting_for_contact = Q(status__in=WAITING_STATUSES, first_contact_at__isnull=True)
    waiting = requests_visible_to_staff(request).aggregate(
        total=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
        first_contact=Count("pk", filter=waiting_for_contact),
        first_contact_urgent=Count("pk", filter=waiting_for_contact & Q(urgent=True)),
        alert_failed=Count("pk", filter=Q(status=TriageStatus.NEW, alert_failed=True)),
    )
    concerns = concerns_visible_to_staff(request).aggregate(
        open=Count("pk", filter=~Q(status=ConcernStatus.CLOSED)),
        now=Count("pk", filter=~Q(status=ConcernStatus.CLOSED) & Q(urgency=ConcernUrgency.NOW)),
        alert_failed=Count("pk", filter=Q(status=ConcernStatus.NEW, alert_failed=True)),
    )
    programs = list(programs_run_by(request))
    return render(
        request,
        "web/staff_home.html",
        {
            "unseen": _unseen(request, {program.pk for program in programs}),
            # Programs an urgent request could reach nobody of (as `kindred check` says).
            "unstaffed": list(unstaffed_programs().only("id", "name")),
            "programs": programs,
            "role_labels": [labels[name] for name in user.role_names()],
            "is_executive_director": is_director,
            "directed_programs": programs_directed_by(request) if is_director else [],
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
