"""Data keys (one per record) and the hash-chained audit log."""

from __future__ import annotations

import uuid

from django.db import models


class DataKey(models.Model):
    """A record's data key, stored only wrapped by a key-encryption key from the keyring.

    Shredding sets `wrapped` to NULL: every copy of the record's encrypted fields, in the database
    or in any backup taken after the shred, can no longer be opened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kek_version = models.PositiveIntegerField()
    wrapped = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kek_version"], name="datakey_kek_version")]

    def __str__(self) -> str:
        return f"data key {self.id}"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DISCLOSE = "disclose", "Disclosed"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    ACCESS_DENIED = "access_denied", "Access denied"
    SHRED = "shred", "Shredded"
    KEY_ROTATION = "key_rotation", "Keys rotated"
    CHECKPOINT = "checkpoint", "Audit checkpoint written"


class ActorType(models.TextChoices):
    USER = "user", "Signed-in user"
    PARTICIPANT = "participant", "Participant access"
    SYSTEM = "system", "System"
    ANONYMOUS = "anonymous", "Anonymous visitor"


class AuditEntry(models.Model):
    """One link of the append-only chain. Holds ids and categories, never confidential values.

    `entry_hash` is HMAC-SHA256 (keyring's audit key) over the entry's canonical JSON, which
    includes `prev_hash`; editing, deleting or reordering any entry breaks every hash after it
    (`kindred audit_verify`), and without the key nobody can recompute them.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    program_id = models.BigIntegerField(null=True, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_type", "actor_id"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"audit #{self.seq} {self.action}"


class AuditHead(models.Model):
    """A single row locked by every append, so concurrent writers extend one chain in turn."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at #{self.seq}"
