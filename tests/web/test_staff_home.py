"""Staff home: "Urgent, not yet seen" for the whole installation at the top, in a fixed number of
queries; opening the file (by its program's staff) takes an item off; counts that say what they
count."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake import actions
from kindred.intake.models import Concern, ConcernUrgency, SupportRequest, TriageStatus
from kindred.programs.models import Program

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
HOME = "/staff/"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def store_unseen(program: Program, start: int, stop: int) -> None:
    """Urgent requests and danger-now concerns nobody opened, stored in bulk (no Argon2)."""
    requests = [
        SupportRequest(
            program=program,
            reference=f"UU-{number:04d}",
            status=TriageStatus.NEW,
            urgent=True,
            alert_failed=number % 2 == 0,
            asker_kind="lawyer",
            free_text="Synthetic words staff home never shows.",
            created_at=NOW - timedelta(minutes=number + 1),
            status_changed_at=NOW,
        )
        for number in range(start, stop)
    ]
    SupportRequest.prepare_for_bulk_create(requests)
    SupportRequest.objects.bulk_create(requests)
    concerns = [
        Concern(
            program=program,
            urgency=ConcernUrgency.NOW,
            caller_contact="+1 403-555-0100",
            about="Synthetic worry staff home never shows.",
            created_at=NOW - timedelta(minutes=number + 1),
            status_changed_at=NOW,
        )
        for number in range(start, stop)
    ]
    Concern.prepare_for_bulk_create(concerns)
    Concern.objects.bulk_create(concerns)


def queries_for(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_staff_home_runs_the_same_number_of_queries_for_2_and_30_unseen_items(
    client_as: Callable[[str], Client], program: Program, other_program: Program
) -> None:
    client = client_as("coordinator")
    store_unseen(program, 0, 1)
    store_unseen(other_program, 1, 2)
    client.get(HOME)

    few = queries_for(client)
    store_unseen(program, 2, 16)
    store_unseen(other_program, 16, 30)
    many = queries_for(client)

    assert few == many
    page = client.get(HOME).content.decode()
    assert "Urgent, not yet seen: 60" in page
    assert "Synthetic" not in page


def test_every_staff_home_shows_an_unseen_urgent_item_until_its_programs_staff_open_it(
    client_as: Callable[[str], Client],
    personas: dict[str, User | None],
    program: Program,
) -> None:
    # Given an urgent web request nobody has opened
    support_request = actions.submit_request(
        program,
        asker_kind="lawyer",
        free_text="Synthetic words.",
        risk_answer="yes",
        contact={"methods": ["phone"], "phone": "+1 403-555-0100"},
    ).request

    # Then a coordinator of another program sees it, with whom to tell, and no link they
    # cannot follow
    other = client_as("other_coordinator").get(HOME).content.decode()
    assert support_request.reference in other
    assert "Not a program you run: tell its coordinators or director" in other
    assert "coordinator@example.org" in other
    detail = reverse("intake:staff_detail", kwargs={"request_id": support_request.pk})
    assert detail not in other
    # And opening it stays refused to them (and does not count as seen)
    assert client_as("other_coordinator").get(detail).status_code == 404
    support_request.refresh_from_db()
    assert support_request.first_seen_at is None

    # When the program's coordinator opens it
    client = client_as("coordinator")
    assert detail in client.get(HOME).content.decode()
    client.get(detail)

    # Then it is seen (audited once), and leaves every staff home
    support_request.refresh_from_db()
    assert support_request.first_seen_at == NOW
    client.get(detail)
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.UPDATE,
            object_id=str(support_request.pk),
            purpose="first seen by staff",
        ).count()
        == 1
    )
    assert "Urgent, not yet seen" not in client_as("other_coordinator").get(HOME).content.decode()


def test_a_danger_now_concern_is_seen_when_opened(
    client_as: Callable[[str], Client], personas: dict[str, User | None], program: Program
) -> None:
    concern = actions.submit_concern(
        program, urgency="now", caller_contact="+1 403-555-0101", about="Synthetic worry."
    )
    assert "Concern: danger now" in client_as("other_coordinator").get(HOME).content.decode()

    client_as("coordinator").get(reverse("intake:staff_concern", kwargs={"concern_id": concern.pk}))

    concern.refresh_from_db()
    assert concern.first_seen_at == NOW
    assert "Urgent, not yet seen" not in client_as("coordinator").get(HOME).content.decode()


def test_a_request_taken_by_phone_was_seen_by_whoever_took_the_call(
    personas: dict[str, User | None], program: Program
) -> None:
    support_request = actions.submit_request(
        program,
        by=personas["coordinator"],
        asker_kind="lawyer",
        risk_answer="yes",
        contact={"methods": ["phone"], "phone": "+1 403-555-0100"},
    ).request

    assert support_request.first_seen_at == NOW
