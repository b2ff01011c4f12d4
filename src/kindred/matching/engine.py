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
score = Σ weight x feature. `explain` splits the score into plain sentences (`_components`, one
volunteer at a time); `rank`, `score_row` and `assign` compute the same points on a fast path
(`_score_block`) that the property tests hold equal to `explain` and to brute force.

The fast path: what does not depend on the request (matchable with room left, the volunteers who
support each main topic, narrowed bitmasks, load points) is computed once per population and
kept while the population lives (`_index`), so a population's columns must not change in place
(they are read-only views). Requests sharing a main topic are scored together as a block against
only the volunteers who support it, summed in the narrowest unsigned type that holds the
request's best possible score (8 bits up to 127, then 16 or 32), and the top K of each row is
found from a histogram of its scores (`_top_rows`).

`assign` maximises the total score of a batch exactly under capacities. It solves the problem
restricted to each request's top-K candidates (and, when volunteers are scarce, each volunteer's
best requests) with SciPy's sparse Jonker-Volgenant solver over capacity slots, derives LP duals
from the residual graph (Bellman-Ford), and certifies the plan against *every* pair: if no pair
outside the candidate graph could improve it (u_i + v_j ≥ w_ij for all feasible pairs, and the
dual objective equals the plan's total) the plan is optimal; otherwise the offending pairs are
added and the problem is solved again.

Topics, languages, practice areas and identity flags are bitmasks in 64-bit columns, so each
vocabulary is limited to 64 entries per program.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
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
        sizes = {len(getattr(self, name)) for name in _COLUMN_DTYPES}
        if len(sizes) > 1:
            raise ValueError("every column of a population must have the same length")
        # Read-only views: the engine keeps per-population indexes (`_index`), which a column
        # changed in place would silently contradict. Build a new population instead.
        for name in _COLUMN_DTYPES:
            column = np.asarray(getattr(self, name)).view()
            column.flags.writeable = False
            object.__setattr__(self, name, column)

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

    @classmethod
    def from_columns(cls, **columns: Any) -> Population:
        """Columns (arrays or sequences, e.g. a kept pool's) converted to the engine's dtypes."""
        missing = set(_COLUMN_DTYPES) - set(columns)
        if missing or len(columns) != len(_COLUMN_DTYPES):
            raise ValueError("a population needs exactly the columns " + ", ".join(_COLUMN_DTYPES))
        return cls(
            **{
                name: np.asarray(columns[name], dtype=dtype)
                for name, dtype in _COLUMN_DTYPES.items()
            }
        )

    def take(self, indices: Sequence[int] | IntArray) -> Population:
        return Population(**{name: getattr(self, name)[indices] for name in _COLUMN_DTYPES})


_COLUMN_DTYPES: dict[str, type[np.generic]] = {
    "matchable": np.bool_,
    "supports": np.uint64,
    "lived": np.uint64,
    "languages": np.uint64,
    "region": np.int32,
    "setting": np.int16,
    "areas": np.uint64,
    "stage": np.int8,
    "identities": np.uint64,
    "gender": np.int8,
    "capacity_left": np.int32,
    "active_load": np.int32,
}


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
    total = np.full(len(pop), INFEASIBLE, dtype=np.int32)
    sl = _index(pop).slice(request.main_topic)
    if len(sl.volunteers):
        dtype = _score_dtype(request, weights)
        total[sl.volunteers] = _score_block(sl, [request], weights, dtype)[0]
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
    if k <= 0 or len(scores) == 0:
        return np.empty(0, dtype=np.int64)
    return _top_rows(scores[None, :], k)[1]


def rank(
    request: Request, pop: Population, k: int = 10, weights: Weights = DEFAULT_WEIGHTS
) -> list[tuple[int, int]]:
    """The k best volunteers for one request as (index, score), best first, ties to lower index."""
    sl = _index(pop).slice(request.main_topic)
    if k <= 0 or len(sl.volunteers) == 0:
        return []
    scores = _score_block(sl, [request], weights, _score_dtype(request, weights))
    _, cols, _ = _top_rows(scores, k)
    return list(zip(sl.volunteers[cols].tolist(), scores[0, cols].tolist(), strict=True))


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
# The fast path: per-population indexes and blocks of requests scored at once
#
# Only volunteers who are matchable, have room and support a request's main topic can score at
# all, so each population keeps, per main topic, those volunteers' columns gathered together
# (bitmasks narrowed to the fewest bytes that hold every code in use). A request is scored against
# that slice only, in the smallest unsigned integer type that holds its best possible score, and
# requests that share a main topic are scored together as one 2-D block. The points are the
# same as `_components` and `_feasible` give; the property tests compare the two paths.

BLOCK_PAIRS = 1 << 18  # pairs scored at once: fastest of 2**16 to 2**20 here (4 MiB L2)
SMALL_ROW = 8192  # up to this many volunteers, one request's top K comes from a stable sort
KEEP_PAIRS = 1 << 25  # below this many pairs `assign` keeps every score for the dual check


def _narrow(column: NDArray[np.uint64]) -> NDArray[np.unsignedinteger]:
    """A bitmask column in the fewest bytes that hold every bit any volunteer has set."""
    used = int(np.bitwise_or.reduce(column)) if len(column) else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if used < 1 << (8 * np.dtype(dtype).itemsize):
            return column.astype(dtype)
    return column.astype(np.uint64)


@dataclass(eq=False)
class _Slice:
    """The volunteers who could take a request on one main topic, columns gathered."""

    volunteers: IntArray  # their numbers in the population, ascending
    lived: NDArray[Any]  # bitmasks, narrowed (`_narrow`)
    languages: NDArray[Any]
    areas: NDArray[Any]
    identities: NDArray[Any]
    region: NDArray[Any]
    setting: NDArray[Any]
    stage: NDArray[Any]
    gender: NDArray[Any]
    active_load: NDArray[Any]
    load_points: dict[tuple[int, int, type[np.generic]], NDArray] = field(
        default_factory=dict, init=False
    )

    def load(self, w: Weights, dtype: type[np.generic]) -> NDArray:
        key = (w.load_balance, w.load_steps, dtype)
        points = self.load_points.get(key)
        if points is None:
            free = np.clip(w.load_steps - self.active_load.astype(np.int64), 0, w.load_steps)
            points = (free * w.load_balance).astype(dtype)
            self.load_points[key] = points
        return points


class _Index:
    """Everything about a population that does not depend on the request, computed once.

    It holds the population's columns, not the population, so the weak cache below can let a
    population go when nobody else uses it.
    """

    def __init__(self, pop: Population) -> None:
        self.size = len(pop)
        self.available = np.flatnonzero(pop.matchable & (pop.capacity_left > 0))
        self.supports = pop.supports[self.available]
        self.columns: dict[str, NDArray[Any]] = {
            name: (
                _narrow(getattr(pop, name)[self.available])
                if name in ("lived", "languages", "areas", "identities")
                else getattr(pop, name)[self.available]
            )
            for name in (
                "lived",
                "languages",
                "areas",
                "identities",
                "region",
                "setting",
                "stage",
                "gender",
                "active_load",
            )
        }
        self.slices: dict[int, _Slice] = {}

    def slice(self, topic: int) -> _Slice:
        found = self.slices.get(topic)
        if found is None:
            if not 0 <= topic < MAX_CODES:
                raise ValueError(f"code {topic} is outside 0..{MAX_CODES - 1}")
            where = np.flatnonzero((self.supports >> np.uint64(topic)) & np.uint64(1))
            found = _Slice(
                volunteers=self.available[where],
                **{name: column[where] for name, column in self.columns.items()},
            )
            self.slices[topic] = found
        return found


_INDEXES: weakref.WeakKeyDictionary[Population, _Index] = weakref.WeakKeyDictionary()
_INDEX_LOCK = threading.Lock()


def _index(pop: Population) -> _Index:
    with _INDEX_LOCK:
        index = _INDEXES.get(pop)
        if index is None:
            index = _INDEXES[pop] = _Index(pop)
        return index


def _score_dtype(request: Request, w: Weights) -> type[np.unsignedinteger]:
    """The unsigned type scores are summed in; its signed twin holds them and INFEASIBLE."""
    best = best_possible(request, w)
    if best <= np.iinfo(np.int8).max:
        return np.uint8
    if best <= np.iinfo(np.int16).max:
        return np.uint16
    return np.uint32 if best <= np.iinfo(np.int32).max else np.uint64


def _signed(dtype: type[np.unsignedinteger]) -> type[np.signedinteger]:
    if dtype is np.uint8:
        return np.int8
    if dtype is np.uint16:
        return np.int16
    return np.int32 if dtype is np.uint32 else np.int64


class _Block:
    """Scratch for scoring a block of requests against one slice: sums, "ruled out" flags."""

    def __init__(self, sl: _Slice, rows: int, dtype: type[np.unsignedinteger]) -> None:
        self.sl, self.dtype, self.shape = sl, dtype, (rows, len(sl.volunteers))
        self.total = np.zeros(self.shape, dtype=dtype)
        self.out = np.zeros(self.shape, dtype=bool)
        self.flags = np.empty(self.shape, dtype=bool)
        self.scratch = np.empty(self.shape, dtype=dtype)

    def add(self, values: NDArray, points: list[int]) -> None:
        """total += values x points (per row); values are flags or small counts."""
        weights = np.asarray(points, dtype=self.dtype)[:, None]
        np.multiply(values, weights, out=self.scratch, casting="unsafe")
        self.total += self.scratch

    def rule_out(self, failed: NDArray, active: list[bool]) -> None:
        """Mark as infeasible where `failed`, on the rows where the constraint applies."""
        if not all(active):
            failed &= np.asarray(active)[:, None]
        self.out |= failed


_RANGES = {
    t: (int(np.iinfo(t).min), int(np.iinfo(t).max))
    for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)
}


