"""The matching engine: rank, explain and assign. Plain Python + NumPy/SciPy, no Django.

A volunteer population is a set of columns (one entry per volunteer); a request is one waiting
participant's needs and preferences. Everything is expressed in small integer indices (topic 3,
language 1, region 12, ...) chosen by the caller; names only appear in `explain`, through a
`Vocabulary` passed in. Whether a volunteer is matchable at all (screening, training, agreement,
pause: `kindred.volunteers.matchability`) is decided elsewhere and arrives here as a boolean.

Hard constraints are never traded for score (DESIGN.md §5). In the order `explain` checks them:
matchable; no conflict of interest for this request (same firm, a named person, an earlier peer,
the volunteer's own exclusion); capacity left; supports the request's main topic; speaks one of
the languages the participant needs; a different city when one was asked for; every "must"
identity preference; the "must" gender preference.

Soft features add integer points (`Weights`), so a score is a small non-negative int:
score = Σ weight x feature. `explain` splits the score into plain sentences whose points add up
to exactly the score `rank` reports, because both use `_components`.

`assign` maximises the total score of a batch exactly under capacities. It solves the problem
restricted to each request's top-K candidates with SciPy's sparse Jonker-Volgenant solver over
capacity slots, derives LP duals from the residual graph (Bellman-Ford), and certifies the plan
against *every* pair: if no pair outside the candidate graph could improve it (u_i + v_j ≥ w_ij
for all feasible pairs, and the dual objective equals the plan's total) the plan is optimal;
otherwise the offending pairs are added and the problem is solved again.

Topics, languages, practice areas and identity flags are bitmasks in 64-bit columns, so each
vocabulary is limited to 64 entries per program.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

MAX_CODES = 64  # bitmask columns are uint64
INFEASIBLE = -1  # the score rank and score_row give to a pair that breaks a hard constraint

IntArray = NDArray[np.int64]


class Choice(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    EITHER = "either"


class Strength(StrEnum):
    MUST = "must"
    NICE = "nice"


class Conflict(StrEnum):
    """Why a request rules out a volunteer; the value is the sentence `explain` shows."""

    SAME_FIRM = "same firm as a person to avoid"
    NAMED_PERSON = "a person the participant asked to avoid"
    EARLIER_PEER = "an earlier peer the participant left or declined"
    VOLUNTEER_EXCLUSION = "the volunteer asked not to be matched with this participant"
    LAPSED_PROPOSAL = "proposed before, and the proposal lapsed"


@dataclass(frozen=True)
class Weights:
    """Points per soft feature. Defaults are documented here; programs may override them.

    Lived experience is worth most (the seed: "commonality of experience is a critical guide"),
    and counts once per topic of the request the volunteer has lived through. Load balance gives
    `load_balance` points per free step below `load_steps` active matches, so a volunteer with no
    active match gets `load_balance x load_steps` and one with `load_steps` or more gets none.
    """

    lived_experience: int = 5
    career_stage: int = 3
    practice_setting: int = 2
    practice_area: int = 2
    identity: int = 2
    gender: int = 2
    same_city: int = 1
    load_balance: int = 1
    load_steps: int = 3

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            # Non-negative points keep "unmatched" (0) never better than a feasible match.
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"weight {name} must be a non-negative integer")


DEFAULT_WEIGHTS = Weights()


def _mask(codes: Iterable[int]) -> int:
    value = 0
    for code in codes:
        if not 0 <= code < MAX_CODES:
            raise ValueError(f"code {code} is outside 0..{MAX_CODES - 1}")
        value |= 1 << code
    return value


def _codes(mask: int) -> list[int]:
    return [code for code in range(MAX_CODES) if mask >> code & 1]


@dataclass(frozen=True)
class Volunteer:
    """One volunteer as a record; `Population.from_volunteers` turns a list into columns."""

    matchable: bool
    supports: frozenset[int]
    lived: frozenset[int] = frozenset()
    languages: frozenset[int] = frozenset()
    region: int = -1
    setting: int = -1
    areas: frozenset[int] = frozenset()
    stage: int = -1
    identities: frozenset[int] = frozenset()
    gender: int = -1
    capacity_left: int = 1
    active_load: int = 0


@dataclass(frozen=True, eq=False)
class Population:
    """Column-wise volunteers: entry j of every array describes volunteer j."""

    matchable: NDArray[np.bool_]
    supports: NDArray[np.uint64]
    lived: NDArray[np.uint64]
    languages: NDArray[np.uint64]
    region: NDArray[np.int32]
    setting: NDArray[np.int16]
    areas: NDArray[np.uint64]
    stage: NDArray[np.int8]
    identities: NDArray[np.uint64]
    gender: NDArray[np.int8]
    capacity_left: NDArray[np.int32]
    active_load: NDArray[np.int32]

    def __post_init__(self) -> None:
        sizes = {len(column) for column in vars(self).values()}
        if len(sizes) > 1:
            raise ValueError("every column of a population must have the same length")

    def __len__(self) -> int:
        return len(self.matchable)

    @classmethod
    def from_volunteers(cls, volunteers: Sequence[Volunteer]) -> Population:
        def masks(attribute: str) -> NDArray[np.uint64]:
            return np.array([_mask(getattr(v, attribute)) for v in volunteers], dtype=np.uint64)

        def ints(attribute: str, dtype: type[np.integer]) -> NDArray[Any]:
            return np.array([getattr(v, attribute) for v in volunteers], dtype=dtype)

        return cls(
            matchable=np.array([v.matchable for v in volunteers], dtype=bool),
            supports=masks("supports"),
            lived=masks("lived"),
            languages=masks("languages"),
            region=ints("region", np.int32),
            setting=ints("setting", np.int16),
            areas=masks("areas"),
            stage=ints("stage", np.int8),
            identities=masks("identities"),
            gender=ints("gender", np.int8),
            capacity_left=ints("capacity_left", np.int32),
            active_load=ints("active_load", np.int32),
        )

    def take(self, indices: Sequence[int] | IntArray) -> Population:
        return Population(**{name: column[indices] for name, column in vars(self).items()})


@dataclass(frozen=True)
class Request:
    """One waiting participant. Empty `languages` means any language will do."""

    main_topic: int
    other_topics: frozenset[int] = frozenset()
    languages: frozenset[int] = frozenset()
    region: int = -1
    city: Choice = Choice.EITHER
    stage: int | None = None
    practice: Choice = Choice.EITHER
    setting: int = -1
    areas: frozenset[int] = frozenset()
    identities_must: frozenset[int] = frozenset()
    identities_nice: frozenset[int] = frozenset()
    gender: int | None = None
    gender_strength: Strength = Strength.NICE
    conflicts: tuple[tuple[int, Conflict], ...] = ()

    @property
    def topics(self) -> frozenset[int]:
        return self.other_topics | {self.main_topic}

    def excluded(self) -> list[int]:
        return [index for index, _ in self.conflicts]


@dataclass(frozen=True)
class Vocabulary:
    """Names for the indices, used only in sentences. A missing name reads as "topic 7"."""

    topics: Sequence[str] = ()
    languages: Sequence[str] = ()
    identities: Sequence[str] = ()
    genders: Sequence[str] = ()
    settings: Sequence[str] = ()
    areas: Sequence[str] = ()
    stages: Sequence[str] = ()

    @staticmethod
    def _name(names: Sequence[str], index: int, kind: str) -> str:
        return names[index] if 0 <= index < len(names) else f"{kind} {index}"

    def topic(self, index: int) -> str:
        return self._name(self.topics, index, "topic")

    def language(self, index: int) -> str:
        return self._name(self.languages, index, "language")

    def identity(self, index: int) -> str:
        return self._name(self.identities, index, "identity")

    def gender(self, index: int) -> str:
        return self._name(self.genders, index, "gender")

    def setting(self, index: int) -> str:
        return self._name(self.settings, index, "practice setting")

    def area(self, index: int) -> str:
        return self._name(self.areas, index, "practice area")

    def stage(self, index: int) -> str:
        return self._name(self.stages, index, "career stage")


# ---------------------------------------------------------------------------------------------
# Scoring, vectorised over a population


def _feasible(request: Request, pop: Population, *, check_conflicts: bool = True) -> NDArray:
    ok = pop.matchable & (pop.capacity_left > 0)
    ok &= (pop.supports >> np.uint64(request.main_topic)) & np.uint64(1) == 1
    if request.languages:
        ok &= pop.languages & np.uint64(_mask(request.languages)) != 0
    if request.city == Choice.DIFFERENT:
        ok &= pop.region != request.region
    if request.identities_must:
        must = np.uint64(_mask(request.identities_must))
        ok &= pop.identities & must == must
    if request.gender is not None and request.gender_strength == Strength.MUST:
        ok &= pop.gender == request.gender
    if check_conflicts and request.conflicts:
        excluded = np.asarray(request.excluded(), dtype=np.int64)
        ok[excluded[(excluded >= 0) & (excluded < len(pop))]] = False
    return ok


def _components(request: Request, pop: Population, w: Weights) -> dict[str, NDArray]:
    """Each soft feature's points per volunteer (arrays of small ints)."""
    parts: dict[str, NDArray] = {}
    if w.lived_experience:
        shared = np.bitwise_count(pop.lived & np.uint64(_mask(request.topics)))
        parts["lived"] = shared.astype(np.int32) * w.lived_experience
    if request.stage is not None and w.career_stage:
        parts["stage"] = (pop.stage == request.stage).astype(np.int32) * w.career_stage
    if request.practice != Choice.EITHER:
        want_same = request.practice == Choice.SAME
        if w.practice_setting and request.setting >= 0:
            same = pop.setting == request.setting
            parts["setting"] = (same == want_same).astype(np.int32) * w.practice_setting
        if w.practice_area and request.areas:
            overlap = pop.areas & np.uint64(_mask(request.areas)) != 0
            parts["area"] = (overlap == want_same).astype(np.int32) * w.practice_area
    if request.city == Choice.SAME and w.same_city:
        parts["city"] = (pop.region == request.region).astype(np.int32) * w.same_city
    if request.identities_nice and w.identity:
        shared = np.bitwise_count(pop.identities & np.uint64(_mask(request.identities_nice)))
        parts["identity"] = shared.astype(np.int32) * w.identity
    if request.gender is not None and request.gender_strength == Strength.NICE and w.gender:
        parts["gender"] = (pop.gender == request.gender).astype(np.int32) * w.gender
    if w.load_balance and w.load_steps:
        free = np.clip(w.load_steps - pop.active_load, 0, w.load_steps)
        parts["load"] = free.astype(np.int32) * w.load_balance
    return parts


