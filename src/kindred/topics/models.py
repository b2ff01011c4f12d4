"""The one topic taxonomy, shared by volunteers, intake, matching and reporting."""

from __future__ import annotations

from django.db import models


class ReportingCategory(models.TextChoices):
    CAREER = "career", "Career"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    PROCESS_ADDICTION = "process_addiction", "Process addiction"
    FAMILY = "family", "Family"
    HEALTH = "health", "Health"
    FINANCIAL = "financial", "Financial"
    OTHER = "other", "Other"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    reporting_category = models.CharField(max_length=32, choices=ReportingCategory.choices)
    requires_recovery_time = models.BooleanField(
        default=False,
        help_text="Volunteers who support this topic must declare their years in recovery.",
    )
    is_active = models.BooleanField(
        default=True, help_text="Retired topics stay on old records but are not offered."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
