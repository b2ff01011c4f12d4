"""Passwords: long, not common, and hashed with Argon2 in production."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Tr0ub4dor&3", "at least 12 characters"),  # 11 characters, otherwise strong
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("739164820573", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(reason in message for message in refused.value.messages)


def test_a_long_uncommon_passphrase_is_accepted() -> None:
    validate_password(PASSWORD)
    validate_password("kettle-lantern-orchard-9")


def test_production_hashes_passwords_with_argon2() -> None:
    # The tests swap in a cheap hasher (tests/settings.py); kindred.settings itself is unchanged.
    production = importlib.import_module("kindred.settings")
    assert production.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify(PASSWORD, encoded)
    assert not hasher.verify("not the password at all", encoded)