def score_row(request: Request, pop: Population, weights: Weights = DEFAULT_WEIGHTS) -> NDArray:
    """Score of every volunteer for one request, INFEASIBLE (-1) where a hard constraint fails."""
    total = np.zeros(len(pop), dtype=np.int32)
    for points in _components(request, pop, weights).values():
        total += points
    total[~_feasible(request, pop)] = INFEASIBLE
    return total


def score_matrix(
    requests: Sequence[Request], pop: Population, weights: Weights = DEFAULT_WEIGHTS
) -> NDArray:
    """All pairs at once (requests x volunteers); for small instances, checks and tests."""
    if not requests:
        return np.zeros((0, len(pop)), dtype=np.int32)
    return np.stack([score_row(r, pop, weights) for r in requests])


def _top(scores: NDArray, k: int) -> IntArray:
    """Indices of the k best feasible entries, best first, ties to the lower index."""
    n = len(scores)
    feasible = np.flatnonzero(scores >= 0)
    if k <= 0 or feasible.size == 0:
        return np.empty(0, dtype=np.int64)
    # One unique key per volunteer: score first, then the lower index wins.
    keys = scores[feasible].astype(np.int64) * (n + 1) + (n - feasible)
    if feasible.size > k:
        part = np.argpartition(-keys, k - 1)[:k]
        feasible, keys = feasible[part], keys[part]
    return feasible[np.argsort(-keys, kind="stable")]


