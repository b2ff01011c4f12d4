"""`kindred check --database default` fails while a program could receive an urgent request that
reaches nobody of its own; `migrate`, which runs the same database checks, never trips on it."""

from __future__ import annotations

import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from kindred.accounts.models import User
from kindred.programs import actions as program_actions

pytestmark = pytest.mark.django_db


def test_a_program_with_no_staff_fails_the_database_check(
    personas: dict[str, User | None],
) -> None:
    program_actions.create_program(name="Quiet Harbour", eligible_groups=["lawyers"])

    with pytest.raises(SystemCheckError, match="Quiet Harbour"):
        call_command("check", "--database", "default", stdout=io.StringIO())


def test_every_program_staffed_passes(personas: dict[str, User | None]) -> None:
    call_command("check", "--database", "default", stdout=io.StringIO())


def test_without_a_database_or_outside_the_check_command_it_says_nothing(
    personas: dict[str, User | None],
) -> None:
    program_actions.create_program(name="Quiet Harbour", eligible_groups=["lawyers"])

    call_command("check", stdout=io.StringIO())
    # What `migrate` runs before migrating: the same checks, with the database named.
    ids = [message.id for message in run_checks(databases=["default"])]
    assert "intake.E001" not in ids
