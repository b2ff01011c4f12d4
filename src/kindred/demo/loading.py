"""Putting the synthetic population into the database, idempotently and in batches."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Membership, Role, User
from kindred.confidential import keys
from kindred.demo import generator
from kindred.intake import actions as intake_actions
from kindred.intake import passphrases
from kindred.intake.models import (
    OPEN_STATUSES,
    Channel,
    ConcernStatus,
    ConcernUrgency,
    HowSoon,
    RequestStatusChange,
    RiskAnswer,
    SupportRequest,
    TriageStatus,
)
from kindred.programs import actions as program_actions
from kindred.programs.models import CrisisLine, Program
from kindred.support import actions as support_actions
from kindred.support.match_facts import open_match_counts
from kindred.support.models import Checkin, CoordinatorTask, Match, Side, TaskKind
from kindred.topics.actions import ensure_seed_topics
from kindred.topics.models import Topic
from kindred.volunteers import actions as volunteer_actions
from kindred.volunteers import pool as kept_pool
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
from kindred.volunteers.queries import is_matchable

# How many generated volunteers `kindred demo` loads (the first seven at each pipeline step).
DEMO_VOLUNTEERS = 40
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
    ("volunteer@example.org", "Wren Thornbury", Role.VOLUNTEER, "OZXWY5LOORSWK4RNMRSW23ZB"),
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
    ensure_demo_public_contact(formal, informal)
    return formal, informal


# The demo's own line and contact details: fictional, and labelled so (555-01xx numbers are
# reserved for fiction; example.org addresses reach nobody). A real program sets its own in
# Staff → the program → crisis lines and public contact; nothing here is a default for one.
DEMO_CRISIS_LINE = {
    "name": "After-hours support line (demo)",
    "number": "1-800-555-0199",
    "can_call": True,
    "can_text": True,
    "hours": "Any time, day or night (a fictional number for the demo)",
}


def ensure_demo_public_contact(formal: Program, informal: Program) -> None:
    """Once: the formal program gets the demo line and demo contact details; the informal one
    an email address only, so the demo also shows a program with no line of its own."""
    if not formal.crisis_lines.exists():
        program_actions.add_crisis_line(CrisisLine(program=formal, **DEMO_CRISIS_LINE))
    if not (formal.contact_phone or formal.contact_email):
        formal.contact_phone = "+1 403-555-0100"
        formal.contact_email = "peer.support.demo@example.org"
        formal.contact_hours = "Monday to Friday, 8:30 am to 4:30 pm, Mountain Time (demo)"
        formal.contact_address = "\n".join(
            ("Peer Support (demo)", "100 Example Avenue SW, Suite 000", "Calgary, Alberta")
        )
        program_actions.update_public_contact(formal)
    if not (informal.contact_phone or informal.contact_email):
        informal.contact_email = "informal.conversations.demo@example.org"
        program_actions.update_public_contact(informal)


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
        if role == Role.EXECUTIVE_DIRECTOR:
            # Every demo program has someone to alert about an urgent request: the public forms
            # offer only such programs, and `kindred check --database default` insists on it.
            for other in Program.objects.exclude(pk=program.pk):
                account_actions.grant_role(user, role, other)
    return sign_ins


T = TypeVar("T")


def _batches(items: Iterable[T], size: int) -> Iterable[list[T]]:
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
    if created:
        # Bulk inserts skip the actions that keep the matching pool: rebuild it once, whole.
        kept_pool.rebuild(program, open_match_counts(program))
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
            languages=list(person.languages),
            # Sealed with the profile's own key, like every answer about what they lived through.
            topic_slugs=sorted(
                {slugify(name) for name in person.topics if slugify(name) in set_up.topics}
            ),
            capacity=person.capacity,
            applied_at=now - timedelta(days=rng.randint(30, 900)),
            status_changed_at=now - timedelta(days=rng.randint(1, 29)),
            invited_at=now if person.index in users else None,
        )
        if person.status == "active" and rng.random() < 0.05:
            profile.paused_until = today + timedelta(days=rng.randint(7, 60))
        profiles.append(profile)
    changes, screenings, trainings, signatures = [], [], [], []
    # Records first (the profiles' UUIDs are known before saving), so each profile is written
    # once, with its training expiry already set.
    for profile, (_, person) in zip(profiles, fresh, strict=True):
        rng = random.Random(f"demo-records:{person.email}")
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
        # Room for the demo's proposal and active match (DEMO_MATCHES), and one more.
        capacity=3,
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


# --- Requests for support -------------------------------------------------------------------

# The demo's requests, one story each: (days ago asked, channel, the path of statuses with the
# days after asking each step was taken, what they told us). Every triage status appears (a
# peer proposed and matched once `ensure_demo_matches` has run), one request waiting is urgent,
# and the free text is invented.
_NEW, _CONTACTED, _AWAITING = TriageStatus.NEW, TriageStatus.CONTACTED, TriageStatus.AWAITING_MATCH
DEMO_REQUESTS: tuple[tuple[float, str, tuple[tuple[str, float], ...], dict[str, Any]], ...] = (
    (
        0.08,
        Channel.WEB,
        (),
        {
            "asker_kind": "law_student",
            "topics": ["anxiety", "new-to-practice-or-still-a-student"],
            "free_text": "Exams start next week and everything is piling up. Some nights I "
            "feel I cannot go on.",
            "risk_answer": RiskAnswer.YES,
            "how_soon": HowSoon.TODAY,
            "contact": {
                "methods": ["phone", "text"],
                "phone": "555-0106",
                "safe_times": "Any time",
                "leave_message": False,
            },
        },
    ),
    # The demo participant: called the same day (urgent), then a peer was found; the peer has
    # said yes and the proposal waits for Sam's answer at /my/ (see DEMO_MATCHES).
    (
        4,
        Channel.WEB,
        ((_CONTACTED, 0.05), (_AWAITING, 1)),
        {
            "asker_kind": "lawyer",
            "call_me": "Sam",
            "topics": ["stress-and-burnout", "depression"],
            "free_text": "The file I carried for three years fell apart this week. I have not "
            "slept properly in days and some of my thoughts frighten me.",
            "risk_answer": RiskAnswer.YES,
            "how_soon": HowSoon.TODAY,
            "preferences": {"language": "English", "city": "different"},
            "contact": {
                "methods": ["phone"],
                "phone": "555-0117",
                "safe_times": "Evenings after 7 pm",
                "leave_message": False,
            },
        },
    ),
    (
        1,
        Channel.WEB,
        (),
        {
            "asker_kind": "articling_student",
            "topics": ["new-to-practice-or-still-a-student", "anxiety"],
            "free_text": "Articling is harder than I expected and I feel I cannot ask anyone "
            "at the firm about it.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.THIS_WEEK,
            "preferences": {"career_stage": True, "city": "different"},
            "avoid": ["Brackenridge & Fernsby LLP"],
            "contact": {
                "methods": ["email"],
                "email": "student.demo@example.org",
                "personal_email_only": True,
            },
        },
    ),
    (
        3,
        Channel.PHONE,
        (),
        {
            "asker_kind": "lawyer",
            "call_me": "Jo",
            "topics": ["separation-divorce-and-family"],
            "free_text": "Called from the car. Going through a separation while running a "
            "small practice alone; would like to talk to someone who has been there.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.WHENEVER,
            "preferences": {"gender": {"value": "woman", "strength": "nice"}, "region": "Red Deer"},
            "contact": {"methods": ["phone", "text"], "phone": "555-0142", "leave_message": True},
        },
    ),
    (
        6,
        Channel.WEB,
        ((_CONTACTED, 1),),
        {
            "asker_kind": "judge",
            "topics": ["vicarious-trauma"],
            "free_text": "Years of difficult hearings are catching up with me.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.THIS_WEEK,
            "preferences": {"city": "different"},
            "contact": {"methods": ["email"], "email": "judge.demo@example.org"},
        },
    ),
    (
        12,
        Channel.WEB,
        ((_CONTACTED, 1), (_AWAITING, 2)),
        {
            "asker_kind": "lawyer",
            "topics": ["alcohol-use"],
            "free_text": "I would like to talk with someone who stopped drinking while still "
            "practising.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.WHENEVER,
            "preferences": {"language": "French", "practice_area": "either"},
            "avoid": ["Oberon Winterbourne"],
            "contact": {
                "methods": ["phone"],
                "phone": "555-0163",
                "leave_message": False,
                "safe_times": "Weekday mornings",
            },
        },
    ),
    (
        20,
        Channel.PHONE,
        ((_CONTACTED, 0.2), (_AWAITING, 4)),
        {
            "asker_kind": "lawyer",
            "topics": ["financial-stress", "career-transition-and-practice-pressures"],
            "free_text": "Thinking about leaving practice and worried about money.",
            "risk_answer": RiskAnswer.UNSURE,
            "how_soon": HowSoon.THIS_WEEK,
            "preferences": {"career_stage": True},
            "contact": {"methods": ["phone"], "phone": "555-0178"},
        },
    ),
    (
        30,
        Channel.WEB,
        ((_CONTACTED, 1), (TriageStatus.REFERRED_ELSEWHERE, 3)),
        {
            "asker_kind": "other_legal_professional",
            "topics": ["discrimination-or-harassment-at-work"],
            "free_text": "Something at work needs more than a conversation, I think.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.THIS_WEEK,
            "contact": {"methods": ["email"], "email": "paralegal.demo@example.org"},
        },
    ),
    (
        9,
        Channel.WEB,
        ((TriageStatus.DUPLICATE, 0.1),),
        {
            "asker_kind": "law_student",
            "topics": ["anxiety"],
            "free_text": "Sent the form twice by mistake, sorry.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.WHENEVER,
            "contact": {"methods": ["email"], "email": "lawstudent.demo@example.org"},
        },
    ),
    (
        15,
        Channel.WEB,
        ((TriageStatus.WITHDRAWN, 2),),
        {
            "asker_kind": "lawyer",
            "topics": ["grief-and-loss"],
            "free_text": "My father died last month and work has not slowed down.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.WHENEVER,
            "contact": {"methods": ["phone"], "phone": "555-0189"},
        },
    ),
    (
        60,
        Channel.WEB,
        ((_CONTACTED, 1), (_AWAITING, 2), (TriageStatus.CLOSED, 50)),
        {
            "asker_kind": "lawyer",
            "topics": ["returning-to-practice-after-leave"],
            "free_text": "Coming back after a year of caregiving.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.WHENEVER,
            "contact": {"methods": ["email"], "email": "returning.demo@example.org"},
        },
    ),
    # The requests of the other demo matches (DEMO_MATCHES): each waited for a peer first.
    (
        6,
        Channel.PHONE,
        ((_CONTACTED, 0.1), (_AWAITING, 2)),
        {
            "asker_kind": "lawyer",
            "call_me": "Robin",
            "topics": ["grief-and-loss"],
            "free_text": "Lost my mother in the spring. I keep going to court as if nothing "
            "happened, and it is catching up with me.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.THIS_WEEK,
            "preferences": {"language": "English"},
            "contact": {
                "methods": ["phone"],
                "phone": "555-0151",
                "safe_times": "Weekday evenings",
                "leave_message": False,
            },
        },
    ),
    (
        45,
        Channel.WEB,
        ((_CONTACTED, 1), (_AWAITING, 3)),
        {
            "asker_kind": "lawyer",
            "call_me": "Ari",
            "topics": ["stress-and-burnout"],
            "free_text": "Ten years of seventy-hour weeks. I would like to talk to someone who "
            "found a way to keep practising without burning out.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.WHENEVER,
            "contact": {
                "methods": ["phone", "email"],
                "phone": "555-0124",
                "email": "ari.demo@example.org",
                "leave_message": True,
                "personal_email_only": True,
            },
        },
    ),
    (
        60,
        Channel.WEB,
        ((_CONTACTED, 0.5), (_AWAITING, 2)),
        {
            "asker_kind": "articling_student",
            "call_me": "Kit",
            "topics": ["depression", "new-to-practice-or-still-a-student"],
            "free_text": "Since I started articling I have felt flat and far away from "
            "everyone. I would like to talk to someone who has been there.",
            "risk_answer": RiskAnswer.NO,
            "how_soon": HowSoon.THIS_WEEK,
            "preferences": {"career_stage": True},
            "contact": {"methods": ["text"], "phone": "555-0137", "leave_message": False},
        },
    ),
)
DEMO_CONCERNS: tuple[tuple[float, dict[str, Any]], ...] = (
    (
        2,
        {
            "urgency": ConcernUrgency.SOON,
            "caller_name": "Marisol Featherstone",
            "caller_contact": "555-0131",
            "about": "A colleague down the hall has missed three court dates and seems "
            "exhausted. I do not want them to know it was me.",
            "may_reveal_caller": False,
        },
    ),
    (
        8,
        {
            "urgency": ConcernUrgency.NOT_URGENT,
            "caller_name": "",
            "caller_contact": "worried.partner@example.org",
            "about": "My partner, a lawyer, works every weekend and has stopped seeing friends.",
            "may_reveal_caller": True,
        },
    ),
)


# Printed by `kindred demo` (debug mode only), like DEMO_PASSWORD.
DEMO_PARTICIPANT_PASSPHRASE = "maple meadow lantern otter breeze teacup"  # noqa: S105  # nosec B105


def demo_requests_by_name(program: Program) -> dict[str, SupportRequest]:
    """The demo's requests that carry a name to call them by, by that name. Seeded requests
    (`seed_demo --requests`, which carry a submission digest) are not read: there may be
    100,000 of them, each to decrypt."""
    named: dict[str, SupportRequest] = {}
    demo = SupportRequest.objects.filter(program=program, submission_digest__isnull=True)
    for support_request in demo.select_related("data_key", "program").order_by("created_at"):
        if support_request.call_me:
            named.setdefault(support_request.call_me, support_request)
    return named


def demo_participant_reference(program: Program) -> str | None:
    """The reference of the demo request whose passphrase `kindred demo` prints."""
    sam = demo_requests_by_name(program).get("Sam")
    return sam.reference if sam else None


def ensure_demo_requests(program: Program) -> int:
    """The demo's requests (one in every triage status, one urgent) and concerns, taken through
    the intake actions as if over the past weeks, steps by the demo coordinator. Loaded once:
    nothing is added when the program already has requests. Returns how many were created."""
    if SupportRequest.objects.filter(program=program).exists():
        return 0
    coordinator = User.objects.get(email="coordinator@example.org")
    now = timezone.now()
    for days_ago, channel, path, fields in DEMO_REQUESTS:
        asked = now - timedelta(days=days_ago)
        by_phone = channel == Channel.PHONE
        submitted = intake_actions.submit_request(
            program,
            channel=channel,
            by=coordinator if by_phone else None,
            at=asked,
            # One demo participant with a known passphrase, to try /my/ (printed by `demo`).
            passphrase=DEMO_PARTICIPANT_PASSPHRASE if fields.get("call_me") == "Sam" else None,
            **fields,
        )
        for status, days_after in path:
            participant = status == TriageStatus.WITHDRAWN
            intake_actions.change_status(
                submitted.request,
                status,
                by=None if participant else coordinator,
                by_participant=participant,
                at=asked + timedelta(days=days_after),
            )
    for days_ago, concern_fields in DEMO_CONCERNS:
        concern = intake_actions.submit_concern(
            program, at=now - timedelta(days=days_ago), **concern_fields
        )
        if concern.urgency == ConcernUrgency.NOT_URGENT:
            intake_actions.change_concern_status(concern, ConcernStatus.IN_HAND, by=coordinator)
    return len(DEMO_REQUESTS)


# --- Matches --------------------------------------------------------------------------------

# What each side shares once both say yes (synthetic).
DEMO_VOLUNTEER_SHARES = {"email": "volunteer@example.org", "phone": "555-0142"}


def _participant_shares(support_request: SupportRequest) -> dict[str, Any]:
    contact = support_request.contact if isinstance(support_request.contact, dict) else {}
    return {
        key: contact[key] for key in ("methods", "phone", "email", "safe_times") if key in contact
    }


def _demo_peers(program: Program, seed: int) -> Iterator[VolunteerProfile]:
    """The demo's generated volunteers who are active and not paused, in the generator's
    order, so the same seed picks the same peers on every machine."""
    today = timezone.localdate()
    for person in generator.volunteers(seed, DEMO_VOLUNTEERS):
        status = (
            generator.STATUSES[person.index]
            if person.index < len(generator.STATUSES)
            else person.status
        )
        if status != "active":
            continue
        profile = VolunteerProfile.objects.filter(
            program=program, email_index=keys.blind_index("email", person.email)
        ).first()
        if profile is None or profile.user is None or profile.status != "active":
            continue
        if profile.paused_until is not None and profile.paused_until > today:
            continue
        yield profile


def make_matchable(volunteer: VolunteerProfile, *, by: User) -> VolunteerProfile:
    """Screening, current training and the current agreement, recorded through the actions
    for a demo volunteer who lacks them (a generated volunteer's training may have expired).
    Recovery time and pauses are the volunteer's own and are left alone."""
    verdict = is_matchable(volunteer)
    if verdict.ok or verdict.reason.startswith(("no capacity", "paused", "status")):
        return volunteer
    today = timezone.localdate()
    set_up = _ProgramSetUp.load(volunteer.program)
    screened = set(volunteer.screening_records.values_list("item_id", flat=True))
    for item in set_up.screening:
        if item.pk not in screened:
            volunteer_actions.record_screening(volunteer, item, completed_on=today, by=by)
    for module in set_up.modules:
        volunteer_actions.record_training(
            volunteer, module, completed_on=today - timedelta(days=60), by=by
        )
    if set_up.agreement is not None:
        volunteer_actions.sign_agreement(volunteer, by=volunteer.user or by)
    return VolunteerProfile.objects.get(pk=volunteer.pk)


def _propose_to_a_peer(
    support_request: SupportRequest,
    peers: list[VolunteerProfile],
    *,
    by: User,
    at: datetime,
    director: User,
) -> Match | None:
    """Propose the first peer who may take this request (their topics include its main one,
    and no hard constraint says no), making them matchable first if they need it."""
    main_topic = (support_request.topics or [""])[0]
    for peer in list(peers):
        if main_topic not in (peer.topic_slugs or []):
            continue
        peer = make_matchable(peer, by=director)
        try:
            match = support_actions.propose_match(support_request, peer, by=by, at=at)
        except support_actions.MatchActionRefused:
            continue
        peers[:] = [other for other in peers if other.pk != peer.pk]
        return match
    return None


def _account(volunteer: VolunteerProfile) -> User:
    """The account a demo peer acts with (peers are chosen among those who have one)."""
    if volunteer.user is None:
        raise ValueError("a demo peer without an account")
    return volunteer.user


def _accept_both(
    match: Match, *, volunteer_at: datetime, participant_at: datetime | None = None
) -> Match:
    user = _account(match.volunteer)
    shares = (
        DEMO_VOLUNTEER_SHARES if user.email == "volunteer@example.org" else {"email": user.email}
    )
    match = support_actions.answer_as_volunteer(
        match, accept=True, by=user, shares=shares, at=volunteer_at
    )
    if participant_at is None:
        return match
    return support_actions.answer_as_participant(
        match, accept=True, shares=_participant_shares(match.request), at=participant_at
    )


def _log_contacts(match: Match, contacts: list[tuple[float, str, int]], now: datetime) -> None:
    """(days ago, mode, minutes) of each conversation, logged by the volunteer that evening."""
    volunteer_user = _account(match.volunteer)
    for days_ago, mode, minutes in contacts:
        when = now - timedelta(days=days_ago)
        support_actions.log_contact(
            match,
            on=timezone.localdate(when),
            mode=mode,
            minutes=minutes,
            by=volunteer_user,
            at=when + timedelta(hours=1),
        )


def _answer_checkin(match: Match, side: Side, answer: str, note: str, at: datetime) -> None:
    checkin = Checkin.objects.get(match=match, side=side)
    by = match.volunteer.user if side == Side.VOLUNTEER else None
    support_actions.answer_checkin(checkin, answer=answer, note=note, by=by, at=at)


def ensure_demo_matches(program: Program, *, seed: int) -> int:
    """The demo's matches, made through the real actions as if over the past two months:

    * Robin: proposed to the demo volunteer, who has not answered yet (their /volunteer/ page);
    * Sam, the demo participant: a peer said yes, the proposal waits for Sam's answer (/my/);
    * Ari: active with the demo volunteer for six weeks, with contacts and check-ins, and
      something the volunteer flagged as beyond their competency (a task);
    * Kit: a first peer for eight weeks, then today a change of peer Kit asked for (with a
      reason only staff see) and a second peer, active, with a first conversation logged.

    Loaded once: nothing is added when the program already has matches. A story whose request
    or peer cannot be found (another seed, an older demo database) is left out. Returns how many
    matches were made."""
    if Match.objects.filter(program=program).exists():
        return 0
    named = demo_requests_by_name(program)
    if not {"Ari", "Robin", "Kit", "Sam"} & set(named):
        return 0
    demo_user = User.objects.filter(email="volunteer@example.org").first()
    demo_volunteer = VolunteerProfile.objects.filter(user=demo_user).first() if demo_user else None
    coordinator = User.objects.get(email="coordinator@example.org")
    director = User.objects.get(email="director@example.org")
    peers = list(_demo_peers(program, seed))
    now = timezone.now()

    def days(count: float) -> datetime:
        return now - timedelta(days=count)

    made = 0
    with transaction.atomic():
        if demo_volunteer is not None and "Ari" in named:
            ari = support_actions.propose_match(
                named["Ari"], demo_volunteer, by=coordinator, at=days(41)
            )
            ari = _accept_both(ari, volunteer_at=days(40.8), participant_at=days(40.5))
            _log_contacts(
                ari,
                [
                    (38, "phone", 45),
                    (31, "video", 60),
                    (24, "phone", 30),
                    (17, "in_person", 90),
                    (10, "phone", 40),
                    (3, "video", 50),
                ],
                now,
            )
            _answer_checkin(ari, Side.VOLUNTEER, "yes", "We talk every week.", days(26))
            _answer_checkin(
                ari,
                Side.PARTICIPANT,
                "yes",
                "Talking with someone who has been there helps more than I expected.",
                days(25),
            )
            support_actions.flag_match(
                ari,
                kind=TaskKind.BEYOND_COMPETENCY,
                note="They asked whether to take a leave of absence and how it would affect "
                "their benefits. I said I would ask the coordinator about a referral.",
                by=demo_user or coordinator,
                at=days(2),
            )
            made += 1
        if demo_volunteer is not None and "Robin" in named:
            support_actions.propose_match(
                named["Robin"],
                demo_volunteer,
                by=coordinator,
                note_for_volunteer="A lawyer grieving a parent who kept going to court through "
                "it. Weekday evenings suit them best.",
                at=now - timedelta(hours=1),
            )
            made += 1
        if "Kit" in named:
            first = _propose_to_a_peer(
                named["Kit"], peers, by=coordinator, at=days(57), director=director
            )
            if first is not None:
                first = _accept_both(first, volunteer_at=days(56.5), participant_at=days(56))
                _log_contacts(first, [(52, "phone", 40), (45, "phone", 35), (31, "phone", 30)], now)
                _answer_checkin(first, Side.VOLUNTEER, "yes", "", days(41.5))
                _answer_checkin(
                    first, Side.PARTICIPANT, "not_sure", "I am not sure we click.", days(41)
                )
                made += 1
                # Today, not back-dated: a change of peer writes the request's move back to
                # the queue at the time of the call, whatever `at` says, and the request's
                # history must stay in order.
                support_actions.request_change_of_peer(
                    first,
                    side=Side.PARTICIPANT,
                    reason="Nothing went wrong. I would like someone who articled more recently.",
                )
                second = _propose_to_a_peer(
                    named["Kit"], peers, by=coordinator, at=timezone.now(), director=director
                )
                if second is not None:
                    task = CoordinatorTask.objects.get(match=first, kind=TaskKind.CHANGE_OF_PEER)
                    support_actions.resolve_task(task, by=coordinator)
                    second = _accept_both(
                        second, volunteer_at=timezone.now(), participant_at=timezone.now()
                    )
                    support_actions.log_contact(
                        second,
                        on=timezone.localdate(),
                        mode="video",
                        minutes=30,
                        by=_account(second.volunteer),
                    )
                    made += 1
        if "Sam" in named:
            sam = _propose_to_a_peer(
                named["Sam"], peers, by=coordinator, at=now - timedelta(hours=20), director=director
            )
            if sam is not None:
                _accept_both(sam, volunteer_at=now - timedelta(hours=2))
                made += 1
    return made


# Seeded requests (`seed_demo --requests`): how common each status is, and invented words.
REQUEST_STATUS_WEIGHTS = {
    TriageStatus.NEW: 12,
    TriageStatus.CONTACTED: 15,
    TriageStatus.AWAITING_MATCH: 30,
    TriageStatus.REFERRED_ELSEWHERE: 8,
    TriageStatus.DUPLICATE: 3,
    TriageStatus.WITHDRAWN: 8,
    TriageStatus.CLOSED: 24,
}
STATUS_PATHS = {
    TriageStatus.NEW: (),
    TriageStatus.CONTACTED: (TriageStatus.CONTACTED,),
    TriageStatus.AWAITING_MATCH: (TriageStatus.CONTACTED, TriageStatus.AWAITING_MATCH),
    TriageStatus.REFERRED_ELSEWHERE: (TriageStatus.CONTACTED, TriageStatus.REFERRED_ELSEWHERE),
    TriageStatus.DUPLICATE: (TriageStatus.DUPLICATE,),
    TriageStatus.WITHDRAWN: (TriageStatus.WITHDRAWN,),
    TriageStatus.CLOSED: (
        TriageStatus.CONTACTED,
        TriageStatus.AWAITING_MATCH,
        TriageStatus.CLOSED,
    ),
}
SEEDED_WORDS = (
    "Work has been relentless this year and I would like to talk to someone who understands.",
    "I am new to the profession and finding it lonely.",
    "Looking for someone who has balanced practice with caring for a parent.",
    "I would like to talk about a difficult few months, with someone outside my firm.",
    "A colleague suggested I reach out. I am not sure where to start.",
)
SAFE_TIMES = ("", "Weekday evenings", "Lunch hours only", "Weekends")


def seeded_request_digest(seed: int, index: int) -> str:
    """Marks a seeded request, so re-running `seed_demo` adds none twice. Stored where a web
    form stores the digest of its one-time submission id: unique, and never a collision with
    one (a form's id is random; this names a seed and an index)."""
    return hashlib.sha256(f"seed_demo:{seed}:{index}".encode()).hexdigest()


def load_requests(
    program: Program,
    *,
    seed: int,
    count: int,
    batch_size: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Store `count` synthetic requests in bulk, in every triage status, with their history.

    Fast at scale, so not through `submit_request`: no passphrase (the hash stays empty, so
    nobody can sign in to a seeded request), no alert email, no audit entries. Re-running with
    the same seed adds none twice. Returns how many were created."""
    ensure_seed_topics()
    coordinator = (
        User.objects.filter(memberships__program=program, memberships__role=Role.COORDINATOR)
        .order_by("date_joined")
        .first()
    )
    now = timezone.now()
    created = 0
    for batch in _batches(generator.requests(seed, count), batch_size):
        digests = {seeded_request_digest(seed, person.index): person for person in batch}
        existing = set(
            SupportRequest.objects.filter(submission_digest__in=list(digests)).values_list(
                "submission_digest", flat=True
            )
        )
        fresh = [(digest, person) for digest, person in digests.items() if digest not in existing]
        with transaction.atomic():
            created += _create_request_batch(program, fresh, coordinator, seed=seed, now=now)
        if on_progress:
            on_progress(len(batch))
    return created


def _unused_references(count: int) -> list[str]:
    """`count` distinct references that no stored request has (at 100,000 requests, random
    references would collide a few times)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates = {passphrases.new_reference() for _ in range(count - len(chosen))} - chosen
        taken = set(
            SupportRequest.objects.filter(reference__in=list(candidates)).values_list(
                "reference", flat=True
            )
        )
        chosen |= candidates - taken
    return sorted(chosen)


def _create_request_batch(
    program: Program,
    fresh: list[tuple[str, generator.SyntheticRequest]],
    coordinator: User | None,
    *,
    seed: int,
    now: datetime,
) -> int:
    requests: list[SupportRequest] = []
    changes: list[RequestStatusChange] = []
    statuses = list(REQUEST_STATUS_WEIGHTS)
    weights = list(REQUEST_STATUS_WEIGHTS.values())
    for (digest, person), reference in zip(fresh, _unused_references(len(fresh)), strict=True):
        rng = random.Random(f"demo-request:{seed}:{person.index}")
        status = rng.choices(statuses, weights=weights)[0]
        urgent = rng.random() < 0.05
        # Open requests are recent; finished ones are spread over the past year.
        days = rng.uniform(0.05, 40) if status in OPEN_STATUSES else rng.uniform(10, 365)
        asked = now - timedelta(days=days)
        channel = Channel.PHONE if rng.random() < 0.2 else Channel.WEB
        path = STATUS_PATHS[status]
        # Each step a little after the one before, all in the past.
        fractions = sorted(rng.uniform(0.05, 1) for _ in path)
        steps = [
            (step, asked + (now - asked) * fraction)
            for step, fraction in zip(path, fractions, strict=True)
        ]
        first_contact = next((at for step, at in steps if step == TriageStatus.CONTACTED), None)
        support_request = SupportRequest(
            program=program,
            reference=reference,
            passphrase_hash="",  # nosec B106
            channel=channel,
            status=status,
            urgent=urgent,
            how_soon=HowSoon.TODAY
            if urgent
            else rng.choices(list(HowSoon), weights=(10, 40, 50))[0],
            asker_kind=person.asker_kind,
            call_me=rng.choice(("", "", generator.FIRST_NAMES[person.index % 30])),
            topics=[slugify(topic) for topic in person.topics],
            free_text=rng.choice(SEEDED_WORDS),
            risk_answer=RiskAnswer.YES
            if urgent
            else rng.choices((RiskAnswer.NO, RiskAnswer.UNSURE), weights=(9, 1))[0],
            preferences={
                "language": person.language,
                "city": "different" if person.wants_different_city else "either",
                "region": person.region,
            },
            avoid=list(person.avoid),
            contact={
                "methods": ["phone"],
                "phone": f"555-01{rng.randint(0, 99):02d}",
                "safe_times": rng.choice(SAFE_TIMES),
                "leave_message": rng.random() < 0.3,
            },
            acknowledged_at=asked,
            created_at=asked,
            status_changed_at=steps[-1][1] if steps else asked,
            first_contact_at=first_contact,
            submission_digest=digest,
        )
        requests.append(support_request)
        previous = ""
        for step, at in [(TriageStatus.NEW, asked), *steps]:
            by_participant = step == TriageStatus.WITHDRAWN or (
                step == TriageStatus.NEW and channel == Channel.WEB
            )
            changes.append(
                RequestStatusChange(
                    request=support_request,
                    from_status=previous,
                    to_status=step,
                    changed_by=None if by_participant else coordinator,
                    by_participant=by_participant,
                    changed_at=at,
                )
            )
            previous = step
    SupportRequest.prepare_for_bulk_create(requests)
    SupportRequest.objects.bulk_create(requests)
    RequestStatusChange.objects.bulk_create(changes)
    return len(requests)
