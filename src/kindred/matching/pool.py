"""From the kept pool to the engine: a program's volunteers as a `Population`, a waiting
request as an engine `Request`, and the names `explain` needs.

The columns come from the program's decrypted pool (kindred.volunteers.pool), never from
profiles: building them costs nothing per page view once done, because they are kept per
process for each (program, pool version, day). Full profiles are loaded only for the
volunteers a page shows (`profiles_for`).

Free-text answers (languages, cities, practice areas, gender) are compared in a normalised form
("Family law" and "family" are one area). Codes are assigned from what volunteers gave, most
common first; a request's wish that no volunteer shares has no code and matches nobody.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

import numpy as np
from django.utils import timezone

from kindred.intake.models import SupportRequest
from kindred.matching import engine
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import pool as kept_pool
from kindred.volunteers.conflicts import avoid_indexes
from kindred.volunteers.models import IDENTITY_FLAGS, VolunteerProfile
from kindred.volunteers.pool import POOL_STATUSES, normal, normal_area, normal_gender

__all__ = ["POOL_STATUSES", "NoMainTopic", "Pool", "engine_request", "load_pool", "profiles_for"]

# Career stages compared between a participant (who they are) and a volunteer (member type).
STAGES = ("law student or articling student", "lawyer", "judge", "other legal professional")
_STAGE_OF = {
    "law_student": 0,
    "articling_student": 0,
    "lawyer": 1,
    "retired_lawyer": 1,
    "judge": 2,
    "other_legal_professional": 3,
}
IDENTITY_CODES = {flag: index for index, (flag, _) in enumerate(IDENTITY_FLAGS)}
IDENTITY_NAMES = tuple(str(label) for _, label in IDENTITY_FLAGS)
# Columns a process keeps: one per program and day, for a few programs.
CACHED_POOLS = 4
# Codes kept free for what requests ask and no volunteer gave (see _Codes.with_wishes).
WISH_CODES = 16
GENDER_CODES = 127  # the engine's gender column is int8


class _Codes:
    """Strings to small integer codes, most common first, at most `limit` of them."""

    def __init__(self, values: Iterable[str], limit: int | None = None) -> None:
        counted = Counter(value for value in values if value)
        ordered = sorted(counted, key=lambda value: (-counted[value], value))
        self.codes = {value: code for code, value in enumerate(ordered[:limit])}

    def get(self, value: str) -> int:
        return self.codes.get(value, -1) if value else -1

    def names(self) -> list[str]:
        return list(self.codes)

    def with_wishes(self, wishes: Iterable[str], limit: int | None) -> _Codes:
        """A copy that also codes what requests ask for and no volunteer gave: such a code
        belongs to nobody, so a wish that must be met rules everyone out (and says why),
        instead of being dropped. Past `limit`, extra wishes share the last code."""
        extended = _Codes(())
        extended.codes = dict(self.codes)
        for wish in wishes:
            if wish and wish not in extended.codes:
                code = len(extended.codes)
                extended.codes[wish] = code if limit is None else min(code, limit - 1)
        return extended


@dataclass
class Pool:
    """A program's volunteers (active or paused) as engine columns, row by row."""

    program: Program
    volunteer_ids: tuple[Any, ...]
    population: engine.Population
    vocabulary: engine.Vocabulary
    # Why each not-matchable volunteer is not (is_matchable's own words), by row.
    unmatchable: dict[int, str] = field(default_factory=dict)
    row_of: dict[Any, int] = field(default_factory=dict)
    topic_codes: dict[str, int] = field(default_factory=dict)
    # Blind indexes of each row's name and firm, for a participant's "never match me with".
    name_indexes: tuple[str, ...] = ()
    firm_indexes: tuple[str, ...] = ()
    _languages: _Codes = field(default_factory=lambda: _Codes(()))
    _regions: _Codes = field(default_factory=lambda: _Codes(()))
    _areas: _Codes = field(default_factory=lambda: _Codes(()))
    _genders: _Codes = field(default_factory=lambda: _Codes(()))
    # What the columns were built from, so the next version can be patched row by row.
    _entries: tuple[kept_pool.Entry, ...] = ()
    _today: date | None = None
    _topics: tuple[tuple[str, str], ...] = ()


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _wishes(support_request: SupportRequest) -> dict[str, Any]:
    preferences = support_request.preferences
    return preferences if isinstance(preferences, dict) else {}


