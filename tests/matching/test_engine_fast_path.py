"""The engine's fast path against brute force (no database).

`rank`, `score_row` and `assign` score requests in blocks against per-topic slices of the
population, in the narrowest integer type that holds a request's best possible score. Here every
score is recomputed pair by pair in plain Python from the rules in the engine's docstring, every
plan is compared with an exhaustive search, and the small blocks, the kept-scores path and the
16- and 32-bit score types are each forced on at least once.
"""

from __future__ import annotations

import itertools
from contextlib import ExitStack
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.matching import engine
from kindred.matching.engine import (
    Choice,
    Population,
    Request,
    Strength,
    Volunteer,
    Weights,
    assign,
    best_possible,
    explain,
    optimum_dense,
    rank,
    score_row,
    violations,
)
from tests.matching.test_engine import instances, obeys_hard_constraints

Instance = tuple[list[Request], list[Volunteer]]

weights = st.one_of(
    st.just(Weights()),
    st.builds(
        Weights,
        lived_experience=st.integers(0, 70),
        career_stage=st.integers(0, 40),
        practice_setting=st.integers(0, 40),
        practice_area=st.integers(0, 40),
        identity=st.integers(0, 40),
        gender=st.integers(0, 40),
        same_city=st.integers(0, 40),
        load_balance=st.integers(0, 20),
        load_steps=st.integers(0, 4),
    ),
)


def expected_score(request: Request, v: Volunteer, index: int, w: Weights) -> int | None:
    """A pair's score restated from the engine's rules, one volunteer at a time; None when a
    hard constraint rules the pair out."""
    if not obeys_hard_constraints(request, v, index):
        return None
    total = w.lived_experience * len(request.topics & v.lived)
    if request.stage is not None and v.stage == request.stage:
        total += w.career_stage
    if request.practice != Choice.EITHER:
        want_same = request.practice == Choice.SAME
        if request.setting >= 0 and (v.setting == request.setting) == want_same:
            total += w.practice_setting
        if request.areas and bool(request.areas & v.areas) == want_same:
            total += w.practice_area
    if request.city == Choice.SAME and v.region == request.region:
        total += w.same_city
    total += w.identity * len(request.identities_nice & v.identities)
    nice_gender = request.gender is not None and request.gender_strength == Strength.NICE
    if nice_gender and v.gender == request.gender:
        total += w.gender
    return total + w.load_balance * min(max(w.load_steps - v.active_load, 0), w.load_steps)


def expected_ranking(
    request: Request, people: list[Volunteer], w: Weights
) -> list[tuple[int, int]]:
    scored = [(j, expected_score(request, v, j, w)) for j, v in enumerate(people)]
    eligible = [(j, score) for j, score in scored if score is not None]
    return sorted(eligible, key=lambda pair: (-pair[1], pair[0]))


def exhaustive_optimum(asks: list[Request], people: list[Volunteer], w: Weights) -> int:
    """Every way of giving each request one volunteer or none, under capacities."""
    scores = [[expected_score(r, v, j, w) for j, v in enumerate(people)] for r in asks]
    best = 0
    for choice in itertools.product(range(-1, len(people)), repeat=len(asks)):
        load = [0] * len(people)
        total = 0
        for i, j in enumerate(choice):
            if j < 0:
                continue
            score = scores[i][j]
            if score is None:
                break
            load[j] += 1
            total += score
        else:
            if all(load[j] <= max(v.capacity_left, 0) for j, v in enumerate(people)):
                best = max(best, total)
    return best


def small_blocks(stack: ExitStack, on: bool) -> None:
    """Force blocks of a few pairs, the histogram top K even for one short row, and the path
    that scores requests again in the dual check."""
    if on:
        stack.enter_context(patch.object(engine, "BLOCK_PAIRS", 3))
        stack.enter_context(patch.object(engine, "SMALL_ROW", 0))
        stack.enter_context(patch.object(engine, "KEEP_PAIRS", 0))


@settings(deadline=None)
@given(instances(max_requests=3, max_volunteers=30), weights, st.integers(1, 40), st.booleans())
def test_rank_and_score_row_equal_brute_force(
    instance: Instance, w: Weights, k: int, tiny: bool
) -> None:
    asks, people = instance
    pop = Population.from_volunteers(people)
    with ExitStack() as stack:
        small_blocks(stack, tiny)
        for request in asks:
            expected = expected_ranking(request, people, w)
            assert rank(request, pop, k, w) == expected[:k]
            row = score_row(request, pop, w)
            for j, v in enumerate(people):
                score = expected_score(request, v, j, w)
                assert row[j] == (engine.INFEASIBLE if score is None else score)


@settings(max_examples=80, deadline=None)
@given(instances(max_requests=5, max_volunteers=5), weights, st.integers(0, 4), st.booleans())
def test_assign_equals_the_exhaustive_optimum(
    instance: Instance, w: Weights, candidates: int, tiny: bool
) -> None:
    asks, people = instance
    pop = Population.from_volunteers(people)
    with ExitStack() as stack:
        small_blocks(stack, tiny)
        plan = assign(asks, pop, w, candidates=candidates)
    optimum = exhaustive_optimum(asks, people, w)
    assert plan.certified
    assert plan.total_score == plan.upper_bound == optimum
    assert violations(asks, pop, plan) == 0
    for i, j, score in plan.pairs:
        assert score == expected_score(asks[i], people[j], j, w)


