"""Coordinators' intake pages: the queue, a request's file and its triage, phone intake, concerns
and the staff home's counts. Who may open each, what it shows (and never shows), and that every
change goes through the actions (history, audit)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake import actions, alerts, passphrases, queries
from kindred.intake.models import (
    Channel,
    Concern,
    ConcernStatus,
    ConcernUrgency,
    RequestStatusChange,
    SupportRequest,
    TriageStatus,
)
from kindred.programs import actions as program_actions
from kindred.programs.models import Program

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
QUEUE_URL = "/staff/requests/"
NEW_URL = "/staff/requests/new/"
CONCERNS_URL = "/staff/concerns/"
# Words only the request's file may show: never the queue, a list, an email or a URL.
SECRET_WORDS = "Fennick keeps a ledger of every sleepless night"
CALLED = "Quillfeather"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def person(personas: dict[str, User | None], name: str) -> User:
    user = personas[name]
    assert user is not None
    return user


def make_request(
    program: Program, *, days_ago: float = 1, risk_answer: str = "no", **fields: Any
) -> SupportRequest:
    values: dict[str, Any] = {
        "asker_kind": "lawyer",
        "call_me": CALLED,
        "topics": ["stress-and-burnout", "grief-and-loss"],
        "free_text": SECRET_WORDS,
        "risk_answer": risk_answer,
        "how_soon": "this_week",
        "preferences": {"language": "French", "city": "different"},
        "avoid": ["Brackenridge & Fernsby LLP"],
        "contact": {
            "methods": ["phone"],
            "phone": "555-0123",
            "safe_times": "Weekday evenings",
            "leave_message": False,
        },
    }
    values.update(fields)
    return actions.submit_request(program, at=NOW - timedelta(days=days_ago), **values).request


def detail_url(support_request: SupportRequest) -> str:
    return reverse("intake:staff_detail", kwargs={"request_id": support_request.pk})


def status_url(support_request: SupportRequest) -> str:
    return reverse("intake:staff_status", kwargs={"request_id": support_request.pk})


def shown_messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def text_of(response: Any) -> str:
    """The page's words, tags and whitespace folded, for phrases split across lines."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The queue ------------------------------------------------------------------------------


def test_the_queue_lists_urgent_first_then_whoever_waited_longest(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Given a request waiting 5 days, one waiting a day, an urgent one of an hour ago and a
    # closed one
    oldest = make_request(program, days_ago=5)
    newer = make_request(program, days_ago=1)
    urgent = make_request(program, days_ago=1 / 24, risk_answer="yes")
    closed = make_request(program, days_ago=9)
    actions.change_status(closed, TriageStatus.CLOSED)

    # When the coordinator opens the queue
    response = client_as("coordinator").get(QUEUE_URL)

    # Then the open requests are listed, urgent first, then the longest waiting
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.request.pk for row in rows] == [urgent.pk, oldest.pk, newer.pk]
    assert [row.waiting for row in rows] == ["1 hour", "5 days", "1 day"]
    page = text_of(response)
    # The urgent marker is words and an icon, not colour alone
    assert "⚠ Urgent" in page
    assert page.index(urgent.reference) < page.index(oldest.reference)
    assert closed.reference not in page

    # And a status filter lists the others
    closed_only = client_as("coordinator").get(QUEUE_URL, {"status": "closed"})
    assert [row.request.pk for row in closed_only.context["rows"]] == [closed.pk]
    assert closed_only.context["rows"][0].waiting == ""
    # A status that makes no sense shows the open requests
    nonsense = client_as("coordinator").get(QUEUE_URL, {"status": "<script>"})
    assert len(nonsense.context["rows"]) == 3