def _columns(
    program: Program,
    entries: Sequence[kept_pool.Entry],
    topics: Sequence[tuple[str, str]],
    today: date,
) -> Pool:
    """The engine's columns for these entries (in this order), judged on `today`."""
    topic_codes = {slug: index for index, (slug, _) in enumerate(topics)}
    volunteer_codes = engine.MAX_CODES - WISH_CODES
    languages = _Codes(
        (lang for entry in entries for lang in entry.features.languages), volunteer_codes
    )
    areas = _Codes((area for entry in entries for area in entry.features.areas), volunteer_codes)
    regions = _Codes(entry.features.region for entry in entries)
    genders = _Codes((entry.features.gender for entry in entries), GENDER_CODES - WISH_CODES)
    unmatchable: dict[int, str] = {}
    records: list[engine.Volunteer] = []
    for row, entry in enumerate(entries):
        record, reason = _record(entry, today, topic_codes, languages, areas, regions, genders)
        if reason is not None:
            unmatchable[row] = reason
        records.append(record)
    vocabulary = engine.Vocabulary(
        topics=[name for _, name in topics],
        languages=[name.title() for name in languages.names()],
        identities=IDENTITY_NAMES,
        genders=genders.names(),
        areas=areas.names(),
        stages=STAGES,
    )
    return Pool(
        program=program,
        volunteer_ids=tuple(entry.volunteer_id for entry in entries),
        population=engine.Population.from_volunteers(records),
        vocabulary=vocabulary,
        unmatchable=unmatchable,
        row_of={entry.volunteer_id: row for row, entry in enumerate(entries)},
        topic_codes=topic_codes,
        name_indexes=tuple(entry.features.name_index for entry in entries),
        firm_indexes=tuple(entry.features.firm_index for entry in entries),
        _languages=languages,
        _regions=regions,
        _areas=areas,
        _genders=genders,
        _entries=tuple(entries),
        _today=today,
        _topics=tuple(topics),
    )


def _record(
    entry: kept_pool.Entry,
    today: date,
    topic_codes: dict[str, int],
    languages: _Codes,
    areas: _Codes,
    regions: _Codes,
    genders: _Codes,
) -> tuple[engine.Volunteer, str | None]:
    """One entry as the engine's record, and why it is not matchable (None when it is)."""
    verdict = entry.verdict(today)
    features = entry.features
    supports = frozenset(topic_codes[slug] for slug in features.topics if slug in topic_codes)
    record = engine.Volunteer(
        matchable=verdict.ok,
        supports=supports,
        # A volunteer supports the topics they have lived through (the application asks for
        # exactly those), so every supported topic is lived experience.
        lived=supports,
        languages=frozenset(code for code in map(languages.get, features.languages) if code >= 0),
        region=regions.get(features.region),
        setting=-1,
        areas=frozenset(code for code in map(areas.get, features.areas) if code >= 0),
        stage=_STAGE_OF.get(features.member_type, -1),
        identities=frozenset(
            IDENTITY_CODES[flag] for flag in features.identities if flag in IDENTITY_CODES
        ),
        gender=genders.get(features.gender),
        capacity_left=entry.capacity_left,
        active_load=entry.open_matches,
    )
    return record, None if verdict.ok else verdict.reason


# Columns are patched row by row after a write while at most this many rows changed.
_PATCH_ROWS = 64


