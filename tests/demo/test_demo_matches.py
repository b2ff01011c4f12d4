"""The demo's matches are made through the real actions, and a demo volunteer who lacks
something to be matched gets it through the actions too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.accounts.models import User
from kindred.demo import loading
from kindred.programs.models import Program
from kindred.volunteers.models import TrainingCompletion, VolunteerProfile
from kindred.volunteers.queries import is_matchable
from tests.conftest import make_volunteer

pytestmark = pytest.mark.django_db


def test_a_volunteer_with_expired_training_and_no_signature_is_made_matchable(
    program: Program, personas: dict[str, User | None]
) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None
    volunteer = make_volunteer(program, email="lapsed.peer@example.org", status="active")
    assert not is_matchable(volunteer).ok

    volunteer = loading.make_matchable(volunteer, by=coordinator)

    assert is_matchable(volunteer).ok
    assert TrainingCompletion.objects.filter(volunteer=volunteer).exists()


def test_a_paused_volunteer_is_left_alone(
    program: Program, personas: dict[str, User | None]
) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None
    volunteer = make_volunteer(program, email="resting.peer@example.org", status="active")
    volunteer = loading.make_matchable(volunteer, by=coordinator)
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(
        paused_until=timezone.localdate() + timedelta(days=30)
    )
    volunteer.refresh_from_db()
    before = TrainingCompletion.objects.filter(volunteer=volunteer).count()

    loading.make_matchable(volunteer, by=coordinator)

    assert TrainingCompletion.objects.filter(volunteer=volunteer).count() == before
    assert is_matchable(volunteer).reason.startswith("paused")


def test_no_matches_are_made_without_the_demo_requests(program: Program) -> None:
    # A program whose requests are not the demo's stories (seeded ones, say): nothing to do
    assert loading.ensure_demo_matches(program, seed=7) == 0
