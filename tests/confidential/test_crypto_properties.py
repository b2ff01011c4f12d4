"""Properties of the envelope encryption primitives (pure Python, no database)."""

from __future__ import annotations

import dataclasses
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kindred.confidential import crypto

# Fixed keys keep the properties about the scheme, not about key generation; the cipher is real.
DATA_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
KEK = bytes(range(100, 132))

context_parts = st.text(st.characters(codec="utf-8", exclude_characters="|"), max_size=24)
contexts = st.builds(
    crypto.FieldContext,
    table=context_parts,
    row=context_parts,
    field=context_parts,
    data_key_id=context_parts,
)
CONTEXT_FIELDS = [field.name for field in dataclasses.fields(crypto.FieldContext)]
CONTEXT = crypto.FieldContext("testapp_note", "row-1", "secret_text", "key-1")


@given(plaintext=st.binary(max_size=300), context=contexts)
def test_sealed_bytes_open_to_the_same_bytes(
    plaintext: bytes, context: crypto.FieldContext
) -> None:
    token = crypto.seal(DATA_KEY, plaintext, context)

    assert token.startswith(crypto.TOKEN_PREFIX)
    assert crypto.open_sealed(DATA_KEY, token, context) == plaintext


@given(plaintext=st.binary(min_size=1, max_size=100))
def test_sealing_twice_gives_different_tokens(plaintext: bytes) -> None:
    # A fresh nonce each time: equal values are not recognisable as equal in the database.
    assert crypto.seal(DATA_KEY, plaintext, CONTEXT) != crypto.seal(DATA_KEY, plaintext, CONTEXT)


@given(plaintext=st.binary(max_size=100), data=st.data())
def test_any_single_character_change_of_a_token_is_rejected(
    plaintext: bytes, data: st.DataObject
) -> None:
    token = crypto.seal(DATA_KEY, plaintext, CONTEXT)
    position = data.draw(st.integers(0, len(token) - 1), label="position")
    replacement = data.draw(
        st.characters(codec="utf-8").filter(lambda c: c != token[position]), label="replacement"
    )
    altered = token[:position] + replacement + token[position + 1 :]

    with pytest.raises(crypto.DecryptionError) as error:
        crypto.open_sealed(DATA_KEY, altered, CONTEXT)
    assert CONTEXT.describe() in str(error.value)


@given(plaintext=st.binary(max_size=100), data=st.data())
def test_a_token_cut_short_or_extended_is_rejected(plaintext: bytes, data: st.DataObject) -> None:
    token = crypto.seal(DATA_KEY, plaintext, CONTEXT)
    cut = data.draw(st.integers(len(crypto.TOKEN_PREFIX), len(token) - 1), label="cut")
    extra = data.draw(st.text(min_size=1, max_size=8), label="extra")

    for altered in (token[:cut], token + extra):
        with pytest.raises(crypto.DecryptionError):
            crypto.open_sealed(DATA_KEY, altered, CONTEXT)


@given(plaintext=st.binary(max_size=100), context=contexts, data=st.data())
def test_any_change_of_the_context_is_rejected(
    plaintext: bytes, context: crypto.FieldContext, data: st.DataObject
) -> None:
    # Given a value sealed for one place (table, row, field, data key)
    token = crypto.seal(DATA_KEY, plaintext, context)
    part = data.draw(st.sampled_from(CONTEXT_FIELDS), label="part")
    new_value = data.draw(context_parts.filter(lambda v: v != getattr(context, part)))
    elsewhere = dataclasses.replace(context, **{part: new_value})

    # When it is opened as if it lived anywhere else, Then it does not open
    with pytest.raises(crypto.DecryptionError) as error:
        crypto.open_sealed(DATA_KEY, token, elsewhere)
    assert elsewhere.describe() in str(error.value)


@given(plaintext=st.binary(max_size=100))
def test_another_data_key_cannot_open_a_token(plaintext: bytes) -> None:
    token = crypto.seal(DATA_KEY, plaintext, CONTEXT)

    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(OTHER_KEY, token, CONTEXT)


def test_a_context_part_containing_the_separator_is_refused() -> None:
    # Otherwise table "a|b", row "c" and table "a", row "b|c" would seal alike.
    with pytest.raises(ValueError, match="may not contain"):
        crypto.FieldContext("a|b", "c", "field", "key")


@given(
    bucket=st.integers(0, 10),
    first=st.integers(0, crypto.PAD_BLOCK - 1),
    second=st.integers(0, crypto.PAD_BLOCK - 1),
)
def test_padding_hides_lengths_within_a_bucket(bucket: int, first: int, second: int) -> None:
    start = bucket * crypto.PAD_BLOCK
    shorter = crypto.seal(DATA_KEY, b"a" * (start + first), CONTEXT)
    other = crypto.seal(DATA_KEY, b"b" * (start + second), CONTEXT)
    next_bucket = crypto.seal(DATA_KEY, b"c" * (start + crypto.PAD_BLOCK), CONTEXT)

    assert len(shorter) == len(other)
    assert len(next_bucket) > len(shorter)


@given(plaintext=st.binary(max_size=64).map(lambda b: b + b"\x80\x00\x00"))
def test_plaintext_ending_like_padding_survives(plaintext: bytes) -> None:
    token = crypto.seal(DATA_KEY, plaintext, CONTEXT)

    assert crypto.open_sealed(DATA_KEY, token, CONTEXT) == plaintext


@given(version=st.integers(1, 1000), key_id=st.uuids().map(str))
def test_a_wrapped_data_key_opens_only_with_its_key_version_and_id(
    version: int, key_id: str
) -> None:
    wrapped = crypto.wrap_data_key(KEK, version, key_id, DATA_KEY)

    assert crypto.unwrap_data_key(KEK, version, key_id, wrapped) == DATA_KEY
    with pytest.raises(crypto.DecryptionError, match=f"version {version + 1}"):
        crypto.unwrap_data_key(KEK, version + 1, key_id, wrapped)
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_data_key(KEK, version, key_id + "0", wrapped)
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_data_key(OTHER_KEY, version, key_id, wrapped)


# A wrapped key is nonce (12) + key (32) + tag (16) = 60 bytes.
@given(cut=st.integers(0, 59))
def test_a_truncated_wrapped_key_is_a_decryption_error(cut: int) -> None:
    wrapped = crypto.wrap_data_key(KEK, 1, "key-1", DATA_KEY)
    assert len(wrapped) == 60

    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_data_key(KEK, 1, "key-1", wrapped[:cut])


@given(
    value=st.text(string.ascii_letters + string.digits + "@.-_+", max_size=40),
    purpose=st.sampled_from(["email", "phone"]),
)
def test_blind_index_ignores_case_and_surrounding_space(value: str, purpose: str) -> None:
    index = crypto.blind_index(KEK, purpose, value)

    assert index == crypto.blind_index(KEK, purpose, f"  {value.upper()}\t")
    assert index == crypto.blind_index(KEK, purpose, value.lower())
    assert index != crypto.blind_index(OTHER_KEY, purpose, value)


def test_blind_index_treats_compatible_unicode_forms_alike() -> None:
    # NFKC: the "ﬁ" ligature and a full-width letter index like their plain spellings.
    assert crypto.blind_index(KEK, "name", "\ufb01nn") == crypto.blind_index(KEK, "name", "finn")
    assert crypto.blind_index(KEK, "name", "\uff21da") == crypto.blind_index(KEK, "name", "ada")
