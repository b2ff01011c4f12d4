"""The kept matching pool: one narrow record per volunteer of a program, sealed with the
program's pool key, written in the same transaction as every change that affects it.

Why it exists: ranking used to rebuild every volunteer's matchability from their screening,
training and signatures on every page view (about 120,000 ORM objects at 10,000 volunteers).
Now each write recomputes one volunteer's entry, and a reader gets the whole program with one
query for the version (a warm cache) or two (a cold one), however large the program is.

What is plain and what is sealed: the entry's plain columns say only whether a volunteer is in
the pool, matchable, until when that holds, and how many places are taken or left. Everything
that says what a volunteer lived through or where they practise (topics, languages, region,
practice areas, identity), and the matchability facts behind the verdict (their reasons can
name a recovery topic), is one AES-256-GCM token per entry, sealed with the program's pool key
(`PoolVersion.data_key`) and bound to the table, the volunteer and the key. One key per program
rather than per volunteer: a cold read unwraps one key instead of one per entry (measured in
docs/architecture.md, "The pool").

This module is the one writer and reader of `PoolEntry` and `PoolVersion`. It sits in the
volunteers layer, so it never imports support or matching: open match counts are passed in by
support (`refresh(..., open_matches=n)`, `matches_changed`), and the one place that needs every
count at once (building a program's pool the first time it is read) asks the counter that
support registers at start-up (`count_open_matches_with`).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import (
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from kindred.confidential import crypto, keys
from kindred.confidential.models import DataKey
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers.matchability import (
    Matchability,
    RecoveryFact,
    TrainingFact,
    VolunteerFacts,
    evaluate,
)
from kindred.volunteers.models import (
    IDENTITY_FLAGS,
    Agreement,
    AgreementSignature,
    PoolEntry,
    PoolVersion,
    ScreeningItem,
    TrainingModule,
    VolunteerProfile,
)
from kindred.volunteers.pipeline import Status

# Volunteers who might be proposed, or are near enough to show why not (paused, say).
POOL_STATUSES = (Status.ACTIVE, Status.PAUSED)
_IDENTITY_NAMES = tuple(flag for flag, _ in IDENTITY_FLAGS)
_TABLE = PoolEntry._meta.db_table
_PAYLOAD_VERSION = 1
# Programs whose decrypted pool a process keeps: a few, so memory stays bounded.
CACHED_PROGRAMS = 4

_GENDER_WORDS = {
    "female": "woman",
    "women": "woman",
    "woman": "woman",
    "male": "man",
    "men": "man",
    "man": "man",
    "nonbinary": "non-binary",
    "non binary": "non-binary",
    "non-binary": "non-binary",
}


# --- Normal forms of free-text answers (matching compares these) ---------------------------


def normal(text: object) -> str:
    """Case-, space- and punctuation-insensitive form of a free-text answer."""
    if not isinstance(text, str):
        return ""
    words = re.sub(r"[^\w\s-]", " ", text.casefold())
    return " ".join(words.split())


def normal_area(text: object) -> str:
    """A practice area without its trailing "law": "Family law" and "family" are one area."""
    words = normal(text)
    return words.removesuffix(" law").strip() if words != "law" else words


def normal_gender(text: object) -> str:
    words = normal(text)
    for article in ("a ", "an "):
        words = words.removeprefix(article)
    return _GENDER_WORDS.get(words, words)


# --- A program's rules and a volunteer's facts (what `matchability.evaluate` takes) -----------


@dataclass(frozen=True)
class ProgramRules:
    """What a program asks of its volunteers, loaded once for any number of them."""

    program: Program
    screening_items: tuple[ScreeningItem, ...]
    modules: tuple[TrainingModule, ...]
    current_agreement: Agreement | None
    # Every topic by slug: which need recovery time, and their names for the reasons.
    topics: Mapping[str, Topic]

    @classmethod
    def load(cls, program: Program) -> ProgramRules:
        return cls(
            program=program,
            screening_items=tuple(ScreeningItem.objects.filter(program=program)),
            modules=tuple(TrainingModule.objects.filter(program=program)),
            current_agreement=Agreement.objects.filter(program=program)
            .order_by("-version")
            .first(),
            topics={topic.slug: topic for topic in Topic.objects.all()},
        )


class RulesCache(dict[int, ProgramRules]):
    def for_program(self, program: Program) -> ProgramRules:
        if program.pk not in self:
            self[program.pk] = ProgramRules.load(program)
        return self[program.pk]


def open_match_count(volunteer: VolunteerProfile) -> int:
    """Proposed and active matches, as the pool keeps them (support passes every change): each
    holds one of the volunteer's places. `with_matchability_data` annotates it in the same
    query."""
    annotated = getattr(volunteer, "open_match_total", None)
    if annotated is not None:
        return int(annotated)
    kept = PoolEntry.objects.filter(volunteer_id=volunteer.pk).values_list("open_matches")
    return int(next(iter(kept), (0,))[0])


def _whole_years(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def volunteer_facts(
    volunteer: VolunteerProfile, rules: ProgramRules, *, open_matches: int | None = None
) -> VolunteerFacts:
    """Everything `evaluate` needs about one volunteer. Uses the volunteer's prefetched
    relations when present (see with_matchability_data)."""
    slugs = [str(slug) for slug in volunteer.topic_slugs or []]
    recovery_topics = [
        rules.topics[slug]
        for slug in sorted(set(slugs))
        if slug in rules.topics and rules.topics[slug].requires_recovery_time
    ]
    recorded = {record.item_id for record in volunteer.screening_records.all()}
    missing = tuple(
        item.name
        for item in rules.screening_items
        if item.pk not in recorded and (not item.only_with_recovery_topics or recovery_topics)
    )
    latest_completion: dict[int, date] = {}
    for completion in volunteer.training_completions.all():
        previous = latest_completion.get(completion.module_id)
        if previous is None or completion.completed_on > previous:
            latest_completion[completion.module_id] = completion.completed_on
    training = tuple(
        TrainingFact(module.name, latest_completion.get(module.pk), module.validity_months)
        for module in rules.modules
    )
    signed_versions = [
        signature.agreement.version
        for signature in volunteer.signatures.all()
        if signature.agreement.program_id == rules.program.pk
    ]
    declared = volunteer.recovery_years or {}
    return VolunteerFacts(
        status=volunteer.status,
        missing_screening=missing,
        recovery=tuple(
            RecoveryFact(topic.name, _whole_years(declared.get(topic.slug)))
            for topic in recovery_topics
        ),
        min_recovery_years=rules.program.min_recovery_years,
        training=training,
        current_agreement=rules.current_agreement.version if rules.current_agreement else None,
        signed_agreement=max(signed_versions, default=None),
        paused_until=volunteer.paused_until,
        # A lowered program cap applies at once, whatever capacity a volunteer chose before.
        capacity=min(volunteer.capacity, rules.program.capacity_cap),
        open_matches=open_match_count(volunteer) if open_matches is None else open_matches,
    )


def kept_open_matches() -> Coalesce:
    """The open match count the pool keeps for a volunteer row (0 without an entry)."""
    kept = PoolEntry.objects.filter(volunteer_id=OuterRef("pk")).values("open_matches")[:1]
    return Coalesce(Subquery(kept), Value(0), output_field=IntegerField())


def with_matchability_data(queryset: QuerySet[VolunteerProfile]) -> QuerySet[VolunteerProfile]:
    """Everything `volunteer_facts` reads, in a fixed number of queries for any list size."""
    return (
        queryset.annotate(open_match_total=kept_open_matches())
        .select_related("program", "data_key")
        .prefetch_related(
            "screening_records",
            "training_completions",
            Prefetch("signatures", queryset=AgreementSignature.objects.select_related("agreement")),
        )
    )


# --- What an entry holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Features:
    """What the engine scores, in normal form. Identity only with the volunteer's consent."""

    topics: tuple[str, ...] = ()  # topic slugs
    languages: tuple[str, ...] = ()
    region: str = ""
    areas: tuple[str, ...] = ()
    member_type: str = ""
    identities: tuple[str, ...] = ()  # identity flags (IDENTITY_FLAGS)
    gender: str = ""
    name_index: str = ""
    firm_index: str = ""


