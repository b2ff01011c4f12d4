from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kindred.demo import loading


class Command(BaseCommand):
    help = (
        "Load a deterministic synthetic population (scales to 100,000 volunteers) and, with "
        "--requests, requests for support in every triage status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--volunteers", type=int, default=40)
        parser.add_argument("--requests", type=int, default=0)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Like `kindred demo`: thousands of fictional people must never land in a real
            # program's database, where they would be matched with real participants.
            raise CommandError(
                "kindred seed_demo loads fictional people: it runs only with KINDRED_DEBUG=1, "
                "never against a production database."
            )
        if options["volunteers"] < 0 or options["requests"] < 0:
            raise CommandError("--volunteers and --requests must be zero or more")
        program, _ = loading.ensure_programs()
        total = options["volunteers"]
        with tqdm(total=total, unit="volunteer", disable=None, file=self.stderr) as bar:
            created = loading.load_volunteers(
                program, seed=options["seed"], count=total, on_progress=bar.update
            )
        seed = options["seed"]
        self.stdout.write(
            f"volunteers: {created} created, {total - created} already there (seed {seed})"
        )
        wanted = options["requests"]
        if wanted:
            with tqdm(total=wanted, unit="request", disable=None, file=self.stderr) as bar:
                stored = loading.load_requests(
                    program, seed=seed, count=wanted, on_progress=bar.update
                )
            self.stdout.write(
                f"requests: {stored} created, {wanted - stored} already there (seed {seed}); "
                "seeded requests have no passphrase, so nobody can sign in to them"
            )
