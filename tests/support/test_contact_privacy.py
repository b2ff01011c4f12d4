"""Double opt-in, page by page: before both have said yes, neither side sees the other's contact
details; the participant never sees the volunteer's last name; the volunteer never sees what the
participant wrote, the people they avoid or their wishes about a peer; once both said yes each
sees exactly what the other ticked, and after the match ends, nothing any more.

Every page of both sides is rendered in every state of a match, reached through the pages
themselves where a person would (answers, a change of peer), so what the forms share is tested
too. The volunteer shares only their email; the participant only their phone and safe times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.intake.models import SupportRequest
from kindred.support import actions
from kindred.support.models import ClosureReason, Match, MatchStatus
from kindred.volunteers.models import VolunteerProfile
from tests.support.test_volunteer_pages import (
    AVOID,
    CALL_ME,
    FIRST_NAME,
    FREE_TEXT,
    GENDER_WISH,
    LAST_NAME,
    NOW,
    PARTICIPANT_EMAIL,
    PARTICIPANT_PHONE,
    SAFE_TIMES,
    VOLUNTEER_EMAIL,
    VOLUNTEER_PHONE,
    propose,
    text_of,
)

pytestmark = pytest.mark.django_db

ABOUT_ME = "I practised family law for ten years and found my way through burnout."
PARTICIPANT_PAGES = ("my_home", "my_contact", "my_email", "my_withdraw", "my_copy", "my_delete")
VOLUNTEER_PAGES = ("home", "profile", "agreement", "debrief", "wellbeing")

# Of the participant, what the volunteer sees once both said yes (what was ticked, and the name
# they gave); what they kept back; and what the volunteer never sees.
SHARED_BY_PARTICIPANT = (CALL_ME, PARTICIPANT_PHONE, SAFE_TIMES)
KEPT_BY_PARTICIPANT = (PARTICIPANT_EMAIL,)
NEVER_TO_VOLUNTEER = (FREE_TEXT, AVOID, GENDER_WISH)
# Of the volunteer, what the participant sees once both said yes, and what never.
SHARED_BY_VOLUNTEER = (FIRST_NAME, VOLUNTEER_EMAIL)
KEPT_BY_VOLUNTEER = (VOLUNTEER_PHONE,)
NEVER_TO_PARTICIPANT = (LAST_NAME,)

STATES = (
    "awaiting_volunteer",
    "declined_by_volunteer",
    "lapsed_with_the_volunteer",
    "withdrawn",
    "awaiting_participant",
    "declined_by_participant",
    "lapsed_with_the_participant",
    "active",
    "changed_by_the_participant",
    "changed_by_the_volunteer",
    "closed",
)
# What the participant sees of the volunteer, state by state: nothing; the first name (and
# their words) once the volunteer said yes; the shared contact once both did.
PARTICIPANT_SEES_FIRST_NAME = {"awaiting_participant", "active"}


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Scene:
    """One match, moved to a state through the pages (or the coordinator's actions)."""

    def __init__(
        self,
        match: Match,
        client_as: Callable[[str], Client],
        clock: time_machine.Traveller,
        coordinator: User,
    ) -> None:
        self.match = match
        self.client_as = client_as
        self.clock = clock
        self.coordinator = coordinator

    @property
    def match_url(self) -> str:
        return reverse("support:volunteer_match", kwargs={"match_id": self.match.pk})

    def post_as_volunteer(self, name: str, data: dict[str, object]) -> None:
        url = reverse(f"support:{name}", kwargs={"match_id": self.match.pk})
        assert self.client_as("volunteer").post(url, data).status_code == 302

    def post_as_participant(self, name: str, data: dict[str, object]) -> None:
        response = self.client_as("participant").post(
            reverse(f"support:{name}"), {"match": str(self.match.pk), **data}
        )
        assert response.status_code == 302

    def volunteer_says_yes(self) -> None:
        self.post_as_volunteer("volunteer_answer", {"answer": "accept", "share": ["email"]})

    def participant_says_yes(self) -> None:
        self.post_as_participant(
            "my_peer_answer", {"answer": "accept", "share": ["phone", "safe_times"]}
        )

    def lapse(self) -> None:
        self.clock.move_to(self.match.answer_by + timedelta(minutes=1))
        self.match.refresh_from_db()

    def reach(self, state: str) -> None:
        if state == "declined_by_volunteer":
            self.post_as_volunteer("volunteer_answer", {"answer": "decline"})
        elif state == "lapsed_with_the_volunteer":
            self.lapse()
        elif state == "withdrawn":
            actions.withdraw_proposal(self.match, by=self.coordinator)
        elif state != "awaiting_volunteer":
            self.volunteer_says_yes()
            self.match.refresh_from_db()
            if state == "declined_by_participant":
                self.post_as_participant("my_peer_answer", {"answer": "decline"})
            elif state == "lapsed_with_the_participant":
                self.lapse()
            elif state != "awaiting_participant":
                self.participant_says_yes()
                if state == "changed_by_the_participant":
                    self.post_as_participant(
                        "my_peer_change", {"reason": "Synthetic.", "confirm": "yes"}
                    )
                elif state == "changed_by_the_volunteer":
                    self.post_as_volunteer(
                        "volunteer_change", {"reason": "Synthetic.", "confirm": "yes"}
                    )
                elif state == "closed":
                    actions.close_match(
                        self.match, reason=ClosureReason.COMPLETED, by=self.coordinator
                    )
        self.match.refresh_from_db()

    def volunteer_pages(self) -> dict[str, str]:
        client = self.client_as("volunteer")
        pages = {
            name: text_of(client.get(reverse(f"volunteers:{name}"))) for name in VOLUNTEER_PAGES
        }
        match_page = client.get(self.match_url)
        assert match_page.status_code == 200
        pages["volunteer_match"] = text_of(match_page)
        return pages

    def participant_pages(self) -> dict[str, str]:
        client = self.client_as("participant")
        pages = {}
        for name in PARTICIPANT_PAGES:
            response = client.get(reverse(f"intake:{name}"))
            assert response.status_code == 200, name
            pages[name] = text_of(response)
        pages["my_peer"] = text_of(client.get(reverse("support:my_peer")))
        return pages


@pytest.fixture
def scene(
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
    client_as: Callable[[str], Client],
    clock: time_machine.Traveller,
) -> Scene:
    return Scene(propose(waiting, volunteer, coordinator), client_as, clock, coordinator)


def found(pages: dict[str, str], words: tuple[str, ...]) -> set[tuple[str, str]]:
    return {(page, word) for page, html in pages.items() for word in words if word in html}


@pytest.mark.parametrize("state", STATES)
def test_the_volunteer_sees_the_participants_details_only_while_the_match_is_active(
    scene: Scene, state: str
) -> None:
    # Given a match in this state
    scene.reach(state)
    # When the volunteer opens every page of theirs
    pages = scene.volunteer_pages()
    # Then what the participant shared shows on the match page only while it is active
    if scene.match.status == MatchStatus.ACTIVE:
        assert found(pages, SHARED_BY_PARTICIPANT) == {
            ("volunteer_match", word) for word in SHARED_BY_PARTICIPANT
        }
    else:
        assert found(pages, SHARED_BY_PARTICIPANT) == set()
    # And what they kept back, their own words and wishes, never
    assert found(pages, KEPT_BY_PARTICIPANT + NEVER_TO_VOLUNTEER) == set()


@pytest.mark.parametrize("state", STATES)
def test_the_participant_sees_the_volunteer_only_once_they_said_yes_and_never_their_last_name(
    scene: Scene, state: str
) -> None:
    # Given a match in this state
    scene.reach(state)
    # When the participant opens every page of theirs
    pages = scene.participant_pages()
    # Then the volunteer's first name and words show on the peer page once the volunteer said
    # yes, and their shared email only once both did
    if state in PARTICIPANT_SEES_FIRST_NAME:
        assert ("my_peer", FIRST_NAME) in found(pages, (FIRST_NAME,))
        assert ABOUT_ME in pages["my_peer"]
    else:
        assert found(pages, (FIRST_NAME, ABOUT_ME)) == set()
    if state == "active":
        assert found(pages, SHARED_BY_VOLUNTEER) == {
            ("my_peer", word) for word in SHARED_BY_VOLUNTEER
        }
    else:
        assert found(pages, (VOLUNTEER_EMAIL,)) == set()
    # And the volunteer's last name and the phone they kept back, never
    assert found(pages, KEPT_BY_VOLUNTEER + NEVER_TO_PARTICIPANT) == set()


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("awaiting_volunteer", MatchStatus.AWAITING_VOLUNTEER),
        ("declined_by_volunteer", MatchStatus.DECLINED_BY_VOLUNTEER),
        ("withdrawn", MatchStatus.WITHDRAWN),
        ("awaiting_participant", MatchStatus.AWAITING_PARTICIPANT),
        ("active", MatchStatus.ACTIVE),
        ("declined_by_participant", MatchStatus.DECLINED_BY_PARTICIPANT),
        ("changed_by_the_participant", MatchStatus.CHANGED),
        ("changed_by_the_volunteer", MatchStatus.CHANGED),
        ("closed", MatchStatus.CLOSED),
    ],
)
def test_each_scene_reaches_its_state(scene: Scene, state: str, status: MatchStatus) -> None:
    """A guard on the set-up above: each scene is in the state it is named after."""
    scene.reach(state)
    assert scene.match.status == status


@pytest.mark.parametrize("state", ["lapsed_with_the_volunteer", "lapsed_with_the_participant"])
def test_a_lapsed_scene_lapses_when_a_page_is_opened(scene: Scene, state: str) -> None:
    scene.reach(state)
    scene.volunteer_pages()
    scene.match.refresh_from_db()
    assert scene.match.status == MatchStatus.EXPIRED
