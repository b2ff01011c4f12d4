"""Property tests of the pure matching engine (no database).

Hard constraints are never broken by `rank` or `assign`; explanations add up to the score that
`rank` reports; `assign` is never below greedy and equals a brute-force optimum on small
instances; the same input always gives the same output.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.matching.engine import (
    INFEASIBLE,
    Choice,
    Conflict,
    Population,
    Request,
    Strength,
    Vocabulary,
    Volunteer,
    Weights,
    assign,
    explain,
    greedy,
    optimum_dense,
    rank,
    score_matrix,
    violations,
)

TOPICS = 5
NAMES = Vocabulary(
    topics=["grief and loss", "alcohol use", "anxiety", "burnout", "divorce"],
    languages=["English", "French", "Spanish"],
    identities=["LGBTQ+", "parent", "veteran"],
    genders=["a woman", "a man", "non-binary"],
)

codes = st.frozensets(st.integers(0, TOPICS - 1), max_size=3)
volunteers = st.builds(
    Volunteer,
    matchable=st.booleans(),
    supports=codes,
    lived=codes,
    languages=st.frozensets(st.integers(0, 2), max_size=2),
    region=st.integers(0, 2),
    setting=st.integers(0, 2),
    areas=st.frozensets(st.integers(0, 3), max_size=2),
    stage=st.integers(0, 2),
    identities=st.frozensets(st.integers(0, 2), max_size=2),
    gender=st.integers(0, 2),
    capacity_left=st.integers(0, 2),
    active_load=st.integers(0, 4),
)


@st.composite
def requests(draw: st.DrawFn, size: int) -> Request:
    return Request(
        main_topic=draw(st.integers(0, TOPICS - 1)),
        other_topics=draw(codes),
        languages=draw(st.frozensets(st.integers(0, 2), max_size=2)),
        region=draw(st.integers(0, 2)),
        city=draw(st.sampled_from(list(Choice))),
        stage=draw(st.one_of(st.none(), st.integers(0, 2))),
        practice=draw(st.sampled_from(list(Choice))),
        setting=draw(st.integers(0, 2)),
        areas=draw(st.frozensets(st.integers(0, 3), max_size=2)),
        identities_must=draw(st.frozensets(st.integers(0, 2), max_size=1)),
        identities_nice=draw(st.frozensets(st.integers(0, 2), max_size=2)),
        gender=draw(st.one_of(st.none(), st.integers(0, 2))),
        gender_strength=draw(st.sampled_from(list(Strength))),
        conflicts=tuple(
            draw(
                st.lists(
                    st.tuples(st.integers(0, max(size - 1, 0)), st.sampled_from(list(Conflict))),
                    max_size=2,
                )
            )
        ),
    )


@st.composite
def instances(
    draw: st.DrawFn, max_requests: int = 5, max_volunteers: int = 6
) -> tuple[list[Request], list[Volunteer]]:
    people = draw(st.lists(volunteers, min_size=1, max_size=max_volunteers))
    asks = draw(st.lists(requests(len(people)), min_size=1, max_size=max_requests))
    return asks, people


def obeys_hard_constraints(request: Request, v: Volunteer, index: int) -> bool:
    """The hard constraints, restated independently of the engine's vectorised code."""
    return (
        v.matchable
        and v.capacity_left > 0
        and request.main_topic in v.supports
        and (not request.languages or bool(request.languages & v.languages))
        and not (request.city == Choice.DIFFERENT and v.region == request.region)
        and request.identities_must <= v.identities
        and not (
            request.gender is not None
            and request.gender_strength == Strength.MUST
            and v.gender != request.gender
        )
        and index not in request.excluded()
    )


def brute_force(scores: np.ndarray, capacity: list[int]) -> int:
    """Try every way of giving each request one volunteer or none."""
    best = 0
    n_req, n_vol = scores.shape
    for choice in itertools.product(range(-1, n_vol), repeat=n_req):
        load = [0] * n_vol
        total = 0
        for i, j in enumerate(choice):
            if j < 0:
                continue
            if scores[i, j] == INFEASIBLE:
                break
            load[j] += 1
            total += int(scores[i, j])
        else:
            if all(load[j] <= max(capacity[j], 0) for j in range(n_vol)):
                best = max(best, total)
    return best


@given(instances(max_requests=1, max_volunteers=30), st.integers(1, 40))
def test_rank_never_returns_a_volunteer_breaking_a_hard_constraint(
    instance: tuple[list[Request], list[Volunteer]], k: int
) -> None:
    (request,), people = instance
    pop = Population.from_volunteers(people)
    ranked = rank(request, pop, k)
    eligible = [j for j, v in enumerate(people) if obeys_hard_constraints(request, v, j)]
    assert all(obeys_hard_constraints(request, people[j], j) for j, _ in ranked)
    assert len(ranked) == min(k, len(eligible))
    # Best first, ties to the lower index, and nobody better was left out.
    assert ranked == sorted(ranked, key=lambda pair: (-pair[1], pair[0]))
    left_out = set(eligible) - {j for j, _ in ranked}
    scores = score_matrix([request], pop)[0]
    assert all((scores[j], -j) < (score, -i) for j in left_out for i, score in ranked)


