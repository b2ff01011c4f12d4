"""Reads of volunteer data, scoped to who is asking, and the one `is_matchable` rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kindred.accounts.models import AuthenticatedRequest
from kindred.accounts.queries import programs_run_by
from kindred.programs.models import Program
from kindred.volunteers import pool
from kindred.volunteers.matchability import Matchability, evaluate
from kindred.volunteers.models import PoolEntry, VolunteerProfile, WellbeingCheck

# The rules, the facts and the prefetching they need live with the pool that keeps them; they
# are read from here too, where every other read of volunteers is.
ProgramRules = pool.ProgramRules
RulesCache = pool.RulesCache
open_match_count = pool.open_match_count
volunteer_facts = pool.volunteer_facts
with_matchability_data = pool.with_matchability_data

EXPIRING_WITHIN_DAYS = 30


def is_matchable(
    volunteer: VolunteerProfile, at: datetime | None = None, *, rules: RulesCache | None = None
) -> Matchability:
    """Yes or no, with the reason: the one rule every part of Kindred asks."""
    today = timezone.localdate(at) if at is not None else timezone.localdate()
    cache = rules if rules is not None else RulesCache()
    return evaluate(volunteer_facts(volunteer, cache.for_program(volunteer.program)), today)


def volunteers_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[VolunteerProfile]:
    """Volunteers of the programs this coordinator or director runs; nobody else's."""
    return VolunteerProfile.objects.filter(program__in=programs_run_by(request))


def own_profile(request: AuthenticatedRequest) -> VolunteerProfile:
    """The signed-in volunteer's own profile; a volunteer never reaches another's."""
    profile = with_matchability_data(VolunteerProfile.objects.filter(user=request.user)).first()
    if profile is None:
        raise Http404
    return profile


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    topic: str = ""  # a topic slug
    region: str = ""
    language: str = ""
    capacity_left: bool = False
    training_expiring: bool = False


def filtered_volunteers(
    queryset: QuerySet[VolunteerProfile], filters: ListFilters, today: date
) -> QuerySet[VolunteerProfile]:
    """The list's volunteers, filtered. Topic, region and language are sealed on each profile,
    so they are matched in each program's decrypted pool (kept per process) and become a list
    of primary keys; capacity left is a plain column of the pool; the database then orders and
    paginates."""
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.topic or filters.region or filters.language:
        program_ids = queryset.order_by().values_list("program_id", flat=True).distinct()
        chosen: list[int] = []
        for program in Program.objects.filter(pk__in=list(program_ids)).order_by("pk"):
            chosen += pool.entries_matching(
                pool.snapshot(program),
                topic=filters.topic,
                region=filters.region,
                language=filters.language,
            )
        queryset = queryset.filter(pk__in=chosen)
    if filters.capacity_left:
        # Capacity left = the program's cap and the volunteer's own choice both above their
        # open (proposed or active) matches, as the pool keeps them.
        queryset = queryset.filter(
            pk__in=PoolEntry.objects.filter(capacity_left__gt=0).values("volunteer_id")
        )
    if filters.training_expiring:
        queryset = queryset.filter(
            training_expires_on__gte=today,
            training_expires_on__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
        )
    return queryset.order_by("status", "applied_at", "pk")


def wellbeing_trend(volunteer: VolunteerProfile) -> list[WellbeingCheck]:
    return list(volunteer.wellbeing_checks.order_by("month"))


def wellbeing_dropped(checks: list[WellbeingCheck]) -> bool:
    """A gentle prompt for the coordinator: the newest answer is low, or fell by 2 or more."""
    if not checks:
        return False
    latest = checks[-1].score
    return latest <= 2 or (len(checks) > 1 and checks[-2].score - latest >= 2)


def volunteers_to_check_in_with(request: AuthenticatedRequest) -> list[VolunteerProfile]:
    """Volunteers whose well-being answers dropped, for the staff home page."""
    candidates = (
        volunteers_visible_to_staff(request)
        .filter(~Q(status__in=["declined", "retired"]), wellbeing_checks__isnull=False)
        .distinct()
        .select_related("data_key")
        .prefetch_related(
            Prefetch("wellbeing_checks", queryset=WellbeingCheck.objects.order_by("month"))
        )
    )
    return [
        volunteer
        for volunteer in candidates
        if wellbeing_dropped(list(volunteer.wellbeing_checks.all()))
    ]
