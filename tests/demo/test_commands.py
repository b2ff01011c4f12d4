"""`kindred demo`, `kindred demo_code` and `kindred seed_demo` against a real database."""

from __future__ import annotations

import io

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from kindred.accounts.models import Membership, Role, User
from kindred.confidential.models import AuditEntry
from kindred.demo import loading
from kindred.intake.models import (
    Concern,
    RequestStatusChange,
    SupportRequest,
    TriageStatus,
)
from kindred.intake.risk import mentions_risk
from kindred.programs.models import Program
from kindred.support.models import CoordinatorTask, Match, MatchStatus, Side
from kindred.volunteers.models import VolunteerProfile
from kindred.volunteers.pipeline import Status
from kindred.volunteers.queries import is_matchable

pytestmark = pytest.mark.django_db


def run(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_demo_prints_sign_ins_and_loads_data_once(settings) -> None:
    settings.DEBUG = True
    # When the demo is prepared twice
    first = run("demo", "--no-serve")
    counts = (User.objects.count(), Membership.objects.count(), Program.objects.count())
    entries = AuditEntry.objects.count()
    second = run("demo", "--no-serve")
    # Then it printed how to sign in, with how to get two-step codes
    assert "coordinator@example.org" in first
    assert loading.DEMO_PASSWORD in first
    assert "kindred demo_code coordinator@example.org" in first
    assert "40 new demo volunteers" in first
    assert "0 new demo volunteers" in second
    assert f"{len(loading.DEMO_REQUESTS)} new demo requests" in first
    assert "0 new demo requests" in second
    assert "5 new demo matches" in first
    assert "0 new demo matches" in second
    # And where to see the matches
    assert "/volunteer/ shows a proposal and an active match" in first
    assert "/my/ shows a peer who said yes" in first
    assert "/staff/tasks/" in first
    # And nothing was created twice, not even an audit entry
    assert (User.objects.count(), Membership.objects.count(), Program.objects.count()) == counts
    assert AuditEntry.objects.count() == entries
    assert counts[2] == 2
    # The four staff and the demo volunteer (who must have one to accept a proposal)
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 5
    # And every demo program has someone to alert: the deploy check passes on the demo
    run("check", "--database", "default")


def test_demo_refuses_without_debug_mode(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="KINDRED_DEBUG=1"):
        run("demo", "--no-serve")


def test_demo_code_prints_the_current_code(settings) -> None:
    settings.DEBUG = True
    run("demo", "--no-serve")
    out = run("demo_code", "coordinator@example.org")
    expected_secret = next(
        row[3] for row in loading.DEMO_STAFF if row[0] == "coordinator@example.org"
    )
    assert f"secret: {expected_secret}" in out
    code = out.split("code:", 1)[1].split()[0]
    assert pyotp.TOTP(expected_secret).verify(code, valid_window=1)


def test_demo_code_serves_only_demo_accounts_in_debug(settings) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match=r"example\.org"):
        run("demo_code", "someone@lawfirm.test")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="demo mode"):
        run("demo_code", "coordinator@example.org")


def test_seed_demo_is_idempotent_and_encrypts_names(settings) -> None:
    settings.DEBUG = True
    out = run("seed_demo", "--volunteers", "25", "--requests", "5", "--seed", "9")
    assert "volunteers: 25 created" in out
    assert "requests: 5 created, 0 already there" in out
    assert "nobody can sign in to them" in out
    again = run("seed_demo", "--volunteers", "30", "--seed", "9")
    assert "volunteers: 5 created, 25 already there" in again
    assert VolunteerProfile.objects.count() == 30
    person = VolunteerProfile.objects.order_by("applied_at").first()
    assert person is not None
    assert " " in person.full_name  # opened from ciphertext
    # Only volunteers past screening were invited, and none has a default password
    invited = User.objects.filter(memberships__role=Role.VOLUNTEER)
    assert invited.count() == VolunteerProfile.objects.filter(user__isnull=False).count()
    assert not any(user.has_usable_password() for user in invited)


def test_the_demo_shows_volunteers_at_every_step(settings) -> None:
    settings.DEBUG = True
    run("demo", "--no-serve")

    statuses = set(VolunteerProfile.objects.values_list("status", flat=True))

    assert statuses == set(Status)
    # The demo volunteer account can be matched
    demo_volunteer = VolunteerProfile.objects.get(user__email="volunteer@example.org")
    assert is_matchable(demo_volunteer).ok


