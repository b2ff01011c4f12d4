"""Hardening: `audit_verify` with a keyring whose audit key did not sign the log says so, instead
of reporting tampering.

How it tells them apart: someone without the key who edits, deletes or forges entries breaks
only those entries; every untouched entry still verifies under the right key. Under another key
not one entry (nor any checkpoint) verifies. So "nothing verifies" means "not this key" (or the
whole log replaced, which the message also names), and anything else is judged entry by entry.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from kindred.confidential import audit
from kindred.confidential import keyfile as keyring_file
from kindred.confidential.checkpoints import WRONG_KEY, verify_chain
from kindred.confidential.models import AuditAction
from tests.conftest import set_audit_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoints(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path / "checkpoints"


def write_log(count: int) -> None:
    for number in range(count):
        audit.record(AuditAction.VIEW, object_type="synthetic", object_id=number + 1)


def verify(stdout: io.StringIO, stderr: io.StringIO) -> int:
    try:
        call_command("audit_verify", stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def test_another_keyring_is_named_as_such_not_as_tampering(
    settings,
    tmp_path: Path,
    checkpoints: Path,  # type: ignore[no-untyped-def]
) -> None:
    # Given a log and a checkpoint written with this installation's keyring
    write_log(4)
    call_command("audit_checkpoint", stdout=io.StringIO())

    # When audit_verify runs with another keyring (a mix-up of files or environments)
    other = tmp_path / "other-keyring.json"
    keyring_file.create(other)
    settings.KEYRING_PATH = other
    out, err = io.StringIO(), io.StringIO()
    code = verify(out, err)

    # Then it says the key did not sign this log, and does not claim an entry was edited
    assert code == 2
    assert WRONG_KEY in err.getvalue()
    assert "broken at sequence number" not in err.getvalue()
    assert "edited" not in err.getvalue()


def test_an_edit_is_still_reported_as_tampering_under_the_right_key(
    checkpoints: Path,
) -> None:
    # Given a log whose first entry was edited by someone without the keyring
    write_log(3)
    set_audit_triggers(enabled=False)
    from kindred.confidential.models import AuditEntry

    AuditEntry.objects.filter(seq=1).update(purpose="rewritten")
    set_audit_triggers(enabled=True)

    # Then verify names that entry, and does not blame the key
    verdict = verify_chain()
    assert not verdict.intact
    assert not verdict.wrong_key
    assert verdict.first_bad_seq == 1
    err = io.StringIO()
    assert verify(io.StringIO(), err) == 1
    assert "broken at sequence number 1" in err.getvalue()


def test_the_right_key_verifies(checkpoints: Path) -> None:
    write_log(2)
    out = io.StringIO()
    assert verify(out, io.StringIO()) == 0
    assert "audit log intact: 2 entries" in out.getvalue()
