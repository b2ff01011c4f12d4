"""Hardening: passwords that look complex but are among the first guessed are refused, with advice.

Django's validators (12 characters, the ~20,000 most common breached passwords, not all digits)
stand beside zxcvbn's estimate of how many guesses a password takes (score 4 required).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kindred.accounts.models import User
from kindred.accounts.passwords import REQUIRED_SCORE, GuessabilityValidator
from kindred.demo import loading
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GUESSABLE = ["aaaaaaaaaaaa", "passwordpassword", "P@ssw0rd2026", "Summer2026!!"]


@pytest.mark.parametrize("password", GUESSABLE)
def test_guessable_passwords_are_refused_with_advice(password: str) -> None:
    # When someone chooses a password that only looks complex
    with pytest.raises(ValidationError) as refused:
        validate_password(password)

    # Then it is refused, and the message says what to do instead
    text = " ".join(refused.value.messages)
    assert "too easy to guess" in text
    assert any(word in text for word in ("Add another word", "word or two")), text
    # The message never repeats the password itself
    assert password not in text


def test_a_word_a_year_and_symbols_is_refused_even_without_a_tip_from_zxcvbn() -> None:
    # "Summer2026!!" scores 3 in zxcvbn, which has no suggestion for it: Kindred adds its own.
    with pytest.raises(ValidationError) as refused:
        GuessabilityValidator().validate("Summer2026!!")
    assert "a word, a year and a symbol" in refused.value.messages[0]
    assert REQUIRED_SCORE == 4


def test_a_password_made_of_the_persons_own_address_is_refused() -> None:
    user = User(email="marigold.fenwick@lawfirm.test", full_name="Marigold Fenwick")
    # Strong enough for a stranger, but a guesser starts with the person's own name.
    GuessabilityValidator().validate("marigoldfenwick2026")
    with pytest.raises(ValidationError):
        GuessabilityValidator().validate("marigoldfenwick2026", user)


@pytest.mark.parametrize(
    "password",
    [PASSWORD, loading.DEMO_PASSWORD, "quiet harbour lanterns 47", "kettle-lantern-orchard-9"],
    ids=["test-personas", "demo", "browser-journey", "passphrase"],
)
def test_passphrases_the_project_uses_still_pass(password: str) -> None:
    validate_password(password, User(email="coordinator@example.org", full_name="Test Persona"))


def test_the_validator_runs_in_the_real_settings() -> None:
    from django.conf import settings

    names = [validator["NAME"] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert "kindred.accounts.passwords.GuessabilityValidator" in names
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in names
    length = next(v for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"])
    assert length["OPTIONS"]["min_length"] == 12