def _patched(
    previous: Pool,
    entries: Sequence[kept_pool.Entry],
    topics: tuple[tuple[str, str], ...],
    today: date,
) -> Pool | None:
    """`previous` brought up to date for `entries` by recomputing only the rows whose entry
    changed (the kept pool patches its copy the same way, so an unchanged entry is the same
    object); None when a full build is needed: another day, other topics, volunteers joining or
    leaving the pool, many rows changed, or a changed row with a value the codes do not have."""
    if (previous._today, previous._topics) != (today, topics):
        return None
    if len(entries) != len(previous._entries) or any(
        entry.volunteer_id != old.volunteer_id
        for entry, old in zip(entries, previous._entries, strict=True)
    ):
        return None
    rows = [
        row
        for row, (entry, old) in enumerate(zip(entries, previous._entries, strict=True))
        if entry is not old
    ]
    if len(rows) > _PATCH_ROWS:
        return None
    coded = (previous._languages, previous._areas, previous._regions, previous._genders)
    for row in rows:
        features = entries[row].features
        values = (features.languages, features.areas, (features.region,), (features.gender,))
        for codes, wanted in zip(coded, values, strict=True):
            if any(value and codes.get(value) < 0 for value in wanted):
                return None
    columns = {
        column.name: np.array(getattr(previous.population, column.name))
        for column in fields(engine.Population)
    }
    unmatchable = dict(previous.unmatchable)
    name_indexes, firm_indexes = list(previous.name_indexes), list(previous.firm_indexes)
    for row in rows:
        entry = entries[row]
        record, reason = _record(
            entry,
            today,
            previous.topic_codes,
            previous._languages,
            previous._areas,
            previous._regions,
            previous._genders,
        )
        one = engine.Population.from_volunteers([record])
        for name, column in columns.items():
            column[row] = getattr(one, name)[0]
        unmatchable.pop(row, None)
        if reason is not None:
            unmatchable[row] = reason
        name_indexes[row] = entry.features.name_index
        firm_indexes[row] = entry.features.firm_index
    return replace(
        previous,
        population=engine.Population.from_columns(**columns),
        unmatchable=unmatchable,
        name_indexes=tuple(name_indexes),
        firm_indexes=tuple(firm_indexes),
        _entries=tuple(entries),
    )


_pools: OrderedDict[tuple[Any, ...], Pool] = OrderedDict()
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the columns this process keeps (the decrypted pool is kept by volunteers.pool)."""
    with _lock:
        _pools.clear()


def _topics() -> tuple[tuple[str, str], ...]:
    return tuple(
        (slug, name)
        for slug, name in Topic.objects.order_by("pk").values_list("slug", "name")[
            : engine.MAX_CODES
        ]
    )


def _with_wishes(pool: Pool, requests: Sequence[SupportRequest]) -> Pool:
    """The pool, its codes extended with what these requests ask for (a cheap copy: the
    engine columns are shared)."""
    wishes = [_wishes(item) for item in requests]
    genders = [_dict(wish.get("gender")).get("value") for wish in wishes]
    languages = pool._languages.with_wishes(
        (normal(wish.get("language")) for wish in wishes), engine.MAX_CODES
    )
    areas = pool._areas.with_wishes(
        (normal_area(wish.get("practice_area_value")) for wish in wishes), engine.MAX_CODES
    )
    regions = pool._regions.with_wishes((normal(wish.get("region")) for wish in wishes), None)
    gender_codes = pool._genders.with_wishes(map(normal_gender, genders), GENDER_CODES)
    return replace(
        pool,
        vocabulary=replace(
            pool.vocabulary,
            languages=[name.title() for name in languages.names()],
            areas=areas.names(),
            genders=gender_codes.names(),
        ),
        _languages=languages,
        _regions=regions,
        _areas=areas,
        _genders=gender_codes,
    )


def load_pool(
    program: Program, requests: Sequence[SupportRequest] = (), *, at: datetime | None = None
) -> Pool:
    """Every volunteer of the program who is active or paused, as engine columns.

    Reads the pool version (one query), the topics (one) and, only when this process has not
    seen this version, the pool's entries (one); the columns are kept per (program, version,
    day), so a warm page does no per-volunteer work."""
    today = timezone.localdate(at) if at is not None else timezone.localdate()
    snapshot = kept_pool.snapshot(program)
    topics = _topics()
    key = (program.pk, snapshot.version, snapshot.stamp, today, topics)
    found = _pools.get(key)
    if found is None:
        entries = snapshot.in_pool()
        previous = next((pool for k, pool in _pools.items() if k[0] == program.pk), None)
        found = previous and _patched(previous, entries, topics, today)
        if found is None:
            found = _columns(program, entries, topics, today)
        with _lock:
            for stale in [k for k in _pools if k[0] == program.pk]:
                del _pools[stale]
            _pools[key] = found
            while len(_pools) > CACHED_POOLS:
                _pools.popitem(last=False)
    return _with_wishes(found, requests)


def pool_of_one(
    program: Program,
    volunteer_id: Any,
    requests: Sequence[SupportRequest] = (),
    *,
    at: datetime | None = None,
) -> Pool | None:
    """One volunteer's columns from their entry as the database holds it now (not a cache):
    for the check inside a proposal's locked transaction. None if they are not in the pool."""
    today = timezone.localdate(at) if at is not None else timezone.localdate()
    entry = kept_pool.current_entry(volunteer_id, program.pk)
    if entry is None or not entry.in_pool:
        return None
    return _with_wishes(_columns(program, [entry], _topics(), today), requests)


