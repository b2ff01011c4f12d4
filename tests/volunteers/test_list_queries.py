"""The coordinators' volunteer list: a fixed number of queries for any number of volunteers, and
filters that narrow it (status, topic, region, language, capacity, training expiring soon)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.programs.models import Program
from kindred.volunteers import actions, pool
from kindred.volunteers.models import (
    Agreement,
    AgreementSignature,
    ScreeningItem,
    ScreeningRecord,
    TrainingCompletion,
    TrainingModule,
    VolunteerProfile,
)
from tests.conftest import make_volunteer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
LIST_URL = "/staff/volunteers/"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    # A still clock: the session's "last seen" is not rewritten between measured requests, and
    # "within 30 days" means the same thing in every test.
    with time_machine.travel(NOW, tick=False):
        yield


def ready_volunteer(
    program: Program,
    number: int,
    *,
    trained_on: date = date(2025, 9, 1),
    status: str = "active",
    **fields: object,
) -> VolunteerProfile:
    """A volunteer with the records the list reads: screening, training and a signature."""
    volunteer = make_volunteer(
        program,
        email=f"volunteer{number}@example.org",
        full_name=f"Rowan Testvolunteer{number:03d}",
        status=status,
        **fields,
    )
    now = timezone.now()
    for item in ScreeningItem.objects.filter(program=program):
        ScreeningRecord.objects.create(
            volunteer=volunteer, item=item, completed_on=date(2025, 8, 1), recorded_at=now
        )
    for module in TrainingModule.objects.filter(program=program):
        TrainingCompletion.objects.create(
            volunteer=volunteer, module=module, completed_on=trained_on, recorded_at=now
        )
    actions.refresh_training_expiry(volunteer)
    agreement = Agreement.objects.filter(program=program).order_by("-version").first()
    assert agreement is not None
    AgreementSignature.objects.create(volunteer=volunteer, agreement=agreement, signed_at=now)
    return volunteer


def names_listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"{LIST_URL}{query}")
    assert response.status_code == 200
    return [row.volunteer.full_name for row in response.context["rows"]]


def queries_for_list(client: Client) -> int:
    """Queries of one list page in a process that has not read the pool yet (the filters'
    choices come from it; a process that has read the same version needs one query fewer)."""
    pool.clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_list_runs_the_same_number_of_queries_for_3_and_40_volunteers(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Given a coordinator and three volunteers with screening, training and a signature
    client = client_as("coordinator")
    for number in range(3):
        ready_volunteer(program, number)
    client.get(LIST_URL)  # warm up: the session and the audit chain's head are written once

    # When the list is opened with 3, then with 40 such volunteers
    with_few = queries_for_list(client)
    for number in range(3, 40):
        ready_volunteer(program, number)
    with_many = queries_for_list(client)

    # Then the number of queries does not grow with the list, and every volunteer is listed
    assert with_few == with_many
    assert with_many <= 30, "the list page has grown expensive"
    names = names_listed(client)
    assert sum(name.startswith("Rowan Testvolunteer") for name in names) == 40
    rows = client.get(LIST_URL).context["rows"]
    assert all(row.matchable.ok for row in rows if row.volunteer.full_name.startswith("Rowan"))


def test_the_query_count_is_exact(
    client_as: Callable[[str], Client],
    program: Program,
    django_assert_num_queries: Callable[..., object],
) -> None:
    client = client_as("coordinator")
    for number in range(5):
        ready_volunteer(program, number)
    client.get(LIST_URL)
    expected = queries_for_list(client)
    for number in range(5, 12):
        ready_volunteer(program, number)
    pool.clear_cache()
    with django_assert_num_queries(expected):  # type: ignore[operator]
        client.get(LIST_URL)
    # And a process that has already read this version of the pool needs one query fewer
    with django_assert_num_queries(expected - 1):  # type: ignore[operator]
        client.get(LIST_URL)


def test_every_volunteer_shown_in_the_list_is_audited(
    client_as: Callable[[str], Client], program: Program, personas: dict[str, User | None]
) -> None:
    shown = [ready_volunteer(program, number) for number in range(4)]
    coordinator = personas["coordinator"]
    assert coordinator is not None

    client_as("coordinator").get(LIST_URL)

    # One entry per volunteer on the page, each with its program: "who saw this volunteer?"
    entries = AuditEntry.objects.filter(
        action=AuditAction.VIEW, actor_id=str(coordinator.pk), object_type="volunteer"
    )
    volunteer_ids = {str(volunteer.pk) for volunteer in shown}
    listed = {entry.object_id for entry in entries}
    assert volunteer_ids <= listed
    assert {entry.program_id for entry in entries} == {program.pk}
    assert {entry.purpose for entry in entries} == {"listed"}


def test_the_list_shows_only_the_coordinators_own_programs(
    client_as: Callable[[str], Client], program: Program, other_program: Program
) -> None:
    ready_volunteer(program, 1)
    ready_volunteer(other_program, 2)

    assert "Rowan Testvolunteer001" in names_listed(client_as("coordinator"))
    assert "Rowan Testvolunteer002" not in names_listed(client_as("coordinator"))
    assert names_listed(client_as("other_coordinator")) == ["Rowan Testvolunteer002"]


def test_the_list_is_paginated_by_50(client_as: Callable[[str], Client], program: Program) -> None:
    for number in range(51):
        make_volunteer(program, full_name=f"Sky Pager{number:03d}", email=f"p{number}@example.org")
    client = client_as("coordinator")
    # 51 applicants, plus the two active volunteer personas
    assert len(names_listed(client)) == 50
    first = names_listed(client, "?status=applied")
    second = names_listed(client, "?status=applied&page=2")
    assert len(first) == 50
    assert len(second) == 1
    assert sorted(first + second) == [f"Sky Pager{number:03d}" for number in range(51)]
    # The page links keep the filters
    page = client.get(f"{LIST_URL}?status=applied").content.decode()
    assert "?status=applied&amp;page=2" in page


def test_filter_by_status(client_as: Callable[[str], Client], program: Program) -> None:
    ready_volunteer(program, 1, status="active")
    ready_volunteer(program, 2, status="screening")
    client = client_as("coordinator")
    assert "Rowan Testvolunteer002" in names_listed(client, "?status=screening")
    assert "Rowan Testvolunteer001" not in names_listed(client, "?status=screening")


def test_filter_by_topic(client_as: Callable[[str], Client], program: Program) -> None:
    ready_volunteer(program, 1, topics=["grief-and-loss"])
    ready_volunteer(program, 2, topics=["anxiety"])
    assert names_listed(client_as("coordinator"), "?topic=anxiety") == ["Rowan Testvolunteer002"]


def test_filter_by_region(client_as: Callable[[str], Client], program: Program) -> None:
    ready_volunteer(program, 1, region="Lethbridge")
    ready_volunteer(program, 2, region="Red Deer")
    assert names_listed(client_as("coordinator"), "?region=Red+Deer") == ["Rowan Testvolunteer002"]


def test_filter_by_language(
    client_as: Callable[[str], Client], program: Program, personas: dict[str, User | None]
) -> None:
    french = ready_volunteer(program, 1)
    coordinator = personas["coordinator"]
    assert coordinator is not None
    actions.update_profile(french, by=coordinator, languages=["English", "French"])
    ready_volunteer(program, 2)
    assert names_listed(client_as("coordinator"), "?language=French") == ["Rowan Testvolunteer001"]


def test_filter_by_training_expiring_within_30_days(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Today is 1 June 2026 and training is valid for 24 months.
    ready_volunteer(program, 1, trained_on=date(2024, 6, 20))  # expires 20 June 2026: soon
    ready_volunteer(program, 2, trained_on=date(2025, 6, 20))  # expires in a year
    ready_volunteer(program, 3, trained_on=date(2024, 5, 20))  # expired on 20 May 2026
    ready_volunteer(program, 4, trained_on=date(2024, 7, 2))  # 31 days away: not yet
    client = client_as("coordinator")

    assert names_listed(client, "?training_expiring=on") == ["Rowan Testvolunteer001"]

    # The whole list marks it in words, not only in colour
    page = client.get(LIST_URL).content.decode()
    assert "2026-06-20</span> (expires soon)" in page
    assert "(expired)" in page


def test_filter_by_capacity_left_keeps_volunteers_with_room(
    client_as: Callable[[str], Client], program: Program
) -> None:
    ready_volunteer(program, 1, capacity=1)
    assert "Rowan Testvolunteer001" in names_listed(client_as("coordinator"), "?capacity_left=on")


def test_a_nonsense_filter_shows_everyone_with_an_error_not_a_crash(
    client_as: Callable[[str], Client], program: Program
) -> None:
    ready_volunteer(program, 1)
    client = client_as("coordinator")
    response = client.get(f"{LIST_URL}?status=nonsense&page=abc")
    assert response.status_code == 200
    assert "Rowan Testvolunteer001" in names_listed(client, "?status=nonsense")
    assert "There is a problem" in response.content.decode()


def test_the_home_page_links_to_the_expiring_filter(
    client_as: Callable[[str], Client], program: Program
) -> None:
    ready_volunteer(program, 1, trained_on=date(2024, 6, 20))
    page = client_as("coordinator").get(reverse("staff_home")).content.decode()
    assert f'href="{LIST_URL}?training_expiring=on"' in page
    assert "1 volunteer with training that expires within 30 days" in page


def test_each_row_names_the_volunteers_topics_region_and_languages(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Given a volunteer whose topics, region and languages are sealed on their profile
    ready_volunteer(program, 1, topics=["grief-and-loss", "anxiety"], region="Red Deer")

    # When the coordinator opens the list
    page = client_as("coordinator").get(LIST_URL).content.decode()

    # Then the row names them (topics in the taxonomy's order), and the filters offer them
    assert '<td data-label="Topics" class="topics">Anxiety; Grief and loss</td>' in page
    assert '<td data-label="Region">Red Deer</td>' in page
    assert '<option value="red deer">Red Deer</option>' in page
    assert '<option value="english">English</option>' in page
