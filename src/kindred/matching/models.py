"""Each program's matching settings: the weights of the soft features (editable by its
coordinators, defaults documented in `engine.Weights`) and how long a proposal waits for an
answer."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kindred.matching.engine import DEFAULT_WEIGHTS, Weights
from kindred.programs.models import Program

WEIGHT_FIELDS = tuple(vars(DEFAULT_WEIGHTS))


def _points(name: str, label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=getattr(DEFAULT_WEIGHTS, name),
        validators=[MaxValueValidator(20)],
        verbose_name=label,
    )


class MatchingSettings(models.Model):
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="matching_settings"
    )
    lived_experience = _points("lived_experience", "Shared lived experience, per topic")
    career_stage = _points("career_stage", "Same career stage")
    practice_setting = _points("practice_setting", "Practice setting (same or different)")
    practice_area = _points("practice_area", "Practice area (same or different)")
    identity = _points("identity", "A shared identity asked for, each")
    gender = _points("gender", "The gender asked for")
    same_city = _points("same_city", "Same city, when asked for")
    load_balance = _points("load_balance", "Room to give time, per free place")
    load_steps = models.PositiveSmallIntegerField(
        default=DEFAULT_WEIGHTS.load_steps,
        validators=[MaxValueValidator(10)],
        verbose_name="Active matches counted for room to give time",
    )
    proposal_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
        verbose_name="Days each person has to answer a proposal",
    )
    checkin_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        verbose_name='Days into a match before "Is this working for you?"',
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"matching settings of program {self.program_id}"

    @property
    def weights(self) -> Weights:
        return Weights(**{name: int(getattr(self, name)) for name in WEIGHT_FIELDS})


def settings_for(program: Program) -> MatchingSettings:
    """The program's settings, created with the documented defaults on first use."""
    found, _ = MatchingSettings.objects.get_or_create(program=program)
    return found
