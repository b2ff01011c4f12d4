"""`kindred expire_proposals`: lapse every proposal past its time to answer. Run it from cron or
the background worker every few minutes; the pages that show proposals lapse overdue ones too,
so nothing waits for it to be correct, only for the coordinator's task to appear promptly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.support.actions import expire_overdue_proposals


class Command(BaseCommand):
    help = "Lapse every proposal past its time to answer and print how many lapsed."

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = expire_overdue_proposals()
        # A count only: which requests or volunteers is in the audit log, not in cron's mail.
        self.stdout.write(f"{lapsed} proposal{'' if lapsed == 1 else 's'} lapsed")
