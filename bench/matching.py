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

- rank_vs_scan: `rank` top 10 of 100,000 volunteers beside a column-wise NumPy scan (its own
  scoring, `argpartition`, sort), request by request alternately, medians in milliseconds; each
  side prepares its per-population data once, before timing.
- references: at the four sizes of ../shared/MATCHING-PERFORMANCE.md, `assign` beside the best
  reference measured there, on the identical seeded instance, alternating (A B A B; 5 times at
  the two smaller sizes, 3 at the two larger ones to keep the run under a few minutes): dense
  SciPy `linear_sum_assignment` over capacity slots at 10,000 x 2,000 (volunteers scarce), else
  top-50 candidates + OR-Tools `SimpleMinCostFlow` (capacities on the volunteer→sink arcs, a
  source→sink bypass). The references score with their own column-wise scan (checked equal to
  `score_row` on a sample). Each engine run gets a new `Population` object, so its
  per-population index is built inside the timed run. CPU and wall medians, the ratio of CPU
  medians, peak memory of one more run of each, both totals, and whether the engine's
  certificate holds (checked here pair by pair, as above). OR-Tools is bench-only
  (`make install-bench`).

BLAS and OpenMP are held to one thread (OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1,
MKL_NUM_THREADS=1, set before NumPy is imported) so both sides run on one core; the JSON says so
under "threads". Only the JSON object goes to stdout; progress and a line per reference size go
to stderr.

    .venv/bin/python bench/matching.py
