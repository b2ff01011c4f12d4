"""Forms of the coordinators' and Executive Directors' volunteer pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from kindred.topics.models import Topic
from kindred.volunteers.models import (
    STATUS_CHOICES,
    ScreeningItem,
    TrainingModule,
)
from kindred.volunteers.pipeline import Status, next_steps
from kindred.volunteers.pool import normal
from kindred.volunteers.queries import EXPIRING_WITHIN_DAYS, ListFilters

ANY = [("", "Any")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def distinct_sorted(values: Iterable[str]) -> list[str]:
    """Non-empty values, once each, in alphabetical order whatever their case."""
    return sorted({value for value in values if value}, key=str.casefold)


def in_words(value: str) -> str:
    """A free-text answer kept in normal form ("red deer"), as a person reads it ("Red Deer")."""
    return " ".join(word[:1].upper() + word[1:] for word in value.split(" "))


class NormalChoiceField(forms.ChoiceField):
    """A choice among answers kept in normal form (kindred.volunteers.pool.normal), so that
    "Red Deer", "red deer" and "RED DEER" in a link all choose the same region."""

    def to_python(self, value: Any) -> str:
        return normal(super().to_python(value))


class VolunteerFilterForm(forms.Form):
    """The list's filters, read from the query string (categories only, never a name)."""

    template_name = "volunteers/staff/filter_form.html"

    status = forms.ChoiceField(choices=ANY + STATUS_CHOICES, required=False)
    topic = forms.ChoiceField(choices=ANY, required=False)
    region = NormalChoiceField(choices=ANY, required=False)
    language = NormalChoiceField(choices=ANY, required=False)
    capacity_left = forms.BooleanField(label="Has capacity left", required=False)
    training_expiring = forms.BooleanField(
        label=f"Training expires within {EXPIRING_WITHIN_DAYS} days", required=False
    )

    def __init__(
        self,
        *args: Any,
        topics: Iterable[Topic],
        regions: Iterable[str],
        languages: Iterable[str],
        **kwargs: Any,
    ) -> None:
        """`regions` and `languages` are what the visible volunteers gave, in normal form: they
        are sealed on each profile, so the page passes them in (from the decrypted pool) rather
        than this form reading a column."""
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Field.template_name is Django 5.0 API that django-stubs does not declare yet.
            field.template_name = "volunteers/staff/filter_field.html"  # type: ignore[attr-defined]
        self._offer("topic", [(topic.slug, topic.name) for topic in topics])
        self._offer("region", [(name, in_words(name)) for name in distinct_sorted(regions)])
        self._offer("language", [(name, in_words(name)) for name in distinct_sorted(languages)])

    def _offer(self, name: str, choices: list[tuple[str, str]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = ANY + choices

    def filters(self) -> ListFilters:
        """The filters chosen, or none at all when the query string makes no sense."""
        if not self.is_valid():
            return ListFilters()
        data = self.cleaned_data
        return ListFilters(
            status=data["status"],
            topic=data["topic"],
            region=data["region"],
            language=data["language"],
            capacity_left=data["capacity_left"],
            training_expiring=data["training_expiring"],
        )


class StatusChangeForm(forms.Form):
    prefix = "status"
    to_status = forms.ChoiceField(label="Move to", choices=STATUS_CHOICES)
    declined_reason = forms.CharField(
        label="Reason, if you decline them",
        help_text="Needed only to decline. Seen only by staff, on this page.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the allowed next steps are offered; any status is accepted here so that a move
        # that is no longer allowed (another coordinator got there first) reaches the action,
        # which refuses it with a message.
        self.fields["to_status"].widget.choices = [("", "Choose the next step")] + [
            (step.value, step.label) for step in next_steps(current)
        ]
        if Status.DECLINED not in next_steps(current):
            del self.fields["declined_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_status") == Status.DECLINED and not data.get("declined_reason", "").strip():
            self.add_error("declined_reason", "Give a reason for declining (only staff see it).")
        return data


def _not_in_the_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError("Choose today or a day in the past.")
    return day


class ScreeningForm(forms.Form):
    prefix = "screening"  # ids stay unique beside the training form on the same page
    item = forms.ModelChoiceField(
        label="Screening step", queryset=ScreeningItem.objects.none(), empty_label=None
    )
    completed_on = forms.DateField(label="Done on", initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args: Any, program_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[ScreeningItem]", self.fields["item"])
        field.queryset = ScreeningItem.objects.filter(program_id=program_id)

    def clean_completed_on(self) -> date:
        return _not_in_the_future(self.cleaned_data["completed_on"])


class TrainingForm(forms.Form):
    prefix = "training"
    module = forms.ModelChoiceField(
        label="Training module", queryset=TrainingModule.objects.none(), empty_label=None
    )
    completed_on = forms.DateField(
        label="Completed on", initial=timezone.localdate, widget=DateInput()
    )

    def __init__(self, *args: Any, program_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[TrainingModule]", self.fields["module"])
        field.queryset = TrainingModule.objects.filter(program_id=program_id)

    def clean_completed_on(self) -> date:
        return _not_in_the_future(self.cleaned_data["completed_on"])


class AgreementForm(forms.Form):
    text = forms.CharField(
        label="Agreement text", max_length=20000, widget=forms.Textarea(attrs={"rows": 18})
    )
    understood = forms.BooleanField(
        label="I understand that every volunteer must sign this new version, and cannot be "
        "matched with anyone until they do.",
    )

    def __init__(self, *args: Any, current_text: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_text = current_text
        if current_text is not None:
            self.fields["text"].initial = current_text

    def clean_text(self) -> str:
        # Browsers send CRLF line ends; the agreement is stored with plain newlines.
        text = self.cleaned_data["text"].replace("\r\n", "\n").strip() + "\n"
        if self.current_text is not None and text.strip() == self.current_text.strip():
            raise forms.ValidationError(
                "This is the text already in force. Change it before publishing a new version."
            )
        return text
