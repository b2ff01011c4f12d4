"""What the coordinator sees when matching: the ranked, explained candidates for one request,
who was left out and why, and the best plan for everyone waiting. The engine proposes and
explains; the coordinator decides (kindred.support.actions.propose_match)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kindred.intake.models import SupportRequest
from kindred.matching import engine
from kindred.matching.models import settings_for
from kindred.matching.pool import (
    NoMainTopic,
    Pool,
    engine_request,
    load_pool,
    pool_of_one,
    profiles_for,
)
from kindred.programs.models import Program
from kindred.volunteers.models import VolunteerProfile

# For each volunteer a request must never be proposed to again, why (an earlier peer, a
# decline, a lapsed proposal). Matches live above matching: the caller finds these
# (kindred.support.queries.exclusions_for) and passes them in.
Exclusions = Mapping[Any, engine.Conflict]


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
    # The taxonomy's names by slug, as the ranking read them: the page names the request's
    # topics from here rather than reading the topics again.
    topic_names: Mapping[str, str] = field(default_factory=dict)


def _reason(pool: Pool, row: int, explanation: engine.Explanation) -> str:
    # is_matchable's own words ("training expired", "paused until …") say more than the
    # engine's "not matchable at the moment".
    return pool.unmatchable.get(row) or explanation.excluded_because or ""


def rank_for(
    support_request: SupportRequest,
    *,
    excluded: Exclusions | None = None,
    k: int = 10,
    near: int = 5,
    at: datetime | None = None,
) -> Ranking:
    """The k best volunteers for a request, each with the sentences that make up its score,
    and the `near` best of those a hard constraint rules out, each with the reason. Reads the
    kept pool; loads the profiles of the volunteers shown only."""
    program = support_request.program
    weights = settings_for(program).weights
    pool = load_pool(program, [support_request], at=at)
    names = {slug: pool.vocabulary.topic(code) for slug, code in pool.topic_codes.items()}
    try:
        wanted = engine_request(support_request, pool, excluded=dict(excluded or {}))
    except NoMainTopic:
        return Ranking((), (), 0, has_topic=False, topic_names=names)
    best = max(engine.best_possible(wanted, weights), 1)
    ranked = engine.rank(wanted, pool.population, k, weights)
    missed = engine.near_misses(wanted, pool.population, near, weights)
    profiles = profiles_for(
        pool.volunteer_ids[row] for row in [r for r, _ in ranked] + list(missed)
    )
    candidates = []
    for row, score in ranked:
        profile = profiles.get(pool.volunteer_ids[row])
        if profile is None:
            continue  # deleted since the pool was read
        explanation = engine.explain(wanted, pool.population, row, pool.vocabulary, weights)
        candidates.append(
            Candidate(
                volunteer=profile,
                score=score,
                percent=min(100, round(100 * score / best)),
                reasons=explanation.contributions,
            )
        )
    left_out = []
    for row in missed:
        profile = profiles.get(pool.volunteer_ids[row])
        if profile is None:
            continue
        explanation = engine.explain(wanted, pool.population, row, pool.vocabulary, weights)
        left_out.append(LeftOut(profile, _reason(pool, row, explanation)))
    return Ranking(tuple(candidates), tuple(left_out), best, topic_names=names)


class NotProposable(ValueError):
    """A pair that breaks a hard constraint; the message is safe to show to staff."""


def check_pair(
    support_request: SupportRequest,
    volunteer: VolunteerProfile,
    *,
    excluded: Exclusions | None = None,
    at: datetime | None = None,
) -> tuple[int, list[str]]:
    """The score and reasons of one pair, or NotProposable with the first hard constraint it
    breaks. Called inside propose_match's locked transaction: it reads the volunteer's entry
    as the database holds it now, never a cached pool, so capacity is current."""
    pool = pool_of_one(support_request.program, volunteer.pk, [support_request], at=at)
    if pool is None or volunteer.program_id != support_request.program_id:
        raise NotProposable("This volunteer is not active in this program.")
    try:
        wanted = engine_request(support_request, pool, excluded=dict(excluded or {}))
    except NoMainTopic:
        raise NotProposable("This request has no topic yet: add one before proposing.") from None
    weights = settings_for(support_request.program).weights
    row = pool.row_of[volunteer.pk]
    explanation = engine.explain(wanted, pool.population, row, pool.vocabulary, weights)
    if not explanation.eligible:
        raise NotProposable(f"Not possible: {_reason(pool, row, explanation)}.")
    return explanation.score, [c.sentence for c in explanation.contributions]


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
    program: Program,
    requests: Sequence[SupportRequest],
    *,
    excluded: Mapping[Any, Exclusions] | None = None,
    alternatives: int = 5,
    at: datetime | None = None,
) -> BatchPlan:
    """The plan with the highest total score for `requests` (everyone waiting with no open
    proposal, in queue order, as the caller found them: kindred.support.queries.
    waiting_for_a_plan), with a few alternatives per request so the coordinator can change it
    before anything is sent. `excluded` maps each request's pk to its exclusions."""
    weights = settings_for(program).weights
    pool = load_pool(program, requests, at=at)
    found = excluded or {}
    wanted: list[engine.Request] = []
    rankable: list[int] = []
    for index, support_request in enumerate(requests):
        try:
            wanted.append(
                engine_request(
                    support_request, pool, excluded=dict(found.get(support_request.pk, {}))
                )
            )
            rankable.append(index)
        except NoMainTopic:
            continue
    plan = engine.assign(wanted, pool.population, weights)
    chosen_for = {i: (j, score) for i, j, score in plan.pairs}
    by_request = dict(zip(rankable, range(len(wanted)), strict=True))
    # Which rows each request shows, first, so the profiles are loaded in one query.
    shown: dict[int, tuple[tuple[int, int] | None, list[tuple[int, int]]]] = {}
    for i, request in enumerate(wanted):
        chosen = chosen_for.get(i)
        others = [
            (row, score)
            for row, score in engine.rank(request, pool.population, alternatives + 1, weights)
            if chosen is None or row != chosen[0]
        ][:alternatives]
        shown[i] = (chosen, others)
    profiles = profiles_for(
        pool.volunteer_ids[row]
        for chosen, others in shown.values()
        for row, _ in ([chosen] if chosen else []) + others
    )

    def candidate(request: engine.Request, row: int, score: int) -> Candidate | None:
        profile = profiles.get(pool.volunteer_ids[row])
        if profile is None:
            return None  # deleted since the pool was read
        explanation = engine.explain(request, pool.population, row, pool.vocabulary, weights)
        best = max(engine.best_possible(request, weights), 1)
        return Candidate(
            profile, score, min(100, round(100 * score / best)), explanation.contributions
        )

    rows: list[PlanRow] = []
    for index, support_request in enumerate(requests):
        if index not in by_request:
            rows.append(PlanRow(support_request, None, (), has_topic=False))
            continue
        i = by_request[index]
        chosen_row, others = shown[i]
        picked = candidate(wanted[i], *chosen_row) if chosen_row else None
        alternatives_shown = tuple(
            found_candidate
            for found_candidate in (candidate(wanted[i], row, score) for row, score in others)
            if found_candidate is not None
        )
        rows.append(PlanRow(support_request, picked, alternatives_shown))
    return BatchPlan(tuple(rows), plan.total_score, plan.certified)