def _equal(column: NDArray, values: list[int]) -> NDArray:
    """column == value per row, as a (rows, volunteers) array; a value the column's type
    cannot hold equals nobody."""
    low, high = _RANGES[column.dtype.type]
    fits = [low <= value <= high for value in values]
    held = np.asarray(
        [value if ok else 0 for value, ok in zip(values, fits, strict=True)], dtype=column.dtype
    )
    equal = column[None, :] == held[:, None]
    if not all(fits):
        equal &= np.asarray(fits)[:, None]
    return equal


def _overlap(block: _Block, column: NDArray, masks: list[int]) -> NDArray:
    """The bits each row's mask shares with each volunteer's column (bits outside the column's
    type are set by nobody, so they are dropped)."""
    top = (1 << (8 * column.dtype.itemsize)) - 1
    held = np.asarray([mask & top for mask in masks], dtype=column.dtype)[:, None]
    return np.bitwise_and(column[None, :], held)


def _score_block(
    sl: _Slice, requests: Sequence[Request], w: Weights, dtype: type[np.unsignedinteger]
) -> NDArray:
    """Scores of every request (all on the slice's main topic) against every volunteer of the
    slice, INFEASIBLE where a hard constraint fails; the signed twin of `dtype`."""
    block = _Block(sl, len(requests), dtype)
    if w.lived_experience:
        masks = [_mask(r.topics) for r in requests]
        block.add(
            np.bitwise_count(_overlap(block, sl.lived, masks)), [w.lived_experience] * len(masks)
        )
    stage = [r.stage is not None and w.career_stage > 0 for r in requests]
    if any(stage):
        values = [r.stage if r.stage is not None else 0 for r in requests]
        block.add(_equal(sl.stage, values), [w.career_stage if on else 0 for on in stage])
    setting = [
        r.practice != Choice.EITHER and r.setting >= 0 and w.practice_setting > 0 for r in requests
    ]
    if any(setting):
        same = _equal(sl.setting, [r.setting for r in requests])
        # Points when "same setting" is what the participant asked for: same == want_same.
        same ^= np.asarray([r.practice != Choice.SAME for r in requests])[:, None]
        block.add(same, [w.practice_setting if on else 0 for on in setting])
    area = [r.practice != Choice.EITHER and bool(r.areas) and w.practice_area > 0 for r in requests]
    if any(area):
        overlap = _overlap(block, sl.areas, [_mask(r.areas) for r in requests]) != 0
        overlap ^= np.asarray([r.practice != Choice.SAME for r in requests])[:, None]
        block.add(overlap, [w.practice_area if on else 0 for on in area])
    city = [r.city == Choice.SAME and w.same_city > 0 for r in requests]
    if any(city):
        block.add(
            _equal(sl.region, [r.region for r in requests]),
            [w.same_city if on else 0 for on in city],
        )
    identity = [bool(r.identities_nice) and w.identity > 0 for r in requests]
    if any(identity):
        shared = np.bitwise_count(
            _overlap(block, sl.identities, [_mask(r.identities_nice) for r in requests])
        )
        block.add(shared, [w.identity if on else 0 for on in identity])
    gender = [
        r.gender is not None and r.gender_strength == Strength.NICE and w.gender > 0
        for r in requests
    ]
    if any(gender):
        values = [r.gender if r.gender is not None else 0 for r in requests]
        block.add(_equal(sl.gender, values), [w.gender if on else 0 for on in gender])
    if w.load_balance and w.load_steps:
        block.total += sl.load(w, dtype)[None, :]
    _rule_out(block, requests)
    scores = block.total.view(_signed(dtype))
    np.copyto(scores, INFEASIBLE, where=block.out)
    return scores