@dataclass(frozen=True)
class Entry:
    """One volunteer's kept record, decrypted."""

    volunteer_id: Any  # the profile's primary key (a UUID)
    in_pool: bool
    matchable: bool
    reason: str
    as_of: date  # the day the verdict was computed
    valid_until: date | None  # the verdict holds while as_of <= today < valid_until
    open_matches: int
    capacity_left: int
    facts: VolunteerFacts
    features: Features

    def verdict(self, today: date) -> Matchability:
        """The verdict for `today`: the kept one while it holds, else evaluated again from the
        sealed facts (pure: no query), so a training that expired overnight is noticed."""
        holds = self.as_of <= today and (self.valid_until is None or today < self.valid_until)
        return Matchability(self.matchable, self.reason) if holds else evaluate(self.facts, today)

    def same_as(self, other: Entry, today: date) -> bool:
        """Equal in everything but the day each was computed on."""
        return (
            self.in_pool == other.in_pool
            and self.open_matches == other.open_matches
            and self.capacity_left == other.capacity_left
            and self.facts == other.facts
            and self.features == other.features
            and self.verdict(today) == other.verdict(today)
        )


@dataclass(frozen=True)
class Snapshot:
    """A program's whole pool at one version: every volunteer of the program (every status, in
    primary-key order), decrypted."""

    program_id: int
    version: int
    stamp: str
    entries: tuple[Entry, ...]
    # The stamp of the write each entry came from, by the volunteer pk as the database spells it
    # (text, so comparing a whole program's stamps builds no UUID objects; see `snapshot`).
    written: Mapping[str, str] = field(default_factory=dict)
    # That spelling for each entry, in the same order as `entries`.
    raw_ids: tuple[str, ...] = ()

    def in_pool(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.in_pool]

    def by_volunteer(self) -> dict[Any, Entry]:
        return {entry.volunteer_id: entry for entry in self.entries}


