"""Signed checkpoints of the audit chain's head, and verification of the whole chain.

The chain's keyed links alone catch an edit, a deletion, a reordering or a forged entry by anyone
without the keyring, but not the newest entries being cut off together with the head row, nor a
rewrite by someone who also holds the keyring. Checkpoints close those gaps: `kindred
audit_checkpoint` writes the head (sequence number and hash) to a directory outside the database,
signed with an HMAC key that lives only in the keyring; `kindred audit_verify` checks the chain
and that every checkpoint still matches it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from kindred.confidential import audit, crypto, keys
from kindred.confidential.models import AuditAction, AuditEntry, AuditHead


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    entry_hash: str
    written_at: str
    signature: str
    path: Path

    def message(self) -> bytes:
        return (
            f"kindred/audit-checkpoint/v1|{self.seq}|{self.entry_hash}|{self.written_at}".encode()
        )


@dataclass(frozen=True)
class Verdict:
    intact: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0
    # True when nothing in the log or its checkpoints was signed with this keyring's audit key:
    # the keyring is most likely not this installation's, which is not evidence of tampering.
    wrong_key: bool = False


WRONG_KEY = "this keyring's audit key did not sign this log"


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def write_checkpoint() -> Checkpoint:
    """Sign the current head of the chain and write it outside the database (mode 0600)."""
    audit.record(AuditAction.CHECKPOINT, object_type="audit_log")
    head = AuditHead.objects.get(pk=1)
    written_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"checkpoint-{head.seq:012d}.json"
    unsigned = Checkpoint(head.seq, head.entry_hash, written_at, "", path)
    signature = crypto.sign(keys.current_keyring().audit_key, unsigned.message())
    document = {
        "seq": head.seq,
        "entry_hash": head.entry_hash,
        "written_at": written_at,
        "signature": signature,
    }
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".checkpoint-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return Checkpoint(head.seq, head.entry_hash, written_at, signature, path)


def read_checkpoints() -> list[Checkpoint]:
    directory = checkpoint_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("checkpoint-*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                Checkpoint(
                    int(document["seq"]),
                    str(document["entry_hash"]),
                    str(document["written_at"]),
                    str(document["signature"]),
                    path,
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            # An unreadable checkpoint is reported by verify as a forged one (seq unknown: 0).
            found.append(Checkpoint(0, "", "", "", path))
    return sorted(found, key=lambda checkpoint: checkpoint.seq)


def latest_checkpoint() -> Checkpoint | None:
    checkpoints = read_checkpoints()
    return checkpoints[-1] if checkpoints else None


def _signed_with(audit_key: bytes, checkpoints: list[Checkpoint]) -> bool:
    """Whether this audit key signed anything here: an entry of the log or a checkpoint.

    Someone without the key who edits, deletes or forges entries breaks those entries only;
    every entry they did not touch still verifies under the right key. Under another key none
    does. So a log (and checkpoints) in which not one entry verifies was not written with this
    key: either the keyring is not this installation's, or the whole log was replaced, and
    both are worth a different message than "entry 1 was edited". The first entry settles it
    in the usual case; the scan goes on only while entries fail.
    """
    for checkpoint in checkpoints:
        if crypto.signature_matches(audit_key, checkpoint.message(), checkpoint.signature):
            return True
    if not checkpoints and not AuditEntry.objects.exists():
        return True  # nothing signed yet, so nothing to disagree with
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if audit.compute_hash(entry) == entry.entry_hash:
            return True
    return False


def verify_chain() -> Verdict:
    """Walk the chain in order; the first entry that breaks it is named by its sequence number."""
    audit_key = keys.current_keyring().audit_key
    checkpoints = read_checkpoints()
    if not _signed_with(audit_key, checkpoints):
        return Verdict(
            False,
            0,
            None,
            f"{WRONG_KEY}. Check that KINDRED_KEYRING names this installation's keyring; if it "
            "does, no entry was written with it, and the whole log was replaced.",
            wrong_key=True,
        )
    for checkpoint in checkpoints:
        if not crypto.signature_matches(audit_key, checkpoint.message(), checkpoint.signature):
            return Verdict(
                False, 0, checkpoint.seq, f"checkpoint {checkpoint.path.name} is not validly signed"
            )
    vouched = {checkpoint.seq: checkpoint for checkpoint in checkpoints}

    expected_seq = 1
    previous = audit.GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return Verdict(
                False,
                expected_seq - 1,
                expected_seq,
                "entry is missing: deleted, or the entries were renumbered",
            )
        if entry.prev_hash != previous:
            return Verdict(
                False,
                expected_seq - 1,
                entry.seq,
                "entry does not follow the one before it: entries were reordered or removed",
            )
        if audit.compute_hash(entry) != entry.entry_hash:
            return Verdict(
                False, expected_seq - 1, entry.seq, "entry was edited after it was written"
            )
        vouching = vouched.get(entry.seq)
        if vouching is not None and vouching.entry_hash != entry.entry_hash:
            return Verdict(
                False,
                expected_seq - 1,
                entry.seq,
                f"entry differs from checkpoint {vouching.path.name}: the chain was rewritten",
            )
        previous = entry.entry_hash
        expected_seq += 1

    count = expected_seq - 1
    newest_vouched = max(vouched, default=0)
    head = AuditHead.objects.filter(pk=1).first()
    if newest_vouched > count or (head is not None and head.seq > count):
        return Verdict(
            False,
            count,
            count + 1,
            "the newest entries were cut off (the log ends before a checkpoint or its own head)",
        )
    return Verdict(True, count, checkpoints=len(checkpoints))
