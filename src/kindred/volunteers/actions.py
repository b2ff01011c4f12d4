"""Every write about volunteers goes through here; each one is audited (ids only, no content)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.confidential import audit, keys
from kindred.confidential.models import AuditAction
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import conflicts, pool
from kindred.volunteers.matchability import add_months
from kindred.volunteers.models import (
    Agreement,
    AgreementSignature,
    DebriefRequest,
    ScreeningItem,
    ScreeningRecord,
    StatusChange,
    TrainingCompletion,
    TrainingModule,
    VolunteerProfile,
    WellbeingCheck,
)
from kindred.volunteers.pipeline import Status, can_move

DEFAULT_SCREENING = (
    ("Interview held", False),
    ("Two references checked", False),
    ("Good standing with the Law Society confirmed", False),
    ("Recovery time confirmed for topics that require it", True),
)
DEFAULT_TRAINING = (
    "Orientation",
    "Confidentiality and ethics",
    "Boundaries and role clarity",
    "Suicide-risk awareness",
    "Referrals and resources",
)
DEFAULT_AGREEMENT = "\n\n".join(
    (
        "As a peer support volunteer I agree to:",
        "1. Keep confidential everything a participant shares, within legal and ethical limits, "
        "and tell the program coordinator at once if I believe someone is at imminent risk of "
        "serious harm.",
        "2. Listen and share my own experience, strength and hope; never give legal, medical or "
        "financial advice; and refer what is beyond my competency to the coordinator or a "
        "professional resource.",
        '3. Keep my role clear and my personal boundaries; say "no" to requests that make me '
        "uncomfortable.",
        "4. Tell the coordinator, free of judgment, if a match is not working, and accept a "
        "change of peer requested by either side without asking for a reason.",
        "5. Keep no notes of what is said; record only the date, mode and length of each contact.",
    )
)


def _audit(actor: audit.Actor, action: str, volunteer: VolunteerProfile, purpose: str = "") -> None:
    audit.record(
        action,
        actor=actor,
        object_type="volunteer",
        object_id=volunteer.pk,
        program_id=volunteer.program_id,
        purpose=purpose,
    )


def set_up_volunteering(program: Program, *, actor: audit.Actor = audit.SYSTEM) -> None:
    """A program's default screening checklist, training modules and first agreement."""
    with transaction.atomic():
        for position, (name, recovery_only) in enumerate(DEFAULT_SCREENING):
            ScreeningItem.objects.get_or_create(
                program=program,
                name=name,
                defaults={"position": position, "only_with_recovery_topics": recovery_only},
            )
        for position, name in enumerate(DEFAULT_TRAINING):
            TrainingModule.objects.get_or_create(
                program=program, name=name, defaults={"position": position}
            )
        if not Agreement.objects.filter(program=program).exists():
            publish_agreement(program, DEFAULT_AGREEMENT, by=None, actor=actor)
        pool.refresh_program(program)


# --- Applications and the pipeline ---------------------------------------------------------


def submit_application(
    program: Program,
    *,
    topics: list[Topic],
    languages: list[str],
    at: datetime | None = None,
    **fields: Any,
) -> VolunteerProfile:
    """A public "Volunteer with us" application: status applied, history started."""
    now = at or timezone.now()
    with transaction.atomic():
        volunteer = VolunteerProfile(
            program=program,
            status=Status.APPLIED,
            applied_at=now,
            status_changed_at=now,
            **fields,
        )
        volunteer.topic_slugs = topic_slugs(topics)
        volunteer.languages = clean_languages(languages)
        volunteer.email_index = keys.blind_index("email", volunteer.email)
        refresh_conflict_indexes(volunteer)
        volunteer.save()
        StatusChange.objects.create(
            volunteer=volunteer, from_status="", to_status=Status.APPLIED, changed_at=now
        )
        _audit(audit.ANONYMOUS, AuditAction.CREATE, volunteer, "application received")
        pool.refresh(volunteer)
    return volunteer