def test_the_queue_shows_nothing_anyone_told_us_and_is_not_audited_row_by_row(
    client_as: Callable[[str], Client], program: Program
) -> None:
    make_request(program)
    views_before = AuditEntry.objects.filter(action=AuditAction.VIEW).count()

    response = client_as("coordinator").get(QUEUE_URL)

    body = response.content.decode()
    assert SECRET_WORDS not in body
    assert CALLED not in body
    assert "555-0123" not in body
    assert "Stress and burnout" not in body
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == views_before


def test_a_failed_urgent_alert_is_shown_prominently_until_someone_takes_it_up(
    client_as: Callable[[str], Client], program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an urgent request whose alert email could not be sent
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(alerts, "send_mail", refuse)
    failed = make_request(program, risk_answer="yes")
    assert failed.alert_failed

    # Then the queue and the staff home say so, in words
    client = client_as("coordinator")
    queue_page = text_of(client.get(QUEUE_URL))
    assert "Urgent alert email failed — call on-call staff" in queue_page
    assert failed.reference in queue_page
    assert "Urgent alert email failed — call on-call staff" in text_of(client.get("/staff/"))

    # And once the request is taken up, the warning goes
    actions.change_status(failed, TriageStatus.CONTACTED)
    assert "alert email failed" not in client.get(QUEUE_URL).content.decode()


def test_the_queue_is_only_for_program_staff(
    client_as: Callable[[str], Client], program: Program
) -> None:
    for name in ("volunteer", "reporting_viewer", "operator"):
        assert client_as(name).get(QUEUE_URL).status_code == 403, name
    assert client_as("anonymous").get(QUEUE_URL).status_code == 302
    assert client_as("executive_director").get(QUEUE_URL).status_code == 200


def test_another_programs_coordinator_sees_none_of_its_requests(
    client_as: Callable[[str], Client], program: Program
) -> None:
    mine = make_request(program)

    response = client_as("other_coordinator").get(QUEUE_URL)

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert mine.reference not in response.content.decode()


# --- A request's file -----------------------------------------------------------------------


def test_the_coordinator_opens_a_request_and_the_opening_is_audited(
    client_as: Callable[[str], Client],
    personas: dict[str, User | None],
    program: Program,
) -> None:
    # Given a request with markup in what they wrote
    support_request = make_request(
        program, free_text=f"{SECRET_WORDS} <b>and then</b>", risk_answer="unsure"
    )

    # When the coordinator opens it
    response = client_as("coordinator").get(detail_url(support_request))

    # Then everything they told us is there, escaped
    assert response.status_code == 200
    body = response.content.decode()
    page = text_of(response)
    assert SECRET_WORDS in body
    assert "&lt;b&gt;and then&lt;/b&gt;" in body
    assert "<b>and then" not in body
    assert CALLED in page
    assert "Stress and burnout" in page
    assert "Grief and loss" in page
    assert "Brackenridge &amp; Fernsby LLP" in body
    assert "Language French" in page
    # The safe-contact preferences, prominently
    assert "Do not leave a message" in page
    assert "Safe times: Weekday evenings" in page
    assert "They were not sure" in page
    assert "Opening this file is recorded" in page
    # And the opening is in the audit log, in the form participants will see
    coordinator = person(personas, "coordinator")
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW).latest("seq")
    assert entry.object_type == "support_request"
    assert entry.object_id == str(support_request.pk)
    assert entry.actor_id == str(coordinator.pk)
    assert entry.program_id == program.pk
    openings = queries.staff_openings(support_request)
    assert [opening.role for opening in openings] == ["Coordinator"]


def test_an_urgent_request_says_why(client_as: Callable[[str], Client], program: Program) -> None:
    by_answer = make_request(program, risk_answer="yes", free_text="Work is hard.")
    by_words = make_request(program, free_text="Some nights I want to die.")

    answer_page = text_of(client_as("coordinator").get(detail_url(by_answer)))
    words_page = text_of(client_as("coordinator").get(detail_url(by_words)))

    assert "Urgent: contact them today" in answer_page
    assert "They answered yes" in answer_page
    assert "On-call staff were alerted by email" in answer_page
    assert "contains words that can signal risk" in words_page
    assert "They answered yes" not in words_page