def test_the_demo_shows_requests_in_every_triage_status_and_a_concern(settings) -> None:
    settings.DEBUG = True
    run("demo", "--no-serve")

    requests = SupportRequest.objects.all()
    assert set(requests.values_list("status", flat=True)) == set(TriageStatus)
    assert requests.filter(urgent=True, status=TriageStatus.NEW).exists()
    assert Concern.objects.exists()
    # Taken through the actions: every request has a history that ends in its status, and
    # whoever moved it on is the demo coordinator (or the participant who withdrew)
    for request in requests:
        changes = list(request.status_changes.all())
        assert changes[0].to_status == TriageStatus.NEW
        assert changes[-1].to_status == request.status
    contacted = requests.exclude(status__in=["new", "duplicate", "withdrawn"])
    assert all(request.first_contact_at for request in contacted)
    movers = set(
        RequestStatusChange.objects.exclude(from_status="").values_list(
            "changed_by__email", flat=True
        )
    )
    assert movers == {"coordinator@example.org", None}


def test_seed_demo_stores_requests_in_every_status_without_passphrases(settings) -> None:
    settings.DEBUG = True
    # Given seeded requests, stored twice with the same seed
    out = run("seed_demo", "--volunteers", "0", "--requests", "120", "--seed", "3")
    again = run("seed_demo", "--volunteers", "0", "--requests", "130", "--seed", "3")

    # Then each is stored once, in every triage status, with the history that leads there
    assert "requests: 120 created, 0 already there (seed 3)" in out
    assert "requests: 10 created, 120 already there (seed 3)" in again
    requests = SupportRequest.objects.all()
    assert requests.count() == 130
    # Every status but the two a match sets: seeded requests have no matches, and a "matched"
    # request without one would contradict itself.
    assert set(requests.values_list("status", flat=True)) == set(TriageStatus) - {
        TriageStatus.PROPOSED,
        TriageStatus.MATCHED,
    }
    assert requests.filter(urgent=True).exists()
    assert len(set(requests.values_list("reference", flat=True))) == 130
    # Nobody can sign in to a seeded request: no passphrase was ever made
    assert set(requests.values_list("passphrase_hash", flat=True)) == {""}
    sample = requests.order_by("created_at").first()
    assert sample is not None
    assert sample.topics
    assert not mentions_risk(sample.free_text)
    for request in requests.prefetch_related("status_changes"):
        changes = list(request.status_changes.all())
        assert changes[-1].to_status == request.status
        assert (request.first_contact_at is not None) == any(
            change.to_status == TriageStatus.CONTACTED for change in changes
        )


def test_the_demo_shows_proposals_active_matches_and_a_change_of_peer(settings) -> None:
    settings.DEBUG = True
    run("demo", "--no-serve")

    demo_volunteer = VolunteerProfile.objects.get(user__email="volunteer@example.org")
    named = loading.demo_requests_by_name(Program.objects.get(slug="peer-support"))
    # A proposal waits for the demo volunteer, and the demo participant's waits for them
    robin = Match.objects.get(request=named["Robin"])
    assert robin.status == MatchStatus.AWAITING_VOLUNTEER
    assert robin.volunteer == demo_volunteer
    assert robin.note_for_volunteer
    sam = Match.objects.get(request=named["Sam"])
    assert sam.status == MatchStatus.AWAITING_PARTICIPANT
    assert named["Sam"].reference == loading.demo_participant_reference(named["Sam"].program)
    # Two active matches with contacts logged, one of them the demo volunteer's
    active = Match.objects.filter(status=MatchStatus.ACTIVE)
    assert active.count() == 2
    assert all(match.contacts.exists() for match in active)
    assert active.filter(volunteer=demo_volunteer, request=named["Ari"]).exists()
    # A change of peer, asked by the participant with a reason, and a second peer since
    changed = Match.objects.get(status=MatchStatus.CHANGED)
    assert changed.request == named["Kit"]
    assert changed.change_asked_by == Side.PARTICIPANT
    assert changed.change_reason
    second = active.get(request=named["Kit"])
    assert second.volunteer != changed.volunteer
    assert CoordinatorTask.objects.filter(resolved_at__isnull=True).exists()
    # Made through the actions: the requests' statuses follow, each step is audited
    statuses = {name: request.status for name, request in demo_requests().items()}
    assert statuses["Robin"] == statuses["Sam"] == TriageStatus.PROPOSED
    assert statuses["Ari"] == statuses["Kit"] == TriageStatus.MATCHED
    assert AuditEntry.objects.filter(object_type="match").count() > 10
    # And the demo volunteer still has room for one more
    assert is_matchable(demo_volunteer).ok


def demo_requests() -> dict[str, SupportRequest]:
    return loading.demo_requests_by_name(Program.objects.get(slug="peer-support"))
