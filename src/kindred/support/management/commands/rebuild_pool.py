"""`kindred rebuild_pool [--program ID] [--check]`: recompute the kept matching pool from
scratch (kindred.volunteers.pool) and say how many entries differed.

It lives in support because only support sees both sides: the open matches it counts and the
volunteers the pool describes. After any sequence of actions it should find nothing to change
(a property test proves it); `--check` is for monitoring: it changes nothing and exits 1 if
anything would change. The output is counts and program ids only, never a name or a topic.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.programs.models import Program
from kindred.support.match_facts import open_match_counts
from kindred.volunteers import pool


class Command(BaseCommand):
    help = "Recompute the kept matching pool and print how many entries changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", type=int, help="Only this program (its id).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit 1 if any entry would change.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programs = Program.objects.order_by("pk")
        if options["program"] is not None:
            programs = programs.filter(pk=options["program"])
            if not programs.exists():
                raise CommandError(f"There is no program {options['program']}.")
        total = 0
        for program in programs:
            counts = open_match_counts(program)
            if options["check"]:
                changed = pool.differences(program, counts)
            else:
                changed = pool.rebuild(program, counts)
            total += changed
            verb = "would change" if options["check"] else "changed"
            self.stdout.write(
                f"program {program.pk}: {changed} entr{'y' if changed == 1 else 'ies'} {verb}"
            )
        if options["check"] and total:
            raise SystemExit(1)