def rank(
    request: Request, pop: Population, k: int = 10, weights: Weights = DEFAULT_WEIGHTS
) -> list[tuple[int, int]]:
    """The k best volunteers for one request as (index, score), best first, ties to lower index."""
    scores = score_row(request, pop, weights)
    return [(int(j), int(scores[j])) for j in _top(scores, k)]


def best_possible(request: Request, weights: Weights = DEFAULT_WEIGHTS) -> int:
    """The score of an ideal volunteer for this request: what a candidate's bar is out of."""
    w = weights
    total = w.lived_experience * len(request.topics) + w.load_balance * w.load_steps
    if request.stage is not None:
        total += w.career_stage
    if request.practice != Choice.EITHER:
        total += w.practice_setting if request.setting >= 0 else 0
        total += w.practice_area if request.areas else 0
    if request.city == Choice.SAME:
        total += w.same_city
    total += w.identity * len(request.identities_nice)
    if request.gender is not None and request.gender_strength == Strength.NICE:
        total += w.gender
    return total


def near_misses(
    request: Request, pop: Population, k: int = 5, weights: Weights = DEFAULT_WEIGHTS
) -> list[int]:
    """The k volunteers a hard constraint rules out who would otherwise score best, best first
    (ties to the lower index): the coordinator sees who was left out and why."""
    soft = np.zeros(len(pop), dtype=np.int32)
    for points in _components(request, pop, weights).values():
        soft += points
    soft[_feasible(request, pop)] = INFEASIBLE  # keep only the ruled-out ones
    return [int(j) for j in _top(soft, k)]


