"""The kept matching pool (kindred.volunteers.pool): verdicts that hold until a date, a version
that every write increases and every reader notices, entries sealed with the program's pool
key, and the staff list's filters served from the decrypted pool."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from kindred.accounts.models import Role, User
from kindred.confidential import crypto
from kindred.matching import pool as matching_pool
from kindred.matching.queries import rank_for
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import actions
from kindred.volunteers import pool as kept_pool
from kindred.volunteers.models import (
    PoolEntry,
    PoolVersion,
    ScreeningItem,
    TrainingModule,
    VolunteerProfile,
)
from kindred.volunteers.queries import ListFilters, filtered_volunteers
from tests.conftest import make_person, make_support_request, make_volunteer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.get_default_timezone())
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def frozen_clock() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(program: Program) -> User:
    return make_person("coordinator@example.org", Role.COORDINATOR, program)


def applied(program: Program, number: int, **fields: Any) -> VolunteerProfile:
    return make_volunteer(
        program, email=f"kept{number}@example.org", full_name=f"Tobiah Wrenfield{number}", **fields
    )


def ready(
    volunteer: VolunteerProfile, by: User, *, trained_on: date = date(2026, 1, 15)
) -> VolunteerProfile:
    """Active, screened, trained on `trained_on` (valid 24 months) and signed: all by actions."""
    for step in ("screening", "training", "active"):
        actions.change_status(VolunteerProfile.objects.get(pk=volunteer.pk), step, by=by)
    for item in ScreeningItem.objects.filter(program=volunteer.program):
        actions.record_screening(volunteer, item, completed_on=date(2026, 1, 5), by=by)
    for module in TrainingModule.objects.filter(program=volunteer.program):
        actions.record_training(volunteer, module, completed_on=trained_on, by=by)
    actions.sign_agreement(volunteer, by=by)
    return VolunteerProfile.objects.get(pk=volunteer.pk)


def entry(volunteer: VolunteerProfile) -> kept_pool.Entry:
    return kept_pool.snapshot(volunteer.program).by_volunteer()[volunteer.pk]


def version(program: Program) -> int:
    return PoolVersion.objects.get(program=program).version


# --- Verdicts that hold until a date -------------------------------------------------------------


def test_training_expiring_tomorrow_is_matchable_today_and_not_after(
    program: Program, coordinator: User
) -> None:
    # Given training completed exactly 24 months before tomorrow
    volunteer = ready(applied(program, 1), coordinator, trained_on=date(2024, 11, 23))
    kept = entry(volunteer)

    # Then the kept verdict holds until tomorrow, and says so in its plain column
    assert kept.valid_until == TODAY + timedelta(days=1)
    assert PoolEntry.objects.get(volunteer=volunteer).valid_until == TODAY + timedelta(days=1)
    assert kept.verdict(TODAY).ok
    # And tomorrow it is evaluated again from the sealed facts, with no write in between
    tomorrow = kept.verdict(TODAY + timedelta(days=1))
    assert tomorrow.reason == "training 'Orientation' expired on 2026-11-23"
    # And ranking tomorrow leaves them out with that reason
    request = make_support_request(program)
    later = NOW + timedelta(days=1)
    ranking = rank_for(request, at=later)
    assert [c.volunteer.pk for c in ranking.candidates] == []
    assert [(o.volunteer.pk, o.reason) for o in ranking.left_out] == [
        (volunteer.pk, tomorrow.reason)
    ]
    assert [c.volunteer.pk for c in rank_for(request).candidates] == [volunteer.pk]


def test_a_pause_ends_on_its_day_without_a_write(program: Program, coordinator: User) -> None:
    volunteer = ready(applied(program, 1), coordinator)
    until = TODAY + timedelta(days=3)
    actions.pause(volunteer, until=until, by=coordinator)
    kept = entry(volunteer)

    assert kept.valid_until == until
    assert kept.verdict(TODAY).reason == f"paused until {until.isoformat()}"
    assert kept.verdict(until - timedelta(days=1)).reason == f"paused until {until.isoformat()}"
    assert kept.verdict(until).ok


def test_an_entry_read_for_an_earlier_day_is_evaluated_for_that_day(
    program: Program, coordinator: User
) -> None:
    # Trained today: the kept verdict was computed today, and says nothing of yesterday
    volunteer = ready(applied(program, 1), coordinator, trained_on=TODAY)
    assert entry(volunteer).verdict(TODAY).ok
    assert entry(volunteer).verdict(TODAY - timedelta(days=1)).ok  # training has no start
    actions.pause(volunteer, until=TODAY + timedelta(days=2), by=coordinator)
    assert not entry(volunteer).verdict(TODAY - timedelta(days=1)).ok


# --- The version and the caches ------------------------------------------------------------------


def test_every_write_increases_the_version_and_a_reader_notices(
    program: Program, coordinator: User
) -> None:
    volunteer = applied(program, 1)
    seen = kept_pool.snapshot(program)
    assert seen.by_volunteer()[volunteer.pk].facts.status == "applied"
    before = version(program)

    writes = [
        lambda: actions.change_status(volunteer, "screening", by=coordinator),
        lambda: actions.set_capacity(volunteer, 1, by=coordinator),
        lambda: actions.update_profile(volunteer, by=coordinator, region="Lethbridge"),
        lambda: actions.publish_agreement(program, "Version two.", by=coordinator),
    ]
    for write in writes:
        write()
        after = version(program)
        assert after > before
        before = after
    # The same process, holding the old pool, reads the new one
    now_seen = kept_pool.snapshot(program)
    assert now_seen.version == before
    found = now_seen.by_volunteer()[volunteer.pk]
    assert (found.facts.status, found.facts.capacity, found.features.region) == (
        "screening",
        1,
        "lethbridge",
    )
    assert found.facts.current_agreement == 2


def test_a_warm_read_is_one_query_and_a_cold_one_two(program: Program, coordinator: User) -> None:
    for number in range(4):
        applied(program, number)
    kept_pool.clear_cache()  # a new process

    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cold:
        first = kept_pool.snapshot(program)
    with CaptureQueriesContext(connection) as warm:
        second = kept_pool.snapshot(program)

    assert len(cold.captured_queries) == 2
    assert len(warm.captured_queries) == 1
    assert second is first
    assert len(first.entries) == 4


def test_a_second_process_reads_what_the_first_wrote(program: Program, coordinator: User) -> None:
    # Given a process that read the pool
    volunteer = applied(program, 1)
    first_process = kept_pool.snapshot(program)
    # When another process changes a volunteer (its own write, then its own cold read)
    actions.set_capacity(volunteer, 1, by=coordinator)
    kept_pool.clear_cache()
    second_process = kept_pool.snapshot(program)
    # Then the first process's next read is the same as the second's
    assert kept_pool.snapshot(program).entries == second_process.entries
    assert second_process.version == first_process.version + 1


def test_a_rolled_back_write_is_never_served_from_the_cache(
    program: Program, coordinator: User
) -> None:
    volunteer = applied(program, 1, capacity=2)
    kept_pool.snapshot(program)
    # A write read back inside its transaction, then rolled back
    with transaction.atomic():
        actions.set_capacity(volunteer, 1, by=coordinator)
        assert entry(volunteer).facts.capacity == 1
        transaction.set_rollback(True)
    # And another write that takes the same version number
    actions.update_profile(
        VolunteerProfile.objects.get(pk=volunteer.pk), by=coordinator, region="Banff"
    )
    found = entry(volunteer)
    assert (found.facts.capacity, found.features.region) == (2, "banff")


def test_the_engine_columns_are_kept_per_version(program: Program, coordinator: User) -> None:
    volunteer = ready(applied(program, 1), coordinator)
    first = matching_pool.load_pool(program)
    assert matching_pool.load_pool(program).population is first.population
    actions.set_capacity(volunteer, 1, by=coordinator)
    assert matching_pool.load_pool(program).population is not first.population


# --- Sealed ------------------------------------------------------------------------------------


def test_an_entry_holds_no_plaintext_and_cannot_be_moved_to_another_row(
    program: Program, coordinator: User
) -> None:
    alcohol = Topic.objects.get(slug="alcohol-use")
    first = applied(program, 1, region="Medicine Hat")
    actions.update_profile(
        first, by=coordinator, topics=[alcohol], recovery_years={alcohol.slug: 5}
    )
    second = applied(program, 2)
    rows = {row.volunteer_id: row for row in PoolEntry.objects.all()}

    sealed = rows[first.pk].sealed
    assert sealed.startswith(crypto.TOKEN_PREFIX)
    for plain in ("alcohol", "Alcohol", "medicine", "Medicine", "recovery"):
        assert plain not in sealed
    # A token copied onto another volunteer's row does not open there
    PoolEntry.objects.filter(volunteer=second).update(sealed=sealed)
    kept_pool.clear_cache()
    with pytest.raises(crypto.DecryptionError):
        kept_pool.snapshot(program)


def test_a_program_has_its_own_pool_key(program: Program, other_program: Program) -> None:
    applied(program, 1)
    applied(other_program, 2)
    keys = set(PoolVersion.objects.values_list("data_key_id", flat=True))
    assert len(keys) == 2


# --- The staff list's filters ------------------------------------------------------------------


def listed(program: Program, **filters: Any) -> set[str]:
    chosen = filtered_volunteers(
        VolunteerProfile.objects.filter(program=program), ListFilters(**filters), TODAY
    )
    return {volunteer.full_name for volunteer in chosen}


def test_the_list_filters_read_the_pool(program: Program, coordinator: User) -> None:
    anxiety = Topic.objects.get(slug="anxiety")
    calgary = applied(program, 1, region="Calgary", topics=["anxiety"])
    actions.update_profile(calgary, by=coordinator, languages=["English", "French"])
    applied(program, 2, region="Edmonton", topics=["grief-and-loss"])
    full = ready(applied(program, 3, region="calgary", capacity=1), coordinator)
    actions.update_profile(full, by=coordinator, topics=[anxiety])
    # The third has no place left: one open match (as support tells the pool)
    kept_pool.matches_changed(full, open_matches=1)

    assert listed(program, topic="anxiety") == {"Tobiah Wrenfield1", "Tobiah Wrenfield3"}
    assert listed(program, region="CALGARY") == {"Tobiah Wrenfield1", "Tobiah Wrenfield3"}
    assert listed(program, language="french") == {"Tobiah Wrenfield1"}
    assert listed(program, capacity_left=True) == {"Tobiah Wrenfield1", "Tobiah Wrenfield2"}
    assert listed(program, topic="anxiety", capacity_left=True) == {"Tobiah Wrenfield1"}
    assert listed(program, topic="alcohol-use") == set()


def test_the_list_filters_never_reach_another_program(
    program: Program, other_program: Program
) -> None:
    applied(program, 1, region="Calgary")
    applied(other_program, 2, region="Calgary")
    both = VolunteerProfile.objects.filter(program__in=[program, other_program])
    only_mine = VolunteerProfile.objects.filter(program=program)
    assert len(filtered_volunteers(both, ListFilters(region="Calgary"), TODAY)) == 2
    assert [
        v.full_name for v in filtered_volunteers(only_mine, ListFilters(region="Calgary"), TODAY)
    ] == ["Tobiah Wrenfield1"]


# --- A stale copy is patched, not re-read whole -------------------------------------------------


def test_after_another_write_only_the_changed_entries_are_read_again(
    program: Program, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test.utils import CaptureQueriesContext

    # Given a process holding a pool of 12 volunteers
    volunteers = [applied(program, number) for number in range(12)]
    kept_pool.clear_cache()
    kept_pool.snapshot(program)
    # When another process changes one of them
    actions.set_capacity(volunteers[3], 1, by=coordinator)
    opened: list[object] = []
    real_open = kept_pool._open

    def counting_open(*args: Any) -> kept_pool.Entry:
        opened.append(args[0][0])
        return real_open(*args)

    monkeypatch.setattr(kept_pool, "_open", counting_open)
    with CaptureQueriesContext(connection) as captured:
        patched = kept_pool.snapshot(program)
    # Then this process decrypts that one entry again, in three queries, whatever the pool's size
    assert opened == [volunteers[3].pk]
    assert len(captured.captured_queries) == 3
    # And holds what a new process would read
    monkeypatch.setattr(kept_pool, "_open", real_open)
    kept_pool.clear_cache()
    fresh = kept_pool.snapshot(program)
    assert patched.entries == fresh.entries
    assert patched.written == fresh.written
    assert patched.by_volunteer()[volunteers[3].pk].facts.capacity == 1


def test_a_patched_copy_drops_a_rolled_back_write_and_a_deleted_volunteer(
    program: Program, coordinator: User
) -> None:
    volunteers = [applied(program, number, capacity=2) for number in range(12)]
    kept_pool.snapshot(program)
    with transaction.atomic():
        actions.set_capacity(volunteers[0], 1, by=coordinator)
        assert entry(volunteers[0]).facts.capacity == 1
        transaction.set_rollback(True)
    VolunteerProfile.objects.get(pk=volunteers[1].pk).delete()
    actions.update_profile(
        VolunteerProfile.objects.get(pk=volunteers[2].pk), by=coordinator, region="Banff"
    )
    found = kept_pool.snapshot(program).by_volunteer()
    assert found[volunteers[0].pk].facts.capacity == 2
    assert volunteers[1].pk not in found
    assert found[volunteers[2].pk].features.region == "banff"
    kept_pool.clear_cache()
    assert kept_pool.snapshot(program).by_volunteer() == found