def change_status(
    volunteer: VolunteerProfile,
    to: str,
    *,
    by: User | None,
    declined_reason: str = "",
    at: datetime | None = None,
) -> VolunteerProfile:
    now = at or timezone.now()
    with transaction.atomic():
        # Checked against the row as it is now, locked: two coordinators moving the same
        # volunteer at once take turns, and the second sees the first one's move.
        current = VolunteerProfile.objects.select_for_update().get(pk=volunteer.pk)
        if not can_move(current.status, to):
            raise ValidationError(
                f"A volunteer cannot move from {current.status} to {to}.", code="bad_transition"
            )
        volunteer.paused_until = current.paused_until
        previous = current.status
        volunteer.status = to
        volunteer.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to == Status.DECLINED:
            volunteer.declined_reason = declined_reason
            fields.append("declined_reason")
        if to == Status.ACTIVE and previous == Status.PAUSED:
            volunteer.paused_until = None
            fields.append("paused_until")
        volunteer.save(update_fields=fields)
        StatusChange.objects.create(
            volunteer=volunteer, from_status=previous, to_status=to, changed_by=by, changed_at=now
        )
        _audit(_actor(by), AuditAction.UPDATE, volunteer, f"status {previous} → {to}")
        pool.refresh(volunteer)
    return volunteer


