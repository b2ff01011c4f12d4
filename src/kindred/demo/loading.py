"""Putting the synthetic population into the database, idempotently and in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Membership, Role, User
from kindred.demo import generator
from kindred.programs import actions as program_actions
from kindred.programs.models import Program

# DEMO_PASSWORD is printed by `kindred demo`, which runs only in debug mode; never a production
# credential.
DEMO_PASSWORD = "kindred-demo-only"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    role: str
    totp_secret: str | None


# Fixed, synthetic base32 secrets so the demo's two-step codes are reproducible.
DEMO_STAFF = (
    ("coordinator@example.org", "Tamsin Larkspur", Role.COORDINATOR, "KRUG4ZLSMVSGKZDFNVXWG33P"),
    (
        "director@example.org",
        "Alaric Oakenshaw",
        Role.EXECUTIVE_DIRECTOR,
        "MRUXEZLDORXXEZDFNVXWG33P",
    ),
    (
        "board@example.org",
        "Perpetua Glimmerdale",
        Role.REPORTING_VIEWER,
        "MJXWC4TEMRSW233DN5ZGIZLN",
    ),
    ("operator@example.org", "Corvin Copperkettle", Role.OPERATOR, "N5YGK4TBORXXEZDFNVXWG33P"),
    ("volunteer@example.org", "Wren Thornbury", Role.VOLUNTEER, None),
)


def ensure_programs() -> tuple[Program, Program]:
    formal = Program.objects.filter(slug="peer-support").first() or program_actions.create_program(
        name="Peer Support",
        eligible_groups=["lawyers", "articling_students", "law_students", "judges"],
    )
    informal = Program.objects.filter(
        slug="informal-conversations"
    ).first() or program_actions.create_program(
        name="Informal Conversations", kind="informal", eligible_groups=["lawyers", "judges"]
    )
    return formal, informal


def ensure_demo_staff(program: Program) -> list[DemoSignIn]:
    sign_ins = []
    for email, name, role, secret in DEMO_STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = account_actions.create_account(
                email=email, full_name=name, password=DEMO_PASSWORD
            )
        account_actions.grant_role(user, role, None if role == Role.OPERATOR else program)
        if (
            secret
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, secret)
        sign_ins.append(DemoSignIn(email, role, secret))
    return sign_ins


def _batches(items: Iterable[generator.SyntheticVolunteer], size: int) -> Iterable[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def load_volunteers(
    program: Program,
    *,
    seed: int,
    count: int,
    batch_size: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Create `count` volunteer accounts (no password: they are invited later). Re-running with
    the same seed adds none twice. Returns how many were created."""
    created = 0
    for batch in _batches(generator.volunteers(seed, count), batch_size):
        emails = [person.email for person in batch]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        fresh = [
            User(email=person.email, full_name=person.full_name)
            for person in batch
            if person.email not in existing
        ]
        for user in fresh:
            user.set_unusable_password()
        with transaction.atomic():
            User.prepare_for_bulk_create(fresh)
            User.objects.bulk_create(fresh)
            Membership.objects.bulk_create(
                [Membership(user=user, program=program, role=Role.VOLUNTEER) for user in fresh]
            )
        created += len(fresh)
        if on_progress:
            on_progress(len(batch))
    return created
