"""What the coordinator sees when matching: the ranked, explained candidates for one request,
who was left out and why, and the best plan for everyone waiting. The engine proposes and
explains; the coordinator decides (kindred.support.actions.propose_match)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from kindred.intake.models import SupportRequest, TriageStatus
from kindred.matching import engine
from kindred.matching.models import settings_for
from kindred.matching.pool import NoMainTopic, Pool, engine_request, load_pool
from kindred.programs.models import Program
from kindred.support.models import OPEN_MATCH_STATUSES, Exclusion, ExclusionReason, Match
from kindred.volunteers.models import VolunteerProfile

_CONFLICT_OF = {
    ExclusionReason.EARLIER_PEER: engine.Conflict.EARLIER_PEER,
    ExclusionReason.VOLUNTEER_DECLINED: engine.Conflict.VOLUNTEER_EXCLUSION,
    ExclusionReason.LAPSED: engine.Conflict.LAPSED_PROPOSAL,
}


def exclusions_for(request_ids: Sequence[Any]) -> dict[Any, dict[Any, engine.Conflict]]:
    """For each request, the volunteers it must never be proposed to again, and why."""
    found: dict[Any, dict[Any, engine.Conflict]] = defaultdict(dict)
    for request_id, volunteer_id, reason in Exclusion.objects.filter(
        request_id__in=list(request_ids)
    ).values_list("request_id", "volunteer_id", "reason"):
        found[request_id][volunteer_id] = _CONFLICT_OF[ExclusionReason(reason)]
    return found


@dataclass(frozen=True)
class Candidate:
    volunteer: VolunteerProfile
    score: int
    percent: int  # of the best possible score for this request, for the bar
    reasons: tuple[engine.Contribution, ...]


@dataclass(frozen=True)
class LeftOut:
    volunteer: VolunteerProfile
    reason: str


@dataclass(frozen=True)
class Ranking:
    candidates: tuple[Candidate, ...]
    left_out: tuple[LeftOut, ...]
    best_possible: int
    has_topic: bool = True


def _reason(pool: Pool, row: int, explanation: engine.Explanation) -> str:
    # is_matchable's own words ("training expired", "paused until …") say more than the
    # engine's "not matchable at the moment".
    return pool.unmatchable.get(row) or explanation.excluded_because or ""


def rank_for(
    support_request: SupportRequest,
    *,
    k: int = 10,
    near: int = 5,
    at: datetime | None = None,
) -> Ranking:
    """The k best volunteers for a request, each with the sentences that make up its score,
    and the `near` best of those a hard constraint rules out, each with the reason."""
    program = support_request.program
    weights = settings_for(program).weights
    pool = load_pool(program, [support_request], at=at)
    try:
        wanted = engine_request(
            support_request, pool, excluded=exclusions_for([support_request.pk])[support_request.pk]
        )
    except NoMainTopic:
        return Ranking((), (), 0, has_topic=False)
    best = max(engine.best_possible(wanted, weights), 1)
    candidates = []
    for row, score in engine.rank(wanted, pool.population, k, weights):
        explanation = engine.explain(wanted, pool.population, row, pool.vocabulary, weights)
        candidates.append(
            Candidate(
                volunteer=pool.volunteers[row],
                score=score,
                percent=min(100, round(100 * score / best)),
                reasons=explanation.contributions,
            )
        )
    left_out = []
    for row in engine.near_misses(wanted, pool.population, near, weights):
        explanation = engine.explain(wanted, pool.population, row, pool.vocabulary, weights)
        left_out.append(LeftOut(pool.volunteers[row], _reason(pool, row, explanation)))
    return Ranking(tuple(candidates), tuple(left_out), best)


class NotProposable(ValueError):
    """A pair that breaks a hard constraint; the message is safe to show to staff."""


def check_pair(
    support_request: SupportRequest, volunteer: VolunteerProfile, *, at: datetime | None = None
) -> tuple[int, list[str]]:
    """The score and reasons of one pair, or NotProposable with the first hard constraint it
    breaks. Called inside propose_match's locked transaction, so capacity is current."""
    pool = load_pool(support_request.program, [support_request], at=at, only=[volunteer.pk])
    if volunteer.pk not in pool.row_of:
        raise NotProposable("This volunteer is not active in this program.")
    try:
        wanted = engine_request(
            support_request, pool, excluded=exclusions_for([support_request.pk])[support_request.pk]
        )
    except NoMainTopic:
        raise NotProposable("This request has no topic yet: add one before proposing.") from None
    weights = settings_for(support_request.program).weights
    row = pool.row_of[volunteer.pk]
    explanation = engine.explain(wanted, pool.population, row, pool.vocabulary, weights)
    if not explanation.eligible:
        raise NotProposable(f"Not possible: {_reason(pool, row, explanation)}.")
    return explanation.score, [c.sentence for c in explanation.contributions]


