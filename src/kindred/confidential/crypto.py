"""Envelope encryption primitives: plain Python on `cryptography`, no Django.

Layout of the scheme (docs/architecture.md explains the choices):

* a key-encryption key (KEK) from the keyring file wraps a random 256-bit data key per record;
  the wrap is bound by associated data to the data key's id and the KEK's version;
* the data key seals each field value with AES-256-GCM; the associated data binds the ciphertext
  to its table, row, field and data key, so a value copied anywhere else fails to open;
* plaintext is padded to a multiple of 32 bytes so ciphertext length says little about it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
PAD_BLOCK = 32
# TOKEN_PREFIX marks the format of a sealed value; the linters mistake it for a password.
TOKEN_PREFIX = "k1:"  # noqa: S105  # nosec B105


class DecryptionError(Exception):
    """A ciphertext could not be opened. The message names where, never what."""


class DataShredded(DecryptionError):
    """The record's data key was destroyed on purpose: its fields are gone for good."""


@dataclass(frozen=True)
class FieldContext:
    """Where a sealed value lives; any difference makes the ciphertext fail to open."""

    table: str
    row: str
    field: str
    data_key_id: str

    def __post_init__(self) -> None:
        # The associated data joins the parts with "|": a part containing it would make two
        # different places encode alike (table "a|b", row "c" vs table "a", row "b|c").
        if any("|" in part for part in (self.table, self.row, self.field, self.data_key_id)):
            raise ValueError("a field context part may not contain '|'")

    def associated_data(self) -> bytes:
        return "|".join(
            ("kindred/field/v1", self.table, self.row, self.field, self.data_key_id)
        ).encode()

    def describe(self) -> str:
        return f"{self.table}.{self.field} of row {self.row}"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _wrap_aad(data_key_id: str, kek_version: int) -> bytes:
    return f"kindred/data-key/v1|{data_key_id}|kek:{kek_version}".encode()


def wrap_data_key(kek: bytes, kek_version: int, data_key_id: str, data_key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, _wrap_aad(data_key_id, kek_version))


def unwrap_data_key(kek: bytes, kek_version: int, data_key_id: str, wrapped: bytes) -> bytes:
    nonce, body = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    try:
        return AESGCM(kek).decrypt(nonce, body, _wrap_aad(data_key_id, kek_version))
    except (InvalidTag, ValueError):  # ValueError: a wrapped key cut shorter than its nonce
        raise DecryptionError(
            f"data key {data_key_id} does not open with key-encryption key version "
            f"{kek_version}: the key version is wrong or the wrapped key was altered"
        ) from None


def _pad(data: bytes) -> bytes:
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % PAD_BLOCK)


def _unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise ValueError("bad padding")
    return stripped[:-1]


def seal(data_key: bytes, plaintext: bytes, context: FieldContext) -> str:
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(data_key).encrypt(nonce, _pad(plaintext), context.associated_data())
    return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + body).decode("ascii")


def open_sealed(data_key: bytes, token: str, context: FieldContext) -> bytes:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError(f"{context.describe()} is not a Kindred ciphertext")
    try:
        encoded = token[len(TOKEN_PREFIX) :].encode("ascii")
        raw = base64.urlsafe_b64decode(encoded)
        # The decoder forgives "+" for "-", stray characters and unused trailing bits; only the
        # one canonical spelling of a ciphertext is accepted, so any edit to a stored token fails.
        if base64.urlsafe_b64encode(raw) != encoded:
            raise ValueError("not canonical base64")
        nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        return _unpad(AESGCM(data_key).decrypt(nonce, body, context.associated_data()))
    except (InvalidTag, ValueError, UnicodeEncodeError):
        raise DecryptionError(
            f"{context.describe()} failed authentication: it was altered, or copied "
            "from another row or field"
        ) from None


def normalize_for_index(value: str) -> str:
    """Case- and form-insensitive, so `Ann@Example.org ` and `ann@example.org` index alike."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def blind_index(key: bytes, purpose: str, value: str) -> str:
    """A keyed hash for exact look-ups; `purpose` keeps indexes of different kinds apart."""
    message = purpose.encode() + b"\x00" + normalize_for_index(value).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_matches(key: bytes, message: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(key, message), signature)
