"""`kindred expire_proposals`, run from cron or the worker: lapses what is overdue, says how
many, and nothing more."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from kindred.accounts.models import User
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.programs.models import Program
from kindred.support import actions
from kindred.support.models import CoordinatorTask, MatchStatus, TaskKind
from kindred.volunteers.models import VolunteerProfile
from tests.support.conftest import another_waiting_request

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


def run() -> str:
    out = io.StringIO()
    call_command("expire_proposals", stdout=out)
    return out.getvalue()


def test_it_lapses_only_overdue_proposals_and_prints_how_many(
    program: Program, waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User
) -> None:
    # Given a proposal made four days ago (three days to answer) and one made today
    with time_machine.travel(NOW - timedelta(days=4), tick=False):
        overdue = actions.propose_match(waiting, volunteer, by=coordinator)
    with time_machine.travel(NOW, tick=False):
        fresh = actions.propose_match(
            another_waiting_request(program, coordinator), volunteer, by=coordinator
        )

        # When the command runs, twice
        first, second = run(), run()

    # Then the overdue one lapsed, once, and the fresh one still waits
    assert first.strip() == "1 proposal lapsed"
    assert second.strip() == "0 proposals lapsed"
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    waiting.refresh_from_db()
    assert overdue.status == MatchStatus.EXPIRED
    assert fresh.status == MatchStatus.AWAITING_VOLUNTEER
    assert waiting.status == TriageStatus.AWAITING_MATCH
    assert waiting.front_of_queue
    assert CoordinatorTask.objects.filter(kind=TaskKind.PROPOSAL_LAPSED).count() == 1
    # Nothing about who or what is printed
    assert waiting.reference not in first


def test_with_nothing_overdue_it_says_none() -> None:
    assert run().strip() == "0 proposals lapsed"