def test_another_programs_coordinator_gets_the_same_404_and_it_is_audited(
    client_as: Callable[[str], Client], program: Program
) -> None:
    support_request = make_request(program)
    client = client_as("other_coordinator")

    theirs = client.get(detail_url(support_request))
    missing = client.get(reverse("intake:staff_detail", kwargs={"request_id": uuid.uuid4()}))

    assert theirs.status_code == missing.status_code == 404
    assert SECRET_WORDS not in theirs.content.decode()
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).order_by("seq")
    assert [entry.object_type for entry in denied] == ["support_request", "support_request"]
    assert denied.first().object_id == str(support_request.pk)  # type: ignore[union-attr]
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_volunteers_and_others_are_refused_a_request(
    client_as: Callable[[str], Client], program: Program
) -> None:
    support_request = make_request(program)
    for name in ("volunteer", "reporting_viewer", "operator"):
        response = client_as(name).get(detail_url(support_request))
        assert response.status_code == 403, name
        assert SECRET_WORDS not in response.content.decode()
    assert client_as("executive_director").get(detail_url(support_request)).status_code == 200
    assert (
        client_as("volunteer").post(status_url(support_request), {"triage-to_status": "closed"})
    ).status_code == 403
    support_request.refresh_from_db()
    assert support_request.status == TriageStatus.NEW


# --- Triage ---------------------------------------------------------------------------------


def test_triage_records_history_and_the_first_contact_once(
    client_as: Callable[[str], Client],
    personas: dict[str, User | None],
    program: Program,
) -> None:
    support_request = make_request(program, days_ago=2)
    client = client_as("coordinator")

    # When the coordinator marks it contacted
    response = client.post(status_url(support_request), {"triage-to_status": "contacted"})

    # Then the page comes back (PRG), the first contact is recorded and the history grows
    assert response.status_code == 302
    assert response["Location"] == detail_url(support_request) + "#triage"
    support_request.refresh_from_db()
    assert support_request.status == TriageStatus.CONTACTED
    assert support_request.first_contact_at == NOW
    page = client.get(response["Location"])
    assert shown_messages(page) == ["Status changed to contacted. First contact recorded."]

    # And moving on later keeps the first contact where it was
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        client.post(status_url(support_request), {"triage-to_status": "awaiting_match"})
        client.post(status_url(support_request), {"triage-to_status": "contacted"})
    support_request.refresh_from_db()
    assert support_request.first_contact_at == NOW
    coordinator = person(personas, "coordinator")
    changes = list(RequestStatusChange.objects.filter(request=support_request))
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("", "new"),
        ("new", "contacted"),
        ("contacted", "awaiting_match"),
        ("awaiting_match", "contacted"),
    ]
    assert changes[0].by_participant
    assert changes[0].changed_by is None
    assert all(change.changed_by == coordinator for change in changes[1:])
    history = text_of(client.get(detail_url(support_request)))
    assert "The participant" in history
    assert "coordinator@example.org" in history
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.UPDATE,
            object_type="support_request",
            object_id=str(support_request.pk),
            actor_id=str(coordinator.pk),
        )
        .exclude(purpose="first seen by staff")
        .count()
        == 3
    )


def test_triage_refuses_a_status_that_is_not_offered(
    client_as: Callable[[str], Client], program: Program
) -> None:
    support_request = make_request(program)
    client = client_as("coordinator")

    same = client.post(status_url(support_request), {"triage-to_status": "new"})
    nonsense = client.post(status_url(support_request), {"triage-to_status": "lost"})

    assert same.status_code == nonsense.status_code == 200
    assert "There is a problem" in same.content.decode()
    assert RequestStatusChange.objects.filter(request=support_request).count() == 1


