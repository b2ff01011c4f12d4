"""Ciphertext that was altered, swapped or moved, or a data key claimed by the wrong key version,
never opens: the error says where, and never what."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from kindred.confidential import crypto
from kindred.confidential.models import DataKey
from tests.confidential.testapp.models import Note

pytestmark = pytest.mark.django_db

PLAINTEXT = "a confidential sentence that must never leak"
OTHER_PLAINTEXT = "another confidential sentence from a second row"


def row_id(note: Note) -> object:
    return Note._meta.pk.get_db_prep_value(note.pk, connection)


def stored_text(note: Note) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_text FROM testapp_note WHERE id = %s", [row_id(note)])
        return cursor.fetchone()[0]


def store_text(note: Note, token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE testapp_note SET secret_text = %s WHERE id = %s", [token, row_id(note)]
        )


def flip_one_character(token: str) -> str:
    middle = len(token) // 2
    replacement = "A" if token[middle] != "A" else "B"
    return token[:middle] + replacement + token[middle + 1 :]


def assert_clear_and_discreet(error: crypto.DecryptionError, note: Note, field: str) -> None:
    message = str(error)
    assert f"testapp_note.{field}" in message
    assert str(note.pk) in message
    assert PLAINTEXT not in message
    assert OTHER_PLAINTEXT not in message


def test_an_altered_ciphertext_is_rejected() -> None:
    # Given a stored note whose ciphertext then has one character changed
    note = Note.objects.create(title="tampered", secret_text=PLAINTEXT)
    store_text(note, flip_one_character(stored_text(note)))

    # When it is read, Then it refuses to open and says which value failed
    fresh = Note.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh.secret_text
    assert_clear_and_discreet(error.value, note, "secret_text")
    assert "failed authentication" in str(error.value)


def test_a_ciphertext_copied_from_another_row_is_rejected() -> None:
    # Given two notes, and row A's ciphertext copied over row B's
    row_a = Note.objects.create(title="row a", secret_text=PLAINTEXT)
    row_b = Note.objects.create(title="row b", secret_text=OTHER_PLAINTEXT)
    store_text(row_b, stored_text(row_a))

    # When row B is read, Then it neither opens nor shows row A's value
    fresh_b = Note.objects.get(pk=row_b.pk)
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh_b.secret_text
    assert_clear_and_discreet(error.value, row_b, "secret_text")
    # Row A itself is unaffected.
    assert Note.objects.get(pk=row_a.pk).secret_text == PLAINTEXT


def test_a_ciphertext_copied_with_its_data_key_to_another_row_is_rejected() -> None:
    # Even pointing row B at row A's data key does not help: the row is bound in too.
    row_a = Note.objects.create(title="row a", secret_text=PLAINTEXT)
    row_b = Note.objects.create(title="row b", secret_text=OTHER_PLAINTEXT)
    store_text(row_b, stored_text(row_a))
    Note.objects.filter(pk=row_b.pk).update(data_key=row_a.data_key_id)

    fresh_b = Note.objects.get(pk=row_b.pk)
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh_b.secret_text
    assert_clear_and_discreet(error.value, row_b, "secret_text")


def test_a_ciphertext_moved_to_another_field_of_the_same_row_is_rejected() -> None:
    # Given a note whose text ciphertext is copied into its name column
    note = Note.objects.create(title="moved", secret_text=PLAINTEXT, secret_name="a short name")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE testapp_note SET secret_name = secret_text WHERE id = %s", [row_id(note)]
        )

    fresh = Note.objects.get(pk=note.pk)
    # Then the untouched field still opens, and the moved one does not
    assert fresh.secret_text == PLAINTEXT
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh.secret_name
    assert_clear_and_discreet(error.value, note, "secret_name")


def test_a_value_that_is_not_a_ciphertext_is_rejected() -> None:
    note = Note.objects.create(title="plain", secret_text=PLAINTEXT)
    store_text(note, "plain text written behind the application's back")

    fresh = Note.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionError, match="is not a Kindred ciphertext"):
        _ = fresh.secret_text


def test_a_data_key_under_the_wrong_key_version_is_rejected(two_key_versions: Path) -> None:
    # Given a note whose data key is wrapped by key version 2 (the active one)
    note = Note.objects.create(title="version", secret_text=PLAINTEXT)
    assert note.data_key.kek_version == 2

    # When the database claims it is wrapped by version 1, which is also in the keyring
    DataKey.objects.filter(pk=note.data_key_id).update(kek_version=1)

    # Then the data key does not open, and the error names the key and the version
    fresh = Note.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh.secret_text
    message = str(error.value)
    assert str(note.data_key_id) in message
    assert "version 1" in message
    assert PLAINTEXT not in message


def test_a_data_key_under_a_version_missing_from_the_keyring_is_rejected(
    keyring_copy: Path,
) -> None:
    note = Note.objects.create(title="missing version", secret_text=PLAINTEXT)
    DataKey.objects.filter(pk=note.data_key_id).update(kek_version=7)

    fresh = Note.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh.secret_text
    assert "version 7 is not in the keyring" in str(error.value)
    assert PLAINTEXT not in str(error.value)


def test_an_altered_wrapped_data_key_is_rejected() -> None:
    note = Note.objects.create(title="wrapped", secret_text=PLAINTEXT)
    wrapped = bytearray(DataKey.objects.get(pk=note.data_key_id).wrapped)
    wrapped[20] ^= 0x01
    DataKey.objects.filter(pk=note.data_key_id).update(wrapped=bytes(wrapped))

    fresh = Note.objects.get(pk=note.pk)
    with pytest.raises(crypto.DecryptionError) as error:
        _ = fresh.secret_text
    assert str(note.data_key_id) in str(error.value)