def _rule_out(block: _Block, requests: Sequence[Request]) -> None:
    """The hard constraints besides matchable, capacity and main topic (the slice holds those)."""
    sl = block.sl
    languages = [bool(r.languages) for r in requests]
    if any(languages):
        spoken = _overlap(block, sl.languages, [_mask(r.languages) for r in requests]) == 0
        block.rule_out(spoken, languages)
    elsewhere = [r.city == Choice.DIFFERENT for r in requests]
    if any(elsewhere):
        block.rule_out(_equal(sl.region, [r.region for r in requests]), elsewhere)
    must = [_mask(r.identities_must) for r in requests]
    if any(must):
        held = _overlap(block, sl.identities, must)
        top = (1 << (8 * sl.identities.dtype.itemsize)) - 1
        # A required identity no volunteer has (a bit beyond the column's type) rules all out.
        wanted = np.asarray([m if m <= top else 0 for m in must], dtype=sl.identities.dtype)
        missing = held != wanted[:, None]
        missing |= np.asarray([m > top for m in must])[:, None]
        block.rule_out(missing, [m != 0 for m in must])
    required = [r.gender is not None and r.gender_strength == Strength.MUST for r in requests]
    if any(required):
        values = [r.gender if r.gender is not None else 0 for r in requests]
        block.rule_out(~_equal(sl.gender, values), required)
    conflicts = [(row, index) for row, r in enumerate(requests) for index, _ in r.conflicts]
    if conflicts:
        rows, people = np.asarray(conflicts, dtype=np.int64).T
        where = np.minimum(np.searchsorted(sl.volunteers, people), len(sl.volunteers) - 1)
        hit = sl.volunteers[where] == people if len(sl.volunteers) else np.zeros(0, bool)
        block.out[rows[hit], where[hit]] = True


