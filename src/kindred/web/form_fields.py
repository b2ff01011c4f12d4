"""Field helpers every form shares: plain-language errors that name the question, length limits,
ids that cannot reach the database malformed, and sections of questions under one heading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import phonenumbers
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


PHONE_REGION = "CA"  # a number without a country code is read as Canadian (or US: same plan)


class PhoneNumberField(forms.CharField):
    """A phone number checked with libphonenumber (`phonenumbers`), Canada by default, and kept
    in the international format ("+1 403-555-0123", with ", ext. 12" when given) so every page and
    every tel: link reads it alike. The error says what to fix, and names the question."""

    widget = TelInput

    def __init__(self, *, what: str = "the phone number", **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.error_messages.setdefault("required", f"Enter {what}.")
        self.widget.attrs.setdefault("autocomplete", "tel")

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        return normalise_phone_number(text, what=self.what)


def normalise_phone_number(text: str, *, what: str = "the phone number") -> str:
    """`text` in the international format, or a ValidationError that says what to fix."""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            f"Enter {what} with its area code, like 403-555-0123, or with + and the country "
            "code for a number outside North America.",
            code="invalid_phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
            message = f"Add the area code to {what}, like 403-555-0123."
        elif reason == phonenumbers.ValidationResult.IS_POSSIBLE:
            message = (
                f"Check {what}: it is not a number in use. With the area code, like 403-555-0123."
            )
        else:
            message = (
                f"Check {what}: it has too few or too many digits. With the area code, like "
                "403-555-0123."
            )
        raise ValidationError(message, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_tel_uri(number: str) -> str:
    """The digits of a stored number for a tel: or sms: link ("+14035550123")."""
    try:
        parsed = phonenumbers.parse(number, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Section:
    """A group of questions under one heading on the page."""

    title: str
    intro: str
    fields: list[BoundField]