# --- Sealing ----------------------------------------------------------------------------------


def _facts_json(facts: VolunteerFacts) -> dict[str, Any]:
    data = asdict(facts)
    data["training"] = [
        [t.module, t.completed_on.isoformat() if t.completed_on else None, t.validity_months]
        for t in facts.training
    ]
    data["recovery"] = [[r.topic, r.declared_years] for r in facts.recovery]
    data["paused_until"] = facts.paused_until.isoformat() if facts.paused_until else None
    return data


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _facts_from(data: dict[str, Any]) -> VolunteerFacts:
    return VolunteerFacts(
        status=data["status"],
        missing_screening=tuple(data["missing_screening"]),
        recovery=tuple(RecoveryFact(topic, years) for topic, years in data["recovery"]),
        min_recovery_years=data["min_recovery_years"],
        training=tuple(
            TrainingFact(module, _day(done), months) for module, done, months in data["training"]
        ),
        current_agreement=data["current_agreement"],
        signed_agreement=data["signed_agreement"],
        paused_until=_day(data["paused_until"]),
        capacity=data["capacity"],
        open_matches=data["open_matches"],
    )


def _features_from(data: dict[str, Any]) -> Features:
    return Features(
        topics=tuple(data["topics"]),
        languages=tuple(data["languages"]),
        region=data["region"],
        areas=tuple(data["areas"]),
        member_type=data["member_type"],
        identities=tuple(data["identities"]),
        gender=data["gender"],
        name_index=data["name_index"],
        firm_index=data["firm_index"],
    )


def _context(volunteer_id: Any, data_key_id: object) -> crypto.FieldContext:
    return crypto.FieldContext(_TABLE, str(volunteer_id), "sealed", str(data_key_id))


def _seal(entry: Entry, raw_key: bytes, data_key_id: object) -> str:
    payload = {
        "v": _PAYLOAD_VERSION,
        "reason": entry.reason,
        "as_of": entry.as_of.isoformat(),
        "facts": _facts_json(entry.facts),
        "features": asdict(entry.features),
    }
    data = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return crypto.seal(raw_key, data, _context(entry.volunteer_id, data_key_id))


def _open(row: tuple[Any, ...], raw_key: bytes, data_key_id: object) -> Entry:
    volunteer_id, in_pool, matchable, valid_until, open_matches, capacity_left, sealed = row
    payload = json.loads(crypto.open_sealed(raw_key, sealed, _context(volunteer_id, data_key_id)))
    return Entry(
        volunteer_id=volunteer_id,
        in_pool=in_pool,
        matchable=matchable,
        reason=payload["reason"],
        as_of=date.fromisoformat(payload["as_of"]),
        valid_until=valid_until,
        open_matches=open_matches,
        capacity_left=capacity_left,
        facts=_facts_from(payload["facts"]),
        features=_features_from(payload["features"]),
    )


