"""Regressions from the security review of intake, one test each."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.intake import passphrases
from kindred.intake.actions import submit_request
from kindred.intake.queries import staff_openings
from kindred.programs.models import CrisisLine, Program
from kindred.programs.queries import crisis_lines_for
from tests.conftest import make_person
from tests.intake.test_ask_form import answers

pytestmark = pytest.mark.django_db


def test_an_urgent_request_with_nobody_to_alert_is_marked_as_a_failed_alert(
    program: Program,
) -> None:
    # Given a program with no coordinator or director yet
    submitted = submit_request(
        program, asker_kind="lawyer", topics=["anxiety"], risk_answer="yes", free_text=""
    )

    # Then nobody was told, and the request says so (it shows in the queue and staff home)
    submitted.request.refresh_from_db()
    assert submitted.request.urgent
    assert submitted.request.alert_failed
    assert submitted.request.alert_sent_at is None


def test_a_participant_never_learns_that_a_coordinator_also_volunteers(program: Program) -> None:
    coordinator = make_person("both.roles@example.org", Role.COORDINATOR, program)
    submitted = submit_request(program, asker_kind="lawyer", topics=["anxiety"], risk_answer="no")
    audit.record(
        AuditAction.VIEW,
        actor=audit.Actor("user", str(coordinator.pk), "coordinator,volunteer"),
        object_type="support_request",
        object_id=str(submitted.request.pk),
    )

    (opening,) = staff_openings(submitted.request)

    assert opening.role == "Coordinator"


def test_the_passphrase_is_never_in_the_session_table_in_plain_text(program: Program) -> None:
    # Given someone who just sent the form (the next page has not been drawn yet)
    client = Client()
    response = client.post(reverse("intake:ask"), answers(client))
    assert response.status_code == 302

    # Then no session row holds the passphrase readably: only sealed, with its key in the cookie
    decoded = [session.get_decoded() for session in Session.objects.all()]
    assert decoded
    for values in decoded:
        for value in values.values():
            assert not (isinstance(value, dict) and "passphrase" in value)
    shown = client.get(reverse("intake:submitted")).context["shown"]
    assert len(shown["passphrase"].split()) == passphrases.words_per_passphrase()


def test_a_program_with_no_crisis_lines_still_shows_the_national_ones(program: Program) -> None:
    CrisisLine.objects.filter(program=program).delete()

    lines = crisis_lines_for(program)

    assert [line.tel for line in lines] == ["988", "911"]
