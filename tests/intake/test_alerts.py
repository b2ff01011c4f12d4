"""An urgent alert always reaches a person: the program's staff first, then the installation's
on-call list; every try recorded; and in a flood, one combined email per program per 5 minutes."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from kindred.accounts.models import User
from kindred.accounts.on_call import staffed_programs
from kindred.intake import alerts
from kindred.intake.actions import submit_concern, submit_request
from kindred.intake.models import AlertAttempt, AlertOutcome, AlertRoute, SupportRequest
from kindred.programs import actions as program_actions
from kindred.programs.models import Program

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
ON_CALL = "on.call@example.org"


def urgent(program: Program) -> Any:
    return submit_request(
        program,
        asker_kind="lawyer",
        topics=["stress-and-burnout"],
        free_text="Synthetic words nobody else reads.",
        risk_answer="yes",
        contact={"methods": ["phone"], "phone": "+1 403-555-0100"},
    )


def attempts(support_request: SupportRequest) -> list[tuple[str, str, int, str]]:
    return [
        (a.route, a.outcome, a.recipients, a.error)
        for a in AlertAttempt.objects.filter(request=support_request)
    ]


@pytest.fixture
def unstaffed(personas: dict[str, User | None]) -> Program:
    """A program nobody runs, in an installation whose other programs are staffed."""
    return program_actions.create_program(name="Quiet Harbour", eligible_groups=["lawyers"])


@override_settings(ONCALL_EMAILS=[ON_CALL])
def test_an_urgent_request_to_a_program_nobody_runs_alerts_the_installations_on_call_list(
    unstaffed: Program, client_as: Callable[[str], Client]
) -> None:
    # Given a program with no coordinator or director
    assert unstaffed not in staffed_programs()

    # When an urgent request reaches it (the API path, not the public form)
    submitted = urgent(unstaffed)

    # Then the Executive Directors and KINDRED_ONCALL_EMAILS got one discreet email
    assert submitted.alerted
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["director@example.org", ON_CALL]
    assert "Synthetic" not in mail.outbox[0].body
    assert submitted.request.reference not in mail.outbox[0].body
    assert attempts(submitted.request) == [
        (AlertRoute.PROGRAM, AlertOutcome.NO_RECIPIENTS, 0, ""),
        (AlertRoute.ON_CALL, AlertOutcome.SENT, 2, ""),
    ]
    # And it tops the staff home of a coordinator of another program, who is told whom to tell
    page = client_as("other_coordinator").get("/staff/").content.decode()
    assert "Urgent, not yet seen: 1" in page
    assert submitted.request.reference in page
    assert "Nobody runs this program yet" in page
    assert "Nobody can be alerted about urgent requests to Quiet Harbour" in page
    assert "Synthetic" not in page


def test_when_sending_fails_every_route_is_recorded_and_the_request_is_kept(
    personas: dict[str, User | None],
    program: Program,
    client_as: Callable[[str], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPException("refused for someone@example.org")

    monkeypatch.setattr(alerts, "send_mail", refuse)

    submitted = urgent(program)

    support_request = SupportRequest.objects.get()
    assert not submitted.alerted
    assert support_request.alert_failed
    assert support_request.alert_sent_at is None
    assert attempts(support_request) == [
        (AlertRoute.PROGRAM, AlertOutcome.FAILED, 2, "SMTPException"),
        (AlertRoute.ON_CALL, AlertOutcome.FAILED, 1, "SMTPException"),
    ]
    page = client_as("coordinator").get("/staff/").content.decode()
    assert "Urgent, not yet seen: 1" in page
    assert "Alert email failed — call on-call staff" in page


def test_the_programs_own_staff_come_first_and_the_fallback_is_used_only_when_they_fail(
    personas: dict[str, User | None], program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = alerts.send_mail
    calls: list[list[str]] = []

    def first_fails(subject: str, body: str, sender: None, to: list[str], **kwargs: Any) -> int:
        calls.append(to)
        if len(calls) == 1:
            raise OSError("connection reset")
        return int(real(subject, body, sender, to, **kwargs))

    monkeypatch.setattr(alerts, "send_mail", first_fails)

    submitted = urgent(program)

    assert submitted.alerted
    assert calls == [["coordinator@example.org", "director@example.org"], ["director@example.org"]]
    assert [a[:2] for a in attempts(submitted.request)] == [
        (AlertRoute.PROGRAM, AlertOutcome.FAILED),
        (AlertRoute.ON_CALL, AlertOutcome.SENT),
    ]


def test_a_flood_gets_at_most_one_combined_email_per_program_per_five_minutes(
    personas: dict[str, User | None], program: Program
) -> None:
    # Given eight urgent requests to one program within 80 seconds
    submitted = []
    for second in range(0, 80, 10):
        with time_machine.travel(NOW + timedelta(seconds=second), tick=False):
            submitted.append(urgent(program))

    # Then three went out one by one, the fourth opened one combined email, the rest are held
    assert [s.alerted for s in submitted] == [True] * 4 + [False] * 4
    assert len(mail.outbox) == 4
    assert "1 urgent request or concern is waiting" in str(mail.outbox[3].body)
    held = AlertAttempt.objects.filter(outcome=AlertOutcome.COALESCED)
    assert held.count() == 5
    assert all(mail.outbox[0].subject == message.subject for message in mail.outbox)

    # And a danger-now concern in the same minutes waits with them
    with time_machine.travel(NOW + timedelta(seconds=90), tick=False):
        concern = submit_concern(
            program, urgency="now", caller_contact="+1 403-555-0101", about="Synthetic worry."
        )
        call_command("send_held_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert concern.alert_sent_at is None
    assert len(mail.outbox) == 4

    # When the window has passed, the command sends one email counting all of them
    with time_machine.travel(NOW + timedelta(seconds=31, minutes=5), tick=False):
        call_command("send_held_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_held_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 5
    assert "5 urgent requests or concerns are waiting" in str(mail.outbox[4].body)
    assert not SupportRequest.objects.filter(alert_sent_at__isnull=True).exists()
    concern.refresh_from_db()
    assert concern.alert_sent_at is not None


def test_a_flood_in_one_program_does_not_hold_another_programs_alerts(
    personas: dict[str, User | None], program: Program, other_program: Program
) -> None:
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            urgent(program)
        assert urgent(other_program).alerted
    assert mail.outbox[-1].to == ["other.coordinator@example.org"]