_ENTRY_COLUMNS = (
    "volunteer_id",
    "in_pool",
    "matchable",
    "valid_until",
    "open_matches",
    "capacity_left",
    "sealed",
)

# Unwrapped pool keys, by data key id: a key is unwrapped once per process.
_raw_keys: dict[str, bytes] = {}
_lock = threading.Lock()


def _raw_key(data_key: DataKey) -> bytes:
    found = _raw_keys.get(str(data_key.pk))
    if found is None:
        found = keys.unwrap(data_key)
        with _lock:
            _raw_keys[str(data_key.pk)] = found
    return found


# --- Computing an entry -----------------------------------------------------------------------


def valid_until(facts: VolunteerFacts, today: date) -> date | None:
    """The first day after `today` on which the verdict could change on its own: a required
    training's expiry or the end of a pause. Nothing else in `evaluate` depends on the date."""
    dates = [
        expiry
        for expiry in (training.expires_on() for training in facts.training)
        if expiry is not None and expiry > today
    ]
    if facts.paused_until is not None and facts.paused_until > today:
        dates.append(facts.paused_until)
    return min(dates, default=None)


def features_of(volunteer: VolunteerProfile) -> Features:
    identity = volunteer.identity if volunteer.identity_consent else {}
    identity = identity if isinstance(identity, dict) else {}
    return Features(
        topics=tuple(sorted({str(slug) for slug in volunteer.topic_slugs or []})),
        languages=tuple(sorted({normal(lang) for lang in volunteer.languages or []} - {""})),
        region=normal(volunteer.region),
        areas=tuple(sorted({normal_area(area) for area in volunteer.practice_areas or []} - {""})),
        member_type=volunteer.member_type or "",
        identities=tuple(flag for flag in _IDENTITY_NAMES if identity.get(flag) is True),
        gender=normal_gender(identity.get("gender")),
        name_index=volunteer.name_index or "",
        firm_index=volunteer.firm_index or "",
    )


def compute(
    volunteer: VolunteerProfile, rules: ProgramRules, open_matches: int, today: date
) -> Entry:
    """A volunteer's entry from their profile (loaded `with_matchability_data`) and their
    program's rules."""
    facts = volunteer_facts(volunteer, rules, open_matches=open_matches)
    verdict = evaluate(facts, today)
    return Entry(
        volunteer_id=volunteer.pk,
        in_pool=volunteer.status in POOL_STATUSES,
        matchable=verdict.ok,
        reason=verdict.reason,
        as_of=today,
        valid_until=valid_until(facts, today),
        open_matches=open_matches,
        capacity_left=max(facts.capacity - open_matches, 0),
        facts=facts,
        features=features_of(volunteer),
    )


def _row(
    entry: Entry, program_id: int, raw_key: bytes, data_key_id: object, stamp: str
) -> PoolEntry:
    return PoolEntry(
        stamp=stamp,
        volunteer_id=entry.volunteer_id,
        program_id=program_id,
        in_pool=entry.in_pool,
        matchable=entry.matchable,
        valid_until=entry.valid_until,
        open_matches=min(entry.open_matches, 32767),
        capacity_left=entry.capacity_left,
        sealed=_seal(entry, raw_key, data_key_id),
    )


def _today(at: datetime | None) -> date:
    return timezone.localdate(at) if at is not None else timezone.localdate()


# --- Open match counts, which live above this layer -------------------------------------------

OpenMatchCounter = Callable[[Program], Mapping[Any, int]]
_counter: list[OpenMatchCounter] = []


def count_open_matches_with(counter: OpenMatchCounter) -> None:
    """Support registers, at start-up, how to count every volunteer's open matches in a
    program: the pool needs it only to build a program's pool the first time (an upgraded
    installation), and may not import support to ask."""
    _counter[:] = [counter]


def _open_matches_of(program: Program) -> Mapping[Any, int]:
    if not _counter:
        # Nothing registered (support not installed): no matches can exist.
        return {}
    return _counter[0](program)


# --- Writing ----------------------------------------------------------------------------------