# ---------------------------------------------------------------------------------------------
# Explanations


@dataclass(frozen=True)
class Contribution:
    points: int
    sentence: str


@dataclass(frozen=True)
class Explanation:
    volunteer: int
    score: int  # the sum of the contributions (what rank reports when the volunteer is eligible)
    contributions: tuple[Contribution, ...]
    excluded_because: str | None = None

    @property
    def eligible(self) -> bool:
        return self.excluded_because is None


def _first_failure(request: Request, pop: Population, j: int, names: Vocabulary) -> str | None:
    if not pop.matchable[j]:
        return "not matchable at the moment"
    for index, conflict in request.conflicts:
        if index == j:
            return Conflict(conflict).value
    if pop.capacity_left[j] <= 0:
        return "no capacity left"
    if not int(pop.supports[j]) >> request.main_topic & 1:
        return f"does not support {names.topic(request.main_topic)}"
    if request.languages and not int(pop.languages[j]) & _mask(request.languages):
        spoken = " or ".join(names.language(code) for code in sorted(request.languages))
        return f"does not speak {spoken}"
    if request.city == Choice.DIFFERENT and pop.region[j] == request.region:
        return "lives in the same city, and the participant asked for a different city"
    for code in sorted(request.identities_must):
        if not int(pop.identities[j]) >> code & 1:
            return f"does not share an identity the participant requires: {names.identity(code)}"
    if (
        request.gender is not None
        and request.gender_strength == Strength.MUST
        and pop.gender[j] != request.gender
    ):
        return f"is not {names.gender(request.gender)}, which the participant requires"
    return None


def _sentences(
    request: Request, pop: Population, j: int, key: str, points: int, names: Vocabulary
) -> list[Contribution]:
    """Plain sentences for one feature; a feature counted per item gets one sentence per item."""
    if key == "lived":
        shared = _codes(int(pop.lived[j]) & _mask(request.topics))
        each = points // len(shared)
        return [
            Contribution(each, f"Both have lived experience of {names.topic(code)}")
            for code in shared
        ]
    if key == "identity":
        shared = _codes(int(pop.identities[j]) & _mask(request.identities_nice))
        each = points // len(shared)
        return [
            Contribution(
                each, f"Shares an identity the participant would like: {names.identity(c)}"
            )
            for c in shared
        ]
    if key == "stage":
        text = f"Both are at the same career stage ({names.stage(int(pop.stage[j]))})"
    elif key == "setting":
        if request.practice == Choice.SAME:
            text = f"Both work in the same practice setting ({names.setting(request.setting)})"
        else:
            text = "Works in a different practice setting, as the participant asked"
    elif key == "area":
        if request.practice == Choice.SAME:
            shared_area = _codes(int(pop.areas[j]) & _mask(request.areas))[0]
            text = f"Both practise in {names.area(shared_area)}"
        else:
            text = "Practises in a different area of law, as the participant asked"
    elif key == "city":
        text = "Lives in the same city, as the participant asked"
    elif key == "gender":
        text = f"Is {names.gender(int(pop.gender[j]))}, as the participant would like"
    else:  # load
        active = int(pop.active_load[j])
        matches = (
            "no active matches"
            if active == 0
            else f"{active} active match" + ("es" if active > 1 else "")
        )
        text = f"Has {matches}, so has room to give time"
    return [Contribution(points, text)]


