"""References and passphrases for participants, who have no account.

A reference (like K7-4QX9) names a request in conversation and at sign-in; it is not secret. A
passphrase is six random words from passphrase_words.txt, a list kept in this repository and
reviewed by a person: short, concrete, calm words a person can bear to read on the page that
offers crisis help, and to say on the phone. Enough words are drawn for at least 55 bits. The
passphrase is shown once and kept only as a hash made by the configured password hasher.
"""

from __future__ import annotations

import math
import secrets
from functools import cache
from importlib import resources

from django.contrib.auth.hashers import check_password, make_password

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud safely
WORD_FILE = "passphrase_words.txt"
MIN_BITS = 55


@cache
def word_list() -> tuple[str, ...]:
    """The words of the list file, in file order; lines starting with # are its header."""
    text = resources.files("kindred.intake").joinpath(WORD_FILE).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def words_per_passphrase() -> int:
    """Enough words for MIN_BITS of entropy with this list (6 while it has under 2,048)."""
    return math.ceil(MIN_BITS / math.log2(len(word_list())))


def new_reference() -> str:
    chars = [secrets.choice(REFERENCE_ALPHABET) for _ in range(6)]
    return "".join(chars[:2]) + "-" + "".join(chars[2:])


def normalise_reference(text: str) -> str:
    clean = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{clean[:2]}-{clean[2:]}" if len(clean) == 6 else text.strip().upper()


def new_passphrase() -> str:
    words = word_list()
    return " ".join(secrets.choice(words) for _ in range(words_per_passphrase()))


def normalise_passphrase(text: str) -> str:
    """Forgiving about case, extra spaces and dashes between words."""
    return " ".join(text.replace("-", " ").lower().split())


# The configured hasher (the first of settings.PASSWORD_HASHERS): Argon2 in production, a cheap
# one in tests. Hashes made by an earlier hasher still verify while it stays in that setting.
def hash_passphrase(passphrase: str) -> str:
    return make_password(normalise_passphrase(passphrase))


def passphrase_matches(passphrase: str, encoded: str) -> bool:
    # An empty hash (seeded requests) never matches; check_password also refuses unusable ones.
    return bool(encoded) and check_password(normalise_passphrase(passphrase), encoded)


# A real hash to check against when a reference does not exist, so a wrong reference takes
# as long as a wrong passphrase (no timing clue about which references exist).
@cache
def decoy_hash() -> str:
    return hash_passphrase(new_passphrase())