def _new_stamp() -> str:
    return uuid.uuid4().hex


def _bump(program_id: int, stamp: str | None = None) -> bool:
    """Increase the program's version and set its stamp (the one the entries written by this
    change carry) in the caller's transaction; False when the program has no pool yet."""
    return bool(
        PoolVersion.objects.filter(program_id=program_id).update(
            version=F("version") + 1, stamp=stamp or _new_stamp()
        )
    )


def _version(program_id: int) -> PoolVersion | None:
    return PoolVersion.objects.filter(program_id=program_id).select_related("data_key").first()


def _ensure(program: Program, at: datetime | None = None) -> PoolVersion | None:
    """The program's PoolVersion; None when there was none and the pool was just built whole
    (so the caller's change is already in it)."""
    found = _version(program.pk)
    if found is not None:
        return found
    rebuild(program, _open_matches_of(program), at=at)
    return None


def refresh(
    volunteer: VolunteerProfile, *, open_matches: int | None = None, at: datetime | None = None
) -> None:
    """Recompute one volunteer's entry from the database, in the caller's transaction, and
    bump the program's version. `open_matches` is support's count when it has just changed;
    without it the entry keeps the count it had."""
    with transaction.atomic():
        program = Program.objects.get(pk=volunteer.program_id)
        version = _ensure(program, at)
        if version is None:
            return
        stamp = _new_stamp()
        current = with_matchability_data(VolunteerProfile.objects.filter(pk=volunteer.pk)).first()
        if current is None:
            PoolEntry.objects.filter(volunteer_id=volunteer.pk).delete()
        else:
            count = open_matches if open_matches is not None else open_match_count(current)
            try:
                entry = compute(current, ProgramRules.load(program), count, _today(at))
            except crypto.DataShredded:
                # The profile's key was destroyed: nothing of it may live on in the pool.
                PoolEntry.objects.filter(volunteer_id=volunteer.pk).delete()
            else:
                raw = _raw_key(version.data_key)
                _save(_row(entry, program.pk, raw, version.data_key_id, stamp))
        _bump(program.pk, stamp)


def _save(row: PoolEntry) -> None:
    values = {name: getattr(row, name) for name in _ENTRY_COLUMNS if name != "volunteer_id"}
    values["program_id"] = row.program_id
    values["stamp"] = row.stamp
    if not PoolEntry.objects.filter(volunteer_id=row.volunteer_id).update(**values):
        row.save(force_insert=True)


def matches_changed(volunteer: VolunteerProfile, *, open_matches: int) -> None:
    """A match of this volunteer was opened or ended: support passes the new count."""
    refresh(volunteer, open_matches=open_matches)


def forget(volunteer_id: Any, program_id: int) -> None:
    """A profile was deleted (its entry went with it): readers must reload."""
    _bump(program_id)


def refresh_program(program: Program, *, at: datetime | None = None) -> int:
    """Recompute every entry of a program after a change of its rules (capacity cap, minimum
    recovery years, a new agreement version, screening items, training modules), keeping each
    volunteer's open match count. Returns how many entries changed."""
    with transaction.atomic():
        if _ensure(program, at) is None:
            return 0
        counts = dict(
            PoolEntry.objects.filter(program_id=program.pk).values_list(
                "volunteer_id", "open_matches"
            )
        )
        return rebuild(program, counts, at=at)


def rebuild(
    program: Program, open_matches: Mapping[Any, int], *, at: datetime | None = None
) -> int:
    """Recompute a program's whole pool from scratch with the given open match counts (by
    volunteer pk; missing means none), write what differs, and return how many entries
    differed. Creates the program's PoolVersion and pool key the first time."""
    return _rebuild(program, open_matches, at=at, write=True)


def differences(
    program: Program, open_matches: Mapping[Any, int], *, at: datetime | None = None
) -> int:
    """How many entries a rebuild would change, changing nothing."""
    return _rebuild(program, open_matches, at=at, write=False)


