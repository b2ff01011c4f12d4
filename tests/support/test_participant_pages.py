"""The participant's peer at /my/peer/: nothing about a volunteer until they have said yes; then
a first name, their words and the experience both share; the participant's answer with what to
share; the active match, its check-in and a different peer at any time, free of judgment."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.intake.participant_access import SESSION_KEY, SESSION_SEEN
from kindred.support import actions
from kindred.support.models import Checkin, CoordinatorTask, Match, MatchStatus, Side, TaskKind
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_support_request
from tests.support.test_volunteer_pages import (
    FIRST_NAME,
    LAST_NAME,
    NOW,
    PARTICIPANT_EMAIL,
    PARTICIPANT_PHONE,
    SAFE_TIMES,
    VOLUNTEER_EMAIL,
    VOLUNTEER_PHONE,
    both_say_yes,
    propose,
    text_of,
    volunteer_says_yes,
)

pytestmark = pytest.mark.django_db

PEER = reverse("support:my_peer")
ANSWER = reverse("support:my_peer_answer")
CHECKIN = reverse("support:my_peer_checkin")
CHANGE = reverse("support:my_peer_change")
POSTS = (ANSWER, CHECKIN, CHANGE)
ABOUT_ME = "I practised family law for ten years and found my way through burnout."


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def proposed(waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User) -> Match:
    return propose(waiting, volunteer, coordinator)


@pytest.fixture
def asked(proposed: Match, volunteer: VolunteerProfile) -> Match:
    """The volunteer said yes: the participant is asked."""
    return volunteer_says_yes(proposed, volunteer)


@pytest.fixture
def active(proposed: Match, volunteer: VolunteerProfile) -> Match:
    return both_say_yes(proposed, volunteer)


@pytest.fixture
def as_participant(client_as: Callable[[str], Client]) -> Client:
    return client_as("participant")


def session_for(support_request: SupportRequest) -> Client:
    """A participant signed in to another request than the persona's."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = str(support_request.pk)
    session[SESSION_SEEN] = NOW.timestamp()
    session.save()
    return client


def test_before_anyone_is_proposed_they_are_told_we_are_looking(
    waiting: SupportRequest, as_participant: Client
) -> None:
    html = text_of(as_participant.get(PEER))
    assert "We are looking for a peer for you." in html
    assert not AuditEntry.objects.filter(object_type="match").exists()


def test_while_the_volunteer_decides_nothing_about_them_is_shown(
    proposed: Match, as_participant: Client
) -> None:
    # Given a proposal the volunteer has not answered yet
    html = text_of(as_participant.get(PEER))
    # Then the participant is only told that we are looking
    assert "We are looking for a peer for you." in html
    for private in (FIRST_NAME, LAST_NAME, ABOUT_ME, VOLUNTEER_EMAIL, VOLUNTEER_PHONE):
        assert private not in html
    # And the home page has no "Your peer" section
    home = text_of(as_participant.get(reverse("intake:my_home")))
    assert 'id="your-peer-title"' not in home
    # And they cannot answer it, even knowing its id
    response = as_participant.post(
        ANSWER, {"match": str(proposed.pk), "answer": "accept", "share": ["phone"]}, follow=True
    )
    assert "This proposal has already been answered or withdrawn." in text_of(response)
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


def test_once_the_volunteer_said_yes_the_participant_meets_them_by_first_name(
    asked: Match, as_participant: Client
) -> None:
    response = as_participant.get(PEER)
    html = text_of(response)
    assert response.status_code == 200
    assert f"would like to talk with you: <strong>{FIRST_NAME}</strong>." in html
    assert ABOUT_ME in html
    assert "You both have experience of:" in html
    assert "<li>Stress and burnout</li>" in html
    assert "Grief and loss" not in html  # the volunteer's, not shared
    assert "Please answer by 25 November" in html
    assert "We will look for someone else." in html
    # Never a last name; no contact details before both said yes
    for private in (LAST_NAME, VOLUNTEER_EMAIL, VOLUNTEER_PHONE):
        assert private not in html
    # What they gave the program is offered to share, with nothing ticked for them
    for key, shown in (("phone", PARTICIPANT_PHONE), ("email", PARTICIPANT_EMAIL)):
        assert f'value="{key}"' in html
        assert shown in html
    assert html.count('name="share"') == html.count('name="share" value') == 3
    assert "checked" not in html
    assert "you said they may not" in html
    # The page title stays neutral, and the page is recorded as opened
    assert "<title>Information</title>" in html
    assert "Quick exit" in html
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, object_type="match")
    assert (entry.object_id, entry.actor_type) == (str(asked.pk), "participant")