def test_another_programs_coordinator_cannot_change_a_status(
    client_as: Callable[[str], Client], program: Program
) -> None:
    support_request = make_request(program)

    response = client_as("other_coordinator").post(
        status_url(support_request), {"triage-to_status": "closed"}
    )

    assert response.status_code == 404
    support_request.refresh_from_db()
    assert support_request.status == TriageStatus.NEW


# --- Phone intake ---------------------------------------------------------------------------


def phone_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "submission": "p" * 43,
        "asker_kind": "articling_student",
        "call_me": "Briar",
        "risk_answer": "no",
        "how_soon": "this_week",
        "topics": ["anxiety"],
        "free_text": "Called about a hard first year.",
        "language": "",
        "city": "either",
        "region": "Lethbridge",
        "gender": "",
        "gender_strength": "nice",
        "avoid": "Oberon Winterbourne\n\n Gallowglass LLP ",
        "methods": ["phone"],
        "phone": "403-555-0177",
        "email": "",
        "safe_times": "After 6 pm",
        "sign_in_email": "",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def test_a_phone_request_is_recorded_and_its_passphrase_shown_once(
    client_as: Callable[[str], Client],
    personas: dict[str, User | None],
    program: Program,
) -> None:
    client = client_as("coordinator")
    form_page = client.get(NEW_URL)
    assert form_page.status_code == 200
    # One program: nothing to choose, and the page names it
    assert "For Peer Support" in text_of(form_page)

    # When the coordinator records a call
    response = client.post(NEW_URL, phone_answers())

    # Then a phone request exists, entered by them, and the browser is sent back (PRG)
    assert response.status_code == 302
    assert response["Location"] == NEW_URL
    support_request = SupportRequest.objects.get()
    coordinator = person(personas, "coordinator")
    assert support_request.channel == Channel.PHONE
    assert support_request.program == program
    assert support_request.avoid == ["Oberon Winterbourne", "Gallowglass LLP"]
    assert support_request.contact["leave_message"] is False
    assert support_request.preferences == {
        "city": "either",
        "career_stage": False,
        "region": "Lethbridge",
    }
    first = RequestStatusChange.objects.get(request=support_request)
    assert first.changed_by == coordinator
    assert not first.by_participant
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(support_request.pk), actor_id=str(coordinator.pk)
    ).exists()
    assert not mail.outbox  # not urgent: no alert

    # And the next page shows the reference and the passphrase, which open the request
    done = client.get(NEW_URL)
    page = text_of(done)
    assert support_request.reference in page
    passphrase = done.context["done"]["passphrase"]
    assert passphrase in page
    assert passphrases.passphrase_matches(passphrase, support_request.passphrase_hash)
    assert "Before you hang up" not in page

    # But only once: a refresh shows a blank form
    again = client.get(NEW_URL)
    assert passphrase not in again.content.decode()
    assert "Record the request" in again.content.decode()


def test_the_same_phone_form_sent_twice_records_one_request(
    client_as: Callable[[str], Client], program: Program
) -> None:
    client = client_as("coordinator")
    client.post(NEW_URL, phone_answers())
    second = client.post(NEW_URL, phone_answers())

    assert second.status_code == 302
    assert SupportRequest.objects.count() == 1


def test_an_urgent_phone_request_alerts_on_call_staff_once_and_reminds_of_crisis_help(
    client_as: Callable[[str], Client], program: Program
) -> None:
    client = client_as("coordinator")

    client.post(NEW_URL, phone_answers(risk_answer="yes", free_text=SECRET_WORDS))

    support_request = SupportRequest.objects.get()
    assert support_request.urgent
    # One discreet email: no reference, name or word the caller said
    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.subject == alerts.ALERT_SUBJECT
    assert set(alert.to) == {"coordinator@example.org", "director@example.org"}
    for secret in (
        SECRET_WORDS,
        "Briar",
        support_request.reference,
        "403-555-0177",
        "+1 403-555-0177",
    ):
        assert secret not in alert.subject + alert.body
    # And the coordinator is reminded to give the caller crisis numbers before hanging up
    page = text_of(client.get(NEW_URL))
    assert "Before you hang up: crisis help" in page
    assert "Suicide Crisis Helpline" in page
    assert "On-call staff have been alerted by email" in page


