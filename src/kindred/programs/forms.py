"""The Executive Director's forms for what the public sees of a program: its own crisis lines
and how to reach it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kindred.programs.actions import SHORT_CODE_DIGITS
from kindred.programs.models import CrisisLine, Program
from kindred.web.form_fields import PhoneNumberField, TelInput, normalise_phone_number, text_field

# Strings are marked with gettext when the module loads, like the other forms: one language
# (en-CA) today; a second would move them to gettext_lazy.
# django-stubs makes ModelForm generic for the type checker only; at run time it is not.
if TYPE_CHECKING:
    CrisisLineModelForm = forms.ModelForm[CrisisLine]
    ProgramModelForm = forms.ModelForm[Program]
else:
    CrisisLineModelForm = ProgramModelForm = forms.ModelForm


class CrisisLineForm(CrisisLineModelForm):
    name = text_field(
        _("Name of the line"),
        120,
        what=_("the name of the line"),
        help_text=_("As people know it, for example “After-hours support line”."),
    )
    number = text_field(
        _("Number"),
        40,
        what=_("the number"),
        help_text=_(
            "As people read it, for example 1-800-555-0199, or a short number such as 811. "
            "The call and text links are made from it."
        ),
        widget=TelInput(),
    )
    hours = text_field(
        _("When it answers"),
        120,
        what=_("when it answers"),
        required=False,
        help_text=_("For example “Any time, day or night” or “Weekdays 5 pm to 9 am”."),
    )

    class Meta:
        model = CrisisLine
        fields = ["name", "number", "can_call", "can_text", "hours"]
        labels = {
            "can_call": _("People can call this line"),
            "can_text": _("People can text this line"),
        }

    def clean_number(self) -> str:
        number: str = self.cleaned_data["number"]
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) < 3:
            raise ValidationError(
                _("Enter the number with its digits, like 1-800-555-0199 or 811."),
                code="invalid_phone",
            )
        if len(digits) > SHORT_CODE_DIGITS:
            # Checked like every other phone number; kept as typed, because people read it.
            normalise_phone_number(number, what=_("the number"))
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("can_call") and not cleaned.get("can_text"):
            self.add_error(
                "can_call", _("Choose whether people can call this line, text it, or both.")
            )
        return cleaned


class PublicContactForm(ProgramModelForm):
    contact_phone = PhoneNumberField(
        what=_("the program's phone number"),
        label=_("Phone number"),
        required=False,
        help_text=_("With the area code, like 403-555-0123."),
    )
    contact_email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Enter the program's email address in the form name@example.org."),
        },
    )
    contact_hours = text_field(
        _("When someone answers"),
        200,
        what=_("when someone answers"),
        required=False,
        help_text=_("For example “Monday to Friday, 8:30 am to 4:30 pm, Mountain Time”."),
    )
    contact_address = text_field(
        _("Postal address"),
        500,
        what=_("the postal address"),
        required=False,
        help_text=_("Leave it empty if the program does not want letters or visitors."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Program
        fields = ["contact_phone", "contact_email", "contact_hours", "contact_address"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].widget.attrs["autocomplete"] = "off"
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "off"
