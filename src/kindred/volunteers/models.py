"""Volunteers: their applications and profiles, and how the program screens, trains and
supports them, and the kept matching pool (`PoolEntry`, `PoolVersion`; see kindred.volunteers.pool).

Everything identifying is encrypted, and so is everything that says what a volunteer has lived
through or where they practise (topics, recovery years, identity, languages, region, practice
areas): a stolen database must not link a named lawyer to a topic (docs/threat-model.md). Only
pipeline facts stay plain (status, member type, setting, capacity, dates).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kindred.confidential.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedModel,
    EncryptedTextField,
)
from kindred.confidential.models import DataKey
from kindred.programs.models import Program
from kindred.volunteers.matchability import add_months
from kindred.volunteers.pipeline import Status


class MemberType(models.TextChoices):
    LAWYER = "lawyer", "Lawyer"
    RETIRED_LAWYER = "retired_lawyer", "Retired lawyer"
    JUDGE = "judge", "Judge"
    ARTICLING_STUDENT = "articling_student", "Articling student"
    OTHER = "other_legal_professional", "Other legal professional"


class PracticeSetting(models.TextChoices):
    SOLE = "sole", "Sole practice"
    SMALL_FIRM = "small_firm", "Small firm"
    LARGE_FIRM = "large_firm", "Large firm"
    GOVERNMENT = "government", "Government"
    IN_HOUSE = "in_house", "In-house"
    LEGAL_AID = "legal_aid", "Legal aid"
    ACADEMIA = "academia", "Academia"
    NOT_PRACTISING = "not_practising", "Not practising"


# Self-identified identity, used for matching only with explicit consent.
IDENTITY_FLAGS = (
    ("lgbtq", "2SLGBTQ+"),
    ("indigenous", "Indigenous"),
    ("racialized", "Racialized"),
    ("disability", "Living with a disability"),
    ("caregiver", "Parent or caregiver"),
)

STATUS_CHOICES = [(status.value, status.label) for status in Status]


class VolunteerProfile(EncryptedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="volunteers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_profile",
    )
    status = models.CharField(
        max_length=16, choices=STATUS_CHOICES, default=Status.APPLIED, db_index=True
    )

    # Identifying: encrypted.
    full_name = EncryptedCharField()
    email = EncryptedCharField()
    email_index = BlindIndexField()
    # Blind indexes of the normalised name and firm, so a participant's "never match me with"
    # list is checked without decrypting every volunteer (kindred.volunteers.conflicts).
    name_index = BlindIndexField(blank=True, default="")
    # Employer, used only to avoid conflicts. Nullable: rows from before it existed have none.
    firm = EncryptedCharField(blank=True, null=True, default=None)
    firm_index = BlindIndexField(blank=True, default="")
    phone = EncryptedCharField(blank=True, default="")
    references = EncryptedJSONField(default=list)  # [{"name": …, "contact": …}, …]
    about_me = EncryptedTextField(blank=True, default="")
    identity = EncryptedJSONField(default=dict)  # {"gender": …, "lgbtq": True, …}
    identity_consent = models.BooleanField(default=False)
    recovery_years = EncryptedJSONField(default=dict)  # {topic slug: whole years}
    availability_note = EncryptedTextField(blank=True, default="")
    pause_reason = EncryptedTextField(blank=True, default="")
    declined_reason = EncryptedTextField(blank=True, default="")  # staff only

    # What they have lived through and where they practise: encrypted. Coordinators filter on
    # them, and matching scores them, through the kept pool (kindred.volunteers.pool), never
    # through a plaintext column.
    topic_slugs = EncryptedJSONField(default=list)  # [topic slug, …], the topics they support
    languages = EncryptedJSONField(default=list)  # ["English", "French", …]
    region = EncryptedCharField(blank=True, default="")
    practice_areas = EncryptedJSONField(default=list)  # ["Family law", …]

    # Pipeline facts: plain.
    member_type = models.CharField(max_length=32, choices=MemberType.choices)
    year_of_call = models.PositiveSmallIntegerField(null=True, blank=True)
    practice_setting = models.CharField(max_length=32, choices=PracticeSetting.choices)
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    paused_until = models.DateField(null=True, blank=True)

    applied_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    invited_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the public form's one-time submission id: a second send records nothing.
    submission_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # The earliest date a required training expires (kept up to date by the actions), so the
    # list can filter "expiring within 30 days" in the database.
    training_expires_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["program", "status"], name="volunteer_program_status")]

    def __str__(self) -> str:
        return f"volunteer {self.pk}"

    @property
    def first_name(self) -> str:
        return (self.full_name or "").split(" ")[0]


class StatusChange(models.Model):
    """Every move through the pipeline: who, when, from, to."""

    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class ScreeningItem(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="screening_items")
    name = models.CharField(max_length=120)
    only_with_recovery_topics = models.BooleanField(
        default=False,
        help_text="Needed only from volunteers who support a topic that requires recovery time.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="screening_item_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ScreeningRecord(models.Model):
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="screening_records"
    )
    item = models.ForeignKey(ScreeningItem, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"screening {self.item_id} on {self.completed_on}"


class TrainingModule(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_modules")
    name = models.CharField(max_length=120)
    validity_months = models.PositiveSmallIntegerField(default=24)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="training_module_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TrainingCompletion(models.Model):
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="training_completions"
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["completed_on", "pk"]

    def __str__(self) -> str:
        return f"training {self.module_id} on {self.completed_on}"

    def expires_on(self, validity_months: int) -> date:
        return add_months(self.completed_on, validity_months)


class Agreement(models.Model):
    """The program's confidentiality and ethics agreement; each publication is a new version."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    text = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="agreement_version_unique")
        ]

    def __str__(self) -> str:
        return f"agreement v{self.version}"