def test_phone_intake_needs_the_safety_answer_and_a_way_to_reach_them(
    client_as: Callable[[str], Client], program: Program
) -> None:
    response = client_as("coordinator").post(
        NEW_URL, phone_answers(risk_answer=None, methods=["phone", "email"], phone="", email="")
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Ask the safety question and choose their answer" in page
    assert "Enter their phone number" in page
    assert "Enter their email address" in page
    assert not SupportRequest.objects.exists()


def test_phone_intake_is_only_for_the_programs_one_runs(
    client_as: Callable[[str], Client],
    personas: dict[str, User | None],
    program: Program,
    other_program: Program,
) -> None:
    # Given a coordinator of two programs (not of the other coordinator's)
    second = program_actions.create_program(name="Judges' Circle", eligible_groups=["judges"])
    account_actions.grant_role(person(personas, "coordinator"), Role.COORDINATOR, second)
    client = client_as("coordinator")
    assert "Which program are they asking?" in text_of(client.get(NEW_URL))

    # When they choose a program they do not run, then one they run
    refused = client.post(NEW_URL, phone_answers(program=other_program.pk))
    accepted = client.post(NEW_URL, phone_answers(program=second.pk, submission="q" * 43))

    # Then the first is refused, and the request is recorded only for their own program
    assert refused.status_code == 200
    assert "Choose a program from the answers shown." in text_of(refused)
    assert accepted.status_code == 302
    assert SupportRequest.objects.get().program == second


def test_phone_intake_is_refused_to_volunteers(
    client_as: Callable[[str], Client], program: Program
) -> None:
    assert client_as("volunteer").get(NEW_URL).status_code == 403
    assert client_as("volunteer").post(NEW_URL, phone_answers()).status_code == 403
    assert not SupportRequest.objects.exists()


# --- Concerns -------------------------------------------------------------------------------


def make_concern(program: Program, *, days_ago: float = 1, **fields: Any) -> Concern:
    values: dict[str, Any] = {
        "urgency": ConcernUrgency.SOON,
        "caller_name": "Marisol Featherstone",
        "caller_contact": "555-0131",
        "about": "A colleague has missed three court dates.",
        "may_reveal_caller": False,
    }
    values.update(fields)
    return actions.submit_concern(program, at=NOW - timedelta(days=days_ago), **values)


def concern_url(concern: Concern, name: str = "staff_concern") -> str:
    return reverse(f"intake:{name}", kwargs={"concern_id": concern.pk})


def test_concerns_are_listed_open_first_danger_first_and_without_names(
    client_as: Callable[[str], Client],
    personas: dict[str, User | None],
    program: Program,
) -> None:
    closed = make_concern(program, days_ago=10, urgency=ConcernUrgency.NOW)
    actions.change_concern_status(closed, ConcernStatus.CLOSED, by=person(personas, "coordinator"))
    older = make_concern(program, days_ago=4, urgency=ConcernUrgency.NOT_URGENT)
    soon = make_concern(program, days_ago=2)
    now = make_concern(program, days_ago=1, urgency=ConcernUrgency.NOW)

    response = client_as("coordinator").get(CONCERNS_URL)

    assert response.status_code == 200
    assert [concern.pk for concern, _ in response.context["rows"]] == [
        now.pk,
        soon.pk,
        older.pk,
        closed.pk,
    ]
    body = response.content.decode()
    for secret in ("Marisol", "court dates", "555-0131"):
        assert secret not in body
    assert client_as("other_coordinator").get(CONCERNS_URL).context["rows"] == []
    assert client_as("volunteer").get(CONCERNS_URL).status_code == 403


def test_a_concern_is_opened_audited_and_says_whether_the_caller_may_be_named(
    client_as: Callable[[str], Client], program: Program
) -> None:
    secret = make_concern(program)
    named = make_concern(program, may_reveal_caller=True)
    client = client_as("coordinator")

    secret_page = text_of(client.get(concern_url(secret)))
    named_page = text_of(client.get(concern_url(named)))

    assert "Never tell the person who raised this concern" in secret_page
    assert "Marisol Featherstone" in secret_page
    assert "court dates" in secret_page
    assert "Opening this file is recorded" in secret_page
    assert "Never tell" not in named_page
    assert "may be told who raised the concern" in named_page
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="concern")
    assert set(views.values_list("object_id", flat=True)) == {str(secret.pk), str(named.pk)}


