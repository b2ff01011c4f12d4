"""Field helpers every form shares: plain-language errors that name the question, length limits,
ids that cannot reach the database malformed, and sections of questions under one heading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField


def text_field(
    label: str,
    max_length: int,
    *,
    what: str,
    required: bool = True,
    help_text: str = "",
    widget: forms.Widget | None = None,
    autocomplete: str = "",
) -> forms.CharField:
    """A stripped text answer with a length limit. `what` names it in the errors, which are
    read on their own in the error summary: "Enter your name.", "Shorten your name to…"."""
    field = forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": f"Enter {what}.",
            "max_length": (
                f"Shorten {what} to %(limit_value)d characters or fewer (it has %(show_value)d)."
            ),
            "null_characters_not_allowed": f"Remove the invisible “null” characters from {what}.",
        },
    )
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete
    return field


def choice(label: str, *, what: str, missing: str = "", **kwargs: Any) -> dict[str, Any]:
    """Arguments for a question with answers to choose from; `what` names it in the errors."""
    return {
        "label": label,
        "error_messages": {
            "required": missing or f"Choose {what}.",
            "invalid_choice": f"Choose {what} from the answers shown.",
            "invalid_pk_value": f"Choose {what} from the answers shown.",
            "invalid_list": f"Choose {what} from the answers shown.",
        },
        **kwargs,
    }


def looks_like_an_id(value: object) -> bool:
    """Digits that fit a database integer. Anything else would reach the query and fail there
    (SQLite raises OverflowError on a 20-digit number), so it is refused as a bad answer."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


class ChoiceById(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not looks_like_an_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoicesById(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple) and not all(looks_like_an_id(pk) for pk in value):
            raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value")
        return super().clean(value)


class TelInput(forms.TextInput):
    """Phones show their number pad; any format is accepted (extensions, +1, spaces)."""

    input_type = "tel"


@dataclass(frozen=True)
class Section:
    """A group of questions under one heading on the page."""

    title: str
    intro: str
    fields: list[BoundField]
