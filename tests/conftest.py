"""Personas of STYLE.md, built once per test, and clients signed in as each of them."""

from __future__ import annotations

import datetime
import importlib
import time
from collections.abc import Callable, Iterator

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.test import Client

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.intake.actions import submit_request
from kindred.intake.models import SupportRequest
from kindred.intake.participant_access import SESSION_KEY, SESSION_SEEN
from kindred.programs import actions as program_actions
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from kindred.topics.models import Topic
from kindred.volunteers import actions as volunteer_actions
from kindred.volunteers import pool
from kindred.volunteers.models import ScreeningItem, TrainingModule, VolunteerProfile

PASSWORD = "correct horse battery staple"
# A fixed, synthetic base32 secret for test authenticators (never a real person's).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

PERSONAS = (
    "anonymous",
    "volunteer",
    "other_volunteer",
    "coordinator",
    "other_coordinator",
    "executive_director",
    "reporting_viewer",
    "operator",
    "participant",
)


def totp_now(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


@pytest.fixture
def program(db: None) -> Program:
    return program_actions.create_program(
        name="Peer Support", eligible_groups=["lawyers", "articling_students", "law_students"]
    )


@pytest.fixture
def other_program(db: None) -> Program:
    return program_actions.create_program(
        name="Informal Conversations", kind="informal", eligible_groups=["judges"]
    )


def make_volunteer(
    program: Program,
    *,
    email: str = "applicant@example.org",
    full_name: str = "Juniper Ambervale",
    topics: list[str] | None = None,
    status: str = "applied",
    user: User | None = None,
    **fields: object,
) -> VolunteerProfile:
    """A synthetic volunteer who applied, moved straight to `status` (no checks run here)."""
    ensure_seed_topics()
    chosen = list(Topic.objects.filter(slug__in=topics or ["stress-and-burnout", "grief-and-loss"]))
    defaults: dict[str, object] = {
        "full_name": full_name,
        "email": email,
        "phone": "555-0100",
        "member_type": "lawyer",
        "year_of_call": 2012,
        "practice_setting": "small_firm",
        "practice_areas": ["family"],
        "region": "Calgary",
        "about_me": "I practised family law for ten years and found my way through burnout.",
        "references": [
            {"name": "Marlowe Fernsby", "contact": "marlowe@example.org"},
            {"name": "Odalys Hazelwick", "contact": "555-0101"},
        ],
        "capacity": 2,
    }
    defaults.update(fields)
    volunteer = volunteer_actions.submit_application(
        program, topics=chosen, languages=["English"], **defaults
    )
    if status != "applied" or user is not None:
        VolunteerProfile.objects.filter(pk=volunteer.pk).update(status=status, user=user)
        volunteer.refresh_from_db()
        pool.refresh(volunteer)  # the update above bypassed the actions that keep the pool
    return volunteer


def make_matchable(volunteer: VolunteerProfile, by: User) -> VolunteerProfile:
    """Screen, train (on 2026-01-15, valid two years) and sign for a volunteer: matchable."""
    for item in ScreeningItem.objects.filter(program=volunteer.program):
        volunteer_actions.record_screening(
            volunteer, item, completed_on=datetime.date(2026, 1, 5), by=by
        )
    for module in TrainingModule.objects.filter(program=volunteer.program):
        volunteer_actions.record_training(
            volunteer, module, completed_on=datetime.date(2026, 1, 15), by=by
        )
    volunteer_actions.sign_agreement(volunteer, by=volunteer.user or by)
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)
    if volunteer.status != "active":
        VolunteerProfile.objects.filter(pk=volunteer.pk).update(status="active")
        volunteer.refresh_from_db()
        pool.refresh(volunteer)
    return volunteer


def make_support_request(program: Program, **fields: object) -> SupportRequest:
    """A synthetic request for support, from the web form (no alert unless urgent)."""
    ensure_seed_topics()
    values: dict[str, object] = {
        "asker_kind": "lawyer",
        "topics": ["stress-and-burnout"],
        "free_text": "Synthetic words about a hard month at work.",
        "risk_answer": "no",
        "contact": {"methods": ["phone"], "phone": "555-0100", "leave_message": False},
    }
    values.update(fields)
    return submit_request(program, **values).request  # type: ignore[arg-type]


def make_person(
    email: str, role: str | None, program: Program | None, *, second_factor: bool = True
) -> User:
    user = account_actions.create_account(email=email, full_name="Test Persona", password=PASSWORD)
    if role:
        account_actions.grant_role(user, role, None if role == Role.OPERATOR else program)
    if second_factor:
        TOTP.activate(user, TOTP_SECRET)
    if role == Role.VOLUNTEER and program is not None:
        make_volunteer(program, email=email, status="active", user=user)
    return user


@pytest.fixture
def personas(program: Program, other_program: Program) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "volunteer": make_person("volunteer@example.org", Role.VOLUNTEER, program),
        "other_volunteer": make_person("other.volunteer@example.org", Role.VOLUNTEER, program),
        "coordinator": make_person("coordinator@example.org", Role.COORDINATOR, program),
        "other_coordinator": make_person(
            "other.coordinator@example.org", Role.COORDINATOR, other_program
        ),
        "executive_director": make_person("director@example.org", Role.EXECUTIVE_DIRECTOR, program),
        "reporting_viewer": make_person("board@example.org", Role.REPORTING_VIEWER, program),
        "operator": make_person("operator@example.org", Role.OPERATOR, None),
    }


@pytest.fixture
def participant_request(program: Program) -> SupportRequest:
    """The participant persona's own request (they have no account)."""
    return make_support_request(program, call_me="Persona participant")


@pytest.fixture
def client_as(
    personas: dict[str, User | None], request: pytest.FixtureRequest
) -> Callable[[str], Client]:
    def make(name: str) -> Client:
        client = Client()
        if name == "participant":
            # Made only when asked for, so other tests see no extra request.
            participant_request = request.getfixturevalue("participant_request")
            session = client.session
            session[SESSION_KEY] = str(participant_request.pk)
            session[SESSION_SEEN] = time.time()
            session.save()
            return client
        user = personas[name]
        if user is not None:
            client.force_login(user)
        return client

    return make


_append_only = importlib.import_module("kindred.confidential.migrations.0002_audit_append_only")


def set_audit_triggers(*, enabled: bool) -> None:
    """Turn the audit table's append-only triggers off (to tamper, as an attacker could) or on.

    Inside a test's transaction the change is rolled back with everything else.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = _append_only.SQLITE if enabled else _append_only.SQLITE_REVERSE
            for statement in statements:
                cursor.execute(statement)
        else:
            state = "ENABLE" if enabled else "DISABLE"
            cursor.execute(
                f"ALTER TABLE confidential_auditentry {state} TRIGGER audit_entry_append_only"
            )


@pytest.fixture(autouse=True)
def _audit_log_emptied_after_transactional_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a transactional test (live server, threads), Django empties every table; on SQLite it
    does so with DELETE, which the audit log's append-only trigger refuses (PostgreSQL's TRUNCATE
    does not fire it). Empty the audit table with the trigger briefly off, then restore it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not transactional:
        yield
        return
    # Set up the transactional database inside this fixture, so that it is torn down (flushed)
    # only after the clean-up below.
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor == "sqlite":
        set_audit_triggers(enabled=False)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM confidential_auditentry")
        set_audit_triggers(enabled=True)