def _rebuild(
    program: Program, open_matches: Mapping[Any, int], *, at: datetime | None, write: bool
) -> int:
    today = _today(at)
    with transaction.atomic():
        # The program row is the lock: two first reads of a new program take turns.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        version = _version(program.pk)
        if version is None:
            if not write:
                return VolunteerProfile.objects.filter(program_id=program.pk).count()
            data_key, _ = keys.build_data_key()
            data_key.save(force_insert=True)
            version = PoolVersion.objects.create(
                program=program, version=0, data_key=data_key, stamp=uuid.uuid4().hex
            )
        raw, key_id = _raw_key(version.data_key), version.data_key_id
        stamp = _new_stamp()
        kept = {
            row[0]: row
            for row in PoolEntry.objects.filter(program_id=program.pk).values_list(*_ENTRY_COLUMNS)
        }
        rules = ProgramRules.load(program)
        volunteers = with_matchability_data(
            VolunteerProfile.objects.filter(program_id=program.pk)
        ).order_by("pk")
        changed = 0
        seen: set[Any] = set()
        for volunteer in volunteers.iterator(chunk_size=2000):
            seen.add(volunteer.pk)
            try:
                entry = compute(volunteer, rules, int(open_matches.get(volunteer.pk, 0)), today)
            except crypto.DataShredded:
                if volunteer.pk in kept:
                    changed += 1
                    if write:
                        PoolEntry.objects.filter(volunteer_id=volunteer.pk).delete()
                continue
            old = kept.get(volunteer.pk)
            if old is not None and _opens(old, raw, key_id, entry, today):
                continue
            changed += 1
            if write:
                _save(_row(entry, program.pk, raw, key_id, stamp))
        gone = set(kept) - seen
        changed += len(gone)
        if write:
            PoolEntry.objects.filter(volunteer_id__in=gone).delete()
            _bump(program.pk, stamp)
        return changed


def _opens(row: tuple[Any, ...], raw: bytes, key_id: object, entry: Entry, today: date) -> bool:
    """Whether a kept row opens and says the same as `entry`."""
    try:
        old = _open(row, raw, key_id)
    except (crypto.DecryptionError, KeyError, TypeError, ValueError):
        return False
    return old.same_as(entry, today)


# --- Reading ----------------------------------------------------------------------------------

_snapshots: OrderedDict[int, Snapshot] = OrderedDict()


def clear_cache() -> None:
    """Forget every decrypted pool this process keeps (as a new process would start)."""
    with _lock:
        _snapshots.clear()
        _raw_keys.clear()


# A stale copy is brought up to date entry by entry while fewer than this share changed.
_PATCH_AT_MOST = 0.2


def snapshot(program: Program) -> Snapshot:
    """The program's whole pool, decrypted. One query for the version when this process holds
    that version already; when another write moved it on, one more for every entry's write stamp
    and one for the entries whose stamp changed (only those are decrypted again); a process that
    never read the program reads and decrypts every entry. A program never read before is built
    first (an upgraded installation needs no manual step)."""
    version = _version(program.pk)
    if version is None:
        rebuild(program, _open_matches_of(program))
        version = _version(program.pk)
        if version is None:  # pragma: no cover - rebuild always creates it
            raise RuntimeError("the pool version was not created")
    cached = _snapshots.get(program.pk)
    if cached is not None and (cached.version, cached.stamp) == (version.version, version.stamp):
        with _lock:
            _snapshots.move_to_end(program.pk)
        return cached
    raw, key_id = _raw_key(version.data_key), version.data_key_id
    rows = PoolEntry.objects.filter(program_id=program.pk)
    found: Snapshot | None = None
    if cached is not None:
        found = _patched(cached, version, rows, raw, key_id)
    if found is None:
        opened = [
            (_open(row[:-2], raw, key_id), row[-2], row[-1])
            for row in _with_raw_id(rows.order_by("volunteer_id")).values_list(
                *_ENTRY_COLUMNS, "raw_id", "stamp"
            )
        ]
        found = Snapshot(
            program.pk,
            version.version,
            version.stamp,
            tuple(entry for entry, _, _ in opened),
            {raw_id: stamp for _, raw_id, stamp in opened},
            tuple(raw_id for _, raw_id, _ in opened),
        )
    with _lock:
        _snapshots[program.pk] = found
        _snapshots.move_to_end(program.pk)
        while len(_snapshots) > CACHED_PROGRAMS:
            _snapshots.popitem(last=False)
    return found