def _groups(
    requests: Sequence[Request], index: _Index, w: Weights, rows: Sequence[int] | None = None
) -> Iterator[tuple[_Slice, IntArray, NDArray]]:
    """(slice, request numbers, their scores) in blocks of at most BLOCK_PAIRS pairs; requests
    that share a main topic and a score type go together, in request order."""
    chosen = range(len(requests)) if rows is None else rows
    by_key: dict[tuple[int, type[np.unsignedinteger]], list[int]] = {}
    for i in chosen:
        request = requests[i]
        by_key.setdefault((request.main_topic, _score_dtype(request, w)), []).append(i)
    for (topic, dtype), members in sorted(by_key.items(), key=lambda item: item[1][0]):
        sl = index.slice(topic)
        if len(sl.volunteers) == 0:
            continue
        step = max(1, BLOCK_PAIRS // len(sl.volunteers))
        for start in range(0, len(members), step):
            part = members[start : start + step]
            yield (
                sl,
                np.asarray(part, dtype=np.int64),
                _score_block(sl, [requests[i] for i in part], w, dtype),
            )


def _top_rows(scores: NDArray, k: int | IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """The k best feasible entries of every row as (row, column, rank within the row), sorted
    by row then best first, ties to the lower column. A histogram of each row's scores finds
    its k-th best value, so nothing is sorted but the few entries kept."""
    n_rows, n_cols = scores.shape
    want = np.broadcast_to(np.asarray(k, dtype=np.int64), (n_rows,))
    top = int(scores.max(initial=INFEASIBLE))
    if n_cols == 0 or top < 0 or not want.any():
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    if n_rows == 1 and n_cols <= SMALL_ROW:  # a short row: a stable sort costs less
        order = np.argsort(top - scores[0].astype(np.int64), kind="stable")
        kept = order[: min(int(want[0]), int(np.count_nonzero(scores[0] >= 0)))]
        return np.zeros(len(kept), dtype=np.int64), kept, np.arange(len(kept))
    width = top + 2  # bins for INFEASIBLE, 0, ..., top
    if width > 4 * n_cols + 256:  # scores too spread for a histogram (very large weights)
        return _top_rows_by_keys(scores, want)
    shifted = scores.astype(np.intp)
    shifted += (np.arange(n_rows, dtype=np.intp) * width + 1)[:, None]
    counts = np.bincount(shifted.ravel(), minlength=n_rows * width).reshape(n_rows, width)
    # at_least[:, s] = how many entries score s or more (s = 0..top).
    at_least = np.cumsum(counts[:, :0:-1], axis=1)[:, ::-1]
    enough = at_least >= want[:, None]
    # The threshold: the highest score with k entries at or above it (0 when too few are).
    threshold = np.where(enough.any(axis=1), top - np.argmax(enough[:, ::-1], axis=1), 0)
    # Everything at or above the threshold, in row-major order (so by column within a row), then
    # best first within each row; the sort is stable, so ties stay with the lower column.
    threshold = threshold.astype(scores.dtype)
    flat = np.flatnonzero(scores >= threshold[:, None])
    rows, cols = np.divmod(flat, n_cols)
    order = np.argsort(rows * width + (top - scores.ravel()[flat]), kind="stable")
    rows, cols = rows[order], cols[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
    position = np.arange(len(rows)) - starts[rows]
    keep = position < want[rows]
    return rows[keep], cols[keep], position[keep]


def _top_columns(scores: NDArray, want: IntArray) -> tuple[IntArray, IntArray]:
    """The `want[j]` best feasible entries of every column j as (row, column), ties to the lower
    row: `_top_rows` of the transpose, with the histogram laid out one column per lane."""
    n_rows, n_cols = scores.shape
    top = int(scores.max(initial=INFEASIBLE))
    if n_cols == 0 or top < 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    width = top + 2
    if width > 4 * n_rows + 256:
        cols, rows, _ = _top_rows_by_keys(np.ascontiguousarray(scores.T), want)
        return rows, cols
    shifted = scores.astype(np.intp)
    shifted += 1
    shifted *= n_cols
    shifted += np.arange(n_cols, dtype=np.intp)[None, :]
    counts = np.bincount(shifted.ravel(), minlength=width * n_cols).reshape(width, n_cols)
    at_least = np.cumsum(counts[:0:-1], axis=0)[::-1]  # [s, j]: entries of column j scoring ≥ s
    enough = at_least >= want[None, :]
    threshold = np.where(enough.any(axis=0), top - np.argmax(enough[::-1], axis=0), 0)
    flat = np.flatnonzero(scores >= threshold.astype(scores.dtype)[None, :])
    rows, cols = np.divmod(flat, n_cols)
    order = np.argsort(cols * width + (top - scores.ravel()[flat]), kind="stable")
    rows, cols = rows[order], cols[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_cols))])
    keep = np.arange(len(cols)) - starts[cols] < want[cols]
    return rows[keep], cols[keep]


