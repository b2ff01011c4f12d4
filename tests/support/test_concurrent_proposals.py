"""Proposals made at the same moment, each thread with its own database connection, as two
coordinators (or twenty browser tabs) would: capacity is never exceeded, a request never gets two
open proposals, and a refused proposal leaves nothing behind (no status change, no audit entry).

Run on SQLite (IMMEDIATE transactions queue the writers) and on PostgreSQL (row locks), with
DATABASE_URL set for the latter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pytest
from django.db import connection

from kindred.accounts.models import Role, User
from kindred.confidential.models import AuditEntry
from kindred.intake.models import RequestStatusChange, SupportRequest, TriageStatus
from kindred.programs.models import Program
from kindred.support.actions import MatchActionRefused, propose_match
from kindred.support.models import OPEN_MATCH_STATUSES, Match
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_person
from tests.support.conftest import another_waiting_request

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def all_at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run every call in its own thread, released together by a barrier; each call's result, or
    the exception it raised, in the order of `calls`."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            outcomes[index] = calls[index]()
        except BaseException as error:  # reported by the main thread
            outcomes[index] = error
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a proposal never finished"
    return outcomes


def test_twenty_proposals_for_a_volunteer_with_room_for_two(
    program: Program, volunteer: VolunteerProfile, coordinator: User
) -> None:
    # Given a matchable volunteer with room for two people and twenty waiting requests
    assert volunteer.capacity == 2
    waiting = [another_waiting_request(program, coordinator) for _ in range(REQUESTS)]
    changes_before = {
        r.pk: list(RequestStatusChange.objects.filter(request=r).values_list("pk", flat=True))
        for r in waiting
    }
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))

    # When twenty proposals of that volunteer are made at the same moment
    outcomes = all_at_once([partial(propose_match, r, volunteer, by=coordinator) for r in waiting])

    # Then exactly two succeed and eighteen are refused for capacity, with a clear message
    made = [o for o in outcomes if isinstance(o, Match)]
    refused = [o for o in outcomes if isinstance(o, MatchActionRefused)]
    unexpected = [o for o in outcomes if not isinstance(o, Match | MatchActionRefused)]
    assert unexpected == []
    assert len(made) == 2
    assert len(refused) == REQUESTS - 2
    assert all("no capacity left" in str(error) for error in refused)

    # And the database holds exactly those two open matches for the volunteer
    open_matches = Match.objects.filter(volunteer=volunteer, status__in=OPEN_MATCH_STATUSES)
    assert sorted(open_matches.values_list("pk", flat=True)) == sorted(m.pk for m in made)
    assert Match.objects.count() == 2
    winners = {m.request_id for m in made}
    losers = [r for r in waiting if r.pk not in winners]
    assert len(losers) == REQUESTS - 2
    for r in waiting:
        r.refresh_from_db()
        expected = TriageStatus.PROPOSED if r.pk in winners else TriageStatus.AWAITING_MATCH
        assert r.status == expected
        after = list(RequestStatusChange.objects.filter(request=r).values_list("pk", flat=True))
        if r.pk in winners:
            assert after[: len(changes_before[r.pk])] == changes_before[r.pk]
            assert len(after) == len(changes_before[r.pk]) + 1
        else:
            # No status change written for a refused proposal, beyond the setup's own.
            assert after == changes_before[r.pk]

    # And no audit entry describes a proposal that did not happen
    new_entries = AuditEntry.objects.exclude(pk__in=audit_before)
    assert not new_entries.filter(
        object_type="support_request", object_id__in=[str(r.pk) for r in losers]
    ).exists()
    assert sorted(
        new_entries.filter(purpose="proposed to a volunteer").values_list("object_id", flat=True)
    ) == sorted(str(m.pk) for m in made)
    assert set(new_entries.values_list("object_type", "object_id")) <= {
        *(("match", str(m.pk)) for m in made),
        *(("support_request", str(pk)) for pk in winners),
    }


def test_two_coordinators_propose_different_volunteers_for_one_request(
    program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    other_volunteer: VolunteerProfile,
    coordinator: User,
) -> None:
    # Given a second coordinator of the same program
    second = make_person("second.coordinator@example.org", Role.COORDINATOR, program)
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))
    changes_before = RequestStatusChange.objects.filter(request=waiting).count()

    # When each proposes a different volunteer for the same request at the same moment
    outcomes = all_at_once(
        [
            lambda: propose_match(waiting, volunteer, by=coordinator),
            lambda: propose_match(waiting, other_volunteer, by=second),
        ]
    )

    # Then exactly one proposal is made and the other is refused, saying why
    made = [o for o in outcomes if isinstance(o, Match)]
    refused = [o for o in outcomes if isinstance(o, MatchActionRefused)]
    assert len(made) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert str(refused[0]) in (
        "This request is not waiting for a peer.",
        "This request already has a proposal or an active match.",
    )
    assert list(Match.objects.filter(request=waiting).values_list("pk", flat=True)) == [made[0].pk]
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.PROPOSED
    assert RequestStatusChange.objects.filter(request=waiting).count() == changes_before + 1
    proposals = AuditEntry.objects.exclude(pk__in=audit_before).filter(
        purpose="proposed to a volunteer"
    )
    assert list(proposals.values_list("object_id", flat=True)) == [str(made[0].pk)]
    # The volunteer who was not proposed has no open match.
    loser = other_volunteer if made[0].volunteer_id == volunteer.pk else volunteer
    assert not Match.objects.filter(volunteer=loser).exists()
