"""The normalised form that conflicts of interest are compared in (kindred.volunteers.conflicts):
the same firm or person however it is typed, and a key that is stable under normalising twice.
The end-to-end exclusions (a named person, a firm) are in test_pool.py."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kindred.volunteers.conflicts import avoid_indexes, conflict_key, firm_index, name_index


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Smith & Jones LLP", "smith and jones"),
        ("smith and jones", "smith and jones"),
        ("SMITH & JONES, LLP.", "smith and jones"),
        ("Smith & Jones, L.L.P.", "smith and jones"),
        ("Smith & Jones L.L.C.", "smith and jones"),
        ("Smith&Jones", "smith and jones"),
        ("  Smith   &  Jones  Professional Corporation ", "smith and jones"),
        ("Smith & Jones Barristers and Solicitors", "smith and jones"),
        ("Smith & Jones Law Offices LLP", "smith and jones"),
        ("Baker-Hollis Inc.", "baker hollis"),
        ("Juniper Ambervale", "juniper ambervale"),
        ("O'Brien", "o brien"),
        ("LLP", ""),
        ("", ""),
    ],
)
def test_conflict_key_normalises_case_punctuation_and_legal_form(typed: str, key: str) -> None:
    assert conflict_key(typed) == key


def test_a_legal_word_inside_a_name_is_kept() -> None:
    # Only a trailing legal form goes: "Inc" inside a name, or "Ltd" as part of a word, stay.
    assert conflict_key("Incline Partners") == "incline partners"
    assert conflict_key("Smithltd") == "smithltd"


@pytest.mark.django_db
def test_the_same_firm_however_typed_has_one_blind_index() -> None:
    assert firm_index("Smith & Jones LLP") == firm_index("smith and jones") != ""
    assert name_index("Juniper Ambervale") == name_index("juniper  AMBERVALE")
    # Names and firms are indexed for different purposes: equal text, unequal indexes.
    assert name_index("smith and jones") != firm_index("smith and jones")
    # Nothing left after normalising: nothing to compare, so no index at all.
    assert firm_index("LLP") == ""
    names, firms = avoid_indexes(["Smith & Jones LLP", "  ", "LLP", 7])  # type: ignore[list-item]
    assert names == {name_index("smith and jones")}
    assert firms == {firm_index("smith and jones")}


@given(st.text(max_size=40))
def test_conflict_key_is_idempotent(text: str) -> None:
    once = conflict_key(text)
    assert conflict_key(once) == once


@given(st.text(max_size=40))
def test_conflict_key_is_case_insensitive(text: str) -> None:
    # Case-insensitive in Unicode's sense (case folding): a dotless i and "I" are different
    # letters, so variants whose case folding differs are skipped.
    for variant in (text.upper(), text.lower(), text.swapcase(), text.title()):
        if variant.casefold() == text.casefold():
            assert conflict_key(variant) == conflict_key(text)


firm_words = st.text(alphabet=string.ascii_letters + string.digits + " &.,'-", max_size=30)


LEGAL_FORMS = ["", " LLP", " llp", ", L.L.P.", " Inc.", " P.C.", " Law Office"]


@given(firm_words, st.sampled_from(LEGAL_FORMS))
def test_a_firm_typed_any_way_has_the_same_key(words: str, suffix: str) -> None:
    # ASCII firm names: upper, lower and a trailing legal form never change the key.
    key = conflict_key(words)
    assume(key)
    assert conflict_key(words.upper() + suffix.upper()) == key
    assert conflict_key(words.lower() + suffix) == key
    assert conflict_key(words.replace("&", " and ")) == key