def explain(
    request: Request,
    pop: Population,
    volunteer: int,
    names: Vocabulary = Vocabulary(),
    weights: Weights = DEFAULT_WEIGHTS,
) -> Explanation:
    """Why a volunteer scores what it does, sentence by sentence; or the first hard constraint
    that rules them out. The contributions always add up to `score`."""
    one = pop.take([volunteer])
    contributions: list[Contribution] = []
    for key, points in _components(request, one, weights).items():
        value = int(points[0])
        if value:
            contributions.extend(_sentences(request, pop, volunteer, key, value, names))
    return Explanation(
        volunteer=volunteer,
        score=sum(c.points for c in contributions),
        contributions=tuple(contributions),
        excluded_because=_first_failure(request, pop, volunteer, names),
    )


# ---------------------------------------------------------------------------------------------
# Batch assignment


@dataclass(frozen=True)
class Plan:
    """A batch of proposals. `pairs` are (request, volunteer, score), in request order.

    `certified` is True when LP duals (`request_duals`, `volunteer_duals`, in units of the
    internal weight `score x (R + 1) + 1`) were checked feasible against every pair and their
    objective equals the plan's — a proof that no plan has a higher total score.
    """

    pairs: tuple[tuple[int, int, int], ...]
    total_score: int
    unmatched: tuple[int, ...]
    certified: bool = False
    upper_bound: int | None = None  # a proven bound on any plan's total score
    rounds: int = 1
    request_duals: IntArray | None = field(default=None, repr=False, compare=False)
    volunteer_duals: IntArray | None = field(default=None, repr=False, compare=False)


def _plan(pairs: list[tuple[int, int, int]], count: int, **extra: object) -> Plan:
    pairs.sort()
    matched = {i for i, _, _ in pairs}
    return Plan(
        pairs=tuple(pairs),
        total_score=sum(s for _, _, s in pairs),
        unmatched=tuple(i for i in range(count) if i not in matched),
        **extra,  # type: ignore[arg-type]
    )


