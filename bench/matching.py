"""Benchmarks of the pure matching engine: prints one JSON object, writes var/bench/matching.json.

Seeded synthetic data, no Django, no database: times are from in-memory columns to results.

- rank_top10_ms: `rank(request, population, 10)` for 300 random requests per population size;
  median and 95th percentile in milliseconds.
- batch: `assign(requests, population)` end to end (scoring every pair, top-50 candidates,
  the sparse exact solver, the dual check over every pair). `peak_mb` is measured with
  `tracemalloc` (Python and NumPy allocations during a second, traced run of `assign`; the
  untraced run gives `seconds`).

How the optimum is certified (`score_pct_of_optimum`): this script recomputes, with its own loop
over every (request, volunteer) pair, that the duals returned by `assign` are dual-feasible
(u_i, v_j ≥ 0 and u_i + v_j ≥ w_ij for every feasible pair), and takes their objective as an
upper bound on any plan's total (weak LP duality; the assignment LP has integral optima). The
plan's total divided by that bound is the percentage, so 100.0 means proven optimal. On the two
smaller sizes the optimum is also computed by a second exact method (dense
`linear_sum_assignment` over every capacity slot) and must agree. `greedy_pct_of_optimum` is
greedy's total over the same bound. `violations` counts pairs breaking a hard constraint, a
capacity exceeded, or a request matched twice, in `assign`'s plan and greedy's together, checked
pair by pair in plain Python here.

Only the JSON object goes to stdout; progress goes to stderr.

    .venv/bin/python bench/matching.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kindred.matching.engine import (  # noqa: E402 - after the path set-up above
    Choice,
    Conflict,
    Plan,
    Population,
    Request,
    Strength,
    assign,
    greedy,
    optimum_dense,
    rank,
    score_row,
)

TOPICS, LANGUAGES, REGIONS, SETTINGS, AREAS, STAGES, IDENTITIES, GENDERS = 30, 4, 20, 5, 12, 4, 4, 3


def _masks(rng: np.random.Generator, n: int, codes: int, per: int) -> np.ndarray:
    mask = np.zeros(n, dtype=np.uint64)
    for _ in range(per):
        mask |= np.uint64(1) << rng.integers(0, codes, n).astype(np.uint64)
    return mask


def population(n: int, seed: int) -> Population:
    rng = np.random.default_rng(seed)
    supports = _masks(rng, n, TOPICS, 6)
    return Population(
        matchable=rng.random(n) < 0.9,
        supports=supports,
        lived=supports & _masks(rng, n, TOPICS, 4),
        languages=np.uint64(1) | _masks(rng, n, LANGUAGES, 1),  # nearly everyone speaks 0
        region=rng.integers(0, REGIONS, n).astype(np.int32),
        setting=rng.integers(0, SETTINGS, n).astype(np.int16),
        areas=_masks(rng, n, AREAS, 2),
        stage=rng.integers(0, STAGES, n).astype(np.int8),
        identities=_masks(rng, n, IDENTITIES, 1) & _masks(rng, n, IDENTITIES, 1),
        gender=rng.integers(0, GENDERS, n).astype(np.int8),
        capacity_left=rng.integers(1, 4, n).astype(np.int32),
        active_load=rng.integers(0, 4, n).astype(np.int32),
    )


def requests(count: int, volunteers: int, seed: int) -> list[Request]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        strength = Strength.MUST if rng.random() < 0.1 else Strength.NICE
        out.append(
            Request(
                main_topic=int(rng.integers(TOPICS)),
                other_topics=frozenset(rng.integers(0, TOPICS, 2).tolist()),
                languages=frozenset({int(rng.integers(LANGUAGES)) if rng.random() < 0.2 else 0}),
                region=int(rng.integers(REGIONS)),
                city=Choice(rng.choice(["same", "different", "either"])),
                stage=int(rng.integers(STAGES)),
                practice=Choice(rng.choice(["same", "different", "either"])),
                setting=int(rng.integers(SETTINGS)),
                areas=frozenset({int(rng.integers(AREAS))}),
                identities_nice=frozenset({int(rng.integers(IDENTITIES))}),
                gender=int(rng.integers(GENDERS)) if rng.random() < 0.3 else None,
                gender_strength=strength,
                # A few conflicts each: a colleague at the same firm, a named person.
                conflicts=(
                    *tuple((int(j), Conflict.SAME_FIRM) for j in rng.integers(0, volunteers, 3)),
                    (int(rng.integers(volunteers)), Conflict.NAMED_PERSON),
                ),
            )
        )
    return out


def bench_rank(size: int, rounds: int = 300) -> dict[str, float]:
    pop = population(size, seed=size)
    asks = requests(rounds, size, seed=size + 1)
    rank(asks[0], pop, 10)  # warm-up
    timings = []
    for request in asks:
        start = time.perf_counter()
        rank(request, pop, 10)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median": round(statistics.median(timings), 3),
        "p95": round(timings[int(0.95 * len(timings)) - 1], 3),
    }


def count_violations(asks: list[Request], pop: Population, plan: Plan) -> int:
    """Pair-by-pair, in plain Python, independent of the engine's vectorised checks."""
    bad, load, seen = 0, dict[int, int](), set[int]()
    for i, j, _ in plan.pairs:
        r = asks[i]
        ok = (
            bool(pop.matchable[j])
            and int(pop.supports[j]) >> r.main_topic & 1
            and (not r.languages or any(int(pop.languages[j]) >> c & 1 for c in r.languages))
            and not (r.city == Choice.DIFFERENT and int(pop.region[j]) == r.region)
            and all(int(pop.identities[j]) >> c & 1 for c in r.identities_must)
            and not (
                r.gender is not None
                and r.gender_strength == Strength.MUST
                and int(pop.gender[j]) != r.gender
            )
            and j not in {index for index, _ in r.conflicts}
            and i not in seen
        )
        bad += not ok
        seen.add(i)
        load[j] = load.get(j, 0) + 1
    return bad + sum(max(0, n - int(pop.capacity_left[j])) for j, n in load.items())


