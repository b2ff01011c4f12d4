"""From the database to the engine: a program's volunteers as a `Population`, a waiting request
as an engine `Request`, and the names `explain` needs.

Free-text answers (languages, cities, practice areas, gender) are compared in a normalised form
("Family law" and "family" are one area). Each vocabulary is built from what the requests being
ranked ask for, so the 64-entry limit of the engine's bitmasks is about one queue's wishes, not
about every language volunteers speak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from kindred.intake.models import SupportRequest
from kindred.matching import engine
from kindred.matching.conflicts import avoid_indexes, name_index
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers.models import IDENTITY_FLAGS, VolunteerProfile
from kindred.volunteers.pipeline import Status
from kindred.volunteers.queries import (
    RulesCache,
    is_matchable,
    open_match_count,
    with_matchability_data,
)

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
# Volunteers who might be proposed, or are near enough to show why not (paused, say).
POOL_STATUSES = (Status.ACTIVE, Status.PAUSED)
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


def normal(text: object) -> str:
    """Case-, space- and punctuation-insensitive form of a free-text answer."""
    if not isinstance(text, str):
        return ""
    words = re.sub(r"[^\w\s-]", " ", text.casefold())
    return " ".join(words.split())


def normal_area(text: object) -> str:
    words = normal(text)
    return words.removesuffix(" law").strip() if words != "law" else words


def normal_gender(text: object) -> str:
    words = normal(text)
    for article in ("a ", "an "):
        words = words.removeprefix(article)
    return _GENDER_WORDS.get(words, words)


class _Codes:
    """Strings to small integer codes, first come first served, at most `limit` of them."""

    def __init__(self, limit: int | None = None) -> None:
        self.codes: dict[str, int] = {}
        self.limit = limit

    def add(self, value: str) -> int:
        if not value:
            return -1
        if value not in self.codes:
            if self.limit is not None and len(self.codes) >= self.limit:
                return -1
            self.codes[value] = len(self.codes)
        return self.codes[value]

    def get(self, value: str) -> int:
        return self.codes.get(value, -1) if value else -1

    def names(self) -> list[str]:
        return list(self.codes)


@dataclass
class Pool:
    """A program's volunteers as engine columns, with the rows they came from."""

    program: Program
    volunteers: Sequence[VolunteerProfile]
    population: engine.Population
    vocabulary: engine.Vocabulary
    # Why each not-matchable volunteer is not (is_matchable's own words), by row.
    unmatchable: dict[int, str] = field(default_factory=dict)
    row_of: dict[Any, int] = field(default_factory=dict)
    topic_codes: dict[str, int] = field(default_factory=dict)
    _languages: _Codes = field(default_factory=_Codes)
    _regions: _Codes = field(default_factory=_Codes)
    _areas: _Codes = field(default_factory=_Codes)
    _genders: _Codes = field(default_factory=_Codes)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _wishes(support_request: SupportRequest) -> dict[str, Any]:
    preferences = support_request.preferences
    return preferences if isinstance(preferences, dict) else {}


def load_pool(
    program: Program,
    requests: Sequence[SupportRequest],
    *,
    at: datetime | None = None,
    only: Sequence[Any] | None = None,
) -> Pool:
    """Every volunteer of the program who is active or paused, scored columns for the engine.

    The vocabularies of languages, practice areas and genders come from `requests` first, so
    what the queue asks for always has a code. `only` limits the pool to some volunteers (by
    primary key), for checking one proposal."""
    now = at or timezone.now()
    topics = list(Topic.objects.order_by("pk")[: engine.MAX_CODES])
    topic_codes = {topic.slug: index for index, topic in enumerate(topics)}
    languages, areas = _Codes(engine.MAX_CODES), _Codes(engine.MAX_CODES)
    regions, genders = _Codes(), _Codes(127)
    for support_request in requests:
        wishes = _wishes(support_request)
        languages.add(normal(wishes.get("language")))
        areas.add(normal_area(wishes.get("practice_area_value")))
        regions.add(normal(wishes.get("region")))
        gender = wishes.get("gender")
        if isinstance(gender, dict):
            genders.add(normal_gender(gender.get("value")))

    chosen = VolunteerProfile.objects.filter(program=program, status__in=POOL_STATUSES)
    if only is not None:
        chosen = chosen.filter(pk__in=list(only))
    volunteers = list(with_matchability_data(chosen).order_by("pk"))
    rules = RulesCache()
    unmatchable: dict[int, str] = {}
    records: list[engine.Volunteer] = []
    for row, volunteer in enumerate(volunteers):
        verdict = is_matchable(volunteer, now, rules=rules)
        if not verdict:
            unmatchable[row] = verdict.reason
        supports = frozenset(
            topic_codes[topic.slug] for topic in volunteer.topics.all() if topic.slug in topic_codes
        )
        identity = volunteer.identity if volunteer.identity_consent else {}
        identity = identity if isinstance(identity, dict) else {}
        capacity = min(volunteer.capacity, program.capacity_cap)
        open_matches = open_match_count(volunteer)  # annotated by with_matchability_data
        records.append(
            engine.Volunteer(
                matchable=bool(verdict),
                supports=supports,
                # A volunteer supports the topics they have lived through (the application
                # asks for exactly those), so every supported topic is lived experience.
                lived=supports,
                languages=frozenset(
                    code
                    for code in (languages.get(normal(lang)) for lang in volunteer.languages)
                    if code >= 0
                ),
                region=regions.add(normal(volunteer.region)),
                setting=-1,
                areas=frozenset(
                    code
                    for code in (areas.get(normal_area(a)) for a in volunteer.practice_areas or [])
                    if code >= 0
                ),
                stage=_STAGE_OF.get(volunteer.member_type, -1),
                identities=frozenset(
                    IDENTITY_CODES[flag] for flag in IDENTITY_CODES if identity.get(flag) is True
                ),
                gender=genders.get(normal_gender(identity.get("gender"))),
                capacity_left=max(capacity - open_matches, 0),
                active_load=open_matches,
            )
        )
    vocabulary = engine.Vocabulary(
        topics=[topic.name for topic in topics],
        languages=[name.title() for name in languages.names()],
        identities=IDENTITY_NAMES,
        genders=genders.names(),
        areas=areas.names(),
        stages=STAGES,
    )
    return Pool(
        program=program,
        volunteers=volunteers,
        population=engine.Population.from_volunteers(records),
        vocabulary=vocabulary,
        unmatchable=unmatchable,
        row_of={volunteer.pk: row for row, volunteer in enumerate(volunteers)},
        topic_codes=topic_codes,
        _languages=languages,
        _regions=regions,
        _areas=areas,
        _genders=genders,
    )


class NoMainTopic(ValueError):
    """A request without a topic the program knows cannot be ranked."""


def engine_request(
    support_request: SupportRequest,
    pool: Pool,
    *,
    excluded: dict[Any, engine.Conflict] | None = None,
) -> engine.Request:
    """The engine's view of one request. `excluded` maps volunteer pks to the reason they are
    ruled out (earlier peers, declines, lapsed proposals: see kindred.support.queries)."""
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
        for row, volunteer in enumerate(pool.volunteers):
            # A profile saved before names were indexed is indexed here, from its name.
            named = volunteer.name_index or name_index(volunteer.full_name or "")
            if named and named in names:
                conflicts.setdefault(row, engine.Conflict.NAMED_PERSON)
            elif volunteer.firm_index and volunteer.firm_index in firms:
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