@given(instances(max_requests=1, max_volunteers=12))
def test_explanation_adds_up_to_the_score_rank_reports(
    instance: tuple[list[Request], list[Volunteer]],
) -> None:
    (request,), people = instance
    pop = Population.from_volunteers(people)
    ranked = dict(rank(request, pop, len(people)))
    for j, v in enumerate(people):
        why = explain(request, pop, j, NAMES)
        assert why.score == sum(c.points for c in why.contributions)
        assert all(c.points > 0 and c.sentence for c in why.contributions)
        assert why.eligible == obeys_hard_constraints(request, v, j)
        if why.eligible:
            assert ranked[j] == why.score
        else:
            assert j not in ranked
            assert why.excluded_because


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 4))
def test_assign_is_feasible_optimal_and_never_below_greedy(
    instance: tuple[list[Request], list[Volunteer]], candidates: int
) -> None:
    asks, people = instance
    pop = Population.from_volunteers(people)
    plan = assign(asks, pop, candidates=candidates)
    assert violations(asks, pop, plan) == 0
    assert len({i for i, _, _ in plan.pairs}) == len(plan.pairs)
    for i, j, score in plan.pairs:
        assert obeys_hard_constraints(asks[i], people[j], j)
        assert score == explain(asks[i], pop, j).score
    optimum = brute_force(score_matrix(asks, pop), [v.capacity_left for v in people])
    assert plan.certified
    assert plan.total_score == optimum == plan.upper_bound
    assert optimum_dense(asks, pop) == optimum
    baseline = greedy(asks, pop, candidates=candidates)
    assert violations(asks, pop, baseline) == 0
    assert plan.total_score >= baseline.total_score


@settings(max_examples=30, deadline=None)
@given(instances(max_requests=8, max_volunteers=10))
def test_same_input_same_output(instance: tuple[list[Request], list[Volunteer]]) -> None:
    asks, people = instance
    pop = Population.from_volunteers(people)
    assert assign(asks, pop) == assign(asks, Population.from_volunteers(people))
    assert greedy(asks, pop) == greedy(asks, pop)
    assert [rank(r, pop, 3) for r in asks] == [rank(r, pop, 3) for r in asks]


def test_a_larger_batch_is_certified_against_a_second_exact_method() -> None:
    rng = np.random.default_rng(7)
    people = [
        Volunteer(
            matchable=bool(rng.random() < 0.9),
            supports=frozenset(rng.choice(TOPICS, 3, replace=False).tolist()),
            lived=frozenset(rng.choice(TOPICS, 2, replace=False).tolist()),
            languages=frozenset({int(rng.integers(3))}),
            stage=int(rng.integers(3)),
            capacity_left=int(rng.integers(1, 3)),
            active_load=int(rng.integers(0, 4)),
        )
        for _ in range(80)
    ]
    asks = [
        Request(
            main_topic=int(rng.integers(TOPICS)),
            languages=frozenset({int(rng.integers(3))}),
            stage=int(rng.integers(3)),
        )
        for _ in range(120)
    ]
    pop = Population.from_volunteers(people)
    # Scarce volunteers, only two candidates each and none taken from the volunteers' side:
    # the dual check must widen the graph.
    plan = assign(asks, pop, candidates=2, volunteer_candidates=None)
    assert plan.certified
    assert plan.rounds > 1
    assert plan.total_score == optimum_dense(asks, pop)
    assert violations(asks, pop, plan) == 0
    # With the volunteers' side (the default) the requests they would take are there from the
    # start: the same optimum in one round.
    one_round = assign(asks, pop, candidates=2)
    assert one_round.rounds == 1
    assert one_round.certified
    assert one_round.total_score == plan.total_score


def test_explanations_read_as_plain_sentences() -> None:
    pop = Population.from_volunteers(
        [
            Volunteer(
                matchable=True,
                supports=frozenset({0}),
                lived=frozenset({0}),
                languages=frozenset({0}),
                stage=1,
            ),
            Volunteer(matchable=True, supports=frozenset({0}), languages=frozenset({0})),
            Volunteer(matchable=True, supports=frozenset({0}), languages=frozenset({0})),
        ]
    )
    request = Request(
        main_topic=0,
        languages=frozenset({1}) | frozenset({0}),
        stage=1,
        conflicts=((1, Conflict.SAME_FIRM),),
    )
    why = explain(request, pop, 0, NAMES)
    assert (
        next(c.sentence for c in why.contributions)
        == "Both have lived experience of grief and loss"
    )
    assert why.score == Weights().lived_experience + Weights().career_stage + 3
    assert explain(request, pop, 1, NAMES).excluded_because == "same firm as a person to avoid"
    french_only = Request(main_topic=0, languages=frozenset({1}))
    assert explain(french_only, pop, 2, NAMES).excluded_because == "does not speak French"
