from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Demo mode only: print a demo account's current two-step sign-in code and its secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code works only in demo mode (KINDRED_DEBUG=1).")
        email = options["email"].strip().lower()
        if not email.endswith("@example.org"):
            raise CommandError("demo_code only serves the synthetic demo accounts (@example.org).")
        authenticator = Authenticator.objects.filter(
            user__email=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        secret = get_adapter().decrypt(authenticator.data["secret"])
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(f"code:   {format_hotp_value(hotp_value(secret, current))}")
        self.stdout.write(f"secret: {secret}  (add it to an authenticator app to sign in yourself)")
