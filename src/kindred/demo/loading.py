"""Putting the synthetic population into the database, idempotently and in batches."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import islice

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Membership, Role, User
from kindred.confidential import keys
from kindred.demo import generator
from kindred.programs import actions as program_actions
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from kindred.topics.models import Topic
from kindred.volunteers import actions as volunteer_actions
from kindred.volunteers.matchability import add_months
from kindred.volunteers.models import (
    Agreement,
    AgreementSignature,
    ScreeningItem,
    ScreeningRecord,
    StatusChange,
    TrainingCompletion,
    TrainingModule,
    VolunteerProfile,
)

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


# Volunteers at these steps have been invited and have an account.
WITH_ACCOUNT = {"training", "active", "paused", "retired"}
SCREENED = {"training", "active", "paused", "retired"}
TRAINED = {"active", "paused", "retired"}


@dataclass
class _ProgramSetUp:
    screening: list[ScreeningItem]
    modules: list[TrainingModule]
    agreement: Agreement | None
    topics: dict[str, Topic]

    @classmethod
    def load(cls, program: Program) -> _ProgramSetUp:
        ensure_seed_topics()
        return cls(
            screening=list(ScreeningItem.objects.filter(program=program)),
            modules=list(TrainingModule.objects.filter(program=program)),
            agreement=Agreement.objects.filter(program=program).order_by("-version").first(),
            topics={topic.slug: topic for topic in Topic.objects.all()},
        )


def load_volunteers(
    program: Program,
    *,
    seed: int,
    count: int,
    batch_size: int = 2000,
    every_status_first: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Create `count` synthetic volunteers at every step of the pipeline, with their screening,
    training and signatures; those past screening have (password-less) accounts, as if invited.
    Re-running with the same seed adds none twice. Returns how many were created.

    With `every_status_first`, the first seven volunteers take each status in turn, so a small
    demo shows every step."""
    set_up = _ProgramSetUp.load(program)
    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for batch in _batches(generator.volunteers(seed, count), batch_size):
        people = [
            replace(person, status=generator.STATUSES[person.index])
            if every_status_first and person.index < len(generator.STATUSES)
            else person
            for person in batch
        ]
        indexes = {keys.blind_index("email", person.email): person for person in people}
        existing = set(
            VolunteerProfile.objects.filter(email_index__in=list(indexes)).values_list(
                "email_index", flat=True
            )
        )
        fresh = [(index, person) for index, person in indexes.items() if index not in existing]
        with transaction.atomic():
            created += _create_batch(program, set_up, fresh, today=today, now=now)
        if on_progress:
            on_progress(len(batch))
    return created


