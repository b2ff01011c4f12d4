from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kindred.demo import generator, loading


class Command(BaseCommand):
    help = "Load a deterministic synthetic population (scales to 100,000 volunteers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--volunteers", type=int, default=40)
        parser.add_argument("--requests", type=int, default=0)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
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
        if options["requests"]:
            generated = sum(1 for _ in generator.requests(options["seed"], options["requests"]))
            # Requests for support are stored by the Intake app, which does not exist yet.
            self.stdout.write(
                f"requests: {generated} generated, 0 stored (the intake app that stores "
                "requests is not built yet)"
            )