def test_the_home_page_points_to_a_peer_who_said_yes_without_naming_them(
    asked: Match, as_participant: Client
) -> None:
    html = text_of(as_participant.get(reverse("intake:my_home")))
    assert "We have found a peer who would like to talk with you." in html
    assert f'href="{PEER}"' in html
    assert FIRST_NAME not in html


def test_saying_yes_shares_only_what_was_ticked(
    asked: Match, as_participant: Client, client_as: Callable[[str], Client]
) -> None:
    # When the participant says yes, sharing their phone and safe times but not their email
    response = as_participant.post(
        ANSWER, {"match": str(asked.pk), "answer": "accept", "share": ["phone", "safe_times"]}
    )
    assert response.status_code == 302
    assert response["Location"] == PEER
    # Then the match is active, with only what they ticked shared
    asked.refresh_from_db()
    assert asked.status == MatchStatus.ACTIVE
    assert asked.participant_shares == {
        "methods": ["phone", "text"],
        "phone": PARTICIPANT_PHONE,
        "safe_times": SAFE_TIMES,
        "leave_message": False,
    }
    # And they see how to reach their peer: the first name and what the volunteer shared
    html = text_of(as_participant.get(PEER))
    assert f"Your peer, {FIRST_NAME}" in html
    assert f"Email: {VOLUNTEER_EMAIL}" in html
    assert VOLUNTEER_PHONE not in html  # the volunteer did not share it
    assert LAST_NAME not in html
    assert f"Your phone number: {PARTICIPANT_PHONE}" in html
    assert "Please don't leave a message" in html
    # And the volunteer does not see the email they kept back
    volunteer_page = text_of(
        client_as("volunteer").get(reverse("support:volunteer_match", args=[asked.pk]))
    )
    assert PARTICIPANT_PHONE in volunteer_page
    assert PARTICIPANT_EMAIL not in volunteer_page


@pytest.mark.parametrize("share", [[], ["safe_times"]])
def test_saying_yes_needs_a_way_to_be_reached(
    asked: Match, as_participant: Client, share: list[str]
) -> None:
    response = as_participant.post(
        ANSWER, {"match": str(asked.pk), "answer": "accept", "share": share}
    )
    html = text_of(response)
    assert response.status_code == 200
    assert 'id="id_share_error"' in html
    assert "Choose at least one way your peer can reach you." in html
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT
    # What they ticked is kept
    assert html.count("checked") == len(share)


def test_saying_no_needs_no_reason(asked: Match, as_participant: Client) -> None:
    response = as_participant.post(
        ANSWER, {"match": str(asked.pk), "answer": "decline"}, follow=True
    )
    html = text_of(response)
    asked.refresh_from_db()
    assert asked.status == MatchStatus.DECLINED_BY_PARTICIPANT
    assert "we will look for someone else" in html
    assert "We are looking for a peer for you." in html
    assert FIRST_NAME not in html
    assert CoordinatorTask.objects.filter(kind=TaskKind.PROPOSAL_DECLINED).count() == 1


def test_an_answer_after_the_time_to_answer_is_refused(
    asked: Match, clock: time_machine.Traveller, client_as: Callable[[str], Client]
) -> None:
    clock.move_to(asked.answer_by + timedelta(minutes=1))
    as_participant = client_as("participant")
    response = as_participant.post(
        ANSWER, {"match": str(asked.pk), "answer": "accept", "share": ["phone"]}, follow=True
    )
    assert "The time to answer this proposal has passed." in text_of(response)
    asked.refresh_from_db()
    assert asked.status == MatchStatus.EXPIRED
    # And the page now shows nothing of that peer
    html = text_of(as_participant.get(PEER))
    assert FIRST_NAME not in html
    assert "We are looking for a peer for you." in html


