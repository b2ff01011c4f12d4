"""Encrypted model fields: values round-trip, the database holds only ciphertext, and encrypted
columns cannot be searched except through a blind index."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db import connection, transaction

from kindred.confidential import crypto, keys
from kindred.confidential.fields import Sealed
from tests.confidential.testapp.models import Note

pytestmark = pytest.mark.django_db

NESTED = {
    "mood": "hopeful 🌱",
    "people": ["Zoë", "Łukasz", "佐藤"],
    "scores": {"sleep": 3, "stress": 7.5, "flags": [True, False, None]},
    "empty": {"list": [], "dict": {}, "text": ""},
}


def stored_columns(note: Note) -> dict[str, Any]:
    """The encrypted columns exactly as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_text, secret_name, secret_data FROM testapp_note WHERE id = %s",
            [Note._meta.pk.get_db_prep_value(note.pk, connection)],
        )
        secret_text, secret_name, secret_data = cursor.fetchone()
    return {"secret_text": secret_text, "secret_name": secret_name, "secret_data": secret_data}


def test_text_char_and_json_values_round_trip() -> None:
    # Given a note written with every kind of encrypted field
    note = Note.objects.create(
        title="round trip",
        secret_text="First line\nsecond line — with ünïcode ✓",
        secret_name="Given Family-Name",
        secret_data=NESTED,
    )

    # When it is read back from the database
    fresh = Note.objects.get(pk=note.pk)

    # Then every value is what was written, and the database holds only ciphertext
    assert fresh.secret_text == "First line\nsecond line — with ünïcode ✓"
    assert fresh.secret_name == "Given Family-Name"
    assert fresh.secret_data == NESTED
    for column, value in stored_columns(note).items():
        assert value.startswith(crypto.TOKEN_PREFIX), column
        assert "line" not in value
        assert "Family" not in value
        assert "hopeful" not in value


def test_none_stays_none_and_the_column_stays_null() -> None:
    note = Note.objects.create(title="nothing", secret_text=None, secret_data=None)

    fresh = Note.objects.get(pk=note.pk)

    assert fresh.secret_text is None
    assert fresh.secret_data is None
    assert stored_columns(note)["secret_text"] is None
    assert stored_columns(note)["secret_data"] is None
    assert Note.objects.filter(secret_text__isnull=True).count() == 1


def test_empty_strings_are_sealed_and_read_back_empty() -> None:
    note = Note.objects.create(title="empty", secret_text="", secret_name="")

    fresh = Note.objects.get(pk=note.pk)

    assert fresh.secret_text == ""
    assert fresh.secret_name == ""
    # Sealed and padded like any other value: an empty answer looks like a short one.
    assert stored_columns(note)["secret_text"].startswith(crypto.TOKEN_PREFIX)


@pytest.mark.parametrize("value", [0, 1.5, "", [], {}, False, "ünïcode", [None]])
def test_json_scalars_and_empty_containers_round_trip(value: object) -> None:
    note = Note.objects.create(title="json", secret_data=value)

    assert Note.objects.get(pk=note.pk).secret_data == value


def test_a_changed_value_is_sealed_again_on_save() -> None:
    note = Note.objects.create(title="edit", secret_text="before the change")
    first_token = stored_columns(note)["secret_text"]

    fresh = Note.objects.get(pk=note.pk)
    fresh.secret_text = "after the change"
    fresh.save()

    assert Note.objects.get(pk=note.pk).secret_text == "after the change"
    assert stored_columns(note)["secret_text"] != first_token


def test_each_record_gets_its_own_data_key() -> None:
    first = Note.objects.create(title="one", secret_text="alpha value")
    second = Note.objects.create(title="two", secret_text="alpha value")

    assert first.data_key_id is not None
    assert first.data_key_id != second.data_key_id
    # The same value in two rows gives unrelated ciphertexts.
    assert stored_columns(first)["secret_text"] != stored_columns(second)["secret_text"]


