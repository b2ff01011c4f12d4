from __future__ import annotations

from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from kindred.accounts import actions
from kindred.accounts.models import Role, User
from kindred.programs.models import Program


class Command(BaseCommand):
    help = (
        "Create a staff or volunteer account (or give an existing one another role) and print a "
        "one-time link where the person sets their own password. Staff set up two-step sign-in "
        "the first time they sign in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--program", help="program slug (every role but operator)")
        parser.add_argument(
            "--base-url",
            help="where people reach Kindred, e.g. https://kindred.example.org "
            "(default: https:// and the first allowed host)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except Exception:
            raise CommandError("that is not an email address") from None
        role = options["role"]
        program = None
        if role != Role.OPERATOR:
            if not options["program"]:
                raise CommandError(f"--program is needed for the {role} role")
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                slugs = ", ".join(Program.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"no program with that slug (programs: {slugs})")
        elif options["program"]:
            raise CommandError("operators run the installation and hold no program")
        with transaction.atomic():
            user = User.objects.filter(email=email).first()
            created = user is None
            if user is None:
                user = actions.create_account(email=email)
            actions.grant_role(user, role, program)
        base = options["base_url"] or f"https://{settings.ALLOWED_HOSTS[0]}"
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {email}: role {role}"
            + (f" in {program.slug}" if program else "")
        )
        self.stdout.write("Send this one-time link privately; it stops working once used:")
        self.stdout.write(base.rstrip("/") + path)
