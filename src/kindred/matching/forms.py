"""Forms of the coordinator's matching pages: one proposal, the plan's choices, the weights."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.forms.boundfield import BoundField

from kindred.intake.models import SupportRequest
from kindred.matching.actions import SETTINGS_FIELDS, default_settings
from kindred.matching.models import WEIGHT_FIELDS, MatchingSettings
from kindred.volunteers.models import VolunteerProfile
from kindred.web.form_fields import text_field

NOTE_LIMIT = 2000
NOT_A_CANDIDATE = "This volunteer cannot be proposed from here. Choose one of the candidates shown."


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class ProposeForm(forms.Form):
    """Propose one volunteer. The volunteer is a hidden id, checked against the volunteers of
    the request's program this coordinator may see (a bad id is an error in the summary, not a
    hidden field's error nobody would see)."""

    volunteer = forms.CharField(widget=forms.HiddenInput, required=False)
    note_for_volunteer = text_field(
        "Note for the volunteer",
        NOTE_LIMIT,
        what="the note",
        required=False,
        help_text=(
            "What the volunteer needs to decide whether to say yes, for example what kind of "
            "support is hoped for. No name and no contact details: the volunteer sees those "
            "only if both say yes."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, volunteers: QuerySet[VolunteerProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.volunteers = volunteers
        self.chosen: VolunteerProfile | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pk = _as_uuid(cleaned.get("volunteer"))
        self.chosen = self.volunteers.filter(pk=pk).first() if pk else None
        if self.chosen is None:
            raise ValidationError(NOT_A_CANDIDATE, code="not_a_candidate")
        return cleaned


# --- The plan for everyone waiting -----------------------------------------------------------

CHOICE_PREFIX = "volunteer-"
NOT_NOW = ""


def choice_name(support_request: SupportRequest) -> str:
    """The name of a plan row's <select>: one per waiting request."""
    return f"{CHOICE_PREFIX}{support_request.pk}"


class SendPlanForm(forms.Form):
    """The coordinator's choices on the plan page: for each row, a volunteer or "not now".

    Rows are read from the posted names (`volunteer-<request id>`), because the plan may have
    changed since the page was drawn; each request and volunteer must belong to the program.
    Whether a proposal is still possible is propose_match's to say, row by row."""

    def __init__(
        self,
        *args: Any,
        requests: QuerySet[SupportRequest],
        volunteers: QuerySet[VolunteerProfile],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.requests = requests
        self.volunteers = volunteers
        self.pairs: list[tuple[SupportRequest, VolunteerProfile]] = []
        self.not_now: list[SupportRequest] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wanted: dict[uuid.UUID, uuid.UUID | None] = {}
        for key in self.data:
            if not key.startswith(CHOICE_PREFIX):
                continue
            request_id = _as_uuid(key.removeprefix(CHOICE_PREFIX))
            value = self.data.get(key, NOT_NOW)
            volunteer_id = _as_uuid(value) if value != NOT_NOW else None
            if request_id is None or (value != NOT_NOW and volunteer_id is None):
                raise ValidationError("Choose each peer from the list shown.", code="bad_choice")
            wanted[request_id] = volunteer_id
        if not wanted:
            raise ValidationError("There was nothing to send.", code="empty")
        # Queue order: urgent first, then whoever has waited longest, as on the page.
        requests = list(
            self.requests.filter(pk__in=list(wanted)).order_by(
                "-urgent", "-front_of_queue", "created_at", "pk"
            )
        )
        chosen_ids = {pk for pk in wanted.values() if pk is not None}
        volunteers = {v.pk: v for v in self.volunteers.filter(pk__in=list(chosen_ids))}
        if len(requests) != len(wanted) or len(volunteers) != len(chosen_ids):
            raise ValidationError("Choose each peer from the list shown.", code="bad_choice")
        for support_request in requests:
            volunteer_id = wanted[support_request.pk]
            if volunteer_id is None:
                self.not_now.append(support_request)
            else:
                self.pairs.append((support_request, volunteers[volunteer_id]))
        return cleaned


# --- The program's weights and days ----------------------------------------------------------

# What each setting does, in words a coordinator can weigh. The defaults are added from
# engine.Weights and the model, so the page can never disagree with the code.
SETTING_HELP = {
    "lived_experience": (
        "Points for each of the request's topics the volunteer has lived through. Shared "
        "experience matters most, so this is the largest weight."
    ),
    "career_stage": (
        "Points when the participant asked for a peer at their career stage and the volunteer "
        "is at it (student, lawyer, judge)."
    ),
    "practice_setting": (
        "Points when the volunteer's practice setting is the same as the participant's, or "
        "different, as the participant asked."
    ),
    "practice_area": (
        "Points when the volunteer practises in the same area of law as the participant, or a "
        "different one, as the participant asked."
    ),
    "identity": (
        "Points for each identity the participant would like their peer to share (a wish, not "
        "a requirement) that the volunteer shares and agreed to use for matching."
    ),
    "gender": (
        "Points when the volunteer is of the gender the participant would like (a wish, not a "
        "requirement)."
    ),
    "same_city": (
        "Points when the participant asked for a peer in their own city and the volunteer "
        "lives there."
    ),
    "load_balance": (
        "Points for each free place below the number of active matches set next, so that "
        "volunteers with fewer matches are asked first."
    ),
    "load_steps": (
        "How many active matches count for room to give time: a volunteer with none gets this "
        "many times the points above, one with this many or more gets none."
    ),
    "proposal_days": (
        "How long the volunteer, and then the participant, each have to answer a proposal "
        "before it lapses and the request goes back to the front of the queue."
    ),
    "checkin_days": (
        "How many days after a match begins both people are asked, privately, "
        "“Is this working for you?”."
    ),
}


def _model_field(name: str) -> models.Field[Any, Any]:
    field = MatchingSettings._meta.get_field(name)
    if not isinstance(field, models.Field):  # a relation, which the settings never name
        raise TypeError(name)
    return field


def _limits(name: str) -> tuple[int, int]:
    """The range the model allows (its validators), so the form and the model agree."""
    low, high = 0, 32767
    for validator in _model_field(name).validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, int(validator.limit_value))
        elif isinstance(validator, MaxValueValidator):
            high = min(high, int(validator.limit_value))
    return low, high


class MatchingSettingsForm(forms.Form):
    """The program's weights (points per soft feature) and its days, each with its default."""

    template_name = "matching/settings_form.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = default_settings()
        for name in SETTINGS_FIELDS:
            label = str(_model_field(name).verbose_name)
            low, high = _limits(name)
            what = label[0].lower() + label[1:]
            out_of_range = f"Enter a whole number from {low} to {high}."
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=low,
                max_value=high,
                help_text=(f"{SETTING_HELP[name]} Default {defaults[name]}; from {low} to {high}."),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "required": f"Enter a number for “{what}”.",
                    "invalid": out_of_range,
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                },
            )

    @property
    def weight_fields(self) -> list[BoundField]:
        return [self[name] for name in WEIGHT_FIELDS]

    @property
    def day_fields(self) -> list[BoundField]:
        return [self[name] for name in SETTINGS_FIELDS if name not in WEIGHT_FIELDS]

    def values(self) -> dict[str, int]:
        return {name: int(self.cleaned_data[name]) for name in SETTINGS_FIELDS}
