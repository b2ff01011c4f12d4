"""Crypto-shredding: destroy a data key, and record that it was done.

Its own module because it needs both the keyring glue (`keys`) and the audit log, and the audit
log signs its entries with the keyring through `keys`: kept in either, it would make the two
import each other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kindred.confidential import audit
from kindred.confidential.models import AuditAction, DataKey


def shred(data_key: DataKey) -> None:
    """Destroy a data key: every copy of the fields it sealed becomes unreadable for good."""
    with transaction.atomic():
        DataKey.objects.filter(pk=data_key.pk).update(wrapped=None, shredded_at=timezone.now())
        audit.record(AuditAction.SHRED, object_type="data_key", object_id=data_key.pk)
    data_key.refresh_from_db()
