"""Key rotation (`rotate_keys`), retiring an old key (`retire_key`), and crypto-shredding.

Every test here works on a private copy of the keyring (the `keyring_copy` fixture).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kindred.confidential import crypto, keys
from kindred.confidential import keyfile as keyring_file
from kindred.confidential.models import AuditAction, AuditEntry, DataKey
from tests.confidential.testapp.models import Note

pytestmark = pytest.mark.django_db


class Interrupted(Exception):
    """Stands in for a crash or Ctrl-C part-way through a rotation."""


class TerminalBuffer(io.StringIO):
    """Output that says it is a terminal, so the progress bar draws as an operator sees it."""

    def isatty(self) -> bool:
        return True


def make_notes(count: int) -> dict[object, dict[str, object]]:
    written = {}
    for number in range(count):
        values = {
            "secret_text": f"rotation text number {number}",
            "secret_name": f"rotation name {number}",
            "secret_data": {"number": number, "words": ["één", "deux"]},
        }
        note = Note.objects.create(title=f"note {number}", **values)
        written[note.pk] = values
    return written


def assert_all_open(written: dict[object, dict[str, object]]) -> None:
    for pk, values in written.items():
        fresh = Note.objects.get(pk=pk)  # a fresh instance: nothing cached from the write
        for field, value in values.items():
            assert getattr(fresh, field) == value


def run(command: str, *args: str, stdout: io.StringIO | None = None) -> str:
    out = stdout or io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_rotation_rewraps_every_data_key_and_retiring_the_old_key_loses_nothing(
    keyring_copy: Path,
) -> None:
    # Given notes whose data keys are all wrapped by key version 1
    written = make_notes(5)
    wrapped_before = dict(DataKey.objects.values_list("id", "wrapped"))
    assert keys.versions_in_use() == {1: 5}

    # When the keys are rotated
    output = run("rotate_keys", "--batch-size", "2")

    # Then version 2 is added and active, every data key is re-wrapped by it, and the output says so
    ring = keyring_file.load(keyring_copy)
    assert ring.active_version == 2
    assert sorted(ring.keks) == [1, 2]
    assert keys.versions_in_use() == {2: 5}
    for key_id, wrapped in DataKey.objects.values_list("id", "wrapped"):
        assert bytes(wrapped) != bytes(wrapped_before[key_id])
    assert "Added key-encryption key version 2; re-wrapping 5 data keys." in output
    assert "Done: 5 data keys re-wrapped to version 2." in output
    assert "kindred retire_key VERSION" in output
    assert AuditEntry.objects.filter(action=AuditAction.KEY_ROTATION).count() == 1
    assert_all_open(written)

    # When the old key is retired
    output = run("retire_key", "1")

    # Then it is gone from the keyring and everything still opens
    assert "Removed key-encryption key version 1" in output
    assert sorted(keyring_file.load(keyring_copy).keks) == [2]
    assert_all_open(written)


def test_rotation_shows_a_progress_bar_on_a_terminal(keyring_copy: Path) -> None:
    make_notes(3)

    output = run("rotate_keys", stdout=TerminalBuffer())

    assert "100%" in output
    assert "3/3" in output


def test_retire_key_refuses_while_a_data_key_still_uses_the_version(keyring_copy: Path) -> None:
    # Given notes under version 1, and version 2 added but nothing re-wrapped yet
    written = make_notes(3)
    keyring_file.add_kek(keyring_copy)

    # When version 1 is retired, Then the command refuses and the key stays
    with pytest.raises(CommandError, match="3 data keys are still wrapped by version 1"):
        run("retire_key", "1")
    assert sorted(keyring_file.load(keyring_copy).keks) == [1, 2]
    assert_all_open(written)


def test_retire_key_refuses_the_active_version_and_unknown_versions(keyring_copy: Path) -> None:
    with pytest.raises(CommandError, match="active key"):
        run("retire_key", "1")
    with pytest.raises(CommandError, match="version 9 is not in the keyring"):
        run("retire_key", "9")
    assert sorted(keyring_file.load(keyring_copy).keks) == [1]


def test_an_interrupted_rotation_is_finished_without_adding_another_key(
    keyring_copy: Path,
) -> None:
    # Given a rotation that added version 2 and then stopped after its first batch of 2 keys
    written = make_notes(5)
    keyring_file.add_kek(keyring_copy)

    def crash_after_first_batch(count: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        keys.rewrap_to_active(batch_size=2, on_progress=crash_after_first_batch)
    assert keys.versions_in_use() == {1: 3, 2: 2}
    assert_all_open(written)  # half-way is a consistent state too

    # When rotate_keys runs again
    output = run("rotate_keys", "--batch-size", "2")

    # Then it finishes the same rotation: no version 3, every key under version 2
    assert "Resuming: 3 data keys are not yet under active key version 2." in output
    assert "Done: 3 data keys re-wrapped to version 2." in output
    ring = keyring_file.load(keyring_copy)
    assert sorted(ring.keks) == [1, 2]
    assert ring.active_version == 2
    assert keys.versions_in_use() == {2: 5}
    assert_all_open(written)


def test_a_second_rotation_adds_the_next_version(keyring_copy: Path) -> None:
    written = make_notes(2)

    run("rotate_keys")
    run("rotate_keys")

    assert keyring_file.load(keyring_copy).active_version == 3
    assert keys.versions_in_use() == {3: 2}
    assert_all_open(written)


def test_rotation_keeps_the_keyring_file_private(keyring_copy: Path) -> None:
    make_notes(1)

    run("rotate_keys")

    assert keyring_copy.stat().st_mode & 0o777 == 0o600


class TestShredding:
    def test_a_shredded_record_cannot_be_read(self) -> None:
        # Given a note with every kind of encrypted field
        note = Note.objects.create(
            title="to be shredded",
            secret_text="text that will be destroyed",
            secret_name="name that will be destroyed",
            secret_data={"will": "be destroyed"},
        )

        # When it is shredded
        note.shred()

        # Then a fresh instance opens none of its fields, and the data key is gone
        fresh = Note.objects.get(pk=note.pk)
        for field in ("secret_text", "secret_name", "secret_data"):
            with pytest.raises(crypto.DataShredded) as error:
                getattr(fresh, field)
            assert "destroyed" not in str(error.value)
        data_key = DataKey.objects.get(pk=note.data_key_id)
        assert data_key.wrapped is None
        assert data_key.shredded_at is not None
        # The instance that did the shredding has forgotten its key too.
        with pytest.raises(crypto.DataShredded):
            note.raw_data_key()
        # Fields that are not encrypted are untouched.
        assert fresh.title == "to be shredded"

    def test_a_copy_of_the_ciphertext_made_before_shredding_is_unreadable(self) -> None:
        # Given a copy of a note's ciphertext, taken before it is shredded (like a backup)
        note = Note.objects.create(title="copied", secret_text="text copied before shredding")
        pk = Note._meta.pk.get_db_prep_value(note.pk, connection)
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret_text FROM testapp_note WHERE id = %s", [pk])
            (copy,) = cursor.fetchone()

        # When the note is shredded and the copy is put back
        note.shred()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE testapp_note SET secret_text = %s WHERE id = %s", [copy, pk])

        # Then the copy does not open either: the only key that could open it is gone
        fresh = Note.objects.get(pk=note.pk)
        with pytest.raises(crypto.DataShredded):
            _ = fresh.secret_text

    def test_other_records_survive_a_shred(self) -> None:
        shredded = Note.objects.create(title="gone", secret_text="first record text")
        kept = Note.objects.create(title="kept", secret_text="second record text")

        shredded.shred()

        assert Note.objects.get(pk=kept.pk).secret_text == "second record text"

    def test_rotation_skips_shredded_keys_and_retiring_keeps_them_shredded(
        self, keyring_copy: Path
    ) -> None:
        # Given a shredded note and a live one, both under version 1
        shredded = Note.objects.create(title="gone", secret_text="shredded record text")
        kept = Note.objects.create(title="kept", secret_text="live record text")
        shredded.shred()

        # When keys are rotated and version 1 retired
        output = run("rotate_keys")
        run("retire_key", "1")

        # Then only the live key was re-wrapped; the shredded one stays unreadable
        assert "re-wrapping 1 data keys" in output
        assert Note.objects.get(pk=kept.pk).secret_text == "live record text"
        with pytest.raises(crypto.DataShredded):
            _ = Note.objects.get(pk=shredded.pk).secret_text
