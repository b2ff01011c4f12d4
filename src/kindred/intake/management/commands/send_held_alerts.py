"""`kindred send_held_alerts`: send the combined alert email of every program whose urgent items
were held during a flood and are due (`intake.alerts`). Run it from cron every minute; the next
urgent item of the program sends them too, so this only keeps a quiet spell from delaying them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.intake.alerts import send_held_alerts


class Command(BaseCommand):
    help = "Send the combined alert email for urgent items held during a flood, where it is due."

    def handle(self, *args: Any, **options: Any) -> None:
        counted = send_held_alerts()
        # A count only: which requests is in the alert attempts, not in cron's mail.
        self.stdout.write(f"{counted} held urgent item{'' if counted == 1 else 's'} alerted")
