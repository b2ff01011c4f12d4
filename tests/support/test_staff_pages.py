"""Coordinators' pages about matches: the match file (withdraw, close), the task list, and what
the request's file, the volunteer's file and staff home show of matches. Who may open each, what
it shows, and that every change goes through the actions."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.programs.models import Program
from kindred.support import actions
from kindred.support.models import (
    Checkin,
    CoordinatorTask,
    Match,
    MatchStatus,
    Side,
    TaskKind,
)
from kindred.volunteers.models import VolunteerProfile
from kindred.volunteers.queries import is_matchable
from tests.support.conftest import another_matchable_volunteer, another_waiting_request

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
# The programs' default check-in comes 14 days into a match.
CHECKIN_OPEN = NOW + timedelta(days=15)
# Words only staff may read, and only on the match file and the task list.
CHECKIN_NOTE = "Synthetic: we keep missing each other's calls."
CHANGE_REASON = "Synthetic: I would like someone nearer my own stage of career."
FLAG_NOTE = "Synthetic: they asked about a pension question I cannot answer."


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def active_match(
    support_request: SupportRequest, volunteer: VolunteerProfile, coordinator: User
) -> Match:
    match = actions.propose_match(support_request, volunteer, by=coordinator)
    assert volunteer.user is not None
    actions.answer_as_volunteer(match, accept=True, by=volunteer.user)
    return actions.answer_as_participant(match, accept=True)


def match_url(match: Match, name: str = "match") -> str:
    return reverse(f"support_staff:{name}", kwargs={"match_id": match.pk})


def text_of(response: Any) -> str:
    """The page's words, tags and whitespace folded, for phrases split across lines."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def shown_messages(client: Client, url: str) -> str:
    return text_of(client.get(url))


def volunteer_url(volunteer: VolunteerProfile) -> str:
    return reverse("volunteers:staff_detail", kwargs={"volunteer_id": volunteer.pk})


def views_of(object_type: str, object_id: object) -> int:
    return AuditEntry.objects.filter(
        action=AuditAction.VIEW, object_type=object_type, object_id=str(object_id)
    ).count()


# --- The match file -------------------------------------------------------------------------