class AgreementSignature(models.Model):
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="signatures"
    )
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "agreement"], name="signature_unique")
        ]

    def __str__(self) -> str:
        return f"signature of v{self.agreement_id}"


class WellbeingCheck(EncryptedModel):
    """An optional monthly answer from 1 to 5 to "How are you doing?", seen by the coordinator.
    The answer is encrypted: how a volunteer is coping is theirs and the coordinator's."""

    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="wellbeing_checks"
    )
    month = models.DateField(help_text="The first day of the month it is for.")
    score = EncryptedJSONField()  # a whole number from 1 to 5 (checked by the action)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "month"], name="wellbeing_once_a_month")
        ]

    def __str__(self) -> str:
        return f"well-being {self.month:%Y-%m}"


class DebriefRequest(EncryptedModel):
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="debrief_requests"
    )
    note = EncryptedTextField(blank=True, default="")
    requested_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"debrief request {self.pk}"


class PoolVersion(models.Model):
    """A program's pool version, and the key that seals its pool entries.

    The version increases in the same transaction as every write to the program's pool, so a
    process that cached the pool (kindred.matching.pool) knows it is stale by reading one
    integer; several processes stay correct because the version lives in the database."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField(default=0)
    # A random token changed with every write, beside the version: a write rolled back and
    # another committed would reuse a version number, never a stamp, so a process's cache
    # keyed by both cannot serve the rolled-back pool.
    stamp = models.CharField(max_length=32, default="")
    data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"pool version {self.version}"


class PoolEntry(models.Model):
    """One narrow, kept record per volunteer of a program: whether they may be matched today,
    until when that holds, capacity left, and their features sealed with the program's pool key.

    Written by kindred.volunteers.pool in the same transaction as every change that affects it;
    `kindred rebuild_pool` recomputes it from scratch and must find nothing to change."""

    volunteer = models.OneToOneField(
        VolunteerProfile, on_delete=models.CASCADE, primary_key=True, related_name="pool_entry"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    # Active or paused: the volunteers matching ranks (the rest are kept for the list's filters).
    in_pool = models.BooleanField(default=False)
    matchable = models.BooleanField(default=False)
    # The verdict holds while today < valid_until (a training expiry, the end of a pause).
    valid_until = models.DateField(null=True, blank=True)
    open_matches = models.PositiveSmallIntegerField(default=0)
    capacity_left = models.PositiveSmallIntegerField(default=0)
    # The stamp of the write that last changed this entry (PoolVersion.stamp at that write):
    # a process holding an older copy of the pool reloads only the entries whose stamp moved.
    stamp = models.CharField(max_length=32, default="")
    # JSON of the volunteer's matching facts and features, sealed (AES-256-GCM) with the
    # program's pool key and bound to this table, row and field.
    sealed = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["program", "in_pool"], name="pool_program_in_pool")]

    def __str__(self) -> str:
        return f"pool entry of volunteer {self.volunteer_id}"