def _create_batch(
    program: Program,
    set_up: _ProgramSetUp,
    fresh: list[tuple[str, generator.SyntheticVolunteer]],
    *,
    today: date,
    now: datetime,
) -> int:
    users: dict[int, User] = {}
    for _, person in fresh:
        if person.status in WITH_ACCOUNT:
            user = User(email=person.email, full_name=person.full_name)
            user.set_unusable_password()
            users[person.index] = user
    User.prepare_for_bulk_create(list(users.values()))
    User.objects.bulk_create(list(users.values()))
    Membership.objects.bulk_create(
        [Membership(user=user, program=program, role=Role.VOLUNTEER) for user in users.values()]
    )

    profiles: list[VolunteerProfile] = []
    for email_index, person in fresh:
        rng = random.Random(f"demo-pipeline:{person.email}")
        profile = VolunteerProfile(
            program=program,
            user=users.get(person.index),
            status=person.status,
            full_name=person.full_name,
            email=person.email,
            email_index=email_index,
            phone=f"555-{rng.randint(100, 999):03d}-{rng.randint(0, 9999):04d}",
            references=[
                {"name": generator.fictional_name(rng), "contact": "reference@example.org"},
                {"name": generator.fictional_name(rng), "contact": "555-0199"},
            ],
            about_me=person.about_me,
            recovery_years={slugify(topic): years for topic, years in person.recovery_years},
            member_type=person.member_type,
            year_of_call=person.year_of_call,
            practice_setting=person.practice_setting,
            practice_areas=list(person.practice_areas),
            region=person.region,
            capacity=person.capacity,
            applied_at=now - timedelta(days=rng.randint(30, 900)),
            status_changed_at=now - timedelta(days=rng.randint(1, 29)),
            invited_at=now if person.index in users else None,
        )
        profile.languages = list(person.languages)
        if person.status == "active" and rng.random() < 0.05:
            profile.paused_until = today + timedelta(days=rng.randint(7, 60))
        profiles.append(profile)
    Through = VolunteerProfile.topics.through
    topic_links = []
    changes, screenings, trainings, signatures = [], [], [], []
    # Records first (the profiles' UUIDs are known before saving), so each profile is written
    # once, with its training expiry already set.
    for profile, (_, person) in zip(profiles, fresh, strict=True):
        rng = random.Random(f"demo-records:{person.email}")
        topic_links += [
            Through(volunteerprofile_id=profile.pk, topic_id=set_up.topics[slugify(name)].pk)
            for name in person.topics
            if slugify(name) in set_up.topics
        ]
        changes.append(
            StatusChange(volunteer=profile, from_status="", to_status=person.status, changed_at=now)
        )
        screened_items = (
            set_up.screening
            if person.status in SCREENED
            else set_up.screening[: rng.randint(0, 2)]
            if person.status == "screening"
            else []
        )
        screenings += [
            ScreeningRecord(
                volunteer=profile,
                item=item,
                completed_on=today - timedelta(days=rng.randint(200, 700)),
                recorded_at=now,
            )
            for item in screened_items
        ]
        trained_modules = (
            set_up.modules
            if person.status in TRAINED
            else set_up.modules[: rng.randint(1, 3)]
            if person.status == "training"
            else []
        )
        # Completed between 3 and 24 months ago: a few expire within the next 30 days.
        done = [
            (module, today - timedelta(days=rng.randint(90, 730))) for module in trained_modules
        ]
        trainings += [
            TrainingCompletion(volunteer=profile, module=module, completed_on=day, recorded_at=now)
            for module, day in done
        ]
        if done:
            profile.training_expires_on = min(
                add_months(day, module.validity_months) for module, day in done
            )
        if person.status in TRAINED and set_up.agreement is not None:
            signatures.append(
                AgreementSignature(volunteer=profile, agreement=set_up.agreement, signed_at=now)
            )
    VolunteerProfile.prepare_for_bulk_create(profiles)
    VolunteerProfile.objects.bulk_create(profiles)
    Through.objects.bulk_create(topic_links)
    StatusChange.objects.bulk_create(changes)
    ScreeningRecord.objects.bulk_create(screenings)
    TrainingCompletion.objects.bulk_create(trainings)
    AgreementSignature.objects.bulk_create(signatures)
    return len(profiles)


def ensure_demo_volunteer(program: Program) -> None:
    """The demo volunteer account (volunteer@example.org) has a matchable profile."""
    user = User.objects.get(email="volunteer@example.org")
    if VolunteerProfile.objects.filter(user=user).exists():
        return
    set_up = _ProgramSetUp.load(program)
    today = timezone.localdate()
    volunteer = volunteer_actions.submit_application(
        program,
        topics=[set_up.topics["stress-and-burnout"], set_up.topics["grief-and-loss"]],
        languages=["English", "French"],
        full_name=user.full_name,
        email=user.email,
        phone="555-0142",
        references=[
            {"name": "Marlowe Fernsby", "contact": "marlowe@example.org"},
            {"name": "Odalys Hazelwick", "contact": "555-0101"},
        ],
        about_me="Twenty years in litigation, and a long road back from burnout. I listen first.",
        member_type="lawyer",
        year_of_call=2004,
        practice_setting="small_firm",
        practice_areas=["litigation"],
        region="Calgary",
        capacity=2,
    )
    director = User.objects.get(email="director@example.org")
    for step in ("screening", "training", "active"):
        volunteer_actions.change_status(volunteer, step, by=director)
    for item in set_up.screening:
        volunteer_actions.record_screening(volunteer, item, completed_on=today, by=director)
    for module in set_up.modules:
        volunteer_actions.record_training(volunteer, module, completed_on=today, by=director)
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(user=user, invited_at=timezone.now())
    volunteer.refresh_from_db()
    volunteer_actions.sign_agreement(volunteer, by=user)
