"""Django's `check`, unchanged, except that it also asks `intake.checks` whether every program
can be alerted about urgent requests (with `--database default`). See that module for why
`migrate`, which runs the same database checks, does not ask."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import check

from kindred.intake.checks import asked_by_check_command


class Command(check.Command):
    def handle(self, *app_labels: Any, **options: Any) -> None:
        with asked_by_check_command():
            super().handle(*app_labels, **options)
