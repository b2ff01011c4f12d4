"""Appending to the hash-chained audit log.

Every append locks the single AuditHead row, so concurrent writers (several app processes on
PostgreSQL) extend one chain in turn; on SQLite, IMMEDIATE transactions serialize writers anyway.
An entry holds ids, roles and categories, never a confidential value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.confidential import keys
from kindred.confidential.models import ActorType, AuditAction, AuditEntry, AuditHead

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_type",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "program_id",
    "purpose",
    "prev_hash",
)


@dataclass(frozen=True)
class Actor:
    type: str
    id: str = ""
    role: str = ""


SYSTEM = Actor(ActorType.SYSTEM)
ANONYMOUS = Actor(ActorType.ANONYMOUS)


def user_actor(user: Any, *, role: str = "") -> Actor:
    """A signed-in person as an actor, with the roles they hold (or the one they acted in)."""
    return Actor(ActorType.USER, str(user.pk), role or ",".join(user.role_names()))


def actor_for(request: HttpRequest | None, *, role: str = "") -> Actor:
    """The actor behind a request: a signed-in user, a participant's access, or anonymous."""
    if request is None:
        return SYSTEM
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user_actor(user, role=role)
    participant_access = getattr(request, "participant_access", None)
    if participant_access is not None:
        return Actor(ActorType.PARTICIPANT, str(participant_access.pk), "participant")
    return ANONYMOUS


def canonical_json(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hashed_values(entry: AuditEntry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["at"] = _timestamp(entry.at)
    return values


def compute_hash(entry: AuditEntry) -> str:
    """HMAC-SHA256 under the keyring's audit key: someone who can write to the database but does
    not hold the keyring can neither recompute the chain after an edit nor forge new entries."""
    key = keys.current_keyring().audit_key
    return hmac.new(key, canonical_json(hashed_values(entry)), hashlib.sha256).hexdigest()


def _locked_head() -> AuditHead:
    try:
        return AuditHead.objects.select_for_update().get(pk=1)
    except AuditHead.DoesNotExist:
        # First append ever (or after a test flush): two writers may race to create the head.
        try:
            with transaction.atomic():
                AuditHead.objects.create(pk=1)
        except IntegrityError:
            pass
        return AuditHead.objects.select_for_update().get(pk=1)


def record(
    action: AuditAction | str,
    *,
    actor: Actor = SYSTEM,
    object_type: str = "",
    object_id: object = "",
    program_id: int | None = None,
    purpose: str = "",
) -> AuditEntry:
    """Append one entry to the chain, in its own transaction (or the caller's)."""
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            seq=head.seq + 1,
            # Whole microseconds in UTC survive every database's round trip unchanged.
            at=timezone.now().astimezone(UTC),
            actor_type=str(actor.type),
            actor_id=actor.id,
            actor_role=actor.role[:32],
            action=str(action),
            object_type=object_type[:64],
            object_id=str(object_id or "")[:64],
            program_id=program_id,
            purpose=purpose[:200],
            prev_hash=head.entry_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.entry_hash = entry.entry_hash
        head.save(update_fields=["seq", "entry_hash"])
    return entry


@dataclass(frozen=True)
class Subject:
    """What one entry of `record_many` is about."""

    object_type: str
    object_id: object
    program_id: int | None = None


def record_many(
    action: AuditAction | str,
    subjects: list[Subject],
    *,
    actor: Actor = SYSTEM,
    purpose: str = "",
) -> list[AuditEntry]:
    """Append one entry per subject under a single lock and one insert: a page that shows many
    confidential records records every one of them, at a fixed number of queries."""
    if not subjects:
        return []
    with transaction.atomic():
        head = _locked_head()
        at = timezone.now().astimezone(UTC)
        entries: list[AuditEntry] = []
        previous, seq = head.entry_hash, head.seq
        for subject in subjects:
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=at,
                actor_type=str(actor.type),
                actor_id=actor.id,
                actor_role=actor.role[:32],
                action=str(action),
                object_type=subject.object_type[:64],
                object_id=str(subject.object_id or "")[:64],
                program_id=subject.program_id,
                purpose=purpose[:200],
                prev_hash=previous,
            )
            entry.entry_hash = compute_hash(entry)
            previous = entry.entry_hash
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
        head.seq, head.entry_hash = seq, previous
        head.save(update_fields=["seq", "entry_hash"])
    return entries


def record_request(
    request: HttpRequest,
    action: AuditAction | str,
    *,
    role: str = "",
    **details: Any,
) -> AuditEntry:
    return record(action, actor=actor_for(request, role=role), **details)
