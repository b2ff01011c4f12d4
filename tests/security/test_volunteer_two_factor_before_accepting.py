"""Issue 9, Build 9: a volunteer must set up two-step sign-in before they can accept a proposal.

Accepting leads to a participant's contact details, so a guessed or stolen password alone must
never reach them. The accept POST is refused by the server, not only hidden on the page; the
page says why and links to the set-up; declining stays possible without a second factor."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.intake.actions import change_status
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.support.models import Match, MatchStatus
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import TOTP_SECRET, make_matchable
from tests.support.test_volunteer_pages import NOW, VOLUNTEER_EMAIL, propose, text_of

pytestmark = pytest.mark.django_db

NEEDS_IT = "Before you can say yes, please set up two-step sign-in."


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def volunteer_user(personas: dict[str, User | None]) -> User:
    user = personas["volunteer"]
    assert user is not None
    return user


@pytest.fixture
def proposed(
    personas: dict[str, User | None], participant_request: SupportRequest, volunteer_user: User
) -> Match:
    """A proposal waiting for the volunteer persona's answer."""
    coordinator = personas["coordinator"]
    assert coordinator is not None
    volunteer = make_matchable(VolunteerProfile.objects.get(user=volunteer_user), coordinator)
    change_status(participant_request, TriageStatus.AWAITING_MATCH, by=coordinator)
    participant_request.refresh_from_db()
    return propose(participant_request, volunteer, coordinator)


@pytest.fixture
def without_second_factor(volunteer_user: User) -> User:
    """The volunteer persona with no authenticator at all (the personas are given a TOTP)."""
    Authenticator.objects.filter(user=volunteer_user).delete()
    return volunteer_user


def url(match: Match, name: str = "volunteer_match") -> str:
    return reverse(f"support:{name}", kwargs={"match_id": match.pk})


def test_the_proposal_says_why_and_links_to_the_set_up_instead_of_offering_yes(
    proposed: Match, without_second_factor: User, client_as: Callable[[str], Client]
) -> None:
    # Given a volunteer with no second factor
    # When they open the proposal
    html = text_of(client_as("volunteer").get(url(proposed)))
    # Then they are told why they cannot say yes yet, with a link to set up two-step sign-in
    assert "First, set up two-step sign-in" in html
    assert "Saying yes leads to their phone number or email." in html
    assert f'href="{reverse("mfa_activate_totp")}"' in html
    assert f'href="{reverse("mfa_index")}"' in html
    # And there is no way to say yes on the page, but declining is still offered
    assert 'value="accept"' not in html
    assert 'name="share"' not in html
    assert 'value="decline"' in html


def test_accepting_without_a_second_factor_is_refused_by_the_server(
    proposed: Match, without_second_factor: User, client_as: Callable[[str], Client]
) -> None:
    # Given a volunteer with no second factor, posting yes as a saved or crafted form would
    client = client_as("volunteer")
    response = client.post(
        url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]}
    )
    # Then they are sent back to the proposal, told why, and nothing is accepted or shared
    assert (response.status_code, response["Location"]) == (302, url(proposed))
    assert NEEDS_IT in text_of(client.get(url(proposed)))
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER
    assert proposed.volunteer_answered_at is None
    assert not proposed.volunteer_shares


def test_recovery_codes_alone_are_not_a_second_factor(
    proposed: Match, without_second_factor: User, client_as: Callable[[str], Client]
) -> None:
    # Given a volunteer whose only authenticator is a set of recovery codes
    Authenticator.objects.create(
        user=without_second_factor, type=Authenticator.Type.RECOVERY_CODES, data={}
    )
    # When they say yes
    client_as("volunteer").post(
        url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]}
    )
    # Then it is refused
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


def test_declining_needs_no_second_factor(
    proposed: Match, without_second_factor: User, client_as: Callable[[str], Client]
) -> None:
    response = client_as("volunteer").post(
        url(proposed, "volunteer_answer"), {"answer": "decline"}, follow=True
    )
    assert "Saying no is fine" in text_of(response)
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.DECLINED_BY_VOLUNTEER


def test_once_set_up_the_volunteer_can_say_yes(
    proposed: Match, without_second_factor: User, client_as: Callable[[str], Client]
) -> None:
    # Given the volunteer was refused, then set up an authenticator app
    client = client_as("volunteer")
    client.post(url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]})
    TOTP.activate(without_second_factor, TOTP_SECRET)
    # When they open the proposal again, the yes form is there, and saying yes is accepted
    html = text_of(client.get(url(proposed)))
    assert "First, set up two-step sign-in" not in html
    assert 'value="accept"' in html
    client.post(url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]})
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_PARTICIPANT
    assert proposed.volunteer_shares == {"email": VOLUNTEER_EMAIL}


def test_a_security_key_counts_as_a_second_factor(
    proposed: Match, without_second_factor: User, client_as: Callable[[str], Client]
) -> None:
    # Given a volunteer whose second factor is a security key (WebAuthn), not an app
    Authenticator.objects.create(
        user=without_second_factor, type=Authenticator.Type.WEBAUTHN, data={}
    )
    # When they say yes, it is accepted
    client_as("volunteer").post(
        url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]}
    )
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_PARTICIPANT