def waiting_for_a_plan(program: Program) -> QuerySet[SupportRequest]:
    """Requests triaged as awaiting a match with no open proposal, in queue order."""
    open_match = Match.objects.filter(request=OuterRef("pk"), status__in=OPEN_MATCH_STATUSES)
    return (
        SupportRequest.objects.filter(program=program, status=TriageStatus.AWAITING_MATCH)
        .exclude(Exists(open_match))
        .select_related("data_key", "program")
        .order_by("-urgent", "-front_of_queue", "created_at", "pk")
    )


@dataclass(frozen=True)
class PlanRow:
    request: SupportRequest
    chosen: Candidate | None
    # Other feasible volunteers the coordinator may pick instead, best first.
    alternatives: tuple[Candidate, ...]
    has_topic: bool = True


@dataclass(frozen=True)
class BatchPlan:
    rows: tuple[PlanRow, ...]
    total_score: int
    certified: bool


def plan_for_waiting(
    program: Program, *, alternatives: int = 5, at: datetime | None = None, limit: int = 500
) -> BatchPlan:
    """The plan with the highest total score for everyone waiting (engine.assign), with a few
    alternatives per request so the coordinator can change it before anything is sent."""
    requests = list(waiting_for_a_plan(program)[:limit])
    weights = settings_for(program).weights
    pool = load_pool(program, requests, at=at)
    excluded = exclusions_for([r.pk for r in requests])
    wanted: list[engine.Request] = []
    rankable: list[int] = []
    for index, support_request in enumerate(requests):
        try:
            wanted.append(
                engine_request(support_request, pool, excluded=excluded[support_request.pk])
            )
            rankable.append(index)
        except NoMainTopic:
            continue
    plan = engine.assign(wanted, pool.population, weights)
    chosen_for = {i: (j, score) for i, j, score in plan.pairs}

    def candidate(request: engine.Request, row: int, score: int) -> Candidate:
        explanation = engine.explain(request, pool.population, row, pool.vocabulary, weights)
        best = max(engine.best_possible(request, weights), 1)
        return Candidate(
            pool.volunteers[row],
            score,
            min(100, round(100 * score / best)),
            explanation.contributions,
        )

    rows: list[PlanRow] = []
    by_request = dict(zip(rankable, range(len(wanted)), strict=True))
    for index, support_request in enumerate(requests):
        if index not in by_request:
            rows.append(PlanRow(support_request, None, (), has_topic=False))
            continue
        i = by_request[index]
        request = wanted[i]
        chosen = None
        if i in chosen_for:
            row, score = chosen_for[i]
            chosen = candidate(request, row, score)
        others = tuple(
            candidate(request, row, score)
            for row, score in engine.rank(request, pool.population, alternatives + 1, weights)
            if chosen is None or row != pool.row_of[chosen.volunteer.pk]
        )[:alternatives]
        rows.append(PlanRow(support_request, chosen, others))
    return BatchPlan(tuple(rows), plan.total_score, plan.certified)
