"""The kept pool equals a rebuild from scratch after any sequence of volunteer and match
actions (hypothesis), and `kindred rebuild_pool` says so (or says what differs)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.accounts.models import Role, User
from kindred.intake import actions as intake_actions
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.programs.models import Program
from kindred.support import actions as support_actions
from kindred.support.match_facts import open_match_counts
from kindred.support.models import ClosureReason, Match, MatchStatus, Side
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
from kindred.volunteers.pipeline import Status, can_move
from kindred.volunteers.queries import is_matchable
from tests.conftest import make_person, make_support_request, make_volunteer

pytestmark = pytest.mark.django_db

VOLUNTEERS = 3
REQUESTS = 3
TOPIC_CHOICES = ("stress-and-burnout", "grief-and-loss", "anxiety", "alcohol-use")
ACTIONS = (
    "status",
    "ready",
    "screen",
    "train",
    "publish",
    "sign",
    "pause",
    "resume",
    "capacity",
    "topics",
    "profile",
    "program",
    "propose",
    "volunteer answers",
    "participant answers",
    "withdraw",
    "close",
    "change of peer",
    "lapse",
    "request withdrawn",
)

MATCH_ACTIONS = ACTIONS[-8:]


@pytest.fixture
def coordinator(program: Program) -> User:
    return make_person("coordinator@example.org", Role.COORDINATOR, program)


@pytest.fixture
def cast(program: Program, coordinator: User) -> tuple[list[Any], list[Any]]:
    """Volunteers who applied (through the action) and requests waiting for a peer."""
    volunteers = [
        make_volunteer(
            program, email=f"pool{number}@example.org", full_name=f"Ione Castellan{number}"
        ).pk
        for number in range(VOLUNTEERS)
    ]
    # Two of them matchable from the start, so the match actions have someone to work with.
    for pk in volunteers[:2]:
        _ready(_volunteer(pk), coordinator)
    requests = []
    for _ in range(REQUESTS):
        item = make_support_request(program)
        intake_actions.change_status(item, TriageStatus.AWAITING_MATCH, by=coordinator)
        requests.append(item.pk)
    return volunteers, requests


def _volunteer(pk: Any) -> VolunteerProfile:
    return VolunteerProfile.objects.select_related("program").get(pk=pk)


def _open_match(volunteer_pk: Any, status: str) -> Match | None:
    return Match.objects.filter(volunteer_id=volunteer_pk, status=status).first()


def _ready(volunteer: VolunteerProfile, coordinator: User) -> None:
    """Everything that makes a volunteer matchable, through the actions only."""
    for step in (Status.SCREENING, Status.TRAINING, Status.ACTIVE):
        current = _volunteer(volunteer.pk)
        if can_move(current.status, step):
            actions.change_status(current, step, by=coordinator)
    for item in ScreeningItem.objects.filter(program=volunteer.program):
        actions.record_screening(volunteer, item, completed_on=date(2026, 1, 5), by=coordinator)
    for module in TrainingModule.objects.filter(program=volunteer.program):
        actions.record_training(
            volunteer,
            module,
            completed_on=timezone.localdate() - timedelta(days=60),
            by=coordinator,
        )
    actions.sign_agreement(_volunteer(volunteer.pk), by=coordinator)


def _act(name: str, volunteer_pk: Any, value: int, requests: list[Any], coordinator: User) -> None:
    volunteer = _volunteer(volunteer_pk)
    program = volunteer.program
    today = timezone.localdate()
    try:
        if name == "status":
            target = list(Status)[value % len(Status)]
            if can_move(volunteer.status, target):
                actions.change_status(volunteer, target, by=coordinator, declined_reason="x")
        elif name == "ready":
            _ready(volunteer, coordinator)
        elif name == "screen":
            items = list(ScreeningItem.objects.filter(program=program))
            actions.record_screening(
                volunteer, items[value % len(items)], completed_on=today, by=coordinator
            )
        elif name == "train":
            modules = list(TrainingModule.objects.filter(program=program))
            actions.record_training(
                volunteer,
                modules[value % len(modules)],
                completed_on=today - timedelta(days=value * 9),
                by=coordinator,
            )
        elif name == "publish":
            actions.publish_agreement(program, f"Synthetic agreement {value}.", by=coordinator)
        elif name == "sign":
            actions.sign_agreement(volunteer, by=coordinator)
        elif name == "pause":
            actions.pause(volunteer, until=today + timedelta(days=1 + value), by=coordinator)
        elif name == "resume":
            actions.resume(volunteer, by=coordinator)
        elif name == "capacity":
            actions.set_capacity(volunteer, 1 + value % 3, by=coordinator)
        elif name == "topics":
            chosen = [slug for bit, slug in enumerate(TOPIC_CHOICES) if value >> bit & 1]
            actions.update_profile(
                volunteer,
                by=coordinator,
                topics=list(Topic.objects.filter(slug__in=chosen or TOPIC_CHOICES[:1])),
                recovery_years={"alcohol-use": value % 4},
            )
        elif name == "profile":
            actions.update_profile(
                volunteer,
                by=coordinator,
                languages=[["English"], ["French"], ["English", "Cree"]][value % 3],
                region=["Calgary", "Edmonton", "Red Deer"][value % 3],
                practice_areas=[["Family law"], ["criminal"], []][value % 3],
                identity_consent=value % 2 == 0,
                identity={"lgbtq": value % 3 == 0, "gender": ["woman", "man", ""][value % 3]},
                full_name=f"Ione Castellan{value}",
                firm=["Smith & Jones LLP", None][value % 2],
            )
        elif name == "program":
            program.capacity_cap = 1 + value % 3
            program.min_recovery_years = value % 4
            program.save()
        elif name == "propose":
            support_request = SupportRequest.objects.get(pk=requests[value % len(requests)])
            support_actions.propose_match(support_request, volunteer, by=coordinator)
        elif name == "volunteer answers":
            match = _open_match(volunteer_pk, MatchStatus.AWAITING_VOLUNTEER)
            if match is not None:
                support_actions.answer_as_volunteer(match, accept=value % 2 == 0, by=coordinator)
        elif name == "participant answers":
            match = _open_match(volunteer_pk, MatchStatus.AWAITING_PARTICIPANT)
            if match is not None:
                support_actions.answer_as_participant(match, accept=value % 2 == 0)
        elif name == "withdraw":
            match = _open_match(volunteer_pk, MatchStatus.AWAITING_VOLUNTEER)
            if match is not None:
                support_actions.withdraw_proposal(match, by=coordinator)
        elif name == "close":
            match = _open_match(volunteer_pk, MatchStatus.ACTIVE)
            if match is not None:
                support_actions.close_match(match, reason=ClosureReason.COMPLETED, by=coordinator)
        elif name == "change of peer":
            match = _open_match(volunteer_pk, MatchStatus.ACTIVE)
            if match is not None:
                support_actions.request_change_of_peer(match, side=Side.PARTICIPANT)
        elif name == "lapse":
            support_actions.expire_overdue_proposals(at=timezone.now() + timedelta(days=60))
        elif name == "request withdrawn":
            match = Match.objects.filter(volunteer_id=volunteer_pk).order_by("pk").last()
            if match is not None and match.request.status not in ("withdrawn", "closed"):
                intake_actions.withdraw(match.request)
    except (support_actions.MatchActionRefused, actions.ValidationError):
        pass  # refused: nothing was written, which the pool must also reflect


steps = st.lists(
    st.tuples(
        # The match actions twice as often: they only do something after a proposal.
        st.sampled_from(ACTIONS + MATCH_ACTIONS),
        st.integers(0, VOLUNTEERS - 1),
        st.integers(0, 15),
    ),
    min_size=1,
    max_size=20,
)


# Each example runs inside a savepoint rolled back at its end, so the function-scoped fixtures
# are the same for every example (and the pool's caches must notice the rollback).
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_after_any_sequence_of_actions_a_rebuild_changes_nothing(
    program: Program,
    coordinator: User,
    cast: tuple[list[Any], list[Any]],
    sequence: list[tuple[str, int, int]],
) -> None:
    volunteers, requests = cast
    with transaction.atomic():
        for name, who, value in sequence:
            _act(name, volunteers[who], value, requests, coordinator)

        fresh = Program.objects.get(pk=program.pk)
        assert kept_pool.differences(fresh, open_match_counts(fresh)) == 0
        # And what the pool says of each volunteer is what is_matchable says of them now.
        kept = kept_pool.snapshot(fresh).by_volunteer()
        today = timezone.localdate()
        for pk in volunteers:
            live = is_matchable(
                kept_pool.with_matchability_data(VolunteerProfile.objects.filter(pk=pk)).get()
            )
            assert kept[pk].verdict(today) == live
            assert kept[pk].open_matches == open_match_counts(fresh).get(pk, 0)
        transaction.set_rollback(True)


# Every match action at least once, in an order that lets each one act, checked step by step.
LIFECYCLE = (
    ("propose", 0, 0),
    ("volunteer answers", 0, 0),  # yes
    ("participant answers", 0, 0),  # yes: active
    ("capacity", 0, 1),  # two places: the next proposal fits beside the active match
    ("propose", 0, 1),
    ("withdraw", 0, 0),
    ("propose", 1, 1),
    ("volunteer answers", 1, 1),  # no
    ("propose", 1, 2),
    ("lapse", 1, 0),
    ("change of peer", 0, 0),
    ("propose", 0, 1),
    ("volunteer answers", 0, 0),
    ("participant answers", 0, 1),  # no
    ("propose", 1, 0),
    ("volunteer answers", 1, 0),
    ("participant answers", 1, 0),
    ("close", 1, 0),
    ("propose", 0, 2),
    ("request withdrawn", 0, 0),
    ("program", 0, 2),
    ("publish", 0, 1),
)


def test_every_match_action_keeps_the_pool_equal_to_a_rebuild(
    program: Program, coordinator: User, cast: tuple[list[Any], list[Any]]
) -> None:
    volunteers, requests = cast
    for step in LIFECYCLE:
        name, who, value = step
        _act(name, volunteers[who], value, requests, coordinator)
        assert kept_pool.differences(program, open_match_counts(program)) == 0, step
    # The lifecycle really went through every kind of ending
    assert set(Match.objects.values_list("status", flat=True)) >= {
        MatchStatus.WITHDRAWN,
        MatchStatus.DECLINED_BY_VOLUNTEER,
        MatchStatus.DECLINED_BY_PARTICIPANT,
        MatchStatus.EXPIRED,
        MatchStatus.CHANGED,
        MatchStatus.CLOSED,
    }


def test_the_first_read_of_an_upgraded_program_builds_its_pool_with_open_matches(
    program: Program, coordinator: User, cast: tuple[list[Any], list[Any]]
) -> None:
    # Given a volunteer with an open proposal, and an installation from before the pool
    volunteers, requests = cast
    volunteer = _volunteer(volunteers[0])
    _ready(volunteer, coordinator)
    support_actions.propose_match(
        SupportRequest.objects.get(pk=requests[0]), volunteer, by=coordinator
    )
    PoolEntry.objects.all().delete()
    PoolVersion.objects.all().delete()
    kept_pool.clear_cache()

    # When the pool is first read
    snapshot = kept_pool.snapshot(program)

    # Then it is built whole, the open proposal counted (support's counter, registered at start)
    assert {entry.volunteer_id for entry in snapshot.entries} == set(volunteers)
    assert snapshot.by_volunteer()[volunteer.pk].open_matches == 1
    assert kept_pool.differences(program, open_match_counts(program)) == 0


def test_rebuild_pool_check_finds_nothing_and_then_what_was_tampered_with(
    program: Program, cast: tuple[list[Any], list[Any]]
) -> None:
    out = StringIO()
    call_command("rebuild_pool", "--check", stdout=out)
    assert f"program {program.pk}: 0 entries would change" in out.getvalue()

    # A stale entry (written past the actions) is found by --check, which changes nothing
    volunteers, _ = cast
    PoolEntry.objects.filter(volunteer_id=volunteers[0]).update(capacity_left=3)
    with pytest.raises(SystemExit) as exited:
        call_command("rebuild_pool", "--check", f"--program={program.pk}", stdout=StringIO())
    assert exited.value.code == 1

    # And the rebuild mends it, saying how many entries changed and nothing else
    out = StringIO()
    call_command("rebuild_pool", f"--program={program.pk}", stdout=out)
    assert out.getvalue().strip() == f"program {program.pk}: 1 entry changed"
    assert kept_pool.differences(program, open_match_counts(program)) == 0