def test_a_concerns_status_changes_through_the_action(
    client_as: Callable[[str], Client], program: Program
) -> None:
    concern = make_concern(program)
    client = client_as("coordinator")

    response = client.post(
        concern_url(concern, "staff_concern_status"), {"concern-to_status": "in_hand"}
    )

    assert response.status_code == 302
    assert response["Location"] == concern_url(concern) + "#status"
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.IN_HAND
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="concern", object_id=str(concern.pk)
    ).exists()
    unchanged = client.post(
        concern_url(concern, "staff_concern_status"), {"concern-to_status": "in_hand"}
    )
    assert unchanged.status_code == 200
    assert "There is a problem" in unchanged.content.decode()


def test_another_programs_coordinator_gets_404_for_a_concern(
    client_as: Callable[[str], Client], program: Program
) -> None:
    concern = make_concern(program)
    client = client_as("other_coordinator")

    assert client.get(concern_url(concern)).status_code == 404
    assert (
        client.post(concern_url(concern, "staff_concern_status"), {"concern-to_status": "closed"})
    ).status_code == 404
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NEW
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, object_type="concern")
    assert denied.count() == 2
    assert client_as("volunteer").get(concern_url(concern)).status_code == 403


# --- Staff home -----------------------------------------------------------------------------


def test_the_staff_home_counts_waiting_requests_and_open_concerns(
    client_as: Callable[[str], Client], program: Program
) -> None:
    make_request(program)
    make_request(program, risk_answer="yes")
    done = make_request(program)
    actions.change_status(done, TriageStatus.CLOSED)
    make_concern(program, urgency=ConcernUrgency.NOW)

    response = client_as("coordinator").get("/staff/")

    page = text_of(response)
    assert "Waiting for a peer: 2" in page
    assert "of them, waiting for first contact: 2 (1 urgent)" in page
    assert "Concerns about someone else: 1 open (1 about danger now)" in page
    body = response.content.decode()
    assert f'href="{QUEUE_URL}"' in body
    assert f'href="{NEW_URL}"' in body
    assert f'href="{CONCERNS_URL}"' in body
    assert SECRET_WORDS not in body
    other = text_of(client_as("other_coordinator").get("/staff/"))
    assert "Waiting for a peer: 0" in other
    assert "waiting for first contact: 0 (0 urgent)" in other


def test_phone_intake_checks_the_number_and_needs_the_city_when_a_different_one_is_wanted(
    client_as: Callable[[str], Client], program: Program
) -> None:
    response = client_as("coordinator").post(
        NEW_URL, phone_answers(phone="555-01", city="different", region="")
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "Check their phone number" in page or "area code" in page
    assert "Enter their city or region" in page
    assert "Placeholder" not in page
    assert not SupportRequest.objects.exists()

    accepted = client_as("coordinator").post(NEW_URL, phone_answers(phone="(403) 555-0177"))
    assert accepted.status_code == 302
    assert SupportRequest.objects.get().contact["phone"] == "+1 403-555-0177"