def test_values_are_opened_only_when_read() -> None:
    note = Note.objects.create(title="lazy", secret_text="opened on demand")

    (raw,) = Note.objects.filter(pk=note.pk).values_list("secret_text", flat=True)

    assert isinstance(raw, Sealed)
    assert repr(raw) == "<sealed>"


def test_bulk_create_needs_data_keys_prepared_first() -> None:
    notes = [Note(title=f"bulk {i}", secret_text=f"bulk value {i}") for i in range(3)]

    with pytest.raises(FieldError, match="prepare_for_bulk_create"), transaction.atomic():
        Note.objects.bulk_create(notes)

    Note.prepare_for_bulk_create(notes)
    Note.objects.bulk_create(notes)

    assert sorted(n.secret_text for n in Note.objects.all()) == [
        "bulk value 0",
        "bulk value 1",
        "bulk value 2",
    ]


@pytest.mark.parametrize(
    "lookup",
    [
        {"secret_text": "exact value"},
        {"secret_text__icontains": "value"},
        {"secret_name__startswith": "Giv"},
        {"secret_data__mood": "hopeful"},
        {"secret_data__contains": {"mood": "hopeful"}},
    ],
    ids=["exact", "icontains", "startswith", "json-key", "json-contains"],
)
def test_encrypted_fields_cannot_be_filtered(lookup: dict[str, object]) -> None:
    with pytest.raises(FieldError, match="encrypted"):
        list(Note.objects.filter(**lookup))


def test_encrypted_fields_cannot_be_written_by_update() -> None:
    Note.objects.create(title="no update", secret_text="kept")

    with pytest.raises(FieldError, match="encrypted"):
        Note.objects.update(secret_text="bypassing encryption")


def test_encrypted_fields_are_never_serialised() -> None:
    note = Note.objects.create(title="dump", secret_text="not for dumpdata")

    with pytest.raises(FieldError, match="never serialised"):
        Note._meta.get_field("secret_text").value_to_string(note)


class TestBlindIndex:
    def test_equal_after_normalisation_gives_the_same_index(self) -> None:
        assert keys.blind_index("email", "Ann@Example.org ") == keys.blind_index(
            "email", "ann@example.org"
        )

    def test_different_purposes_give_different_indexes(self) -> None:
        assert keys.blind_index("email", "ann@example.org") != keys.blind_index(
            "phone", "ann@example.org"
        )

    def test_different_values_give_different_indexes(self) -> None:
        assert keys.blind_index("email", "ann@example.org") != keys.blind_index(
            "email", "anne@example.org"
        )

    def test_index_reveals_no_part_of_the_value(self) -> None:
        index = keys.blind_index("email", "ann@example.org")

        assert len(index) == 64
        assert set(index) <= set("0123456789abcdef")
        for fragment in ("ann", "example", "@", ".org"):
            assert fragment not in index

    def test_index_depends_on_the_keyring_key(self) -> None:
        ring = keys.current_keyring()

        assert keys.blind_index("email", "ann@example.org") == crypto.blind_index(
            ring.blind_index_key, "email", "ann@example.org"
        )
        assert keys.blind_index("email", "ann@example.org") != crypto.blind_index(
            bytes(32), "email", "ann@example.org"
        )

    def test_lookup_by_index_finds_the_record(self) -> None:
        # Given a note stored with a lower-case address and its index
        wanted = Note.objects.create(
            title="indexed",
            secret_name="ann@example.org",
            email_index=keys.blind_index("email", "ann@example.org"),
        )
        Note.objects.create(title="other", email_index=keys.blind_index("email", "bob@example.org"))

        # When someone looks it up as typed, with capitals and a trailing space
        found = Note.objects.filter(email_index=keys.blind_index("email", "Ann@Example.org "))

        # Then exactly that note is found, and its value opens
        assert list(found) == [wanted]
        assert found.get().secret_name == "ann@example.org"