def _patched(
    cached: Snapshot,
    version: PoolVersion,
    rows: QuerySet[PoolEntry],
    raw: bytes,
    key_id: object,
) -> Snapshot | None:
    """`cached` brought up to `version` by reloading only the entries whose write stamp is not
    the one it holds (changed, new, or from a write this process saw that was rolled back);
    None when so many changed that reading them all is simpler. Entries gone are dropped."""
    pairs_now = _with_raw_id(rows).values_list("raw_id", "stamp")  # type: ignore[misc]
    now_written: dict[str, str] = dict(pairs_now)
    moved = {raw_id for raw_id, stamp in now_written.items() if cached.written.get(raw_id) != stamp}
    if len(moved) > _PATCH_AT_MOST * max(len(now_written), 1):
        return None
    reloaded: dict[str, Entry] = {}
    written = {raw_id: cached.written[raw_id] for raw_id in cached.raw_ids if raw_id in now_written}
    if moved:
        changed = _with_raw_id(rows.filter(volunteer_id__in=[uuid.UUID(r) for r in moved]))
        for row in changed.values_list(*_ENTRY_COLUMNS, "raw_id", "stamp"):
            reloaded[row[-2]] = _open(row[:-2], raw, key_id)
            written[row[-2]] = row[-1]
    # Unchanged entries keep their place (the copy is in primary-key order already); only a
    # volunteer new to the program makes the order be worked out again.
    pairs = [
        (raw_id, reloaded.get(raw_id, entry))
        for raw_id, entry in zip(cached.raw_ids, cached.entries, strict=True)
        if raw_id in now_written
    ]
    known = set(cached.raw_ids)
    new = [(raw_id, entry) for raw_id, entry in reloaded.items() if raw_id not in known]
    if new:
        pairs = sorted(pairs + new, key=lambda pair: pair[1].volunteer_id)
    # A row written between the two reads above is in `now_written` but not yet reloaded, or
    # reloaded with a newer stamp: either way the next read sees the version move and patches.
    return Snapshot(
        cached.program_id,
        version.version,
        version.stamp,
        tuple(entry for _, entry in pairs),
        written,
        tuple(raw_id for raw_id, _ in pairs),
    )


def _with_raw_id(rows: QuerySet[PoolEntry]) -> QuerySet[PoolEntry]:
    """The rows with `raw_id`: the volunteer pk as text, as the database spells it."""
    return rows.annotate(raw_id=Cast("volunteer_id", output_field=TextField()))


def current_entry(volunteer_id: Any, program_id: int) -> Entry | None:
    """One volunteer's entry as the database holds it now, never from a cache: for checks
    made inside a locked transaction (a proposal)."""
    version = _version(program_id)
    row = (
        PoolEntry.objects.filter(volunteer_id=volunteer_id, program_id=program_id)
        .values_list(*_ENTRY_COLUMNS)
        .first()
    )
    if version is None or row is None:
        return None
    return _open(row, _raw_key(version.data_key), version.data_key_id)


def entries_matching(
    snapshot_: Snapshot,
    *,
    topic: str = "",
    region: str = "",
    language: str = "",
) -> Iterable[Any]:
    """Volunteer pks whose features match the staff list's filters (all given ones)."""
    wanted_region, wanted_language = normal(region), normal(language)
    for entry in snapshot_.entries:
        features = entry.features
        if topic and topic not in features.topics:
            continue
        if wanted_region and features.region != wanted_region:
            continue
        if wanted_language and wanted_language not in features.languages:
            continue
        yield entry.volunteer_id


# --- Changes made below this layer -------------------------------------------------------------


def program_saved(
    sender: type[Program],
    *,
    instance: Program,
    created: bool,
    update_fields: Iterable[str] | None = None,
    **kwargs: Any,
) -> None:
    """`post_save` of a program (programs sits below volunteers, so the pool listens rather
    than being called): a new capacity cap or minimum of recovery years changes verdicts."""
    if created:
        return  # a new program's pool is made when volunteering is set up for it
    if update_fields is not None and not {"capacity_cap", "min_recovery_years"} & set(
        update_fields
    ):
        return
    refresh_program(instance)


def profile_deleted(
    sender: type[VolunteerProfile], *, instance: VolunteerProfile, **kwargs: Any
) -> None:
    """`post_delete` of a profile: its entry went with it (cascade); readers must reload."""
    forget(instance.pk, instance.program_id)
