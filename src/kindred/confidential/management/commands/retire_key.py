from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.confidential import audit, keys
from kindred.confidential import keyfile as keyring_file
from kindred.confidential.models import AuditAction


class Command(BaseCommand):
    help = "Remove an old key-encryption key from the keyring once no data key needs it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        version = options["version"]
        in_use = keys.versions_in_use().get(version, 0)
        if in_use:
            raise CommandError(
                f"{in_use} data keys are still wrapped by version {version}; run rotate_keys first."
            )
        try:
            keyring_file.remove_kek(keys.current_keyring().path, version)
        except keyring_file.KeyringError as error:
            raise CommandError(str(error)) from None
        audit.record(
            AuditAction.KEY_ROTATION,
            object_type="keyring",
            purpose=f"retired key version {version}",
        )
        self.stdout.write(f"Removed key-encryption key version {version} from the keyring.")
