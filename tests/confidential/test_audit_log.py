"""The hash-chained audit log: append-only in the database, and `audit_verify` names the first
entry an attacker touched, with signed checkpoints catching rewrites and cut-off tails."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from kindred.confidential import audit, crypto
from kindred.confidential.audit import Actor
from kindred.confidential.checkpoints import Checkpoint
from kindred.confidential.models import ActorType, AuditAction, AuditEntry, AuditHead
from tests.conftest import set_audit_triggers


def append(count: int) -> list[AuditEntry]:
    return [
        audit.record(
            AuditAction.VIEW,
            actor=Actor(ActorType.USER, str(number), "coordinator"),
            object_type="note",
            object_id=number,
            program_id=1,
            purpose="follow-up",
        )
        for number in range(1, count + 1)
    ]


def verify_passes() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def verify_fails() -> str:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    return err.getvalue().strip()


def execute(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
class TestChain:
    def test_appends_form_a_chain_that_verifies(self, checkpoint_dir: Path) -> None:
        entries = append(5)

        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == audit.GENESIS_HASH
        for earlier, later in itertools.pairwise(entries):
            assert later.prev_hash == earlier.entry_hash
        head = AuditHead.objects.get(pk=1)
        assert (head.seq, head.entry_hash) == (5, entries[-1].entry_hash)
        assert verify_passes() == "audit log intact: 5 entries"

    def test_an_empty_log_verifies(self, checkpoint_dir: Path) -> None:
        assert verify_passes() == "audit log intact: 0 entries"

    def test_verify_warns_when_there_is_no_checkpoint(self, checkpoint_dir: Path) -> None:
        append(2)
        out, err = io.StringIO(), io.StringIO()

        call_command("audit_verify", stdout=out, stderr=err)

        assert out.getvalue().strip() == "audit log intact: 2 entries"
        assert "no checkpoint" in err.getvalue()
        call_command("audit_checkpoint", stdout=io.StringIO())
        err = io.StringIO()
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
        assert err.getvalue() == ""

    def test_a_checkpoint_is_signed_written_privately_and_verifies(
        self, checkpoint_dir: Path
    ) -> None:
        append(3)

        out = io.StringIO()
        call_command("audit_checkpoint", stdout=out)

        # The checkpoint is itself an entry (number 4), vouched for by the file.
        assert "checkpoint written: entry 4" in out.getvalue()
        (path,) = checkpoint_dir.glob("checkpoint-*.json")
        assert path.stat().st_mode & 0o777 == 0o600
        written = json.loads(path.read_text())
        assert written["seq"] == 4
        assert written["entry_hash"] == AuditEntry.objects.get(seq=4).entry_hash
        assert verify_passes() == "audit log intact: 4 entries"


@pytest.mark.django_db
class TestTheDatabaseRefusesChanges:
    def test_update_and_delete_are_refused_without_disabling_the_trigger(self) -> None:
        append(2)

        for attempt in (
            lambda: execute(
                "UPDATE confidential_auditentry SET purpose = %s WHERE seq = %s", ["x", 1]
            ),
            lambda: execute("DELETE FROM confidential_auditentry WHERE seq = %s", [2]),
            lambda: AuditEntry.objects.filter(seq=1).update(purpose="changed"),
            lambda: AuditEntry.objects.filter(seq=2).delete(),
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()

        assert list(AuditEntry.objects.values_list("seq", "purpose")) == [
            (1, "follow-up"),
            (2, "follow-up"),
        ]


@pytest.mark.django_db
class TestTamperingIsDetected:
    """Each test first disables the append-only trigger, as someone owning the database could."""

    @pytest.fixture(autouse=True)
    def _tamperable(self, checkpoint_dir: Path) -> None:
        append(5)
        assert verify_passes() == "audit log intact: 5 entries"
        set_audit_triggers(enabled=False)

    def test_an_edited_entry(self) -> None:
        execute("UPDATE confidential_auditentry SET purpose = %s WHERE seq = %s", ["curiosity", 3])

        assert verify_fails() == (
            "audit log broken at sequence number 3: entry was edited after it was written"
        )

    def test_a_deleted_entry(self) -> None:
        execute("DELETE FROM confidential_auditentry WHERE seq = %s", [3])

        message = verify_fails()
        assert message.startswith("audit log broken at sequence number 3:")
        assert "missing" in message

    def test_a_deleted_entry_with_the_rest_renumbered(self) -> None:
        execute("DELETE FROM confidential_auditentry WHERE seq = %s", [3])
        for seq in (4, 5):
            execute("UPDATE confidential_auditentry SET seq = %s WHERE seq = %s", [seq - 1, seq])

        assert verify_fails().startswith("audit log broken at sequence number 3:")

    def test_two_swapped_entries(self) -> None:
        # Entries 2 and 3 trade places (via a spare number: seq is unique).
        execute("UPDATE confidential_auditentry SET seq = %s WHERE seq = %s", [1000, 2])
        execute("UPDATE confidential_auditentry SET seq = %s WHERE seq = %s", [2, 3])
        execute("UPDATE confidential_auditentry SET seq = %s WHERE seq = %s", [3, 1000])

        message = verify_fails()
        assert message.startswith("audit log broken at sequence number 2:")
        assert "reordered" in message

    def test_two_entries_with_swapped_content(self) -> None:
        two, three = (AuditEntry.objects.get(seq=seq) for seq in (2, 3))
        execute(
            "UPDATE confidential_auditentry SET object_id = %s WHERE seq = %s", [three.object_id, 2]
        )
        execute(
            "UPDATE confidential_auditentry SET object_id = %s WHERE seq = %s", [two.object_id, 3]
        )

        assert verify_fails().startswith("audit log broken at sequence number 2:")

    def test_a_tail_cut_off_after_a_checkpoint(self) -> None:
        # Given a checkpoint at entry 6, and two more entries after it
        call_command("audit_checkpoint", stdout=io.StringIO())
        append(2)

        # When entries 5 to 8 are deleted and the head moved back to match, as an attacker would
        execute("DELETE FROM confidential_auditentry WHERE seq >= %s", [5])
        last = AuditEntry.objects.get(seq=4)
        AuditHead.objects.filter(pk=1).update(seq=4, entry_hash=last.entry_hash)

        # Then the checkpoint shows entries are missing from number 5
        message = verify_fails()
        assert message.startswith("audit log broken at sequence number 5:")
        assert "cut off" in message

    def test_a_tail_cut_off_without_moving_the_head(self) -> None:
        execute("DELETE FROM confidential_auditentry WHERE seq >= %s", [4])

        assert verify_fails().startswith("audit log broken at sequence number 4:")

    def test_a_chain_recomputed_without_the_key_is_caught_without_a_checkpoint(self) -> None:
        # Given someone who can write to the database but does not hold the keyring
        # When they edit entry 3 and recompute it and every later link with plain SHA-256
        execute("UPDATE confidential_auditentry SET purpose = %s WHERE seq = %s", ["curiosity", 3])
        previous = AuditEntry.objects.get(seq=2).entry_hash
        for entry in AuditEntry.objects.filter(seq__gte=3).order_by("seq"):
            entry.prev_hash = previous
            entry.entry_hash = hashlib.sha256(
                audit.canonical_json(audit.hashed_values(entry))
            ).hexdigest()
            entry.save(update_fields=["prev_hash", "entry_hash"])
            previous = entry.entry_hash
        AuditHead.objects.filter(pk=1).update(entry_hash=previous)

        # Then the first entry they touched is named: the links are keyed
        assert verify_fails().startswith("audit log broken at sequence number 3:")

    def test_a_rewritten_chain_is_caught_by_a_checkpoint(self, checkpoint_dir: Path) -> None:
        # Given a checkpoint at entry 6
        call_command("audit_checkpoint", stdout=io.StringIO())

        # When someone who also holds the keyring edits entry 3 and recomputes every link after it
        execute("UPDATE confidential_auditentry SET purpose = %s WHERE seq = %s", ["curiosity", 3])
        previous = AuditEntry.objects.get(seq=2).entry_hash
        for entry in AuditEntry.objects.filter(seq__gte=3).order_by("seq"):
            entry.prev_hash = previous
            entry.entry_hash = audit.compute_hash(entry)
            entry.save(update_fields=["prev_hash", "entry_hash"])
            previous = entry.entry_hash
        AuditHead.objects.filter(pk=1).update(entry_hash=previous)

        # Then the chain alone looks whole, but the checkpoint gives the rewrite away
        message = verify_fails()
        assert message.startswith("audit log broken at sequence number 6:")
        assert "checkpoint" in message
        for path in checkpoint_dir.glob("checkpoint-*.json"):
            path.unlink()
        assert verify_passes() == "audit log intact: 6 entries"

    def test_a_forged_checkpoint_signature(self, checkpoint_dir: Path) -> None:
        # Given a genuine checkpoint, edited to vouch for a different head
        call_command("audit_checkpoint", stdout=io.StringIO())
        (path,) = checkpoint_dir.glob("checkpoint-*.json")
        document = json.loads(path.read_text())
        document["entry_hash"] = "f" * 64
        path.write_text(json.dumps(document))

        message = verify_fails()
        assert message.startswith("audit log broken at sequence number 6:")
        assert f"checkpoint {path.name} is not validly signed" in message

    def test_a_checkpoint_signed_with_another_key(self, checkpoint_dir: Path) -> None:
        # Given a checkpoint for the true head, but signed by someone without the audit key
        head = AuditHead.objects.get(pk=1)
        path = checkpoint_dir / f"checkpoint-{head.seq:012d}.json"
        unsigned = Checkpoint(head.seq, head.entry_hash, "2030-01-01T00:00:00.000000Z", "", path)
        checkpoint_dir.mkdir()
        path.write_text(
            json.dumps(
                {
                    "seq": unsigned.seq,
                    "entry_hash": unsigned.entry_hash,
                    "written_at": unsigned.written_at,
                    "signature": crypto.sign(bytes(32), unsigned.message()),
                }
            )
        )

        assert verify_fails() == (
            f"audit log broken at sequence number 5: checkpoint {path.name} is not validly signed"
        )

    def test_an_unreadable_checkpoint(self, checkpoint_dir: Path) -> None:
        checkpoint_dir.mkdir(exist_ok=True)
        (checkpoint_dir / "checkpoint-000000000009.json").write_text("{not json")

        assert "is not validly signed" in verify_fails()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_extend_one_chain(checkpoint_dir: Path) -> None:
    # Given 8 threads, each with its own database connection, released at the same moment
    threads, per_thread = 8, 10
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def append_from_a_thread(number: int) -> None:
        try:
            start.wait(timeout=30)
            for index in range(per_thread):
                audit.record(AuditAction.VIEW, object_type="note", object_id=f"{number}-{index}")
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    # When they all append at once
    workers = [
        threading.Thread(target=append_from_a_thread, args=(number,)) for number in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    # Then there is one valid chain with every entry, numbered without gaps
    assert not any(worker.is_alive() for worker in workers)
    assert failures == []
    expected = threads * per_thread
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, expected + 1))
    assert len(set(AuditEntry.objects.values_list("object_id", flat=True))) == expected
    assert AuditHead.objects.get(pk=1).seq == expected
    assert verify_passes() == f"audit log intact: {expected} entries"
