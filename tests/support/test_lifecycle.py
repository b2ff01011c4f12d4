"""The life of a match through its actions: proposal, both answers, contacts, check-ins, a
change of peer and closure, against the real database and real encryption."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kindred.accounts.models import User
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.matching.queries import rank_for
from kindred.support import actions
from kindred.support.match_facts import exclusions_for
from kindred.support.models import (
    Checkin,
    ClosureReason,
    CoordinatorTask,
    Exclusion,
    MatchStatus,
    Side,
    TaskKind,
)
from kindred.volunteers.models import VolunteerProfile
from kindred.volunteers.queries import is_matchable

pytestmark = pytest.mark.django_db


def test_the_volunteer_then_the_participant_accept_and_the_match_is_active(
    waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User
) -> None:
    # Given a waiting request whose best candidate is the volunteer persona
    ranking = rank_for(waiting)
    assert [c.volunteer.pk for c in ranking.candidates] == [volunteer.pk]
    assert ranking.candidates[0].reasons[0].sentence.startswith("Both have lived experience")
    # When the coordinator proposes and both accept
    match = actions.propose_match(waiting, volunteer, by=coordinator)
    assert match.status == MatchStatus.AWAITING_VOLUNTEER
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.PROPOSED
    assert volunteer.user is not None
    match = actions.answer_as_volunteer(
        match, accept=True, by=volunteer.user, shares={"email": "peer@example.org"}
    )
    assert match.status == MatchStatus.AWAITING_PARTICIPANT
    match = actions.answer_as_participant(match, accept=True, shares={"phone": "555-0100"})
    # Then the match is active, both check-ins wait two weeks ahead, the request is matched
    assert match.status == MatchStatus.ACTIVE
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.MATCHED
    due = {c.side: c.due_on for c in Checkin.objects.filter(match=match)}
    assert due == {
        Side.PARTICIPANT: timezone.localdate() + timedelta(days=14),
        Side.VOLUNTEER: timezone.localdate() + timedelta(days=14),
    }
    # And the notices said nothing but "sign in"
    assert all("sign in" in m.body.lower() for m in mail.outbox)
    assert not any("burnout" in m.body.lower() for m in mail.outbox)


def test_a_change_of_peer_excludes_the_earlier_peer_and_puts_the_request_first(
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    other_volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = actions.propose_match(waiting, volunteer, by=coordinator)
    assert volunteer.user is not None
    actions.answer_as_volunteer(match, accept=True, by=volunteer.user)
    actions.answer_as_participant(match, accept=True)
    ended = actions.request_change_of_peer(match, side=Side.PARTICIPANT, reason="Synthetic.")
    assert ended.status == MatchStatus.CHANGED
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.AWAITING_MATCH
    assert waiting.front_of_queue
    assert Exclusion.objects.filter(request=waiting, volunteer=volunteer).exists()
    assert CoordinatorTask.objects.filter(kind=TaskKind.CHANGE_OF_PEER).count() == 1
    # Exclusions live in support: the caller passes them to matching.
    ranking = rank_for(waiting, excluded=exclusions_for([waiting.pk])[waiting.pk])
    assert [c.volunteer.pk for c in ranking.candidates] == [other_volunteer.pk]
    assert [(o.volunteer.pk, o.reason) for o in ranking.left_out] == [
        (volunteer.pk, "an earlier peer the participant left or declined")
    ]
    with pytest.raises(actions.MatchActionRefused):
        actions.propose_match(waiting, volunteer, by=coordinator)
    second = actions.propose_match(waiting, other_volunteer, by=coordinator)
    assert second.status == MatchStatus.AWAITING_VOLUNTEER


def test_a_lapsed_proposal_frees_the_volunteer_and_excludes_them(
    waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User
) -> None:
    match = actions.propose_match(waiting, volunteer, by=coordinator)
    assert is_matchable(volunteer).ok  # capacity 2, one proposal
    later = timezone.now() + timedelta(days=3, seconds=1)
    assert volunteer.user is not None
    with pytest.raises(actions.MatchActionRefused, match="time to answer"):
        actions.answer_as_volunteer(match, accept=True, by=volunteer.user, at=later)
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED
    assert Exclusion.objects.filter(request=waiting, volunteer=volunteer).exists()


def test_capacity_counts_proposals_and_is_never_exceeded(
    program: object, volunteer: VolunteerProfile, coordinator: User
) -> None:
    from tests.support.conftest import another_waiting_request

    requests = [another_waiting_request(volunteer.program, coordinator) for _ in range(3)]
    actions.propose_match(requests[0], volunteer, by=coordinator)
    actions.propose_match(requests[1], volunteer, by=coordinator)
    with pytest.raises(actions.MatchActionRefused, match="no capacity left"):
        actions.propose_match(requests[2], volunteer, by=coordinator)
    requests[2].refresh_from_db()
    assert requests[2].status == TriageStatus.AWAITING_MATCH


def test_closure_fires_match_closed(
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
    django_capture_on_commit_callbacks: object,
) -> None:
    heard: list[str] = []

    def listen(sender: object, match: object, outcome: str, **kwargs: object) -> None:
        heard.append(outcome)

    actions.match_closed.connect(listen)
    try:
        match = actions.propose_match(waiting, volunteer, by=coordinator)
        assert volunteer.user is not None
        actions.answer_as_volunteer(match, accept=True, by=volunteer.user)
        actions.answer_as_participant(match, accept=True)
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            actions.close_match(match, reason=ClosureReason.COMPLETED, by=coordinator)
    finally:
        actions.match_closed.disconnect(listen)
    assert heard == ["completed"]
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.CLOSED