"""

from __future__ import annotations

import os

# Single-threaded BLAS/OpenMP on both sides, set before NumPy or SciPy is imported (they read it
# once), so the engine and the references are compared on one core each.
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(THREADS)

import json  # noqa: E402 - after the thread settings above
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kindred.matching.engine import (  # noqa: E402 - after the path set-up above
    DEFAULT_WEIGHTS,
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

POPULATION_COLUMNS = (
    "matchable",
    "supports",
    "lived",
    "languages",
    "region",
    "setting",
    "areas",
    "stage",
    "identities",
    "gender",
    "capacity_left",
    "active_load",
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


# ---------------------------------------------------------------------------------------------
# The references: the best exact methods measured in ../shared/MATCHING-PERFORMANCE.md, written
# here independently of the engine (their own column-wise scoring, checked against score_row).

REFERENCE_SIZES = (  # (requests, volunteers, reference, alternations)
    (1_000, 20_000, "top-50 + OR-Tools SimpleMinCostFlow", 5),
    (10_000, 2_000, "dense scipy linear_sum_assignment over capacity slots", 5),
    (10_000, 20_000, "top-50 + OR-Tools SimpleMinCostFlow", 3),
    (10_000, 100_000, "top-50 + OR-Tools SimpleMinCostFlow", 3),
)
REFERENCE_BLOCK_PAIRS = 250_000  # fastest of 65,536 to 4,000,000 tried on this machine


def _bits(codes: frozenset[int]) -> int:
    return sum(1 << code for code in codes)


class ScanColumns:
    """A population as a column-wise scan sees it, prepared once: int8 attributes, one 0/1
    column per topic (supports, lived experience) and per identity, the load points."""

    def __init__(self, pop: Population) -> None:
        w = DEFAULT_WEIGHTS
        self.size = len(pop)
        available = pop.matchable & (pop.capacity_left > 0)
        codes = np.arange(TOPICS, dtype=np.uint64)[:, None]
        # Row TOPICS is all zeros: the padding for requests with fewer topics than others.
        self.supports = np.vstack(
            [
                ((pop.supports[None, :] >> codes) & np.uint64(1)).astype(bool) & available,
                np.zeros((1, self.size), dtype=bool),
            ]
        )
        self.lived = np.vstack(
            [
                ((pop.lived[None, :] >> codes) & np.uint64(1)).astype(np.int8),
                np.zeros((1, self.size), dtype=np.int8),
            ]
        )
        self.languages = pop.languages.astype(np.uint8)
        self.areas = pop.areas.astype(np.uint16)
        self.identities = pop.identities.astype(np.uint8)
        self.region = pop.region.astype(np.int8)
        self.setting = pop.setting.astype(np.int8)
        self.stage = pop.stage
        self.gender = pop.gender
        free = np.clip(w.load_steps - pop.active_load, 0, w.load_steps)
        self.load = (free * w.load_balance).astype(np.int8)


def scan_scores(c: ScanColumns, block: list[Request]) -> np.ndarray:
    """Scores (requests x volunteers, int8, -1 where a hard constraint fails), column by column
    over the whole population: the reference's scoring, written apart from the engine's."""
    w = DEFAULT_WEIGHTS

    def per_row(values: list[int], dtype: type[np.generic] = np.int8) -> np.ndarray:
        return np.asarray(values, dtype=dtype)[:, None]

    width = max(len(r.topics) for r in block)
    topics = np.array([sorted(r.topics) + [TOPICS] * (width - len(r.topics)) for r in block])
    score = np.zeros((len(block), c.size), dtype=np.int8)
    for slot in range(width):
        score += c.lived[topics[:, slot]]
    score *= np.int8(w.lived_experience)
    score += c.load
    stage = per_row([r.stage if r.stage is not None else -1 for r in block])
    score += (c.stage == stage) * per_row([w.career_stage * (r.stage is not None) for r in block])
    practice = [r.practice != Choice.EITHER for r in block]
    same = per_row([r.practice == Choice.SAME for r in block], np.bool_)
    setting = (c.setting == per_row([r.setting for r in block])) == same
    score += setting * per_row(
        [w.practice_setting * (p and r.setting >= 0) for p, r in zip(practice, block, strict=True)]
    )
    area = ((c.areas & per_row([_bits(r.areas) for r in block], np.uint16)) != 0) == same
    score += area * per_row(
        [w.practice_area * (p and bool(r.areas)) for p, r in zip(practice, block, strict=True)]
    )
    region = c.region == per_row([r.region for r in block])
    score += region * per_row([w.same_city * (r.city == Choice.SAME) for r in block])
    nice = np.bitwise_count(
        c.identities & per_row([_bits(r.identities_nice) for r in block], np.uint8)
    )
    score += nice.astype(np.int8) * np.int8(w.identity)
    gender = c.gender == per_row([r.gender if r.gender is not None else -1 for r in block])
    wish = [r.gender is not None and r.gender_strength == Strength.NICE for r in block]
    score += gender * per_row([w.gender * on for on in wish])
    ok = c.supports[[r.main_topic for r in block]]
    spoken = c.languages & per_row([_bits(r.languages) for r in block], np.uint8) != 0
    ok &= spoken | per_row([not r.languages for r in block], np.bool_)
    ok &= ~(region & per_row([r.city == Choice.DIFFERENT for r in block], np.bool_))
    must = per_row([_bits(r.identities_must) for r in block], np.uint8)
    ok &= c.identities & must == must
    required = per_row(
        [r.gender is not None and r.gender_strength == Strength.MUST for r in block], np.bool_
    )
    ok &= gender | ~required
    np.copyto(score, np.int8(-1), where=~ok)
    for row, r in enumerate(block):
        score[row, [index for index, _ in r.conflicts]] = -1
    return score


def scan_blocks(c: ScanColumns, asks: list[Request]) -> Any:
    step = max(1, REFERENCE_BLOCK_PAIRS // max(c.size, 1))
    for start in range(0, len(asks), step):
        yield start, scan_scores(c, asks[start : start + step])


def _top_k_of_candidates(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row, k of the given entries with the highest values (ties in any order), by a
    per-row histogram; also how many entries each row had."""
    width = int(values.max(initial=-1)) + 2
    counts = np.bincount(rows * width + values + 1, minlength=n_rows * width).reshape(n_rows, width)
    at_least = np.cumsum(counts[:, :0:-1], axis=1)[:, ::-1]  # [:, s]: entries scoring ≥ s
    enough = at_least >= k
    kth = np.where(enough.any(axis=1), width - 2 - np.argmax(enough[:, ::-1], axis=1), 0)
    tie = values == kth[rows]
    keep = values >= kth[rows]
    room = k - np.bincount(rows[keep & ~tie], minlength=n_rows)  # ties fill what is left
    ties_before = np.cumsum(tie) - tie
    row_start = np.searchsorted(rows, np.arange(n_rows))
    tie_rank = ties_before - ties_before[np.minimum(row_start, max(len(rows) - 1, 0))][rows]
    keep &= ~tie | (tie_rank < room[rows])
    return rows[keep], cols[keep], counts[:, 1:].sum(axis=1)


