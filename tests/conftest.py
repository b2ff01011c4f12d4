"""Personas of STYLE.md, built once per test, and clients signed in as each of them."""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.programs import actions as program_actions
from kindred.programs.models import Program

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


def make_person(
    email: str, role: str | None, program: Program | None, *, second_factor: bool = True
) -> User:
    user = account_actions.create_account(
        email=email, full_name="Test Persona", password=PASSWORD
    )
    if role:
        account_actions.grant_role(user, role, None if role == Role.OPERATOR else program)
    if second_factor:
        TOTP.activate(user, TOTP_SECRET)
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
        "executive_director": make_person(
            "director@example.org", Role.EXECUTIVE_DIRECTOR, program
        ),
        "reporting_viewer": make_person("board@example.org", Role.REPORTING_VIEWER, program),
        "operator": make_person("operator@example.org", Role.OPERATOR, None),
    }


@pytest.fixture
def client_as(personas: dict[str, User | None]) -> Callable[[str], Client]:
    def make(name: str) -> Client:
        client = Client()
        user = personas[name]
        if user is not None:
            client.force_login(user)
        return client

    return make
