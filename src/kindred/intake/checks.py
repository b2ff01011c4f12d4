"""`kindred check --database default` fails while an urgent request could reach nobody of its
program: a program the public forms would offer (every program, for now) with no active
coordinator or Executive Director whose address is proven (`accounts.on_call`).

Django also runs database-tagged checks before `migrate` (with the database named), and a new
installation migrates before anyone is on staff. So the check speaks only when the `check`
command asked for it (`intake/management/commands/check.py` wraps Django's own): `migrate` never
trips on it, and `kindred check --database default` always runs it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error
from django.db import DatabaseError

from kindred.accounts.on_call import unstaffed_programs

_asked_by_check_command: ContextVar[bool] = ContextVar("kindred_alert_check", default=False)


@contextmanager
def asked_by_check_command() -> Iterator[None]:
    token = _asked_by_check_command.set(True)
    try:
        yield
    finally:
        _asked_by_check_command.reset(token)


def every_program_can_be_alerted(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    if not databases or "default" not in databases or not _asked_by_check_command.get():
        return []
    try:
        names = list(unstaffed_programs().values_list("name", flat=True))
    except DatabaseError as error:
        return [
            Error(
                f"Could not read the programs to check who can be alerted "
                f"({type(error).__name__}).",
                hint="Run `kindred migrate` first.",
                id="intake.E002",
            )
        ]
    return [
        Error(
            f"Nobody can be alerted about urgent requests to the program “{name}”: it has no "
            "active coordinator or Executive Director who has set their password from the "
            "emailed link.",
            hint="Add a coordinator: `kindred create_staff EMAIL --role coordinator --program "
            "SLUG`, and make sure they set their password from the link.",
            id="intake.E001",
        )
        for name in names
    ]
