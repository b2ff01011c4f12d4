"""Properties of the two engine functions behind the coordinator's "left out" list and score bar,
which test_engine.py does not cover: `near_misses` and `best_possible` (same strategies)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kindred.matching.engine import (
    INFEASIBLE,
    Population,
    Request,
    Volunteer,
    best_possible,
    explain,
    near_misses,
    rank,
)
from tests.matching.test_engine import instances, obeys_hard_constraints

Instance = tuple[list[Request], list[Volunteer]]


def soft_score(request: Request, pop: Population, j: int) -> int:
    """The points a volunteer would score if no hard constraint ruled them out."""
    return sum(c.points for c in explain(request, pop, j).contributions)


@given(instances(max_requests=1, max_volunteers=20), st.integers(1, 25))
def test_near_misses_are_the_best_of_those_ruled_out(instance: Instance, k: int) -> None:
    (request,), people = instance
    pop = Population.from_volunteers(people)
    missed = near_misses(request, pop, k)
    ruled_out = [j for j, v in enumerate(people) if not obeys_hard_constraints(request, v, j)]
    # Only volunteers a hard constraint rules out, each with a reason to show.
    assert set(missed) <= set(ruled_out)
    assert all(explain(request, pop, j).excluded_because for j in missed)
    assert len(missed) == min(k, len(ruled_out))
    # Best soft score first, ties to the lower index, and nobody better was left off the list.
    keys = [(-soft_score(request, pop, j), j) for j in missed]
    assert keys == sorted(keys)
    for j in set(ruled_out) - set(missed):
        assert all((-soft_score(request, pop, j), j) > key for key in keys)


@given(instances(max_requests=1, max_volunteers=20))
def test_best_possible_bounds_every_score(instance: Instance) -> None:
    (request,), people = instance
    pop = Population.from_volunteers(people)
    best = best_possible(request)
    assert best >= 0
    # The bar never passes 100 %: no volunteer, eligible or not, scores above the ideal one.
    assert all(soft_score(request, pop, j) <= best for j in range(len(people)))
    assert all(score <= best for _, score in rank(request, pop, len(people)))
    assert all(score != INFEASIBLE for _, score in rank(request, pop, len(people)))
