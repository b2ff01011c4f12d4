"""The pure pieces of intake: risk phrases and references (passphrases: test_passphrases.py)."""

from __future__ import annotations

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
