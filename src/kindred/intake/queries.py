"""Reads of requests and concerns, scoped to who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.accounts.queries import programs_run_by
from kindred.confidential.models import ActorType, AuditAction, AuditEntry
from kindred.intake.models import (
    WAITING_STATUSES,
    Concern,
    ConcernUrgency,
    SupportRequest,
)


def requests_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[SupportRequest]:
    """Requests of the programs this coordinator or director runs; never another program's."""
    return SupportRequest.objects.filter(program__in=programs_run_by(request))


def concerns_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[Concern]:
    return Concern.objects.filter(program__in=programs_run_by(request))


def queue(requests: QuerySet[SupportRequest], *, status: str = "") -> QuerySet[SupportRequest]:
    """What needs a person now comes first: urgent requests still waiting for first contact,
    then the others waiting for first contact, oldest first, then the rest (urgent ones, then
    those back from a change of peer, then the oldest). By default only requests waiting for a
    peer (new, contacted, awaiting a match): one with a peer proposed or matched is not listed."""
    chosen = (
        requests.filter(status=status) if status else requests.filter(status__in=WAITING_STATUSES)
    )
    first_contact = Case(
        When(first_contact_at__isnull=True, urgent=True, then=Value(0)),
        When(first_contact_at__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return chosen.select_related("data_key", "program").order_by(
        first_contact, "-urgent", "-front_of_queue", "created_at", "pk"
    )


def unseen_urgent_requests() -> QuerySet[SupportRequest]:
    """Across the installation, on purpose: urgent requests no member of staff has opened yet.
    The safety net on every staff home page; callers read only plain columns."""
    return SupportRequest.objects.filter(urgent=True, first_seen_at__isnull=True)


def unseen_danger_now_concerns() -> QuerySet[Concern]:
    return Concern.objects.filter(urgency=ConcernUrgency.NOW, first_seen_at__isnull=True)


@dataclass(frozen=True)
class Opening:
    role: str
    at: datetime


ROLE_LABELS = dict(Role.choices)


def staff_openings(support_request: SupportRequest) -> list[Opening]:
    """When staff opened this request: role and date from the audit log, never names."""
    entries = AuditEntry.objects.filter(
        object_type="support_request",
        object_id=str(support_request.pk),
        action=AuditAction.VIEW,
        actor_type=ActorType.USER,
    ).order_by("-seq")
    return [
        Opening(
            # Only staff roles: a coordinator who also volunteers is not outed as a volunteer.
            ", ".join(
                str(ROLE_LABELS[role])
                for role in entry.actor_role.split(",")
                if role in PROGRAM_STAFF_ROLES
            )
            or "Staff",
            entry.at,
        )
        for entry in entries
    ]
