"""References and passphrases for participants, who have no account.

A reference (like K7-4QX9) names a request in conversation and at sign-in; it is not secret. A
passphrase of five random words from the EFF long list (about 62 bits) is shown once and kept
only as an Argon2 hash. Words that could distress someone reading them are left out.
"""

from __future__ import annotations

import secrets
from functools import cache

from django.contrib.auth.hashers import Argon2PasswordHasher
from xkcdpass import xkcd_password

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud safely
WORDS = 5
_UNKIND = (
    "abuse",
    "addict",
    "alcohol",
    "arrest",
    "beer",
    "blood",
    "bomb",
    "coffin",
    "corpse",
    "crime",
    "dead",
    "death",
    "die",
    "drug",
    "drunk",
    "grave",
    "gun",
    "harm",
    "hurt",
    "jail",
    "kill",
    "liquor",
    "murder",
    "overdos",
    "poison",
    "prison",
    "sick",
    "suicid",
    "vodka",
    "weapon",
    "whisk",
    "wine",
    "wound",
    "coma",
    "tomb",
    "funeral",
    "bury",
    "buried",
    "divorce",
    "debt",
)


@cache
def word_list() -> tuple[str, ...]:
    words = xkcd_password.generate_wordlist(
        wordfile=xkcd_password.locate_wordfile("eff-long"), min_length=4, max_length=8
    )
    return tuple(word for word in words if not any(bad in word for bad in _UNKIND))


def new_reference() -> str:
    chars = [secrets.choice(REFERENCE_ALPHABET) for _ in range(6)]
    return "".join(chars[:2]) + "-" + "".join(chars[2:])


def normalise_reference(text: str) -> str:
    clean = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{clean[:2]}-{clean[2:]}" if len(clean) == 6 else text.strip().upper()


def new_passphrase() -> str:
    words = word_list()
    return " ".join(secrets.choice(words) for _ in range(WORDS))


def normalise_passphrase(text: str) -> str:
    """Forgiving about case, extra spaces and dashes between words."""
    return " ".join(text.replace("-", " ").lower().split())


_HASHER = Argon2PasswordHasher()


def hash_passphrase(passphrase: str) -> str:
    return _HASHER.encode(normalise_passphrase(passphrase), _HASHER.salt())


def passphrase_matches(passphrase: str, encoded: str) -> bool:
    return bool(encoded) and _HASHER.verify(normalise_passphrase(passphrase), encoded)


# A real hash to check against when a reference does not exist, so a wrong reference takes
# as long as a wrong passphrase (no timing clue about which references exist).
@cache
def decoy_hash() -> str:
    return hash_passphrase(new_passphrase())
