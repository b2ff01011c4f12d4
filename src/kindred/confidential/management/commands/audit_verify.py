from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.confidential.checkpoints import checkpoint_dir, verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit chain and its checkpoints; exit 1 naming the first bad entry, or 2 when "
        "the keyring's audit key did not sign this log."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify_chain()
        if verdict.intact:
            self.stdout.write(f"audit log intact: {verdict.entries} entries")
            if not verdict.checkpoints:
                self.stderr.write(
                    f"warning: no checkpoint in {checkpoint_dir()}: entries cut off at the end of "
                    "the log would go unnoticed. Schedule `kindred audit_checkpoint`."
                )
            return
        if verdict.wrong_key:
            # Not "broken at sequence number 1": a keyring mix-up is not tampering.
            self.stderr.write(f"audit log not verified: {verdict.reason}")
            raise SystemExit(2)
        self.stderr.write(
            f"audit log broken at sequence number {verdict.first_bad_seq}: {verdict.reason}"
        )
        raise SystemExit(1)
