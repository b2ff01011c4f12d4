from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.confidential.checkpoints import write_checkpoint


class Command(BaseCommand):
    help = "Write the signed head of the audit chain to the checkpoint directory."

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = write_checkpoint()
        self.stdout.write(f"checkpoint written: entry {checkpoint.seq} -> {checkpoint.path}")
