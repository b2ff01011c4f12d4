"""is_matchable against the real database: every fact comes from what the actions recorded."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from kindred.accounts.models import User
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import actions
from kindred.volunteers.models import ScreeningItem, TrainingModule, VolunteerProfile
from kindred.volunteers.queries import ProgramRules, is_matchable, volunteer_facts
from tests.conftest import make_volunteer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.get_default_timezone())


def screen_and_train(
    volunteer: VolunteerProfile, by: User, *, trained_on: date = date(2026, 1, 15)
) -> None:
    for item in ScreeningItem.objects.filter(program=volunteer.program):
        actions.record_screening(volunteer, item, completed_on=date(2026, 1, 5), by=by)
    for module in TrainingModule.objects.filter(program=volunteer.program):
        actions.record_training(volunteer, module, completed_on=trained_on, by=by)


@pytest.fixture
def coordinator(personas: dict[str, User | None]) -> User:
    user = personas["coordinator"]
    assert user is not None
    return user


@time_machine.travel(NOW, tick=False)
def test_a_new_applicant_is_not_matchable_because_of_status(program: Program) -> None:
    volunteer = make_volunteer(program)

    verdict = is_matchable(volunteer)

    assert not verdict
    assert verdict.reason == "status is applied, not active"


@time_machine.travel(NOW, tick=False)
def test_the_whole_pipeline_makes_a_volunteer_matchable(
    program: Program, coordinator: User
) -> None:
    # Given an applicant moved through screening and training by the coordinator
    volunteer = make_volunteer(program)
    actions.change_status(volunteer, "screening", by=coordinator)
    assert "screening 'Interview held' is not recorded" not in is_matchable(volunteer).reason
    screen_and_train(volunteer, coordinator)
    actions.change_status(volunteer, "training", by=coordinator)
    actions.change_status(volunteer, "active", by=coordinator)
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)

    # When they have not signed the agreement yet
    verdict = is_matchable(volunteer)
    # Then that is the reason
    assert verdict.reason == "the current agreement (version 1) is not signed"

    # And once they sign it, they are matchable
    actions.sign_agreement(volunteer, by=coordinator)
    assert is_matchable(volunteer).ok
    # And every move is in the history
    moves = [(c.from_status, c.to_status) for c in volunteer.status_changes.all()]
    assert moves == [("", "applied"), ("applied", "screening"), ("screening", "training"),
                     ("training", "active")]  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_expiry_a_new_agreement_a_pause_and_recovery_each_make_them_unmatchable(
    program: Program, coordinator: User
) -> None:
    volunteer = make_volunteer(program, status="active")
    screen_and_train(volunteer, coordinator, trained_on=date(2024, 12, 1))
    actions.sign_agreement(volunteer, by=coordinator)
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)
    assert is_matchable(volunteer).ok
    assert volunteer.training_expires_on == date(2026, 12, 1)

    # Training expires on 2026-12-01
    later = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.get_default_timezone())
    assert is_matchable(volunteer, later).reason == ("training 'Orientation' expired on 2026-12-01")

    # A new version of the agreement
    actions.publish_agreement(program, "Version two of the agreement.", by=coordinator)
    assert is_matchable(volunteer).reason == "the current agreement (version 2) is not signed"
    actions.sign_agreement(volunteer, by=coordinator)

    # A pause, then its end
    actions.pause(volunteer, until=date(2026, 12, 20), reason="", by=coordinator)
    assert is_matchable(volunteer).reason == "paused until 2026-12-20"
    actions.resume(volunteer, by=coordinator)
    assert is_matchable(volunteer).ok

    # A topic that requires recovery time, with too few years declared
    actions.update_profile(
        volunteer,
        by=coordinator,
        topics=_topics(*volunteer.topic_slugs, "alcohol-use"),
        recovery_years={"alcohol-use": 1},
    )
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)
    # A new recovery claim was never screened: the coordinator confirms recovery time again
    assert is_matchable(volunteer).reason == (
        "screening 'Recovery time confirmed for topics that require it' is not recorded"
    )
    recovery_item = ScreeningItem.objects.get(program=program, only_with_recovery_topics=True)
    actions.record_screening(
        volunteer, recovery_item, completed_on=date(2026, 11, 22), by=coordinator
    )
    # And the declared years are still too few
    assert is_matchable(volunteer).reason == "'Alcohol use' needs 2 years in recovery; 1 declared"


@time_machine.travel(NOW, tick=False)
def test_capacity_never_above_the_program_cap(program: Program, coordinator: User) -> None:
    volunteer = make_volunteer(program, status="active")
    program.capacity_cap = 2
    program.save()
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)

    actions.set_capacity(volunteer, 2, by=coordinator)
    with pytest.raises(ValidationError, match="between 1 and 2"):
        actions.set_capacity(volunteer, 3, by=coordinator)


def test_illegal_moves_are_refused(program: Program, coordinator: User) -> None:
    volunteer = make_volunteer(program)

    with pytest.raises(ValidationError, match="cannot move from applied to active"):
        actions.change_status(volunteer, "active", by=coordinator)


def _topics(*slugs: str) -> list[Topic]:
    return list(Topic.objects.filter(slug__in=slugs))


@time_machine.travel(NOW, tick=False)
def test_a_lowered_program_cap_applies_at_once(program: Program, coordinator: User) -> None:
    volunteer = make_volunteer(program, status="active", capacity=3)
    screen_and_train(volunteer, coordinator)
    actions.sign_agreement(volunteer, by=coordinator)
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)

    facts = volunteer_facts(volunteer, ProgramRules.load(program))
    assert facts.capacity == 3
    program.capacity_cap = 1
    program.save()
    assert volunteer_facts(volunteer, ProgramRules.load(program)).capacity == 1


def test_two_moves_of_the_same_volunteer_take_turns(program: Program, coordinator: User) -> None:
    # Given two coordinators who both loaded an applicant in training
    volunteer = make_volunteer(program, status="training")
    first = VolunteerProfile.objects.get(pk=volunteer.pk)
    second = VolunteerProfile.objects.get(pk=volunteer.pk)

    # When one declines them and the other, on a stale page, tries to activate them
    actions.change_status(first, "declined", by=coordinator, declined_reason="Synthetic reason")

    # Then the second move is judged against the row as it now is, and refused
    with pytest.raises(ValidationError, match="from declined to active"):
        actions.change_status(second, "active", by=coordinator)
