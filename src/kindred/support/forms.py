"""Forms of a match as its two people see it. They only check what was typed; the actions
(kindred.support.actions) decide what may happen now, and their refusals are shown to the person.

The participant's forms carry the id of the match they were shown, in the form and never in
the URL: if the program changed the proposal meanwhile, an answer meant for one peer is never
taken as an answer about another."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kindred.support.models import CheckinAnswer, ContactMode, TaskKind
from kindred.support.queries import ShareChoice

MAX_NOTE = 2000
MAX_MINUTES = 600


def _note(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_NOTE,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Shorten this to %(limit_value)d characters or fewer (it has "
            "%(show_value)d)."
        },
    )


class ShareForm(forms.Form):
    """Yes to a proposal, with what the other person will see once both have said yes."""

    share = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose from the details shown.",
        },
    )

    def __init__(
        self,
        *args: Any,
        choices: list[ShareChoice],
        label: str,
        help_text: str,
        missing: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["share"])
        field.choices = [(choice.key, choice.label) for choice in choices]
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = missing

    def clean_share(self) -> list[str]:
        chosen = list(self.cleaned_data["share"])
        # Safe times alone are no way to reach anyone.
        if not {"phone", "email"} & set(chosen):
            raise forms.ValidationError(self.fields["share"].error_messages["required"])
        return chosen


def volunteer_share_form(choices: list[ShareChoice], data: Any = None) -> ShareForm:
    return ShareForm(
        data,
        choices=choices,
        label="What they will see, once they say yes too",
        # No initial value: nothing is shared unless the volunteer ticks it.
        help_text=_(
            "Tick what they may see; nothing is shared unless you tick it. Until they say yes, "
            "they see none of it. Choose at least one way they can reach you."
        ),
        missing="Choose at least one way they can reach you.",
    )


class ParticipantShareForm(ShareForm):
    match = forms.UUIDField(widget=forms.HiddenInput)


def participant_share_form(
    choices: list[ShareChoice], match_id: Any, data: Any = None
) -> ParticipantShareForm:
    return ParticipantShareForm(
        data,
        choices=choices,
        label="What your peer will see",
        # Nothing is ticked for them: sharing is a choice the participant makes, box by box.
        help_text=_(
            "Tick what your peer may see; nothing is shared unless you tick it. Choose at "
            "least one way they can reach you."
        ),
        missing="Choose at least one way your peer can reach you.",
        initial={"match": match_id},
    )


class MatchIdForm(forms.Form):
    """The match the participant was shown (a decline has nothing else to say)."""

    match = forms.UUIDField(widget=forms.HiddenInput)


class ContactLogForm(forms.Form):
    """That a conversation happened: date, mode and length. Never what was said."""

    on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date you were in touch.",
            "invalid": "Enter a date, for example 2026-05-31.",
        },
    )
    mode = forms.ChoiceField(
        label="How you were in touch",
        choices=ContactMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you were in touch.",
            "invalid_choice": "Choose how you were in touch from the answers shown.",
        },
    )
    minutes = forms.IntegerField(
        label="How long, in minutes",
        min_value=1,
        max_value=MAX_MINUTES,
        help_text="Roughly is fine.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how long it lasted, in minutes.",
            "invalid": "Enter how long it lasted as a number of minutes, for example 45.",
            "min_value": f"Enter how long it lasted, from 1 to {MAX_MINUTES} minutes.",
            "max_value": f"Enter how long it lasted, from 1 to {MAX_MINUTES} minutes.",
        },
    )

    def __init__(self, *args: Any, today: date, began: date | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.began = began
        self.fields["on"].initial = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()
        if began is not None:
            self.fields["on"].widget.attrs["min"] = began.isoformat()

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("The date of a contact cannot be in the future.")
        if self.began is not None and on < self.began:
            raise forms.ValidationError(
                f"The date is before this match began ({date_format(self.began, 'j F Y')})."
            )
        return on


class CheckinForm(forms.Form):
    answer = forms.ChoiceField(
        label="Is this working for you?",
        choices=CheckinAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an answer.",
            "invalid_choice": "Choose an answer from those shown.",
        },
    )
    note = _note(
        "Anything you would like to add?",
        "Only the program's staff see your answer and this note. Your peer is not told.",
    )


class ParticipantCheckinForm(CheckinForm):
    match = forms.UUIDField(widget=forms.HiddenInput)


FLAG_KINDS = [
    (TaskKind.BEYOND_COMPETENCY.value, "This is beyond my competency"),
    (TaskKind.SAFETY_CONCERN.value, "I have a safety concern"),
]


class FlagForm(forms.Form):
    kind = forms.ChoiceField(choices=FLAG_KINDS, widget=forms.HiddenInput)
    note = _note(
        "What would you like the coordinator to know?",
        "Only the program's staff see this. Please keep it brief.",
    )


# The name and value of the button that confirms an irreversible step (a change of peer).
CONFIRM = "confirm"
CONFIRMED = "yes"


def confirmed(data: QueryDict) -> bool:
    """Whether the person pressed the confirm button of the second step. The first step only
    shows what will happen; nothing changes until this is true."""
    return data.get(CONFIRM) == CONFIRMED


class ChangeForm(forms.Form):
    reason = _note(
        "Would you like to say why?",
        "Only the program's staff see this. You don't have to give a reason.",
    )


class ParticipantChangeForm(ChangeForm):
    match = forms.UUIDField(widget=forms.HiddenInput)
