"""Reads of matches and tasks for staff pages, scoped to the programs a coordinator or director
runs: the match file and task list here, and the pieces other apps' staff pages show of matches
(a request's matches, a volunteer's matches and hours, the open tasks on staff home).

They live here, not in a view module, because a page never imports another app's page: the
intake and volunteer pages and staff home ask this module instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, QuerySet, Sum, Value, When

from kindred.accounts.models import AuthenticatedRequest
from kindred.accounts.queries import programs_run_by
from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.intake.models import SupportRequest
from kindred.support.models import (
    OPEN_MATCH_STATUSES,
    ContactLog,
    CoordinatorTask,
    Exclusion,
    Match,
    TaskKind,
)
from kindred.support.queries import duration_in_words
from kindred.volunteers.models import VolunteerProfile

# How many open tasks staff home names, after the count.
HOME_TASKS_SHOWN = 5


# --- Who sees what --------------------------------------------------------------------------


def matches_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[Match]:
    """Matches of the programs this coordinator or director runs; never another program's."""
    return Match.objects.filter(program__in=programs_run_by(request))


def tasks_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[CoordinatorTask]:
    return CoordinatorTask.objects.filter(program__in=programs_run_by(request))


# --- Contacts and tasks ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContactSummary:
    """That conversations happened: how many, how long in all, the last one. Never content."""

    count: int
    minutes: int
    last_on: date | None

    @property
    def total(self) -> str:
        return duration_in_words(self.minutes)


def contact_summary(contacts: QuerySet[ContactLog]) -> ContactSummary:
    totals = contacts.aggregate(count=Count("pk"), minutes=Sum("minutes"), last=Max("on"))
    return ContactSummary(totals["count"], totals["minutes"] or 0, totals["last"])


def _safety_first() -> Case:
    return Case(
        When(kind=TaskKind.SAFETY_CONCERN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def open_tasks_in_order(tasks: QuerySet[CoordinatorTask]) -> QuerySet[CoordinatorTask]:
    """Open tasks, safety concerns first, then the newest."""
    return tasks.filter(resolved_at__isnull=True).order_by(_safety_first(), "-created_at", "pk")


@dataclass(frozen=True)
class OpenTasks:
    count: int
    newest: list[CoordinatorTask]


def open_tasks_summary(request: AuthenticatedRequest) -> OpenTasks:
    """For staff home: how many tasks are open, and the first few (kind, date, reference:
    nothing anyone wrote, so nothing to audit)."""
    tasks = open_tasks_in_order(tasks_visible_to_staff(request))
    newest = list(
        tasks.select_related("request").only("id", "kind", "created_at", "request__reference")[
            :HOME_TASKS_SHOWN
        ]
    )
    count = len(newest) if len(newest) < HOME_TASKS_SHOWN else tasks.count()
    return OpenTasks(count, newest)


def request_matches(
    request: AuthenticatedRequest, support_request: SupportRequest
) -> dict[str, Any]:
    """The "Matches" section of a request's file: the open match, earlier ones with their
    outcome, and the volunteers never to be proposed again, with why. Lapse the request's
    overdue proposals first (`support.lapsing`), so the file's status and this section
    agree."""
    matches = list(
        support_request.matches.select_related("volunteer", "volunteer__data_key").order_by(
            "-proposed_at", "pk"
        )
    )
    exclusions = list(
        Exclusion.objects.filter(request=support_request)
        .select_related("volunteer", "volunteer__data_key")
        .order_by("created_at", "pk")
    )
    names_shown = {match.volunteer_id for match in matches} | {e.volunteer_id for e in exclusions}
    audit.record_many(
        AuditAction.VIEW,
        [audit.Subject("volunteer", pk, support_request.program_id) for pk in sorted(names_shown)],
        actor=audit.actor_for(request),
        purpose="request file: matches",
    )
    return {
        "open_match": next((m for m in matches if m.status in OPEN_MATCH_STATUSES), None),
        "past_matches": [m for m in matches if m.status not in OPEN_MATCH_STATUSES],
        "exclusions": exclusions,
    }


def has_open_match(support_request: SupportRequest) -> bool:
    return Match.objects.filter(request=support_request, status__in=OPEN_MATCH_STATUSES).exists()


@dataclass(frozen=True)
class VolunteerMatches:
    matches: list[Match]
    contacts: ContactSummary


def volunteer_matches(volunteer: VolunteerProfile) -> VolunteerMatches:
    """A volunteer's matches (status and dates; of the participant, only the request's
    reference) and their hours: the minutes of every contact they logged."""
    matches = list(
        volunteer.matches.select_related(None)
        .select_related("request")
        .only(
            "id",
            "status",
            "proposed_at",
            "activated_at",
            "ended_at",
            "closure_reason",
            "request__reference",
        )
        .order_by("-proposed_at", "pk")
    )
    return VolunteerMatches(
        matches, contact_summary(ContactLog.objects.filter(volunteer=volunteer))
    )
