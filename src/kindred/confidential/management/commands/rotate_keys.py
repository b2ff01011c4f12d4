from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from kindred.confidential import audit, keys
from kindred.confidential import keyfile as keyring_file
from kindred.confidential.models import AuditAction


class Command(BaseCommand):
    help = (
        "Add a new key-encryption key and re-wrap every data key with it. If an earlier run "
        "stopped part-way, this finishes it instead of adding another key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        ring = keys.current_keyring()
        pending = keys.pending_rewrap_count()
        if pending:
            self.stdout.write(
                f"Resuming: {pending} data keys are not yet under active key version "
                f"{ring.active_version}."
            )
        else:
            ring = keyring_file.add_kek(ring.path)
            pending = keys.pending_rewrap_count()
            self.stdout.write(
                f"Added key-encryption key version {ring.active_version}; re-wrapping "
                f"{pending} data keys."
            )
        with tqdm(total=pending, unit="key", disable=None, file=self.stdout) as bar:
            done = keys.rewrap_to_active(batch_size=options["batch_size"], on_progress=bar.update)
        audit.record(
            AuditAction.KEY_ROTATION,
            object_type="keyring",
            purpose=f"re-wrapped {done} data keys to version {ring.active_version}",
        )
        retired = [v for v in sorted(ring.keks) if v != ring.active_version]
        self.stdout.write(f"Done: {done} data keys re-wrapped to version {ring.active_version}.")
        if retired:
            self.stdout.write(
                "No data key needs version(s) "
                + ", ".join(map(str, retired))
                + " any more; remove them with `kindred retire_key VERSION` once backups "
                "made before today have expired."
            )
