"""A waiting request and matchable volunteers of the same program, for the match lifecycle."""

from __future__ import annotations

import pytest

from kindred.accounts.models import Role, User
from kindred.intake.actions import change_status
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.programs.models import Program
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_matchable, make_person, make_support_request


@pytest.fixture
def coordinator(personas: dict[str, User | None]) -> User:
    user = personas["coordinator"]
    assert user is not None
    return user


@pytest.fixture
def volunteer(personas: dict[str, User | None], coordinator: User) -> VolunteerProfile:
    """The volunteer persona, matchable."""
    return make_matchable(VolunteerProfile.objects.get(user=personas["volunteer"]), coordinator)


@pytest.fixture
def other_volunteer(personas: dict[str, User | None], coordinator: User) -> VolunteerProfile:
    return make_matchable(
        VolunteerProfile.objects.get(user=personas["other_volunteer"]), coordinator
    )


@pytest.fixture
def waiting(participant_request: SupportRequest, coordinator: User) -> SupportRequest:
    """The participant persona's request, triaged as awaiting a match."""
    change_status(participant_request, TriageStatus.AWAITING_MATCH, by=coordinator)
    participant_request.refresh_from_db()
    return participant_request


def another_matchable_volunteer(
    program: Program, coordinator: User, email: str
) -> VolunteerProfile:
    user = make_person(email, Role.VOLUNTEER, program)
    return make_matchable(VolunteerProfile.objects.get(user=user), coordinator)


def another_waiting_request(
    program: Program, coordinator: User, **fields: object
) -> SupportRequest:
    request = make_support_request(program, **fields)
    change_status(request, TriageStatus.AWAITING_MATCH, by=coordinator)
    request.refresh_from_db()
    return request
