"""The pure pieces of intake: risk phrases, references and passphrases."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.intake import passphrases
from kindred.intake.risk import mentions_risk


def test_risk_phrases_are_found_whatever_the_case_spacing_or_apostrophe() -> None:
    assert mentions_risk("Some days I just WANT   TO DIE.")
    assert mentions_risk("I don\u2019t want to live like this")
    assert mentions_risk("thinking about suicide")
    assert mentions_risk("I might hurt someone at the office")


def test_ordinary_worries_are_not_flagged() -> None:
    assert not mentions_risk("Work has been overwhelming and I cannot sleep.")
    assert not mentions_risk("My divorce is dragging on and I feel stuck.")


def test_references_are_short_unambiguous_and_normalised() -> None:
    reference = passphrases.new_reference()
    assert len(reference) == 7
    assert reference[2] == "-"
    assert not set(reference) & set("01OI")
    assert passphrases.normalise_reference(reference.lower().replace("-", " ")) == reference


def test_passphrases_are_five_kind_words() -> None:
    words = passphrases.new_passphrase().split()
    assert len(words) == 5
    for word in passphrases.word_list():
        assert not any(unkind in word for unkind in ("kill", "dead", "suicid", "drunk", "arrest"))


@settings(max_examples=5, deadline=None)  # Argon2 is deliberately slow
@given(st.sampled_from(["  ", "-", " - "]), st.booleans())
def test_a_passphrase_is_forgiving_about_spacing_and_case(separator: str, shout: bool) -> None:
    phrase = passphrases.new_passphrase()
    encoded = passphrases.hash_passphrase(phrase)
    typed = separator.join(phrase.split())
    assert encoded.startswith("argon2")
    assert passphrases.passphrase_matches(typed.upper() if shout else typed, encoded)
    assert not passphrases.passphrase_matches(phrase + " extra", encoded)
