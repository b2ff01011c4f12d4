"""Django glue for the keyring: data keys for records, rotation, shredding, blind indexes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction

from kindred.confidential import crypto
from kindred.confidential import keyfile as keyring_file
from kindred.confidential.models import DataKey


def current_keyring() -> keyring_file.Keyring:
    return keyring_file.load(settings.KEYRING_PATH)


def build_data_key() -> tuple[DataKey, bytes]:
    """An unsaved DataKey wrapped by the active KEK, and its plaintext key."""
    ring = current_keyring()
    raw = crypto.new_key()
    key_id = uuid.uuid4()
    wrapped = crypto.wrap_data_key(ring.active_kek, ring.active_version, str(key_id), raw)
    return DataKey(id=key_id, kek_version=ring.active_version, wrapped=wrapped), raw


def unwrap(data_key: DataKey) -> bytes:
    if data_key.wrapped is None:
        raise crypto.DataShredded(f"data key {data_key.id} was shredded on {data_key.shredded_at}")
    ring = current_keyring()
    try:
        kek = ring.kek(data_key.kek_version)
    except keyring_file.KeyringError as error:
        raise crypto.DecryptionError(str(error)) from None
    return crypto.unwrap_data_key(
        kek, data_key.kek_version, str(data_key.id), bytes(data_key.wrapped)
    )


def pending_rewrap_count() -> int:
    ring = current_keyring()
    return (
        DataKey.objects.exclude(kek_version=ring.active_version)
        .filter(wrapped__isnull=False)
        .count()
    )


def rewrap_to_active(
    *, batch_size: int = 500, on_progress: Callable[[int], None] | None = None
) -> int:
    """Re-wrap every data key not yet under the active KEK. Safe to stop and run again."""
    ring = current_keyring()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                DataKey.objects.select_for_update()
                .exclude(kek_version=ring.active_version)
                .filter(wrapped__isnull=False)
                .order_by("id")[:batch_size]
            )
            if not batch:
                return done
            for data_key in batch:
                raw = unwrap(data_key)
                data_key.wrapped = crypto.wrap_data_key(
                    ring.active_kek, ring.active_version, str(data_key.id), raw
                )
                data_key.kek_version = ring.active_version
            DataKey.objects.bulk_update(batch, ["wrapped", "kek_version"])
        done += len(batch)
        if on_progress:
            on_progress(len(batch))


def versions_in_use() -> dict[int, int]:
    """How many live data keys each KEK version wraps."""
    from django.db.models import Count

    rows = (
        DataKey.objects.filter(wrapped__isnull=False)
        .values("kek_version")
        .annotate(n=Count("id"))
        .order_by("kek_version")
    )
    return {row["kek_version"]: row["n"] for row in rows}


def blind_index(purpose: str, value: str) -> str:
    return crypto.blind_index(current_keyring().blind_index_key, purpose, value)


def data_keys_for(count: int) -> Iterable[tuple[DataKey, bytes]]:
    return (build_data_key() for _ in range(count))
