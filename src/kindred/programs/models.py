"""Programs: each holds its own settings and its own people; data never crosses programs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class ProgramKind(models.TextChoices):
    FORMAL = "formal", "Formal: matched, ongoing peer support"
    INFORMAL = "informal", "Informal: one-off conversations with a peer"


class EligibleGroup(models.TextChoices):
    LAWYERS = "lawyers", "Lawyers"
    ARTICLING_STUDENTS = "articling_students", "Articling students"
    LAW_STUDENTS = "law_students", "Law students"
    JUDGES = "judges", "Judges"
    OTHER_LEGAL_PROFESSIONALS = "other_legal_professionals", "Other legal professionals"


def validate_eligible_groups(value: object) -> None:
    allowed = set(EligibleGroup.values)
    if not isinstance(value, list) or not value or not set(value) <= allowed:
        raise ValidationError("Choose at least one group of people who may ask for support.")


class Program(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=16, choices=ProgramKind.choices, default=ProgramKind.FORMAL)
    eligible_groups = models.JSONField(
        default=list,
        validators=[validate_eligible_groups],
        help_text="Who may ask this program for support.",
    )
    min_recovery_years = models.PositiveSmallIntegerField(
        default=2,
        help_text="Years in recovery a volunteer needs to support a topic that requires them.",
    )
    capacity_cap = models.PositiveSmallIntegerField(
        default=3, help_text="The most people one volunteer may support at once."
    )
    # How the public reaches the program (public information, so plain columns). Shown on the
    # "Contact us" page and in every crisis box; edited by the Executive Director.
    contact_phone = models.CharField(max_length=40, blank=True, default="")
    contact_email = models.EmailField(max_length=254, blank=True, default="")
    contact_hours = models.CharField(max_length=200, blank=True, default="")
    contact_address = models.TextField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def eligible_group_labels(self) -> list[str]:
        labels = dict(EligibleGroup.choices)
        return [str(labels[group]) for group in self.eligible_groups if group in labels]


class CrisisLine(models.Model):
    """A program's own crisis or support line, shown after the national ones in every crisis
    box. A program with none shows the national lines only: never a placeholder."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="crisis_lines")
    name = models.CharField(max_length=120)
    number = models.CharField(max_length=40, help_text="As people read it, e.g. 1-800-555-0199.")
    tel = models.CharField(
        max_length=20, help_text="Digits (and a leading +) for the tap-to-call and text links."
    )
    can_call = models.BooleanField(default=True)
    can_text = models.BooleanField(default=False)
    hours = models.CharField(max_length=120, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