def profiles_for(volunteer_ids: Iterable[Any]) -> dict[Any, VolunteerProfile]:
    """The full profiles of the volunteers a page shows, in one query."""
    wanted = list(dict.fromkeys(volunteer_ids))
    if not wanted:
        return {}
    found = VolunteerProfile.objects.filter(pk__in=wanted).select_related("data_key", "program")
    return {volunteer.pk: volunteer for volunteer in found}


class NoMainTopic(ValueError):
    """A request without a topic the program knows cannot be ranked."""


def engine_request(
    support_request: SupportRequest,
    pool: Pool,
    *,
    excluded: dict[Any, engine.Conflict] | None = None,
) -> engine.Request:
    """The engine's view of one request. `excluded` maps volunteer pks to the reason they are
    ruled out (earlier peers, declines, lapsed proposals), as the caller found them
    (kindred.support.queries.exclusions_for): matching does not read matches."""
    slugs = [slug for slug in support_request.topics or [] if slug in pool.topic_codes]
    if not slugs:
        raise NoMainTopic
    wishes = _wishes(support_request)
    codes = [pool.topic_codes[slug] for slug in slugs]

    conflicts: dict[int, engine.Conflict] = {}
    for pk, reason in (excluded or {}).items():
        if pk in pool.row_of:
            conflicts[pool.row_of[pk]] = reason
    names, firms = avoid_indexes(support_request.avoid or [])
    if names or firms:
        for row, (named, firm) in enumerate(zip(pool.name_indexes, pool.firm_indexes, strict=True)):
            if named and named in names:
                conflicts.setdefault(row, engine.Conflict.NAMED_PERSON)
            elif firm and firm in firms:
                conflicts.setdefault(row, engine.Conflict.SAME_FIRM)

    language = pool._languages.get(normal(wishes.get("language")))
    city = str(wishes.get("city")) if wishes.get("city") in ("same", "different") else "either"
    region = pool._regions.get(normal(wishes.get("region")))
    if region < 0:
        city = "either"  # "same" or "different" from nowhere cannot be honoured or scored
    practice = str(wishes.get("practice_area"))
    area = pool._areas.get(normal_area(wishes.get("practice_area_value")))
    if practice not in ("same", "different") or area < 0:
        practice = "either"
    identity: dict[str, Any] = _dict(wishes.get("identity"))
    flags = frozenset(
        IDENTITY_CODES[flag] for flag in identity.get("value", []) if flag in IDENTITY_CODES
    )
    identity_must = identity.get("strength") == "must"
    gender: dict[str, Any] = _dict(wishes.get("gender"))
    gender_code = pool._genders.get(normal_gender(gender.get("value")))
    return engine.Request(
        main_topic=codes[0],
        other_topics=frozenset(codes[1:]),
        languages=frozenset([language]) if language >= 0 else frozenset(),
        region=region,
        city=engine.Choice(city),
        stage=_STAGE_OF.get(str(support_request.asker_kind))
        if wishes.get("career_stage") is True
        else None,
        practice=engine.Choice(practice),
        areas=frozenset([area]) if practice != "either" else frozenset(),
        identities_must=flags if identity_must else frozenset(),
        identities_nice=frozenset() if identity_must else flags,
        gender=gender_code if gender_code >= 0 else None,
        gender_strength=engine.Strength.MUST
        if gender.get("strength") == "must"
        else engine.Strength.NICE,
        conflicts=tuple(sorted(conflicts.items())),
    )
