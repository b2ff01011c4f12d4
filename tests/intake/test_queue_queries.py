"""The request queue and the list of concerns: a fixed number of queries for any number of rows,
and pages of 50. Rows are stored in bulk (as `seed_demo` does) to keep the test fast: through
`submit_request`, each would cost an Argon2 hash."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kindred.intake.models import (
    Channel,
    Concern,
    ConcernUrgency,
    SupportRequest,
    TriageStatus,
)
from kindred.programs.models import Program

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
QUEUE_URL = "/staff/requests/"
CONCERNS_URL = "/staff/concerns/"
OPEN = (TriageStatus.NEW, TriageStatus.CONTACTED, TriageStatus.AWAITING_MATCH)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    # A still clock: the session's "last seen" is not rewritten between measured requests.
    with time_machine.travel(NOW, tick=False):
        yield


def store_requests(program: Program, start: int, stop: int) -> None:
    """Open requests of every kind the queue draws: urgent or not, web or phone, contacted or
    not, some whose urgent alert failed."""
    items = []
    for number in range(start, stop):
        status = OPEN[number % 3]
        asked = NOW - timedelta(hours=number + 1)
        items.append(
            SupportRequest(
                program=program,
                reference=f"QQ-{number:04d}",
                channel=Channel.PHONE if number % 2 else Channel.WEB,
                status=status,
                urgent=number % 4 == 0,
                alert_failed=number % 8 == 0 and status == TriageStatus.NEW,
                asker_kind="lawyer",
                free_text="Synthetic words the queue never shows.",
                topics=["anxiety"],
                created_at=asked,
                status_changed_at=asked,
                first_contact_at=asked if status != TriageStatus.NEW else None,
            )
        )
    SupportRequest.prepare_for_bulk_create(items)
    SupportRequest.objects.bulk_create(items)


def store_concerns(program: Program, start: int, stop: int) -> None:
    items = [
        Concern(
            program=program,
            urgency=list(ConcernUrgency)[number % 3],
            caller_contact="555-0100",
            about="Synthetic worry the list never shows.",
            may_reveal_caller=number % 2 == 0,
            created_at=NOW - timedelta(hours=number + 1),
            status_changed_at=NOW,
        )
        for number in range(start, stop)
    ]
    Concern.prepare_for_bulk_create(items)
    Concern.objects.bulk_create(items)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_queue_runs_the_same_number_of_queries_for_3_and_25_requests(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Given a coordinator and three open requests
    client = client_as("coordinator")
    store_requests(program, 0, 3)
    client.get(QUEUE_URL)  # warm up: the session is written once

    # When the queue is opened with 3, then with 25 requests
    with_few = queries_for(client, QUEUE_URL)
    store_requests(program, 3, 25)
    with_many = queries_for(client, QUEUE_URL)

    # Then the number of queries does not grow with the queue, and every request is listed
    assert with_few == with_many
    # 9 for the session, sign-in and second factor; 4 for the queue: count, page, failed
    # alerts, and whether the coordinator runs more than one program.
    assert with_many <= 13, "the queue has grown expensive"
    response = client.get(QUEUE_URL)
    assert len(response.context["rows"]) == 25
    assert "Synthetic words" not in response.content.decode()


def test_the_list_of_concerns_runs_the_same_number_of_queries_for_3_and_25(
    client_as: Callable[[str], Client], program: Program
) -> None:
    client = client_as("coordinator")
    store_concerns(program, 0, 3)
    client.get(CONCERNS_URL)

    with_few = queries_for(client, CONCERNS_URL)
    store_concerns(program, 3, 25)
    with_many = queries_for(client, CONCERNS_URL)

    assert with_few == with_many
    assert len(client.get(CONCERNS_URL).context["rows"]) == 25


def test_the_queue_shows_50_requests_a_page(
    client_as: Callable[[str], Client], program: Program
) -> None:
    store_requests(program, 0, 60)
    client = client_as("coordinator")

    first = client.get(QUEUE_URL)
    second = client.get(QUEUE_URL, {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 10
    assert "Page 1 of 2" in first.content.decode()
    # Waiting for first contact (urgent, then the others) before the rest, across pages
    rows = [row.request for row in first.context["rows"] + second.context["rows"]]
    groups = [
        0
        if item.first_contact_at is None and item.urgent
        else 1
        if item.first_contact_at is None
        else 2
        for item in rows
    ]
    assert groups == sorted(groups)


def test_what_needs_a_person_now_comes_first_and_a_request_with_a_peer_is_not_listed(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Given requests of every kind: references say what they are
    def make(reference: str, hours: int, status: str, *, urgent: bool, contacted: bool) -> None:
        asked = NOW - timedelta(hours=hours)
        item = SupportRequest(
            program=program,
            reference=reference,
            status=status,
            urgent=urgent,
            asker_kind="lawyer",
            created_at=asked,
            status_changed_at=asked,
            first_contact_at=asked if contacted else None,
        )
        SupportRequest.prepare_for_bulk_create([item])
        SupportRequest.objects.bulk_create([item])

    make("CNT-OLD", 90, TriageStatus.AWAITING_MATCH, urgent=False, contacted=True)
    make("CNT-URG", 5, TriageStatus.CONTACTED, urgent=True, contacted=True)
    make("NEW-OLD", 50, TriageStatus.NEW, urgent=False, contacted=False)
    make("NEW-YNG", 2, TriageStatus.NEW, urgent=False, contacted=False)
    make("URG-NEW", 1, TriageStatus.NEW, urgent=True, contacted=False)
    make("PROPOSD", 99, TriageStatus.PROPOSED, urgent=False, contacted=True)
    make("MATCHED", 99, TriageStatus.MATCHED, urgent=True, contacted=True)

    # When the coordinator opens the queue
    response = client_as("coordinator").get(QUEUE_URL)

    # Then urgent and waiting for first contact, then the others waiting for it (oldest first),
    # then the rest waiting for a peer; the label says exactly that
    assert [row.request.reference for row in response.context["rows"]] == [
        "URG-NEW",
        "NEW-OLD",
        "NEW-YNG",
        "CNT-URG",
        "CNT-OLD",
    ]
    assert "Waiting for a peer: new, contacted or awaiting a match" in response.content.decode()
    proposed = client_as("coordinator").get(QUEUE_URL, {"status": "proposed"})
    assert [row.request.reference for row in proposed.context["rows"]] == ["PROPOSD"]