@settings(max_examples=25, deadline=None)
@given(instances(max_requests=12, max_volunteers=8), weights)
def test_every_way_of_taking_candidates_reaches_the_same_optimum(
    instance: Instance, w: Weights
) -> None:
    asks, people = instance
    pop = Population.from_volunteers(people)
    totals = {
        assign(asks, pop, w, candidates=c, volunteer_candidates=s).total_score
        for c in (1, 50)
        for s in (None, 0, 20)
    }
    assert totals == {optimum_dense(asks, pop, w)}


def test_scores_above_127_are_summed_in_16_bits_and_stay_exact() -> None:
    w = Weights(lived_experience=40)
    request = Request(main_topic=0, other_topics=frozenset({1, 2, 3}), stage=1)
    people = [
        Volunteer(matchable=True, supports=frozenset({0}), lived=frozenset({0, 1, 2, 3}), stage=1),
        Volunteer(matchable=True, supports=frozenset({0}), lived=frozenset({0}), stage=0),
    ]
    pop = Population.from_volunteers(people)
    assert best_possible(request, w) > 127
    assert engine._score_dtype(request, w) == np.uint16  # what `int8` cannot hold
    expected = 4 * 40 + w.career_stage + w.load_balance * w.load_steps
    assert expected > 127
    assert rank(request, pop, 2, w) == [(0, expected), (1, 40 + 3)]
    assert explain(request, pop, 0, weights=w).score == expected
    plan = assign([request, request], pop, w)
    assert plan.certified
    assert plan.total_score == expected + 43
    # Small scores keep the narrow type.
    assert engine._score_dtype(request, Weights()) == np.uint8


def test_scores_above_32767_are_summed_in_32_bits() -> None:
    w = Weights(lived_experience=20_000)
    request = Request(main_topic=0, other_topics=frozenset({1}))
    pop = Population.from_volunteers(
        [Volunteer(matchable=True, supports=frozenset({0}), lived=frozenset({0, 1}))]
    )
    assert engine._score_dtype(request, w) == np.uint32
    assert rank(request, pop, 1, w) == [(0, 40_000 + 3)]


def scarce_instance(seed: int) -> tuple[list[Request], Population]:
    """Far more requests than the volunteers can take, with many tied scores."""
    rng = np.random.default_rng(seed)
    people = [
        Volunteer(
            matchable=bool(rng.random() < 0.9),
            supports=frozenset(rng.choice(6, 3, replace=False).tolist()),
            lived=frozenset(rng.choice(6, 2, replace=False).tolist()),
            languages=frozenset({0, int(rng.integers(3))}),
            region=int(rng.integers(4)),
            stage=int(rng.integers(3)),
            gender=int(rng.integers(3)),
            capacity_left=int(rng.integers(1, 4)),
            active_load=int(rng.integers(0, 4)),
        )
        for _ in range(60)
    ]
    asks = [
        Request(
            main_topic=int(rng.integers(6)),
            other_topics=frozenset(rng.choice(6, 2, replace=False).tolist()),
            languages=frozenset({0}),
            region=int(rng.integers(4)),
            city=Choice(rng.choice(["same", "different", "either"])),
            stage=int(rng.integers(3)),
            gender=int(rng.integers(3)) if rng.random() < 0.3 else None,
        )
        for _ in range(500)
    ]
    return asks, Population.from_volunteers(people)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_scarce_instance_takes_one_round(seed: int) -> None:
    asks, pop = scarce_instance(seed)
    assert int(pop.capacity_left[pop.matchable].sum()) < len(asks)
    plan = assign(asks, pop)
    assert plan.rounds == 1
    assert plan.certified
    assert plan.total_score == optimum_dense(asks, pop)
    assert violations(asks, pop, plan) == 0


def test_from_columns_builds_the_same_population_and_columns_are_read_only() -> None:
    people = [
        Volunteer(matchable=True, supports=frozenset({0, 2}), lived=frozenset({2}), region=3),
        Volunteer(matchable=False, supports=frozenset({0}), capacity_left=2, active_load=1),
    ]
    pop = Population.from_volunteers(people)
    again = Population.from_columns(
        **{name: getattr(pop, name).tolist() for name in engine._COLUMN_DTYPES}
    )
    for name, dtype in engine._COLUMN_DTYPES.items():
        assert getattr(again, name).dtype == dtype
        assert (getattr(again, name) == getattr(pop, name)).all()
    request = Request(main_topic=0, other_topics=frozenset({2}))
    assert rank(request, again) == rank(request, pop) == [(0, 5 + 3)]
    with pytest.raises(ValueError, match="read-only"):
        pop.capacity_left[0] = 0
    with pytest.raises(ValueError, match="exactly the columns"):
        Population.from_columns(matchable=[True])
