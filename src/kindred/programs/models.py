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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def eligible_group_labels(self) -> list[str]:
        labels = dict(EligibleGroup.choices)
        return [str(labels[group]) for group in self.eligible_groups if group in labels]