def top_k_by_histogram(score: np.ndarray, k: int, stride: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of k best feasible entries per row (ties in any order). A histogram of a
    1-in-`stride` sample of each row gives a threshold that about 2k entries pass; only those
    are looked at closely (rows where fewer than k pass are done over in full). Faster than
    `np.argpartition` on small integer scores."""
    n_rows, n_cols = score.shape
    sample = np.ascontiguousarray(score[:, ::stride]).astype(np.intp)
    width = int(sample.max(initial=-1)) + 2
    sample += (np.arange(n_rows, dtype=np.intp) * width + 1)[:, None]
    counts = np.bincount(sample.ravel(), minlength=n_rows * width).reshape(n_rows, width)
    at_least = np.cumsum(counts[:, :0:-1], axis=1)[:, ::-1]
    enough = at_least >= max(1, 2 * k // stride)
    guess = np.where(enough.any(axis=1), width - 2 - np.argmax(enough[:, ::-1], axis=1), 0)
    flat = np.flatnonzero(score >= guess.astype(score.dtype)[:, None])
    rows, cols = np.divmod(flat, n_cols)
    rows, cols, found = _top_k_of_candidates(rows, cols, score.ravel()[flat], n_rows, k)
    short = np.flatnonzero((found < k) & (guess > 0))  # the guess was too high: do it in full
    if len(short):
        flat = np.flatnonzero(score[short] >= 0)
        r, c = np.divmod(flat, n_cols)
        r, c, _ = _top_k_of_candidates(r, c, score[short].ravel()[flat], len(short), k)
        redo = np.isin(rows, short)
        rows = np.concatenate([rows[~redo], short[r]])
        cols = np.concatenate([cols[~redo], c])
    return rows, cols


def reference_min_cost_flow(asks: list[Request], pop: Population, k: int = 50) -> int:
    """Top-k candidates per request by a column-wise scan, then OR-Tools' min-cost flow:
    source → request (capacity 1) → volunteer (cost -score) → sink (capacity = capacity left),
    and a source → sink bypass so a request may stay unmatched. Returns the total score."""
    from ortools.graph.python import min_cost_flow  # bench-only dependency

    c = ScanColumns(pop)
    n_req, n_vol = len(asks), len(pop)
    tails, heads, costs = [], [], []
    for start, score in scan_blocks(c, asks):
        rows, cols = top_k_by_histogram(score, k)
        tails.append(1 + start + rows)
        heads.append(1 + n_req + cols)
        costs.append(-score[rows, cols].astype(np.int64))
    source, sink = 0, n_req + n_vol + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    volunteers = np.arange(n_vol)
    all_tails = np.concatenate(
        [np.zeros(n_req, np.int64), *tails, 1 + n_req + volunteers, [source]]
    )
    all_heads = np.concatenate([1 + np.arange(n_req), *heads, np.full(n_vol, sink), [sink]])
    capacity = np.concatenate(
        [
            np.ones(n_req + sum(len(t) for t in tails), np.int64),
            np.maximum(pop.capacity_left, 0).astype(np.int64),
            [n_req],
        ]
    )
    cost = np.concatenate([np.zeros(n_req, np.int64), *costs, np.zeros(n_vol + 1, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(all_tails, all_heads, capacity, cost)
    flow.set_node_supply(source, n_req)
    flow.set_node_supply(sink, -n_req)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the reference min-cost flow did not reach an optimum")
    return -flow.optimal_cost()


def reference_dense(asks: list[Request], pop: Population) -> int:
    """Every pair scored by the column-wise scan, then SciPy's dense `linear_sum_assignment`
    over capacity slots (the smaller side as rows; a forbidden pair is worth 0, the same as
    leaving the slot or the request alone). Returns the total score."""
    c = ScanColumns(pop)
    score = np.vstack([block for _, block in scan_blocks(c, asks)])
    slots = np.repeat(np.arange(len(pop)), np.minimum(np.maximum(pop.capacity_left, 0), len(asks)))
    gain = np.maximum(score[:, slots], 0).astype(np.float64)
    if len(slots) < len(asks):
        gain = gain.T
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return int(gain[rows, cols].sum())


def _fresh(pop: Population) -> Population:
    """The same columns as a new population, so the engine builds its per-population index
    inside the timed run, as it would for a population it has never seen."""
    return Population(**{name: getattr(pop, name) for name in POPULATION_COLUMNS})


def _measure(run: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def _peak_mb(run: Callable[[], Any]) -> float:
    """Peak memory of one run in MB: the larger of what `tracemalloc` saw (Python and NumPy
    allocations) and the rise of the resident high-water mark (which also sees C++ allocations
    such as OR-Tools'; the kernel's mark is reset first)."""

    def status(key: str) -> int:
        with open("/proc/self/status") as lines:
            return next(int(line.split()[1]) for line in lines if line.startswith(key))

    with open("/proc/self/clear_refs", "w") as reset:
        reset.write("5")
    before = status("VmRSS:")
    tracemalloc.start()
    run()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(max(traced / 2**20, (status("VmHWM:") - before) / 1024), 1)


def bench_reference(n_requests: int, n_volunteers: int, name: str, alternations: int) -> dict:
    pop = population(n_volunteers, seed=n_volunteers + 7)
    asks = requests(n_requests, n_volunteers, seed=n_requests + 11)
    # The reference scores on its own: check it agrees with the engine on a sample of requests.
    sample = asks[:: max(1, n_requests // 50)]
    assert (
        scan_scores(ScanColumns(pop), sample) == np.stack([score_row(r, pop) for r in sample])
    ).all()
    solve = reference_dense if name.startswith("dense") else reference_min_cost_flow
    engine_runs, reference_runs = [], []
    plan, reference_total = None, None
    for _ in range(alternations):  # A B A B on the identical instance
        cpu, wall, plan = _measure(lambda: assign(asks, _fresh(pop)))
        engine_runs.append((cpu, wall))
        cpu, wall, reference_total = _measure(lambda: solve(asks, pop))
        reference_runs.append((cpu, wall))
    assert plan is not None
    bound = certified_bound(asks, pop, plan)
    engine_cpu = statistics.median(cpu for cpu, _ in engine_runs)
    reference_cpu = statistics.median(cpu for cpu, _ in reference_runs)
    return {
        "requests": n_requests,
        "volunteers": n_volunteers,
        "reference": name,
        "engine_cpu_s": round(engine_cpu, 3),
        "reference_cpu_s": round(reference_cpu, 3),
        "ratio": round(engine_cpu / reference_cpu, 3),
        "engine_wall_s": round(statistics.median(wall for _, wall in engine_runs), 3),
        "reference_wall_s": round(statistics.median(wall for _, wall in reference_runs), 3),
        "engine_peak_mb": _peak_mb(lambda: assign(asks, _fresh(pop))),
        "reference_peak_mb": _peak_mb(lambda: solve(asks, pop)),
        "engine_total": plan.total_score,
        "reference_total": reference_total,
        "certified": bool(plan.certified and bound == plan.total_score),
        "rounds": plan.rounds,
        "alternations": alternations,
        "violations": count_violations(asks, pop, plan),
    }


def scan_top(c: ScanColumns, request: Request, k: int = 10) -> list[tuple[int, int]]:
    """Rank by the column-wise scan: score every volunteer, `argpartition`, sort the k."""
    score = scan_scores(c, [request])[0]
    part = (
        np.argpartition(score, len(score) - k)[len(score) - k :]
        if len(score) > k
        else np.arange(len(score))
    )
    part = part[score[part] >= 0]
    order = np.lexsort((part, -score[part].astype(np.int64)))
    return [(int(j), int(score[j])) for j in part[order]]


def bench_rank_vs_scan(size: int = 100_000, rounds: int = 300) -> dict:
    """Engine `rank` against the scan, alternating request by request on the same population;
    each side's per-population preparation is done once, before timing."""
    pop = population(size, seed=size)
    asks = requests(rounds, size, seed=size + 1)
    columns = ScanColumns(pop)
    # The same ten scores (the scan does not break ties by index); this also warms both up.
    assert [s for _, s in rank(asks[0], pop, 10)] == [s for _, s in scan_top(columns, asks[0])]
    engine_ms, scan_ms = [], []
    for request in asks:
        start = time.perf_counter()
        rank(request, pop, 10)
        engine_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        scan_top(columns, request)
        scan_ms.append((time.perf_counter() - start) * 1000)
    engine, scan = statistics.median(engine_ms), statistics.median(scan_ms)
    return {
        "volunteers": size,
        "engine_ms": round(engine, 3),
        "scan_ms": round(scan, 3),
        "ratio": round(engine / scan, 3),
    }


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    _progress("BLAS/OpenMP threads held to 1 on both sides: " + ", ".join(THREADS))
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
    _progress("rank top 10 over 100,000 volunteers: engine beside a column-wise NumPy scan")
    rank_vs_scan = bench_rank_vs_scan()
    _progress("  engine {engine_ms} ms vs scan {scan_ms} ms (ratio {ratio})".format(**rank_vs_scan))
    references = []
    for n_requests, n_volunteers, name, alternations in REFERENCE_SIZES:
        _progress(f"{n_requests:,} x {n_volunteers:,}: engine beside {name}, {alternations} x A B")
        row = bench_reference(n_requests, n_volunteers, name, alternations)
        references.append(row)
        _progress(
            "  CPU {engine_cpu_s} s vs {reference_cpu_s} s (ratio {ratio}), wall {engine_wall_s}"
            " s vs {reference_wall_s} s, peak {engine_peak_mb} MB vs {reference_peak_mb} MB,"
            " totals {engine_total} vs {reference_total}, certified {certified}".format(**row)
        )
    result = {
        "threads": THREADS,
        "rank_top10_ms": ranking,
        "batch": batches,
        "rank_vs_scan": rank_vs_scan,
        "references": references,
    }
    text = json.dumps(result)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "matching.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
