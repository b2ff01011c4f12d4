"""Passphrases: drawn only from the reviewed word list, calm, strong enough, forgiving to type."""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.demo import loading
from kindred.intake import passphrases

LIST_SIZE = 1139  # change only with a reviewed change of passphrase_words.txt

# Whole words that must never be in the list: the categories the list leaves out, and words
# with a double meaning for a person in crisis or a lawyer in trouble with the law society.
# fmt: off
FORBIDDEN_WORDS = {
    "abuse", "addict", "alcohol", "ale", "arrest", "ash", "axe", "bail", "bar", "bat", "beer",
    "bet", "blood", "blow", "bomb", "bond", "booze", "bottle", "brandy", "brief", "broke",
    "bullet", "bury", "cancer", "case", "casket", "cell", "charge", "cider", "clinic", "club",
    "coffin", "coke", "cop", "corpse", "court", "crack", "crime", "crypt", "cut", "dead", "death",
    "debt", "dice", "dope", "dose", "drink", "drown", "drug", "drunk", "fall", "file", "fine",
    "fix", "funeral", "gallows", "gin", "glass", "grass", "grave", "gun", "hang", "hash",
    "heroin", "high", "hit", "hooker", "jail", "joint", "judge", "kill", "knife", "lash", "loan",
    "lush", "meth", "molly", "murder", "noose", "opium", "overdose", "pill", "pint", "pipe",
    "poison", "pot", "prison", "pub", "punch", "rape", "rehab", "relapse", "rope", "rum", "rye",
    "scotch", "sex", "shot", "sick", "sin", "slip", "smoke", "snort", "speed", "spirits", "stab",
    "stone", "suicide", "tequila", "tomb", "tonic", "trial", "trip", "vodka", "weapon", "weed",
    "whisky", "widow", "wine", "wound", "needle", "spoon", "sentence", "record", "ice",
    "crystal", "rock", "snitch", "cooler", "crown", "ring", "kite", "laundry", "helium",
    "dragon", "wire", "plank", "rug", "jug", "card", "poppy", "cherry", "grape", "lamb", "shark",
    "hammer", "cellar", "lodge", "bench", "dock", "fence", "collar", "cuff", "robe", "wig",
}
# fmt: on
# Stems with no innocent reading inside a longer word, so no list word may contain them ("kill"
# is a whole word above, not a stem: "skillet" is a pan).
FORBIDDEN_STEMS = (
    "addict",
    "alcohol",
    "arrest",
    "beer",
    "blood",
    "booze",
    "coffin",
    "corpse",
    "crime",
    "death",
    "divorc",
    "drunk",
    "funeral",
    "gallow",
    "heroin",
    "killer",
    "killing",
    "liquor",
    "murder",
    "opioid",
    "overdos",
    "poison",
    "prison",
    "rehab",
    "relaps",
    "strangl",
    "suicid",
    "vodka",
    "whisk",
    "wound",
)


def _file_words() -> list[str]:
    text = resources.files("kindred.intake").joinpath("passphrase_words.txt").read_text()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_list_has_its_reviewed_size_and_gives_at_least_55_bits() -> None:
    size = len(passphrases.word_list())
    assert size == LIST_SIZE
    assert passphrases.words_per_passphrase() == math.ceil(55 / math.log2(size)) == 6
    assert passphrases.words_per_passphrase() * math.log2(size) >= 55


def test_every_word_is_short_lowercase_ascii_and_listed_once() -> None:
    words = _file_words()
    assert words == list(passphrases.word_list())
    assert all(re.fullmatch(r"[a-z]{3,7}", word) for word in words), "3-7 letters a-z"
    assert len(set(words)) == len(words)


def test_no_word_touches_what_the_list_leaves_out() -> None:
    words = set(passphrases.word_list())
    assert not words & FORBIDDEN_WORDS
    assert not [word for word in words if any(stem in word for stem in FORBIDDEN_STEMS)]
    # Words the issue found in generated passphrases, and their kin.
    for word in ("freebase", "hangover", "deranged", "strangle", "unloved", "groin", "casket"):
        assert word not in words


def test_a_passphrase_is_six_words_drawn_only_from_the_file() -> None:
    listed = set(_file_words())
    for _ in range(200):
        words = passphrases.new_passphrase().split()
        assert len(words) == 6
        assert set(words) <= listed


def test_the_words_come_from_the_file_and_nowhere_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a package whose list file holds three words under a header
    package = tmp_path / "fakeintake"
    package.mkdir()
    (package / "passphrase_words.txt").write_text("# header\n\nmaple\nmeadow\nlantern\n")
    monkeypatch.setattr(passphrases.resources, "files", lambda _name: package)
    passphrases.word_list.cache_clear()
    try:
        # When a passphrase is drawn, Then only those words appear, enough of them for 55 bits
        assert passphrases.word_list() == ("maple", "meadow", "lantern")
        words = passphrases.new_passphrase().split()
        assert set(words) <= {"maple", "meadow", "lantern"}
        assert len(words) == math.ceil(55 / math.log2(3))
    finally:
        passphrases.word_list.cache_clear()


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["  ", "-", " - ", "\t"]), st.booleans())
def test_a_passphrase_is_forgiving_about_spacing_dashes_and_case(
    separator: str, shout: bool
) -> None:
    phrase = passphrases.new_passphrase()
    encoded = passphrases.hash_passphrase(phrase)
    typed = f"  {separator.join(phrase.split())} "
    assert passphrases.passphrase_matches(typed.upper() if shout else typed, encoded)
    assert not passphrases.passphrase_matches(phrase + " extra", encoded)
    assert not passphrases.passphrase_matches(phrase, "")


def test_passphrases_are_hashed_with_the_configured_hasher() -> None:
    phrase = passphrases.new_passphrase()
    # Tests configure a cheap hasher; production configures Argon2 (tests/accounts pins that).
    assert passphrases.hash_passphrase(phrase).startswith(get_hasher().algorithm + "$")
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.MD5PasswordHasher",
        ]
    ):
        encoded = passphrases.hash_passphrase(phrase)
        assert encoded.startswith("argon2$")
        assert passphrases.passphrase_matches(phrase, encoded)
        # A hash made by an older configured hasher still verifies.
        assert passphrases.passphrase_matches(phrase, get_hasher("md5").encode(phrase, "salt"))


def test_the_decoy_hash_is_a_real_hash_that_matches_nothing_typed() -> None:
    decoy = passphrases.decoy_hash()
    assert decoy.startswith(get_hasher().algorithm + "$")
    assert not passphrases.passphrase_matches(passphrases.new_passphrase(), decoy)


def test_the_demo_passphrase_is_drawn_from_the_list() -> None:
    words = loading.DEMO_PARTICIPANT_PASSPHRASE.split()
    assert len(words) == passphrases.words_per_passphrase()
    assert set(words) <= set(passphrases.word_list())