def _solve_sparse(
    rows: IntArray, cols: IntArray, weight: IntArray, capacity: IntArray, n_requests: int
) -> IntArray:
    """Max-weight capacitated assignment on the given edges; returns the chosen edge indices.

    Each volunteer j becomes `capacity[j]` identical slots and each request gets a private
    "unmatched" column, so SciPy's LAPJVsp sees a full rectangular assignment. Costs are shifted
    to be ≥ 1 because the sparse solver reads a stored zero as a missing edge.
    """
    volunteers, local = np.unique(cols, return_inverse=True)
    demand = np.bincount(local, minlength=len(volunteers))
    slots = np.minimum(capacity[volunteers], demand)  # more slots than askers can never fill
    first_slot = np.concatenate([[0], np.cumsum(slots)[:-1]])
    edge_slots = slots[local]
    edge_of = np.repeat(np.arange(len(rows)), edge_slots)
    offset = np.arange(len(edge_of)) - np.repeat(np.cumsum(edge_slots) - edge_slots, edge_slots)
    slot_cols = first_slot[local][edge_of] + offset
    total_slots = int(slots.sum())
    top = int(weight.max(initial=0)) + 1
    graph = csr_array(
        (
            np.concatenate([top - weight[edge_of], np.full(n_requests, top)]).astype(np.float64),
            (
                np.concatenate([rows[edge_of], np.arange(n_requests)]),
                np.concatenate([slot_cols, total_slots + np.arange(n_requests)]),
            ),
        ),
        shape=(n_requests, total_slots + n_requests),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    # Map each chosen slot back to an edge of the same request and volunteer.
    chosen_slot = col_ind < total_slots
    slot_owner = np.repeat(np.arange(len(volunteers)), slots)
    # Edges are sorted by request, then volunteer: one key per edge finds it again.
    keys = rows * len(volunteers) + local
    wanted = row_ind[chosen_slot] * len(volunteers) + slot_owner[col_ind[chosen_slot]]
    return np.sort(np.searchsorted(keys, wanted))


def _duals(
    rows: IntArray,
    cols: IntArray,
    weight: IntArray,
    chosen: IntArray,
    capacity: IntArray,
    n_requests: int,
    n_volunteers: int,
) -> tuple[IntArray, IntArray]:
    """LP duals (u per request, v per volunteer, both ≥ 0) of an optimal restricted plan.

    Potentials are shortest distances in the residual graph of the min-cost flow (costs -weight)
    from a virtual root; optimality of the plan means there is no negative cycle. Then
    u_i = d_i - d_T and v_j = d_T - d_j satisfy u_i + v_j ≥ w_ij on every restricted edge, with
    equality on chosen ones, and are zero for unmatched requests and volunteers with room left
    (complementary slackness), so their objective equals the plan's total.
    """
    t = n_requests + n_volunteers  # the sink
    in_plan = np.zeros(len(rows), dtype=bool)
    in_plan[chosen] = True
    load = np.bincount(cols[chosen], minlength=n_volunteers)
    matched = np.zeros(n_requests, dtype=bool)
    matched[rows[chosen]] = True
    used = np.unique(cols)
    req_nodes = np.arange(n_requests)
    # Arcs of the residual graph. A request sends one unit, so an edge needs no upper bound of
    # its own: every edge may carry (more) flow, and a chosen one may also give its unit back.
    # Likewise each request's "unmatched" arc to the sink is always open.
    has_room = used[load[used] < capacity[used]]
    has_someone = used[load[used] > 0]
    unmatched = req_nodes[~matched]
    src = np.concatenate(
        [
            rows,
            n_requests + cols[in_plan],
            req_nodes,
            np.full(len(unmatched), t),
            n_requests + has_room,
            np.full(len(has_someone), t),
        ]
    )
    dst = np.concatenate(
        [
            n_requests + cols,
            rows[in_plan],
            np.full(n_requests, t),
            unmatched,
            np.full(len(has_room), t),
            n_requests + has_someone,
        ]
    )
    cost = np.concatenate(
        [-weight, weight[in_plan], np.zeros(len(src) - len(rows) - int(in_plan.sum()), np.int64)]
    )
    distance = np.zeros(t + 1, dtype=np.int64)
    for _ in range(t + 2):
        before = distance.copy()
        np.minimum.at(distance, dst, distance[src] + cost)
        if np.array_equal(before, distance):
            break
    else:  # pragma: no cover - a negative cycle means the restricted plan was not optimal
        raise RuntimeError("the restricted plan is not optimal (negative cycle)")
    u = np.maximum(distance[:n_requests] - distance[t], 0)
    v = np.maximum(distance[t] - distance[n_requests : n_requests + n_volunteers], 0)
    return u, v


def assign(
    requests: Sequence[Request],
    pop: Population,
    weights: Weights = DEFAULT_WEIGHTS,
    candidates: int = 50,
) -> Plan:
    """A plan with the highest possible total score under capacities, with a certificate.

    Among plans with the same total score, more people matched is preferred (the internal weight
    is score x (R + 1) + 1). Each request starts with its `candidates` best volunteers; pairs
    that the dual check over all pairs shows could improve the plan are added until none can.
    """
    n_req, n_vol = len(requests), len(pop)
    if n_req == 0 or n_vol == 0:
        return Plan(
            pairs=(), total_score=0, unmatched=tuple(range(n_req)), certified=True, upper_bound=0
        )
    scale = n_req + 1
    capacity = pop.capacity_left.astype(np.int64)
    # Per request, the volunteers in the candidate graph and their scores.
    edges: list[dict[int, int]] = []
    best_outside = np.full(n_req, -1, dtype=np.int64)  # best internal weight not in the graph
    for i, request in enumerate(requests):
        scores = score_row(request, pop, weights)
        top = _top(scores, candidates + 1)
        if len(top) > candidates:
            best_outside[i] = int(scores[top[candidates]]) * scale + 1
        edges.append({int(j): int(scores[j]) for j in top[:candidates]})

    rounds = 0
    while True:
        rounds += 1
        rows = np.concatenate(
            [np.full(len(e), i, dtype=np.int64) for i, e in enumerate(edges)]
        ).astype(np.int64)
        cols = np.concatenate([np.fromiter(sorted(e), dtype=np.int64, count=len(e)) for e in edges])
        edge_scores = np.concatenate(
            [np.array([e[j] for j in sorted(e)], dtype=np.int64) for e in edges]
        )
        if rows.size == 0:
            return Plan(
                pairs=(),
                total_score=0,
                unmatched=tuple(range(n_req)),
                certified=True,
                upper_bound=0,
                rounds=rounds,
            )
        weight = edge_scores * scale + 1
        chosen = _solve_sparse(rows, cols, weight, capacity, n_req)
        u, v = _duals(rows, cols, weight, chosen, capacity, n_req, n_vol)
        # The dual check over every pair, cheap where u_i already covers the best pair left out.
        added = False
        for row in np.flatnonzero(u < best_outside):
            i = int(row)
            scores = score_row(requests[i], pop, weights).astype(np.int64)
            slack = u[i] + v - (scores * scale + 1)
            improving = np.flatnonzero((scores >= 0) & (slack < 0))
            new = {int(j): int(scores[j]) for j in improving if int(j) not in edges[i]}
            if new:
                edges[i].update(new)
                added = True
        if not added:
            break
    plan_weight = int(weight[chosen].sum())
    dual_objective = int(u.sum() + (capacity * v).sum())
    pairs = [(int(rows[e]), int(cols[e]), int(edge_scores[e])) for e in chosen]
    return _plan(
        pairs,
        n_req,
        certified=dual_objective == plan_weight,
        upper_bound=dual_objective // scale,
        rounds=rounds,
        request_duals=u,
        volunteer_duals=v,
    )


def greedy(
    requests: Sequence[Request],
    pop: Population,
    weights: Weights = DEFAULT_WEIGHTS,
    candidates: int = 50,
) -> Plan:
    """Best pairs first (ties: lower request, then lower volunteer), for comparison only.

    Each request keeps a list of its best candidates; when every one of them is full, its list is
    refilled from the volunteers that still have room, so the result is the same as sorting all
    pairs.
    """
    room = pop.capacity_left.astype(np.int64).copy()
    heap: list[tuple[int, int, int]] = []
    left = [0] * len(requests)

    def refill(i: int) -> None:
        scores = score_row(requests[i], pop, weights)
        scores[room <= 0] = INFEASIBLE
        top = _top(scores, candidates)
        left[i] = len(top)
        for j in top:
            heapq.heappush(heap, (-int(scores[j]), i, int(j)))

    for i in range(len(requests)):
        refill(i)
    pairs: list[tuple[int, int, int]] = []
    matched = [False] * len(requests)
    while heap:
        negative, i, j = heapq.heappop(heap)
        if matched[i]:
            continue
        left[i] -= 1
        if room[j] <= 0:
            if left[i] == 0:
                refill(i)
            continue
        room[j] -= 1
        matched[i] = True
        pairs.append((i, j, -negative))
    return _plan(pairs, len(requests))


def optimum_dense(
    requests: Sequence[Request], pop: Population, weights: Weights = DEFAULT_WEIGHTS
) -> int:
    """The best total score by a second, independent exact method: dense
    `linear_sum_assignment` over every capacity slot of every volunteer. Memory grows with
    requests x total capacity, so this is for checks on small and medium instances."""
    scores = score_matrix(requests, pop, weights)
    n_req = len(requests)
    if n_req == 0:
        return 0
    slots = np.repeat(np.arange(len(pop)), np.minimum(np.maximum(pop.capacity_left, 0), n_req))
    gain = scores[:, slots].astype(np.float64)
    gain[gain < 0] = -1e9  # a forbidden pair; never chosen over the unmatched column
    gain = np.hstack([gain, np.zeros((n_req, n_req))])  # "stay unmatched" columns
    row_ind, col_ind = linear_sum_assignment(gain, maximize=True)
    picked = gain[row_ind, col_ind]
    return int(picked[picked > 0].sum())


def violations(requests: Sequence[Request], pop: Population, plan: Plan) -> int:
    """How many pairs of a plan break a hard constraint, a capacity, or match a request twice."""
    bad = 0
    load = np.zeros(len(pop), dtype=np.int64)
    seen: set[int] = set()
    for i, j, _ in plan.pairs:
        if i in seen or not _feasible(requests[i], pop.take([j]), check_conflicts=False)[0]:
            bad += 1
        if j in requests[i].excluded():
            bad += 1
        seen.add(i)
        load[j] += 1
    return bad + int(np.maximum(load - np.maximum(pop.capacity_left, 0), 0).sum())
