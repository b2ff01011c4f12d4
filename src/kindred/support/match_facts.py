"""What support knows that matching and the kept pool need, handed down to them: each
volunteer's open match count, each request's exclusions, and who waits for a plan.

Matches live in support, above matching and volunteers, so those layers never read them: the
pool is told every new count (`pool_changed`, called by every action that opens or ends a
match), and matching is given the exclusions and the waiting requests by its caller.

Its own module, not support.queries: support.actions needs it too, and support.queries already
builds on support.actions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from kindred.intake.models import SupportRequest, TriageStatus
from kindred.matching import engine
from kindred.programs.models import Program
from kindred.support.models import OPEN_MATCH_STATUSES, Exclusion, ExclusionReason, Match
from kindred.volunteers import pool
from kindred.volunteers.models import VolunteerProfile

_CONFLICT_OF = {
    ExclusionReason.EARLIER_PEER: engine.Conflict.EARLIER_PEER,
    ExclusionReason.VOLUNTEER_DECLINED: engine.Conflict.VOLUNTEER_EXCLUSION,
    ExclusionReason.LAPSED: engine.Conflict.LAPSED_PROPOSAL,
}


def open_match_count(volunteer_id: Any) -> int:
    """Proposed and active matches: each holds one of the volunteer's places."""
    return Match.objects.filter(volunteer_id=volunteer_id, status__in=OPEN_MATCH_STATUSES).count()


def open_match_counts(program: Program) -> dict[Any, int]:
    """Every volunteer's open match count in a program, in one query (zero counts omitted)."""
    rows = (
        Match.objects.filter(program=program, status__in=OPEN_MATCH_STATUSES)
        .order_by()
        .values("volunteer_id")
        .annotate(total=Count("pk"))
        .values_list("volunteer_id", "total")
    )
    return dict(rows)


def pool_changed(volunteer: VolunteerProfile | Any) -> None:
    """A match of this volunteer was opened or ended: the pool keeps the new count, in the
    caller's transaction. Accepts a profile or its primary key."""
    profile = (
        volunteer
        if isinstance(volunteer, VolunteerProfile)
        else VolunteerProfile.objects.only("pk", "program_id").get(pk=volunteer)
    )
    pool.matches_changed(profile, open_matches=open_match_count(profile.pk))


def exclusions_for(request_ids: Sequence[Any]) -> dict[Any, dict[Any, engine.Conflict]]:
    """For each request, the volunteers it must never be proposed to again, and why."""
    found: dict[Any, dict[Any, engine.Conflict]] = defaultdict(dict)
    for request_id, volunteer_id, reason in Exclusion.objects.filter(
        request_id__in=list(request_ids)
    ).values_list("request_id", "volunteer_id", "reason"):
        found[request_id][volunteer_id] = _CONFLICT_OF[ExclusionReason(reason)]
    return found


def waiting_for_a_plan(program: Program) -> QuerySet[SupportRequest]:
    """Requests triaged as awaiting a match with no open proposal, in queue order."""
    open_match = Match.objects.filter(request=OuterRef("pk"), status__in=OPEN_MATCH_STATUSES)
    return (
        SupportRequest.objects.filter(program=program, status=TriageStatus.AWAITING_MATCH)
        .exclude(Exists(open_match))
        .select_related("data_key", "program")
        .order_by("-urgent", "-front_of_queue", "created_at", "pk")
    )
