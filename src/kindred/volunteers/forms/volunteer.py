"""Forms of the volunteer's own portal. They only check what was typed; the actions decide
(the program's capacity cap, a pause date after today) and their refusals are shown next to
the field they concern."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from kindred.topics.models import Topic
from kindred.volunteers.models import VolunteerProfile

PAUSE_WEEKS = 4
MAX_NOTE = 2000

WELLBEING_CHOICES = [
    (1, "1 — Struggling"),
    (2, "2 — Finding it hard"),
    (3, "3 — Getting by"),
    (4, "4 — Doing fairly well"),
    (5, "5 — Doing well"),
]


def split_list(value: str) -> list[str]:
    """ "English, French" → ["English", "French"]: trimmed, empty parts and repeats dropped."""
    seen: dict[str, None] = {}
    for part in value.split(","):
        cleaned = " ".join(part.split())
        if cleaned and cleaned.casefold() not in {key.casefold() for key in seen}:
            seen[cleaned] = None
    return list(seen)


def recovery_field_name(topic: Topic) -> str:
    return f"recovery_{topic.slug}"


class ProfileForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Topics you can support people with",
        help_text="Choose every topic you have lived through and feel ready to talk about.",
        error_messages={"required": "Choose at least one topic."},
    )
    about_me = forms.CharField(
        label="About me",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "A few lines about you. The coordinator reads them when choosing a match, and the "
            "person you are proposed to sees them, with your first name, before saying yes."
        ),
    )
    availability_note = forms.CharField(
        label="When you are usually available",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: weekday evenings, or Saturday mornings by phone.",
    )
    languages = forms.CharField(
        label="Languages you can offer support in",
        max_length=300,
        help_text="Separate them with commas, for example: English, French.",
        error_messages={"required": "Name at least one language."},
    )
    region = forms.CharField(
        label="Region",
        max_length=80,
        help_text="The city or area where you live or practise.",
        error_messages={"required": "Enter your region."},
    )
    firm = forms.CharField(
        label="Your firm or employer",
        required=False,
        max_length=120,
        help_text=(
            "Kept private. We use it only to make sure you are never matched with someone from "
            "your own workplace, or who asked not to be."
        ),
    )
    practice_areas = forms.CharField(
        label="Practice areas",
        required=False,
        max_length=400,
        help_text="Separate them with commas, for example: family, employment.",
    )

    def __init__(self, *args: Any, volunteer: VolunteerProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.volunteer = volunteer
        topics_field = cast(forms.ModelMultipleChoiceField, self.fields["topics"])
        topics_field.queryset = active_topics()
        declared = volunteer.recovery_years or {}
        minimum = volunteer.program.min_recovery_years
        # One "years in recovery" question per topic that requires it, right after the topics.
        order = ["topics"]
        for topic in active_topics().filter(requires_recovery_time=True):
            name = recovery_field_name(topic)
            self.fields[name] = forms.IntegerField(
                label=f"Years in recovery, if you chose {topic.name}",
                required=False,
                min_value=0,
                max_value=80,
                help_text=(
                    f"In whole years. The program asks for at least {minimum} years to support "
                    "this topic."
                ),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            # Needed when the topic is chosen (checked in clean), so never "(optional)".
            self.fields[name].required_when = "topic chosen"  # type: ignore[attr-defined]
            if topic.slug in declared and not self.is_bound:
                self.initial.setdefault(name, declared[topic.slug])
            order.append(name)
        self.order_fields(order)

    def clean_languages(self) -> list[str]:
        languages = split_list(self.cleaned_data["languages"])
        if not languages:
            raise forms.ValidationError("Name at least one language.")
        return languages

    def clean_practice_areas(self) -> list[str]:
        return split_list(self.cleaned_data["practice_areas"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for topic in cleaned.get("topics", []):
            if topic.requires_recovery_time:
                name = recovery_field_name(topic)
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(
                        name,
                        f"Say how many whole years you have been in recovery, or untick "
                        f"{topic.name}.",
                    )
        return cleaned

    def chosen_topics(self) -> list[Topic]:
        """The topics ticked, plus any retired topic already on the profile: retired topics are
        no longer offered, but saving the profile does not silently take them away."""
        retired = Topic.objects.filter(slug__in=self.volunteer.topic_slugs or [], is_active=False)
        return [*self.cleaned_data["topics"], *retired]

    def recovery_years(self) -> dict[str, int]:
        """Years for the ticked topics that require them; a topic unticked loses its years, and
        the years of a retired topic (not asked here) are kept."""
        offered = {
            name.removeprefix("recovery_") for name in self.fields if name.startswith("recovery_")
        }
        years = {
            slug: value
            for slug, value in (self.volunteer.recovery_years or {}).items()
            if slug not in offered
        }
        for topic in self.cleaned_data["topics"]:
            if topic.requires_recovery_time:
                years[topic.slug] = self.cleaned_data[recovery_field_name(topic)]
        return years


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True)


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label="How many people can you support at once?",
        min_value=1,
        max_value=3,
        error_messages={"required": "Choose how many people you can support."},
    )

    def __init__(self, *args: Any, cap: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The action refuses anything above the program's cap, with the message shown here.
        self.fields["capacity"].widget = forms.Select(
            choices=[(number, str(number)) for number in range(1, cap + 1)]
        )
        self.fields[
            "capacity"
        ].help_text = f"Up to {cap}. Fewer is fine; you can change this at any time."


class PauseForm(forms.Form):
    until = forms.DateField(
        label="Pause until",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="No new matches are proposed to you before this date.",
        error_messages={
            "required": "Choose the date your pause ends.",
            "invalid": "Enter a date, for example 2026-05-31.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only your coordinator sees this. You do not have to give one.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = today + timedelta(weeks=PAUSE_WEEKS)
        self.fields["until"].widget.attrs["min"] = (today + timedelta(days=1)).isoformat()


class AgreementForm(forms.Form):
    # The version they read; the view refuses to sign another one in its place.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(
        label="I have read and agree",
        error_messages={"required": "Tick the box to say you have read and agree."},
    )


class DebriefForm(forms.Form):
    note = forms.CharField(
        label="What would you like to talk about?",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Only your coordinator sees this. Please leave out participants' names and "
            "anything else that could identify them."
        ),
    )


class WellbeingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="How are you doing this month?",
        choices=WELLBEING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the answer closest to how you are doing."},
    )