def test_the_match_file_shows_the_checkin_answer_and_the_change_reason_to_the_coordinator(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    # Given an active match whose participant answered "no" at the check-in, then asked for a
    # change of peer with a reason
    match = active_match(waiting, volunteer, coordinator)
    checkin = Checkin.objects.get(match=match, side=Side.PARTICIPANT)
    actions.answer_checkin(checkin, answer="no", note=CHECKIN_NOTE, at=CHECKIN_OPEN)
    actions.request_change_of_peer(
        match, side=Side.PARTICIPANT, reason=CHANGE_REASON, at=CHECKIN_OPEN
    )

    # When the coordinator opens the match file
    response = client_as("coordinator").get(match_url(match))

    # Then it shows the status in words, the check-in answer and note, who asked for the
    # change and why, with links to the request and the volunteer
    assert response.status_code == 200
    page = text_of(response)
    assert "Ended by a change of peer" in page
    assert "The participant No, not really" in page
    assert CHECKIN_NOTE in page
    assert "Asked by The participant" in page
    assert CHANGE_REASON in page
    assert (
        reverse("intake:staff_detail", kwargs={"request_id": waiting.pk})
        in response.content.decode()
    )
    assert (
        reverse("volunteers:staff_detail", kwargs={"volunteer_id": volunteer.pk})
        in response.content.decode()
    )
    assert volunteer.full_name in page
    # And the timeline, the score's reasons and the open task the change made
    assert "Proposed" in page
    assert "by coordinator@example.org" in page
    assert "Began" in page
    assert match.reasons
    assert match.reasons[0] in page
    assert "Change of peer asked for" in page
    # And opening it was recorded, for the match and for the volunteer whose name it shows
    assert views_of("match", match.pk) == 1
    assert views_of("volunteer", volunteer.pk) == 1
    assert "Opening this file is recorded" in page


def test_the_match_file_summarises_contacts_without_content(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    assert volunteer.user is not None
    actions.log_contact(match, on=date(2026, 6, 1), mode="phone", minutes=45, by=volunteer.user)
    actions.log_contact(match, on=date(2026, 6, 1), mode="video", minutes=90, by=volunteer.user)

    page = text_of(client_as("executive_director").get(match_url(match)))

    assert "Conversations logged 2" in page
    assert "Time in all 2 hours 15 minutes" in page
    assert "Last contact 1 Jun 2026" in page


def test_another_programs_coordinator_gets_the_same_404(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    client = client_as("other_coordinator")
    missing = reverse("support_staff:match", kwargs={"match_id": uuid.uuid4()})

    assert client.get(match_url(match)).status_code == 404
    assert client.get(missing).status_code == 404
    assert (
        client.post(match_url(match, "match_close"), {"close-reason": "completed"}).status_code
        == 404
    )
    assert client.post(match_url(match, "match_withdraw")).status_code == 404

    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert views_of("match", match.pk) == 0
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, object_type="match")
    assert denied.count() == 4


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("volunteer", 403),
        ("other_volunteer", 403),
        ("reporting_viewer", 403),
        ("operator", 403),
        ("anonymous", 302),
        ("participant", 302),
    ],
)
def test_everyone_but_the_programs_staff_is_refused(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
    persona: str,
    expected: int,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    client = client_as(persona)

    for url in (match_url(match), reverse("support_staff:tasks")):
        response = client.get(url)
        assert response.status_code == expected
        if expected == 302:
            assert response["Location"].startswith("/account/login/")
    assert (
        client.post(match_url(match, "match_close"), {"close-reason": "completed"}).status_code
        == expected
    )

    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert views_of("match", match.pk) == 0


def test_closing_without_a_reason_says_so_beside_the_field_and_changes_nothing(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)

    response = client_as("coordinator").post(match_url(match, "match_close"), {})

    assert response.status_code == 200
    markup = response.content.decode()
    assert 'id="id_close-reason_error"' in markup
    assert "Choose why the match is closing." in markup
    assert "There is a problem" in markup
    match.refresh_from_db()
    waiting.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert waiting.status == TriageStatus.MATCHED


def test_closing_as_completed_closes_the_request_and_fires_match_closed(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    heard: list[tuple[object, str]] = []

    def listen(sender: object, match: Match, outcome: str, **kwargs: object) -> None:
        heard.append((match.pk, outcome))

    client = client_as("coordinator")
    actions.match_closed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(match_url(match, "match_close"), {"close-reason": "completed"})
    finally:
        actions.match_closed.disconnect(listen)

    assert response.status_code == 302
    assert response["Location"] == match_url(match)
    assert heard == [(match.pk, "completed")]
    match.refresh_from_db()
    waiting.refresh_from_db()
    assert match.status == MatchStatus.CLOSED
    assert match.closure_reason == "completed"
    assert waiting.status == TriageStatus.CLOSED
    page = shown_messages(client, match_url(match))
    assert "The match is closed (completed)." in page
    assert "Closure reason: Completed" in page


def test_closing_a_match_that_already_ended_is_refused_calmly(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    actions.close_match(match, reason="no_longer_needed", by=coordinator)
    client = client_as("coordinator")

    response = client.post(match_url(match, "match_close"), {"close-reason": "completed"})

    assert response.status_code == 302
    assert "This match is no longer active." in shown_messages(client, match_url(match))
    match.refresh_from_db()
    assert match.closure_reason == "no_longer_needed"


def test_withdrawing_a_proposal_frees_the_volunteers_place(
    client_as: Callable[[str], Client],
    program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    # Given a volunteer with room for two, proposed twice: no place left
    second = another_waiting_request(program, coordinator)
    first_match = actions.propose_match(waiting, volunteer, by=coordinator)
    actions.propose_match(second, volunteer, by=coordinator)
    assert not is_matchable(volunteer).ok
    client = client_as("coordinator")

    # When the coordinator withdraws the first proposal
    response = client.post(match_url(first_match, "match_withdraw"))

    # Then it is withdrawn, the request waits again, and the volunteer has a place again
    assert response.status_code == 302
    first_match.refresh_from_db()
    waiting.refresh_from_db()
    assert first_match.status == MatchStatus.WITHDRAWN
    assert waiting.status == TriageStatus.AWAITING_MATCH
    assert is_matchable(volunteer).ok
    assert "The proposal is withdrawn." in shown_messages(client, match_url(first_match))
    # And a second click is refused in words, not with an error page
    client.post(match_url(first_match, "match_withdraw"))
    assert "Only a proposal waiting for an answer can be withdrawn." in shown_messages(
        client, match_url(first_match)
    )


def test_withdraw_and_close_answer_only_posts(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = actions.propose_match(waiting, volunteer, by=coordinator)
    client = client_as("coordinator")
    assert client.get(match_url(match, "match_withdraw")).status_code == 405
    assert client.get(match_url(match, "match_close")).status_code == 405
    match.refresh_from_db()
    assert match.status == MatchStatus.AWAITING_VOLUNTEER


def test_the_match_file_lapses_an_overdue_proposal_before_showing_it(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = actions.propose_match(waiting, volunteer, by=coordinator)

    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        page = text_of(client_as("coordinator").get(match_url(match)))

    assert "No answer in time" in page
    assert "Withdraw this proposal" not in page
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED


# --- Tasks ----------------------------------------------------------------------------------


def flagged_matches(
    program: Program, waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User
) -> tuple[Match, Match]:
    first = active_match(waiting, volunteer, coordinator)
    peer = another_matchable_volunteer(program, coordinator, "third.volunteer@example.org")
    second = active_match(another_waiting_request(program, coordinator), peer, coordinator)
    return first, second


def test_the_task_list_puts_safety_first_then_the_newest_and_shows_the_words(
    client_as: Callable[[str], Client],
    program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    # Given a safety concern raised two days ago and two newer tasks
    first, second = flagged_matches(program, waiting, volunteer, coordinator)
    assert volunteer.user is not None
    safety = actions.flag_match(
        first,
        kind=TaskKind.SAFETY_CONCERN,
        note=FLAG_NOTE,
        by=volunteer.user,
        at=NOW - timedelta(days=2),
    )
    older = actions.flag_match(
        second, kind=TaskKind.BEYOND_COMPETENCY, by=coordinator, at=NOW - timedelta(days=1)
    )
    newest = actions.flag_match(
        first, kind=TaskKind.BEYOND_COMPETENCY, by=coordinator, at=NOW - timedelta(hours=1)
    )

    # When the coordinator opens the task list
    response = client_as("coordinator").get(reverse("support_staff:tasks"))

    # Then the safety concern comes first, then the newest
    assert response.status_code == 200
    assert [task.pk for task in response.context["open_tasks"]] == [
        safety.pk,
        newest.pk,
        older.pk,
    ]
    page = text_of(response)
    assert "Safety concern" in page
    assert FLAG_NOTE in page
    assert waiting.reference in page
    assert match_url(first) in response.content.decode()
    # And every task shown was recorded as read
    assert all(views_of("coordinator_task", task.pk) == 1 for task in (safety, older, newest))


def test_marking_a_task_done_moves_it_to_the_folded_list(
    client_as: Callable[[str], Client],
    program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    task = actions.flag_match(
        match, kind=TaskKind.BEYOND_COMPETENCY, note=FLAG_NOTE, by=coordinator
    )
    client = client_as("coordinator")
    resolve = reverse("support_staff:task_resolve", kwargs={"task_id": task.pk})

    response = client.post(resolve, {"program": str(program.pk)})

    assert response.status_code == 302
    assert response["Location"] == reverse("support_staff:tasks") + f"?program={program.pk}"
    task.refresh_from_db()
    assert task.resolved_at == NOW
    assert task.resolved_by == coordinator
    listed = client.get(response["Location"])
    assert listed.context["open_tasks"] == []
    assert [done.pk for done in listed.context["resolved"]] == [task.pk]
    page = text_of(listed)
    assert "Marked as done." in page
    assert "Done in the last 30 days (1)" in page
    # The note stays with the task, not on the list of what is done
    assert FLAG_NOTE not in page
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="coordinator_task", purpose="task resolved"
    ).exists()
    # A second click says so calmly; from the match file it goes back to the match file
    again = client.post(resolve, {"back": "match"})
    assert again["Location"] == match_url(match) + "#tasks"
    assert "That task was already marked as done." in shown_messages(client, match_url(match))


def test_tasks_of_another_program_are_neither_listed_nor_resolvable(
    client_as: Callable[[str], Client],
    program: Program,
    other_program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    task = actions.flag_match(match, kind=TaskKind.SAFETY_CONCERN, note=FLAG_NOTE, by=coordinator)
    other = client_as("other_coordinator")

    listed = other.get(reverse("support_staff:tasks"))
    assert listed.status_code == 200
    assert listed.context["open_tasks"] == []
    assert FLAG_NOTE not in text_of(listed)
    assert other.get(reverse("support_staff:tasks") + f"?program={program.pk}").status_code == 404
    resolve = reverse("support_staff:task_resolve", kwargs={"task_id": task.pk})
    assert other.post(resolve).status_code == 404
    task.refresh_from_db()
    assert task.resolved_at is None
    # A program id that is not a number is the same 404, not an error
    coordinator_client = client_as("coordinator")
    assert coordinator_client.get(reverse("support_staff:tasks") + "?program=x").status_code == 404
    assert (
        coordinator_client.get(
            reverse("support_staff:tasks") + f"?program={other_program.pk}"
        ).status_code
        == 404
    )


def test_the_task_list_reads_a_fixed_number_of_queries(
    client_as: Callable[[str], Client],
    program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    first, second = flagged_matches(program, waiting, volunteer, coordinator)
    client = client_as("coordinator")
    url = reverse("support_staff:tasks")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    actions.flag_match(first, kind=TaskKind.SAFETY_CONCERN, note=FLAG_NOTE, by=coordinator)
    count()  # the first page of a session reads a little more (the session itself)
    few = count()
    for match in (first, second, first, second):
        actions.flag_match(match, kind=TaskKind.BEYOND_COMPETENCY, note=FLAG_NOTE, by=coordinator)
    resolved = actions.flag_match(second, kind=TaskKind.BEYOND_COMPETENCY, by=coordinator)
    actions.resolve_task(resolved, by=coordinator)
    assert count() == few


# --- What other pages show of matches -------------------------------------------------------


def test_staff_home_counts_open_tasks_without_their_words(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    actions.flag_match(match, kind=TaskKind.BEYOND_COMPETENCY, by=coordinator)
    actions.flag_match(match, kind=TaskKind.SAFETY_CONCERN, note=FLAG_NOTE, by=coordinator)

    response = client_as("coordinator").get(reverse("staff_home"))

    page = text_of(response)
    assert "2 open tasks" in page
    assert page.index("Safety concern") < page.index("Beyond the volunteer's competency")
    assert waiting.reference in page
    assert FLAG_NOTE not in page
    assert reverse("support_staff:tasks") in response.content.decode()
    # Another program's coordinator sees none of them
    assert "No open tasks." in text_of(client_as("other_coordinator").get(reverse("staff_home")))


def test_the_volunteers_file_shows_their_matches_and_hours(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    match = active_match(waiting, volunteer, coordinator)
    assert volunteer.user is not None
    for minutes in (45, 60, 45):
        actions.log_contact(
            match, on=date(2026, 6, 1), mode="phone", minutes=minutes, by=volunteer.user
        )
    actions.answer_checkin(
        Checkin.objects.get(match=match, side=Side.PARTICIPANT),
        answer="no",
        note=CHECKIN_NOTE,
        at=CHECKIN_OPEN,
    )

    response = client_as("coordinator").get(
        reverse("volunteers:staff_detail", kwargs={"volunteer_id": volunteer.pk})
    )

    page = text_of(response)
    assert "Volunteer hours: 2 hours 30 minutes over 3 conversations logged" in page
    assert waiting.reference in page
    assert "Active" in page
    assert match_url(match) in response.content.decode()
    # Nothing of the participant beyond the reference
    assert "Persona participant" not in page
    assert CHECKIN_NOTE.split(":")[1].strip()[:20] not in page


def test_the_requests_file_shows_its_matches_and_who_is_excluded(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    other_volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    # Given a change of peer, then a second proposal
    first = active_match(waiting, volunteer, coordinator)
    actions.request_change_of_peer(first, side=Side.PARTICIPANT)
    second = actions.propose_match(waiting, other_volunteer, by=coordinator)

    response = client_as("coordinator").get(
        reverse("intake:staff_detail", kwargs={"request_id": waiting.pk})
    )

    page = text_of(response)
    markup = response.content.decode()
    assert f"Now: Waiting for the volunteer with {other_volunteer.full_name}" in page
    assert match_url(second) in markup
    assert match_url(first) in markup
    assert "Ended by a change of peer" in page
    exclusions = markup.split('id="exclusions-title"', 1)[1].split("</section>", 1)[0]
    assert volunteer_url(volunteer) in exclusions
    assert volunteer_url(other_volunteer) not in exclusions
    assert "an earlier peer the participant left or declined" in page
    # Names shown are recorded as read
    assert views_of("volunteer", volunteer.pk) == 1
    assert views_of("volunteer", other_volunteer.pk) == 1


def test_the_triage_form_offers_no_match_status_and_refuses_while_a_match_is_open(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    client = client_as("coordinator")
    detail = reverse("intake:staff_detail", kwargs={"request_id": waiting.pk})
    status = reverse("intake:staff_status", kwargs={"request_id": waiting.pk})
    # Before any proposal, "proposed" and "matched" are not choices
    markup = client.get(detail).content.decode()
    assert 'value="proposed"' not in markup
    assert 'value="matched"' not in markup
    assert client.post(status, {"triage-to_status": "matched"}).status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.AWAITING_MATCH

    # Given an active match, when the coordinator tries to close the request by hand
    active_match(waiting, volunteer, coordinator)
    response = client.post(status, {"triage-to_status": "closed"})

    # Then it is refused beside the field, with their choice kept, and nothing changed
    assert response.status_code == 200
    markup = response.content.decode()
    assert 'id="id_triage-to_status_error"' in markup
    assert (
        "This request has a proposal or an active match: change it from the match file." in markup
    )
    assert re.search(r'<option value="closed"[^>]*selected', markup)
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.MATCHED
    assert not CoordinatorTask.objects.exists()
