"""Volunteers: their applications and profiles, and how the program screens, trains and
supports them. Everything identifying is encrypted; the categorical facts that the coordinator
filters on and the matching engine scores (status, region, languages, topics, setting) are not.
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
from kindred.programs.models import Program
from kindred.topics.models import Topic
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
    # list is checked without decrypting every volunteer (kindred.matching.conflicts).
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

    # Categorical: filtered on by coordinators and scored by matching.
    member_type = models.CharField(max_length=32, choices=MemberType.choices)
    year_of_call = models.PositiveSmallIntegerField(null=True, blank=True)
    practice_setting = models.CharField(max_length=32, choices=PracticeSetting.choices)
    practice_areas = models.JSONField(default=list, blank=True)
    region = models.CharField(max_length=80)
    # "|English|French|": exact language filters with a LIKE on every database.
    languages_text = models.CharField(max_length=400, default="|")
    topics = models.ManyToManyField(Topic, related_name="volunteers", blank=True)
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
    def languages(self) -> list[str]:
        return [language for language in self.languages_text.split("|") if language]

    @languages.setter
    def languages(self, values: list[str]) -> None:
        self.languages_text = "|" + "".join(f"{value.strip()}|" for value in values if value)

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
