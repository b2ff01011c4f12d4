"""A deterministic generator of synthetic people: obviously fictional, never real.

Pure Python (no Django), so the same seed gives the same population everywhere: in the demo, in
benchmarks and in tests. Names are built from invented syllables and storybook words, and every
address is on example.org, a domain reserved for examples.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

FIRST_NAMES = (
    "Juniper",
    "Marlowe",
    "Thistle",
    "Oberon",
    "Wren",
    "Caspian",
    "Briar",
    "Sorrel",
    "Fennick",
    "Isolde",
    "Quill",
    "Rowan",
    "Tamsin",
    "Peregrine",
    "Linnea",
    "Barnaby",
    "Odalys",
    "Ignatius",
    "Saffi",
    "Corvin",
    "Elowen",
    "Tobiah",
    "Marisol",
    "Hollis",
    "Zephyrine",
    "Alaric",
    "Nim",
    "Perpetua",
    "Ottoline",
    "Rufus",
)
LAST_NAMES = (
    "Quillfeather",
    "Ambervale",
    "Thornbury",
    "Moonwhistle",
    "Fernsby",
    "Gallowglass",
    "Puddlefoot",
    "Brackenridge",
    "Larkspur",
    "Copperkettle",
    "Winterbourne",
    "Hazelwick",
    "Bramblecott",
    "Starling-Vane",
    "Mistlethwaite",
    "Pennywhistle",
    "Oakenshaw",
    "Tumbledown",
    "Featherstone",
    "Glimmerdale",
)
REGIONS = (
    "Calgary",
    "Edmonton",
    "Red Deer",
    "Lethbridge",
    "Medicine Hat",
    "Grande Prairie",
    "Fort McMurray",
    "Canmore",
)
LANGUAGES = ("English", "French", "Punjabi", "Tagalog", "Cantonese", "Arabic", "Spanish")
PRACTICE_SETTINGS = (
    "sole",
    "small_firm",
    "large_firm",
    "government",
    "in_house",
    "legal_aid",
    "academia",
    "not_practising",
)
# The seed topics of the shared taxonomy (the Volunteers issue stores them); here only labels.
TOPICS = (
    "stress and burnout",
    "anxiety",
    "depression",
    "alcohol use",
    "other substance use",
    "gambling and other process addictions",
    "grief and loss",
    "separation, divorce and family",
    "parenting and caregiving",
    "illness, injury or chronic pain",
    "career transition and practice pressures",
    "Law Society complaint or discipline",
    "vicarious trauma",
    "returning to practice after leave",
    "aging, retirement and cognitive change",
    "financial stress",
    "discrimination or harassment at work",
    "new to practice or still a student",
)
RECOVERY_TOPICS = ("alcohol use", "other substance use", "gambling and other process addictions")
ASKER_KINDS = ("lawyer", "articling_student", "law_student", "judge", "other_legal_professional")
MEMBER_TYPES = (
    "lawyer",
    "retired_lawyer",
    "judge",
    "articling_student",
    "other_legal_professional",
)
PRACTICE_AREAS = (
    "family",
    "criminal",
    "corporate",
    "real estate",
    "employment",
    "wills and estates",
    "litigation",
    "immigration",
    "tax",
    "Indigenous law",
)
# Pipeline states and how common each is in a synthetic population.
STATUSES = ("applied", "screening", "training", "active", "paused", "retired", "declined")
STATUS_WEIGHTS = (8, 7, 8, 60, 7, 5, 5)
ABOUT_ME = (
    "I have practised for many years and know how heavy this work can get.",
    "I went through a hard stretch early in my career and came out the other side.",
    "Listening is what I do best; I am glad to share what helped me.",
    "I balanced practice with caregiving and learned a lot about asking for help.",
)


@dataclass(frozen=True)
class SyntheticVolunteer:
    index: int
    full_name: str
    email: str
    region: str
    languages: tuple[str, ...]
    year_of_call: int
    practice_setting: str
    topics: tuple[str, ...]
    capacity: int
    status: str = "active"
    member_type: str = "lawyer"
    practice_areas: tuple[str, ...] = ()
    recovery_years: tuple[tuple[str, int], ...] = ()
    about_me: str = ""


@dataclass(frozen=True)
class SyntheticRequest:
    index: int
    asker_kind: str
    topics: tuple[str, ...]
    region: str
    language: str
    wants_different_city: bool = False
    avoid: tuple[str, ...] = field(default_factory=tuple)


def fictional_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def volunteers(seed: int, count: int) -> Iterator[SyntheticVolunteer]:
    """`count` synthetic volunteers; the i-th one depends only on (seed, i)."""
    for index in range(count):
        rng = random.Random(f"volunteer:{seed}:{index}")
        name = fictional_name(rng)
        others = sorted(set(rng.sample(LANGUAGES[1:], k=rng.choice((0, 0, 0, 1, 2)))))
        languages = ("English", *others)
        yield SyntheticVolunteer(
            index=index,
            full_name=name,
            email=f"volunteer-{seed}-{index:06d}@example.org",
            region=rng.choice(REGIONS),
            languages=languages,
            year_of_call=rng.randint(1975, 2024),
            practice_setting=rng.choice(PRACTICE_SETTINGS),
            topics=(topics := tuple(sorted(rng.sample(TOPICS, k=rng.randint(2, 6))))),
            capacity=rng.choice((1, 2, 2, 3)),
            status=rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
            member_type=rng.choices(MEMBER_TYPES, weights=(70, 10, 3, 10, 7))[0],
            practice_areas=tuple(sorted(rng.sample(PRACTICE_AREAS, k=rng.randint(1, 3)))),
            recovery_years=tuple(
                (topic, rng.randint(1, 25)) for topic in topics if topic in RECOVERY_TOPICS
            ),
            about_me=rng.choice(ABOUT_ME),
        )


def requests(seed: int, count: int) -> Iterator[SyntheticRequest]:
    for index in range(count):
        rng = random.Random(f"request:{seed}:{index}")
        yield SyntheticRequest(
            index=index,
            asker_kind=rng.choices(ASKER_KINDS, weights=(70, 10, 12, 2, 6))[0],
            topics=tuple(sorted(rng.sample(TOPICS, k=rng.randint(1, 3)))),
            region=rng.choice(REGIONS),
            language=rng.choices(LANGUAGES, weights=(85, 6, 2, 2, 2, 2, 1))[0],
            wants_different_city=rng.random() < 0.2,
        )
