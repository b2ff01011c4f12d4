"""Hardening: `kindred seed_demo` refuses to run with debug off, like `kindred demo`, so thousands
of fictional people can never land in a real program's database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kindred.volunteers.models import VolunteerProfile
from tests.test_settings import kindred

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_with_debug_off(settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="KINDRED_DEBUG=1"):
        call_command("seed_demo", "--volunteers", "3", stdout=io.StringIO())

    # And nothing was loaded
    assert not VolunteerProfile.objects.exists()


def test_seed_demo_runs_in_debug_mode(settings) -> None:
    settings.DEBUG = True

    call_command("seed_demo", "--volunteers", "3", stdout=io.StringIO(), stderr=io.StringIO())

    assert VolunteerProfile.objects.count() == 3


def test_the_kindred_command_does_not_turn_debug_on_for_seed_demo(tmp_path: Path) -> None:
    # Given no KINDRED_DEBUG in the environment (as on a production host)
    result = kindred(tmp_path, "seed_demo", "--volunteers", "1")

    # Then the command refuses (settings without debug need a keyring, secret key...: either
    # way nothing is loaded, and the demo never turns debug on by itself here)
    assert result.returncode != 0
    assert "KINDRED_DEBUG" in result.stderr
    assert not (tmp_path / "var" / "kindred.sqlite3").exists()


def test_the_demo_turns_debug_on_only_without_a_database_url(tmp_path: Path) -> None:
    # Given a DATABASE_URL (perhaps production's) and no KINDRED_DEBUG
    result = kindred(
        tmp_path, "demo", "--no-serve", DATABASE_URL="postgres://kindred@127.0.0.1:1/nowhere"
    )

    # Then settings load without debug, refuse for want of production configuration, and no
    # demo data goes anywhere
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