def certified_bound(asks: list[Request], pop: Population, plan: Plan) -> int:
    """An upper bound on any plan's total score from the plan's duals, checked on every pair."""
    u, v = plan.request_duals, plan.volunteer_duals
    assert u is not None
    assert v is not None
    assert (u >= 0).all()
    assert (v >= 0).all()
    scale = len(asks) + 1
    for i, request in enumerate(asks):
        scores = score_row(request, pop).astype(np.int64)
        feasible = scores >= 0
        assert (u[i] + v[feasible] >= scores[feasible] * scale + 1).all(), "dual infeasible"
    bound_weight = int(u.sum() + (pop.capacity_left.astype(np.int64) * v).sum())
    return bound_weight // scale  # a plan's weight is total x scale + (pairs ≤ R < scale)


def bench_batch(n_requests: int, n_volunteers: int, second_method: bool) -> dict[str, float]:
    pop = population(n_volunteers, seed=n_volunteers + 7)
    asks = requests(n_requests, n_volunteers, seed=n_requests + 11)
    start = time.perf_counter()
    plan = assign(asks, pop)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    traced = assign(asks, pop)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert traced == plan, "assign is not deterministic"
    bound = certified_bound(asks, pop, plan)
    if second_method:
        assert optimum_dense(asks, pop) == plan.total_score, "the two exact methods disagree"
    baseline = greedy(asks, pop)
    return {
        "requests": n_requests,
        "volunteers": n_volunteers,
        "seconds": round(seconds, 3),
        "peak_mb": round(peak / 2**20, 1),
        "score_pct_of_optimum": round(100 * plan.total_score / bound, 3),
        "greedy_pct_of_optimum": round(100 * baseline.total_score / bound, 3),
        "violations": count_violations(asks, pop, plan) + count_violations(asks, pop, baseline),
    }


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    ranking = {}
    for size in (1_000, 10_000, 100_000):
        _progress(f"rank top 10 over {size:,} volunteers")
        ranking[str(size)] = bench_rank(size)
    batches = []
    for n_requests, n_volunteers, second_method in (
        (100, 1_000, True),
        (1_000, 10_000, True),
        (5_000, 50_000, False),
    ):
        _progress(f"assign {n_requests:,} requests to {n_volunteers:,} volunteers")
        batches.append(bench_batch(n_requests, n_volunteers, second_method=second_method))
    result = {"rank_top10_ms": ranking, "batch": batches}
    text = json.dumps(result)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "matching.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