def _top_rows_by_keys(scores: NDArray, want: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """`_top_rows` for scores too spread for a histogram: one unique key per entry, score first,
    then the lower column wins."""
    rows, cols = [], []
    n_cols = scores.shape[1]
    for row, k in enumerate(want.tolist()):
        feasible = np.flatnonzero(scores[row] >= 0)
        if k <= 0 or feasible.size == 0:
            continue
        keys = scores[row, feasible].astype(np.int64) * (n_cols + 1) + (n_cols - feasible)
        if feasible.size > k:
            part = np.argpartition(-keys, k - 1)[:k]
            feasible, keys = feasible[part], keys[part]
        cols.append(feasible[np.argsort(-keys, kind="stable")])
        rows.append(np.full(len(cols[-1]), row, dtype=np.int64))
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    all_rows = np.concatenate(rows)
    starts = np.concatenate([[0], np.cumsum(np.bincount(all_rows, minlength=len(want)))])
    return all_rows, np.concatenate(cols), np.arange(len(all_rows)) - starts[all_rows]


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


def _ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """The concatenation of arange(start, start + length) for each pair."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(
        int(ends[-1]) if len(ends) else 0
    )


def _solve_sparse(
    rows: IntArray, cols: IntArray, weight: IntArray, capacity: IntArray, n_requests: int
) -> IntArray:
    """Max-weight capacitated assignment on the given edges; returns the chosen edge indices.

    Edges must be sorted by request, then volunteer. Each volunteer j becomes
    min(capacity[j], its edges) identical slots and SciPy's LAPJVsp finds a full matching of
    the smaller side: requests when there are fewer of them than slots, each with a private
    "unmatched" column; otherwise slots, each with a private "left empty" column (when
    volunteers are scarce this is a far smaller problem). Costs are shifted to be ≥ 1 because
    the sparse solver reads a stored zero as a missing edge.
    """
    volunteers, local = np.unique(cols, return_inverse=True)
    degree = np.bincount(local, minlength=len(volunteers))
    slots = np.minimum(capacity[volunteers], degree)  # more slots than edges can never fill
    first_slot = np.concatenate([[0], np.cumsum(slots)[:-1]])
    n_slots = int(slots.sum())
    cost = (int(weight.max(initial=0)) + 1 - weight).astype(np.float64)
    empty = float(weight.max(initial=0)) + 1  # the cost of staying unmatched (weight 0)
    if n_requests <= n_slots:
        # Rows are requests: edge e fans out to its volunteer's slots, then the private column.
        fan = slots[local]
        per_row = np.bincount(rows, weights=fan, minlength=n_requests).astype(np.int64) + 1
        indptr = np.concatenate([[0], np.cumsum(per_row)])
        private = indptr[1:] - 1
        is_edge = np.ones(int(indptr[-1]), dtype=bool)
        is_edge[private] = False
        edge_of = np.repeat(np.arange(len(rows)), fan)
        indices = np.empty(int(indptr[-1]), dtype=np.int64)
        indices[is_edge] = _ranges(first_slot[local], fan)
        indices[private] = n_slots + np.arange(n_requests)
        data = np.full(int(indptr[-1]), empty)
        data[is_edge] = cost[edge_of]
        shape = (n_requests, n_slots + n_requests)
    else:
        # Rows are slots: each slot of volunteer j lists j's edges, then its private column.
        by_volunteer = np.argsort(local, kind="stable")  # requests stay ascending within j
        edge_start = np.concatenate([[0], np.cumsum(degree)[:-1]])
        owner = np.repeat(np.arange(len(volunteers)), slots)
        per_row = degree[owner] + 1
        indptr = np.concatenate([[0], np.cumsum(per_row)])
        private = indptr[1:] - 1
        is_edge = np.ones(int(indptr[-1]), dtype=bool)
        is_edge[private] = False
        edge_of = by_volunteer[_ranges(edge_start[owner], degree[owner])]
        indices = np.empty(int(indptr[-1]), dtype=np.int64)
        indices[is_edge] = rows[edge_of]
        indices[private] = n_requests + np.arange(n_slots)
        data = np.full(int(indptr[-1]), empty)
        data[is_edge] = cost[edge_of]
        shape = (n_slots, n_requests + n_slots)
    graph = csr_array((data, indices.astype(np.int32), indptr.astype(np.int32)), shape=shape)
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    if n_requests <= n_slots:
        real = col_ind < n_slots
        request, slot = row_ind[real], col_ind[real]
    else:
        real = col_ind < n_requests
        request, slot = col_ind[real], row_ind[real]
    slot_owner = np.repeat(np.arange(len(volunteers)), slots)
    # Edges are sorted by request, then volunteer: one key per edge finds it again.
    keys = rows * len(volunteers) + local
    return np.sort(np.searchsorted(keys, request * len(volunteers) + slot_owner[slot]))


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


def _edge_union(
    parts: list[tuple[IntArray, IntArray, IntArray]], n_vol: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Edges (request, volunteer, score) without repeats, sorted by request then volunteer."""
    parts = [part for part in parts if len(part[0])]
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    rows, cols, scores = (np.concatenate([part[n] for part in parts]) for n in range(3))
    keys, first = np.unique(rows * n_vol + cols, return_index=True)
    return keys // n_vol, keys % n_vol, scores[first].astype(np.int64)


def _volunteer_side(
    side: list[tuple[IntArray, IntArray, IntArray]], wanted: IntArray, n_vol: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Each volunteer's `wanted[j]` best requests among per-block lists of its best requests
    (best first, ties to the lower request)."""
    rows, cols, scores = (np.concatenate([part[n] for part in side]) for n in range(3))
    scores = scores.astype(np.int64)
    span, height = int(scores.max(initial=0)) + 1, int(rows.max(initial=0)) + 1
    if n_vol * span * height < 1 << 62:  # one sort key fits in 64 bits
        order = np.argsort((cols * span + (span - 1 - scores)) * height + rows)
    else:
        order = np.lexsort((rows, -scores, cols))
    rows, cols, scores = rows[order], cols[order], scores[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=n_vol))])
    keep = np.arange(len(cols)) - starts[cols] < wanted[cols]
    return rows[keep], cols[keep], scores[keep]


def _improving(
    sl: _Slice, rows: IntArray, scores: NDArray, u: IntArray, v: IntArray, scale: int
) -> tuple[IntArray, IntArray, IntArray]:
    """The pairs of a block whose internal weight the duals do not cover (u_i + v_j < w_ij)."""
    weight = scores.astype(np.int64) * scale + 1
    short = u[rows][:, None] + v[sl.volunteers][None, :] < weight
    short &= scores >= 0
    r, c = np.nonzero(short)
    return rows[r], sl.volunteers[c], scores[r, c]


def assign(
    requests: Sequence[Request],
    pop: Population,
    weights: Weights = DEFAULT_WEIGHTS,
    candidates: int = 50,
    *,
    volunteer_candidates: int | None = 20,
) -> Plan:
    """A plan with the highest possible total score under capacities, with a certificate.

    Among plans with the same total score, more people matched is preferred (the internal weight
    is score x (R + 1) + 1). Each request starts with its `candidates` best volunteers. When all
    pairs fit in memory (KEEP_PAIRS) their scores are kept, and each volunteer also brings its
    best `capacity + volunteer_candidates` requests (None: none): when volunteers are scarce,
    the requests they would take are then in the graph from the start and one round is enough.
    Pairs that the dual check over all pairs shows could improve the plan are added until none
    can.
    """
    n_req, n_vol = len(requests), len(pop)
    if n_req == 0 or n_vol == 0:
        return Plan(
            pairs=(), total_score=0, unmatched=tuple(range(n_req)), certified=True, upper_bound=0
        )
    scale = n_req + 1
    capacity = pop.capacity_left.astype(np.int64)
    index = _index(pop)
    topics = np.bincount([r.main_topic for r in requests], minlength=MAX_CODES)
    pairs = sum(
        int(count) * len(index.slice(t).volunteers) for t, count in enumerate(topics) if count
    )
    # Volunteers are scarce when their room cannot take every request: then many requests stay
    # unmatched (u_i = 0) and the dual check would score their rows again, so keep the scores.
    room = int(np.minimum(capacity[index.available], n_req).sum())
    keep = room < n_req and pairs <= KEEP_PAIRS
    kept: list[tuple[_Slice, IntArray, NDArray]] = []
    found: list[tuple[IntArray, IntArray, IntArray]] = []
    side: list[tuple[IntArray, IntArray, IntArray]] = []
    wanted = np.minimum(np.maximum(capacity, 0), n_req) + (volunteer_candidates or 0)
    best_outside = np.full(n_req, -1, dtype=np.int64)  # best internal weight not in the graph
    for sl, rows, scores in _groups(requests, index, weights):
        r, c, position = _top_rows(scores, candidates + 1)
        inside, outside = position < candidates, position == candidates
        found.append((rows[r[inside]], sl.volunteers[c[inside]], scores[r[inside], c[inside]]))
        best_outside[rows[r[outside]]] = scores[r[outside], c[outside]].astype(np.int64) * scale + 1
        if keep:
            kept.append((sl, rows, scores))
            if volunteer_candidates is not None:
                vr, vc = _top_columns(scores, wanted[sl.volunteers])
                side.append((rows[vr], sl.volunteers[vc], scores[vr, vc]))
    if side:
        found.append(_volunteer_side(side, wanted, n_vol))
    rows, cols, edge_scores = _edge_union(found, n_vol)

    rounds = 0
    while True:
        rounds += 1
        weight = edge_scores * scale + 1
        if len(rows):
            chosen = _solve_sparse(rows, cols, weight, capacity, n_req)
            u, v = _duals(rows, cols, weight, chosen, capacity, n_req, n_vol)
        else:
            chosen = np.empty(0, dtype=np.int64)
            u, v = np.zeros(n_req, dtype=np.int64), np.zeros(n_vol, dtype=np.int64)
        # The dual check over every pair: on the kept scores, or by scoring again the requests
        # whose u_i does not already cover the best pair left out of their list.
        if keep:
            blocks: Iterable[tuple[_Slice, IntArray, NDArray]] = kept
        else:
            blocks = _groups(requests, index, weights, np.flatnonzero(u < best_outside).tolist())
        new = [_improving(sl, r, s, u, v, scale) for sl, r, s in blocks]
        if not any(len(part[0]) for part in new):
            break
        rows, cols, edge_scores = _edge_union([(rows, cols, edge_scores), *new], n_vol)
    plan_weight = int(weight[chosen].sum())
    dual_objective = int(u.sum() + (capacity * v).sum())
    chosen_pairs = [(int(rows[e]), int(cols[e]), int(edge_scores[e])) for e in chosen.tolist()]
    return _plan(
        chosen_pairs,
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
