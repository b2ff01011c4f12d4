"""Issue 9, Build 7: ending a match by a change of peer asks first, on both sides.

The first POST only shows what will happen (nothing ends, nobody is told); the reason typed
comes back in the form body, never in a URL; only the confirming POST ends the match, with that
reason. A confirming POST whose reason is too long ends nothing either."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.intake.actions import change_status
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.support import actions
from kindred.support.models import (
    ClosureReason,
    CoordinatorTask,
    Match,
    MatchStatus,
    Side,
    TaskKind,
)
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_matchable
from tests.support.test_volunteer_pages import FIRST_NAME, NOW, both_say_yes, propose, text_of

pytestmark = pytest.mark.django_db

REASON = "Synthetic reason: our diaries never line up."
PEER_CHANGE = reverse("support:my_peer_change")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def active(personas: dict[str, User | None], participant_request: SupportRequest) -> Match:
    """An active match between the volunteer persona and the participant persona."""
    coordinator = personas["coordinator"]
    assert coordinator is not None
    volunteer = make_matchable(
        VolunteerProfile.objects.get(user=personas["volunteer"]), coordinator
    )
    change_status(participant_request, TriageStatus.AWAITING_MATCH, by=coordinator)
    participant_request.refresh_from_db()
    return both_say_yes(propose(participant_request, volunteer, coordinator), volunteer)


def volunteer_change_url(match: Match) -> str:
    return reverse("support:volunteer_change", kwargs={"match_id": match.pk})


def one_side(
    side: Side, match: Match, client_as: Callable[[str], Client]
) -> tuple[Client, str, dict[str, str]]:
    """The signed-in client of one side of the match, its change URL, and what its form carries
    besides the reason (the participant's names the match they were shown)."""
    if side == Side.VOLUNTEER:
        return client_as("volunteer"), volunteer_change_url(match), {}
    return client_as("participant"), PEER_CHANGE, {"match": str(match.pk)}


def assert_still_active(match: Match) -> None:
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert match.change_reason == ""
    assert not CoordinatorTask.objects.filter(kind=TaskKind.CHANGE_OF_PEER).exists()


@pytest.mark.parametrize("side", [Side.VOLUNTEER, Side.PARTICIPANT])
def test_the_first_post_shows_what_will_happen_and_ends_nothing(
    active: Match, client_as: Callable[[str], Client], side: Side
) -> None:
    # Given one side of an active match
    client, url, data = one_side(side, active, client_as)
    # When they ask for a change of peer, with a reason
    response = client.post(url, {**data, "reason": REASON})
    # Then they are asked to confirm, told it cannot be undone, with their reason kept in the
    # form (posted again, never put in a link) and a way back
    html = text_of(response)
    assert response.status_code == 200
    assert "This cannot be undone." in html
    assert 'name="confirm" value="yes"' in html
    assert f"{REASON}</textarea>" in html
    assert "go back</a>" in html
    addresses = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert not [address for address in addresses if "Synthetic" in address]
    # And the match is untouched
    assert_still_active(active)


@pytest.mark.parametrize("side", [Side.VOLUNTEER, Side.PARTICIPANT])
def test_only_the_confirming_post_ends_the_match_with_the_reason_kept(
    active: Match, client_as: Callable[[str], Client], side: Side
) -> None:
    client, url, data = one_side(side, active, client_as)
    # Given they were shown the confirmation step
    client.post(url, {**data, "reason": REASON})
    # When they confirm (the form sends the reason again, with the confirm button)
    response = client.post(url, {**data, "reason": REASON, "confirm": "yes"})
    # Then the match has ended, asked by their side, with their reason for staff
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.status == MatchStatus.CHANGED
    assert (active.change_asked_by, active.change_reason) == (side, REASON)
    assert CoordinatorTask.objects.filter(kind=TaskKind.CHANGE_OF_PEER, match=active).count() == 1


@pytest.mark.parametrize("side", [Side.VOLUNTEER, Side.PARTICIPANT])
def test_a_confirm_with_any_other_value_is_only_the_first_step(
    active: Match, client_as: Callable[[str], Client], side: Side
) -> None:
    client, url, data = one_side(side, active, client_as)
    for value in ("", "no", "true", "1"):
        response = client.post(url, {**data, "confirm": value})
        assert response.status_code == 200
    assert_still_active(active)


@pytest.mark.parametrize("side", [Side.VOLUNTEER, Side.PARTICIPANT])
def test_a_confirmed_change_with_a_reason_too_long_ends_nothing(
    active: Match, client_as: Callable[[str], Client], side: Side
) -> None:
    client, url, data = one_side(side, active, client_as)
    response = client.post(url, {**data, "reason": "x" * 2001, "confirm": "yes"})
    assert response.status_code == 200
    assert "Shorten this to 2000 characters or fewer (it has 2001)." in text_of(response)
    assert_still_active(active)


def test_the_volunteer_is_told_what_the_participant_will_read(
    active: Match, client_as: Callable[[str], Client]
) -> None:
    html = text_of(client_as("volunteer").post(volunteer_change_url(active), {}))
    assert "The match ends now." in html
    assert "They read only “We are finding you a new peer”." in html


def test_the_participant_is_told_what_their_peer_will_read(
    active: Match, client_as: Callable[[str], Client]
) -> None:
    html = text_of(client_as("participant").post(PEER_CHANGE, {"match": str(active.pk)}))
    assert f"Your match with {FIRST_NAME} ends now" in html
    assert f"{FIRST_NAME} reads only “This match has ended”." in html


@pytest.mark.parametrize("side", [Side.VOLUNTEER, Side.PARTICIPANT])
def test_a_confirm_after_the_match_ended_meanwhile_is_refused_calmly(
    active: Match, client_as: Callable[[str], Client], personas: dict[str, User | None], side: Side
) -> None:
    client, url, data = one_side(side, active, client_as)
    # Given they were shown the confirmation step, and the coordinator then closed the match
    client.post(url, {**data, "reason": REASON})
    coordinator = personas["coordinator"]
    assert coordinator is not None
    actions.close_match(active, reason=ClosureReason.COMPLETED, by=coordinator)
    # When they confirm, they are told the match is no longer active, and nothing changes
    response = client.post(url, {**data, "reason": REASON, "confirm": "yes"}, follow=True)
    assert "This match is no longer active." in text_of(response)
    active.refresh_from_db()
    assert active.status == MatchStatus.CLOSED
    assert active.change_reason == ""