def test_opening_the_page_after_the_time_to_answer_lapses_the_proposal(
    asked: Match, clock: time_machine.Traveller, client_as: Callable[[str], Client]
) -> None:
    clock.move_to(asked.answer_by + timedelta(seconds=1))
    html = text_of(client_as("participant").get(reverse("intake:my_home")))
    asked.refresh_from_db()
    assert asked.status == MatchStatus.EXPIRED
    assert 'id="your-peer-title"' not in html
    assert "We are finding a peer who fits what you asked for." in html


def test_an_answer_meant_for_another_proposal_is_never_applied_to_this_one(
    asked: Match, as_participant: Client
) -> None:
    response = as_participant.post(
        ANSWER,
        {"match": "00000000-0000-4000-8000-000000000000", "answer": "decline"},
        follow=True,
    )
    assert "This proposal has already been answered or withdrawn." in text_of(response)
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT


def test_a_participant_of_another_request_sees_nothing_of_this_match(
    asked: Match, waiting: SupportRequest
) -> None:
    # Given someone signed in to another request of the same program
    other = session_for(make_support_request(waiting.program))
    # When they open their peer page and post answers naming this match
    html = text_of(other.get(PEER))
    assert "We are looking for a peer for you." in html
    for private in (FIRST_NAME, ABOUT_ME, VOLUNTEER_EMAIL):
        assert private not in html
    for url in POSTS:
        response = other.post(
            url, {"match": str(asked.pk), "answer": "decline", "reason": "x"}, follow=True
        )
        assert FIRST_NAME not in text_of(response)
    # Then this match is untouched
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "volunteer", "other_volunteer", "coordinator", "executive_director", "operator"],
)
def test_accounts_are_sent_to_the_participant_sign_in(
    asked: Match, client_as: Callable[[str], Client], persona: str
) -> None:
    client = client_as(persona)
    for url in (PEER, *POSTS):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/my/")
    response = client.post(ANSWER, {"match": str(asked.pk), "answer": "decline"})
    assert (response.status_code, response["Location"]) == (302, "/my/")
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT


def test_a_get_on_a_form_endpoint_goes_back_to_the_peer_page(
    asked: Match, as_participant: Client
) -> None:
    for url in POSTS:
        response = as_participant.get(url)
        assert (response.status_code, response["Location"]) == (302, PEER)
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT


def test_answers_need_the_csrf_token(asked: Match, participant_request: SupportRequest) -> None:
    client = session_for(participant_request)
    client.handler.enforce_csrf_checks = True
    response = client.post(ANSWER, {"match": str(asked.pk), "answer": "decline"})
    assert response.status_code == 403
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT


# --- The active match --------------------------------------------------------------------------


def test_the_check_in_appears_when_due_and_only_staff_see_the_answer(
    active: Match, clock: time_machine.Traveller, client_as: Callable[[str], Client]
) -> None:
    assert "Is this working for you?" not in text_of(client_as("participant").get(PEER))
    clock.move_to(NOW + timedelta(days=14))
    as_participant = client_as("participant")
    html = text_of(as_participant.get(PEER))
    assert "Is this working for you?" in html
    assert "Only the program's staff see your answer; your peer is not told." in html
    response = as_participant.post(
        CHECKIN, {"match": str(active.pk), "answer": "not_sure", "note": ""}
    )
    assert response.status_code == 302
    checkin = Checkin.objects.get(match=active, side=Side.PARTICIPANT)
    assert checkin.answer == "not_sure"
    assert checkin.answered_at is not None
    assert "Is this working for you?" not in text_of(as_participant.get(PEER))
    # The volunteer's own check-in is still waiting for them
    assert Checkin.objects.get(match=active, side=Side.VOLUNTEER).answered_at is None


def test_a_check_in_without_an_answer_says_so_beside_the_question(
    active: Match, clock: time_machine.Traveller, client_as: Callable[[str], Client]
) -> None:
    clock.move_to(NOW + timedelta(days=14))
    response = client_as("participant").post(CHECKIN, {"match": str(active.pk)})
    assert response.status_code == 200
    assert 'id="checkin_answer_error"' in text_of(response)


