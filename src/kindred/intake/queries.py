"""Reads of requests and concerns, scoped to who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.confidential.models import ActorType, AuditAction, AuditEntry
from kindred.intake.models import OPEN_STATUSES, Concern, SupportRequest


def requests_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[SupportRequest]:
    """Requests of the programs this coordinator or director runs; never another program's."""
    programs = request.user.programs_with_role(*PROGRAM_STAFF_ROLES)
    return SupportRequest.objects.filter(program__in=programs)


def concerns_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[Concern]:
    programs = request.user.programs_with_role(*PROGRAM_STAFF_ROLES)
    return Concern.objects.filter(program__in=programs)


def queue(requests: QuerySet[SupportRequest], *, status: str = "") -> QuerySet[SupportRequest]:
    """Urgent first, then those back from a change of peer, then the longest waiting; open
    requests unless a status is asked for."""
    chosen = requests.filter(status=status) if status else requests.filter(status__in=OPEN_STATUSES)
    return chosen.select_related("data_key", "program").order_by(
        "-urgent", "-front_of_queue", "created_at", "pk"
    )


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
