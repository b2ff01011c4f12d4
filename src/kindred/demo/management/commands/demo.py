from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.demo import loading


class Command(BaseCommand):
    help = "Migrate, load the synthetic demo data (idempotently), print sign-ins and serve locally."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare, print, and stop")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "kindred demo loads fictional people and prints passwords: it runs only with "
                "KINDRED_DEBUG=1, never against a production database."
            )
        call_command("migrate", interactive=False, verbosity=0)
        program, _ = loading.ensure_programs()
        sign_ins = loading.ensure_demo_staff(program)
        loading.ensure_demo_volunteer(program)
        created = loading.load_volunteers(
            program, seed=options["seed"], count=loading.DEMO_VOLUNTEERS, every_status_first=True
        )
        requests = loading.ensure_demo_requests(program)
        matches = loading.ensure_demo_matches(program, seed=options["seed"])
        port = options["port"]
        out = self.stdout
        out.write("")
        database = settings.DATABASES["default"]["NAME"]
        out.write(f"Kindred demo — synthetic data only (database: {database})")
        out.write(f"  {created} new demo volunteers; demo data is loaded once and kept.")
        out.write(
            f"  {requests} new demo requests for support, in every triage status, and concerns."
        )
        out.write(
            f"  {matches} new demo matches: proposals waiting, active matches with contacts, "
            "and a change of peer."
        )
        out.write("")
        out.write(f"Sign in at http://127.0.0.1:{port}/account/login/")
        out.write(f"Every demo account's password: {loading.DEMO_PASSWORD}")
        for sign_in in sign_ins:
            two_step = (
                "two-step code: kindred demo_code " + sign_in.email
                if sign_in.totp_secret
                else "no two-step sign-in"
            )
            out.write(f"  {sign_in.email:<26} {sign_in.role:<20} {two_step}")
        out.write("")
        reference = loading.demo_participant_reference(program)
        if reference:
            out.write(f"A participant (no account) signs in at http://127.0.0.1:{port}/my/")
            out.write(
                f"  with reference {reference} and passphrase: "
                f"{loading.DEMO_PARTICIPANT_PASSPHRASE}"
            )
            out.write("  /my/ shows a peer who said yes, waiting for the participant's answer.")
        out.write("Where to look:")
        out.write("  volunteer@example.org:   /volunteer/ shows a proposal and an active match.")
        out.write("  coordinator@example.org: /staff/tasks/ lists what matches ask of staff,")
        out.write("    each linked to its match file; a request's file shows its matches.")
        out.write("Staff sign-in asks for a two-step code. In demo mode, `kindred demo_code EMAIL`")
        out.write("prints the current code, or add the secret it prints to an authenticator app.")
        out.write(
            "Emails (password resets) are written to files under " + str(settings.EMAIL_FILE_PATH)
        )
        out.write("")
        if options["no_serve"]:
            return
        out.write(f"Serving http://127.0.0.1:{port}/ — press Ctrl+C to stop.")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