def record_screening(
    volunteer: VolunteerProfile, item: ScreeningItem, *, completed_on: date, by: User
) -> ScreeningRecord:
    if item.program_id != volunteer.program_id:
        raise ValidationError("That screening item belongs to another program.")
    with transaction.atomic():
        record = ScreeningRecord.objects.create(
            volunteer=volunteer,
            item=item,
            completed_on=completed_on,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        _audit(_actor(by), AuditAction.UPDATE, volunteer, f"screening item {item.pk} recorded")
        pool.refresh(volunteer)
    return record


def record_training(
    volunteer: VolunteerProfile, module: TrainingModule, *, completed_on: date, by: User
) -> TrainingCompletion:
    if module.program_id != volunteer.program_id:
        raise ValidationError("That training module belongs to another program.")
    with transaction.atomic():
        completion = TrainingCompletion.objects.create(
            volunteer=volunteer,
            module=module,
            completed_on=completed_on,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        refresh_training_expiry(volunteer)
        _audit(_actor(by), AuditAction.UPDATE, volunteer, f"training module {module.pk} recorded")
        pool.refresh(volunteer)
    return completion


def refresh_training_expiry(volunteer: VolunteerProfile) -> None:
    """Keep `training_expires_on` (the earliest expiry among completed required modules)."""
    modules = {
        module.pk: module
        for module in TrainingModule.objects.filter(program_id=volunteer.program_id)
    }
    latest: dict[int, date] = {}
    for completion in TrainingCompletion.objects.filter(volunteer=volunteer):
        if completion.completed_on > latest.get(completion.module_id, date.min):
            latest[completion.module_id] = completion.completed_on
    expiries = [
        add_months(done, modules[module_id].validity_months)
        for module_id, done in latest.items()
        if module_id in modules
    ]
    volunteer.training_expires_on = min(expiries, default=None)
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(
        training_expires_on=volunteer.training_expires_on
    )


# --- Accounts -------------------------------------------------------------------------------

INVITABLE = {Status.TRAINING, Status.ACTIVE, Status.PAUSED}


def invite(volunteer: VolunteerProfile, *, by: User, base_url: str) -> User:
    """Give an accepted applicant an account and email them a one-time set-up link.

    The link is allauth's password-reset link: it works once and expires after
    PASSWORD_RESET_TIMEOUT (3 days by default). The email says nothing about anyone's health.
    """
    if volunteer.status not in INVITABLE:
        raise ValidationError("Only volunteers in training or active can be invited.")
    with transaction.atomic():
        user = volunteer.user
        if user is None and User.objects.filter(email=volunteer.email.strip().lower()).exists():
            # The address on a public application is not verified: linking an existing account
            # would hand a stranger's application (and a volunteer role) to whoever owns it.
            raise ValidationError(
                "An account with this email address already exists. Ask the operator to link "
                "it to this volunteer; Kindred will not do so on the strength of an application.",
                code="account_exists",
            )
        if user is None:
            user = account_actions.create_account(
                email=volunteer.email, full_name=volunteer.full_name, actor=_actor(by)
            )
        account_actions.grant_role(user, Role.VOLUNTEER, volunteer.program, actor=_actor(by))
        volunteer.user = user
        volunteer.invited_at = timezone.now()
        volunteer.save(update_fields=["user", "invited_at"])
        _audit(_actor(by), AuditAction.UPDATE, volunteer, "invited")
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    send_mail(
        subject="Set up your Kindred account",
        message=(
            f"Hello {volunteer.first_name},\n\n"
            "The program has created your volunteer account. Choose your password here "
            f"(the link works once, for {days} days):\n\n{base_url.rstrip('/')}{path}\n\n"
            "If you were not expecting this, you can ignore this email.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    return user


# --- The volunteer's own changes -------------------------------------------------------------


def refresh_conflict_indexes(volunteer: VolunteerProfile) -> None:
    """Keep the blind indexes that matching checks conflicts against in step with the name
    and firm (kindred.volunteers.conflicts)."""
    volunteer.name_index = conflicts.name_index(volunteer.full_name or "")
    volunteer.firm_index = conflicts.firm_index(volunteer.firm or "")


def update_profile(
    volunteer: VolunteerProfile,
    *,
    by: User,
    topics: list[Topic] | None = None,
    languages: list[str] | None = None,
    **fields: Any,
) -> VolunteerProfile:
    with transaction.atomic():
        recovery_before = _recovery_claims(volunteer)
        for name, value in fields.items():
            setattr(volunteer, name, value)
        if languages is not None:
            volunteer.languages = clean_languages(languages)
        if topics is not None:
            volunteer.topic_slugs = topic_slugs(topics)
        if "email" in fields:
            volunteer.email_index = keys.blind_index("email", volunteer.email)
        refresh_conflict_indexes(volunteer)
        volunteer.save()
        _audit(_actor(by), AuditAction.UPDATE, volunteer, "profile updated")
        if _recovery_claims(volunteer) - recovery_before:
            # A new recovery topic, or new years for one, was never screened: the coordinator
            # confirms recovery time again before the volunteer can be matched.
            ScreeningRecord.objects.filter(
                volunteer=volunteer, item__only_with_recovery_topics=True
            ).delete()
            _audit(_actor(by), AuditAction.UPDATE, volunteer, "recovery screening to redo")
        pool.refresh(volunteer)
    return volunteer


def _recovery_claims(volunteer: VolunteerProfile) -> set[tuple[str, object]]:
    """(topic slug, declared years) for every supported topic that requires recovery time."""
    years = volunteer.recovery_years or {}
    slugs = Topic.objects.filter(
        slug__in=volunteer.topic_slugs or [], requires_recovery_time=True
    ).values_list("slug", flat=True)
    return {(slug, years.get(slug)) for slug in slugs}


def topic_slugs(topics: Iterable[Topic]) -> list[str]:
    """What a profile stores of the topics chosen: their slugs (a slug never changes, a name
    may), sorted and without repeats, so equal choices are stored alike."""
    return sorted({topic.slug for topic in topics})


def clean_languages(languages: Iterable[str]) -> list[str]:
    """Trimmed, empty answers and exact repeats dropped, in the order given."""
    return list(dict.fromkeys(value.strip() for value in languages if value and value.strip()))


def set_capacity(volunteer: VolunteerProfile, capacity: int, *, by: User) -> VolunteerProfile:
    cap = volunteer.program.capacity_cap
    if not 1 <= capacity <= min(3, cap):
        raise ValidationError(f"Choose between 1 and {min(3, cap)} people.", code="capacity")
    with transaction.atomic():
        volunteer.capacity = capacity
        volunteer.save(update_fields=["capacity"])
        _audit(_actor(by), AuditAction.UPDATE, volunteer, f"capacity set to {capacity}")
        pool.refresh(volunteer)
    return volunteer


def pause(
    volunteer: VolunteerProfile, *, until: date, reason: str = "", by: User
) -> VolunteerProfile:
    if until <= timezone.localdate():
        raise ValidationError("Choose a date after today.", code="pause_date")
    with transaction.atomic():
        volunteer.paused_until = until
        volunteer.pause_reason = reason
        volunteer.save(update_fields=["paused_until", "pause_reason"])
        _audit(_actor(by), AuditAction.UPDATE, volunteer, "paused")
        pool.refresh(volunteer)
    return volunteer


def resume(volunteer: VolunteerProfile, *, by: User) -> VolunteerProfile:
    with transaction.atomic():
        volunteer.paused_until = None
        volunteer.pause_reason = ""
        volunteer.save(update_fields=["paused_until", "pause_reason"])
        _audit(_actor(by), AuditAction.UPDATE, volunteer, "pause ended")
        pool.refresh(volunteer)
    return volunteer


def sign_agreement(
    volunteer: VolunteerProfile, *, by: User, version: int | None = None
) -> AgreementSignature:
    """Sign the current agreement; with `version`, only if that is still the current one (the
    version the volunteer read), so nobody signs a text they did not see."""
    current = Agreement.objects.filter(program_id=volunteer.program_id).order_by("-version").first()
    if current is None:
        raise ValidationError("The program has not published an agreement yet.")
    if version is not None and version != current.version:
        raise ValidationError(
            "The agreement changed while you were reading it. Please read this version.",
            code="agreement_changed",
        )
    with transaction.atomic():
        signature, _ = AgreementSignature.objects.get_or_create(
            volunteer=volunteer, agreement=current, defaults={"signed_at": timezone.now()}
        )
        _audit(_actor(by), AuditAction.UPDATE, volunteer, f"signed agreement v{current.version}")
        pool.refresh(volunteer)
    return signature


def publish_agreement(
    program: Program, text: str, *, by: User | None, actor: audit.Actor | None = None
) -> Agreement:
    """A new version: every volunteer is unmatchable until they sign it."""
    with transaction.atomic():
        # The program row is the lock: two publishers (even of the very first version) take
        # turns instead of colliding on the version number.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        latest = Agreement.objects.filter(program=program).order_by("-version").first()
        agreement = Agreement.objects.create(
            program=program,
            version=(latest.version + 1) if latest else 1,
            text=text,
            published_at=timezone.now(),
            published_by=by,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor or _actor(by),
            object_type="agreement",
            object_id=agreement.pk,
            program_id=program.pk,
            purpose=f"published version {agreement.version}",
        )
        # Every volunteer is unmatchable until they sign: the whole pool changes.
        pool.refresh_program(program)
    return agreement


def request_debrief(volunteer: VolunteerProfile, *, note: str, by: User) -> DebriefRequest:
    with transaction.atomic():
        debrief = DebriefRequest.objects.create(
            volunteer=volunteer, note=note, requested_at=timezone.now()
        )
        _audit(_actor(by), AuditAction.CREATE, volunteer, "debrief requested")
    return debrief


def resolve_debrief(debrief: DebriefRequest, *, by: User) -> DebriefRequest:
    with transaction.atomic():
        debrief.resolved_at = timezone.now()
        debrief.resolved_by = by
        debrief.save(update_fields=["resolved_at", "resolved_by"])
        _audit(_actor(by), AuditAction.UPDATE, debrief.volunteer, "debrief held")
    return debrief


def record_wellbeing(
    volunteer: VolunteerProfile, score: int, *, by: User, at: datetime | None = None
) -> WellbeingCheck:
    if not 1 <= score <= 5:
        raise ValidationError("Choose a number from 1 to 5.", code="score")
    now = at or timezone.now()
    month = timezone.localdate(now).replace(day=1)
    with transaction.atomic():
        check, _ = WellbeingCheck.objects.update_or_create(
            volunteer=volunteer, month=month, defaults={"score": score, "answered_at": now}
        )
        _audit(_actor(by), AuditAction.UPDATE, volunteer, "well-being check answered")
    return check


def _actor(user: User | None) -> audit.Actor:
    return audit.user_actor(user) if user is not None else audit.SYSTEM