def test_asking_for_a_different_peer_asks_first_and_never_tells_the_reason_or_who_asked(
    active: Match, as_participant: Client
) -> None:
    html = text_of(as_participant.get(PEER))
    assert "you don't need to give a reason" in html.lower()
    assert "your peer is not told why" in html
    # When they ask for a different peer, saying why
    first = as_participant.post(
        CHANGE, {"match": str(active.pk), "reason": "Synthetic reason words."}
    )
    # Then they are shown what will happen, with their reason kept in the form, and nothing ends
    html = text_of(first)
    assert first.status_code == 200
    assert "Ask for a different peer?" in html
    assert f"Your match with {FIRST_NAME} ends now" in html
    assert f"{FIRST_NAME} reads only “This match has ended”." in html
    assert "This cannot be undone." in html
    assert re.search(r'<textarea name="reason"[^>]*>\s*Synthetic reason words\.</textarea>', html)
    assert f'name="match" value="{active.pk}"' in html
    assert 'name="confirm" value="yes"' in html
    assert f'href="{PEER}">No, keep my peer and go back</a>' in html
    assert "<title>Information</title>" in html  # still neutral in the browser's history
    active.refresh_from_db()
    assert active.status == MatchStatus.ACTIVE
    assert not CoordinatorTask.objects.filter(kind=TaskKind.CHANGE_OF_PEER).exists()
    # When they confirm
    response = as_participant.post(
        CHANGE,
        {"match": str(active.pk), "reason": "Synthetic reason words.", "confirm": "yes"},
        follow=True,
    )
    html = text_of(response)
    active.refresh_from_db()
    assert active.status == MatchStatus.CHANGED
    assert (active.change_asked_by, active.change_reason) == (
        Side.PARTICIPANT,
        "Synthetic reason words.",
    )
    assert "We are finding you a new peer." in html
    for private in (FIRST_NAME, VOLUNTEER_EMAIL, "Synthetic reason words."):
        assert private not in html
    # Later visits say the same
    assert "We are finding you a new peer." in text_of(as_participant.get(PEER))


def test_after_the_volunteer_asks_for_a_change_the_participant_is_not_told_who_asked(
    active: Match, as_participant: Client, volunteer: VolunteerProfile
) -> None:
    assert volunteer.user is not None
    actions.request_change_of_peer(
        active, side=Side.VOLUNTEER, reason="Synthetic reason words.", by=volunteer.user
    )
    html = text_of(as_participant.get(PEER))
    assert "We are finding you a new peer." in html
    for private in (FIRST_NAME, "Synthetic reason words.", "volunteer asked", "your peer asked"):
        assert private not in html


def test_a_new_proposal_after_a_change_still_says_a_new_peer_is_being_found(
    active: Match,
    as_participant: Client,
    coordinator: User,
    other_volunteer: VolunteerProfile,
    waiting: SupportRequest,
) -> None:
    actions.request_change_of_peer(active, side=Side.PARTICIPANT)
    waiting.refresh_from_db()
    actions.propose_match(waiting, other_volunteer, by=coordinator)
    html = text_of(as_participant.get(PEER))
    assert "We are finding you a new peer." in html
    assert other_volunteer.first_name not in html.split("<main", 1)[1]


def test_a_closed_match_shows_no_peer(
    active: Match, as_participant: Client, coordinator: User, waiting: SupportRequest
) -> None:
    actions.close_match(active, reason="completed", by=coordinator)  # type: ignore[arg-type]
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.CLOSED
    html = text_of(as_participant.get(PEER))
    assert "Your time with your peer has ended." in html
    assert FIRST_NAME not in html
    assert VOLUNTEER_EMAIL not in html


def test_the_change_and_check_in_refuse_a_match_that_is_not_active(
    asked: Match, as_participant: Client
) -> None:
    for url in (CHECKIN, CHANGE):
        response = as_participant.post(url, {"match": str(asked.pk), "answer": "yes"}, follow=True)
        assert "This match is no longer active." in text_of(response)
    asked.refresh_from_db()
    assert asked.status == MatchStatus.AWAITING_PARTICIPANT


def test_with_no_phone_or_email_given_they_are_asked_to_add_one(
    asked: Match, as_participant: Client, waiting: SupportRequest
) -> None:
    from kindred.intake.actions import update_contact

    update_contact(waiting, {"methods": [], "leave_message": False})
    html = text_of(as_participant.get(PEER))
    assert "your peer would have no way to reach you" in html
    assert 'value="accept"' not in html
    assert 'value="decline"' in html
