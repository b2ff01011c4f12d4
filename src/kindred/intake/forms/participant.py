"""Forms of the participant's own pages at /my/. They only check what was typed; sign-in itself
(and what it reveals, which is nothing about which part was wrong) is decided in the view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from kindred.web.form_fields import PhoneNumberField

CONTACT_METHODS = [
    ("phone", "A phone call"),
    ("text", "A text message"),
    ("email", "An email"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]

# Fields that hold secrets or that would show on a shared computer: never kept by the browser's
# form history, never corrected or capitalised by a phone keyboard.
_NOT_REMEMBERED = {
    "autocomplete": "off",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
}


class SignInForm(forms.Form):
    reference = forms.CharField(
        label="Your reference",
        max_length=20,
        help_text="It looks like K7-4QX9.",
        error_messages={"required": "Enter your reference."},
        widget=forms.TextInput(attrs={**_NOT_REMEMBERED, "autocapitalize": "characters"}),
    )
    # A password field: browsers never keep it in form history, and it does not show on screen to
    # someone standing nearby.
    passphrase = forms.CharField(
        label="Your passphrase",
        max_length=200,
        strip=False,
        help_text="The six words you were given. Capital letters and extra spaces don't matter.",
        error_messages={"required": "Enter your passphrase."},
        widget=forms.PasswordInput(attrs=_NOT_REMEMBERED),
    )


class CodeRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The address you gave us for signing in.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class CodeEnterForm(CodeRequestForm):
    code = forms.RegexField(
        label="The code from the email",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        help_text="Six numbers. It works once, for 10 minutes.",
        error_messages={
            "required": "Enter the code from the email.",
            "invalid": "Enter the six numbers from the email.",
        },
        widget=forms.TextInput(
            attrs={**_NOT_REMEMBERED, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class ContactForm(forms.Form):
    """How and when the program may reach them safely (the request's `contact`)."""

    methods = forms.MultipleChoiceField(
        label="How may we contact you?",
        choices=CONTACT_METHODS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every way that is safe for you.",
        error_messages={"required": "Choose at least one way we may contact you."},
    )
    # Checked with libphonenumber (Canada by default) and kept as "+1 403-555-0123", so the
    # coordinator reads it, and dials it, the way every other page shows a number.
    phone = PhoneNumberField(
        what="your phone number",
        label=gettext_lazy("Phone number"),
        required=False,
        help_text=gettext_lazy(
            "Needed for a phone call or a text message. With the area code, like 403-555-0123."
        ),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        help_text="Needed for an email. A personal address is safest: others may read a work one.",
        error_messages={"invalid": "Enter an email address like name@example.org."},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    safe_times = forms.CharField(
        label="When is it safe to reach you?",
        max_length=300,
        required=False,
        help_text="For example: weekdays after 6 pm, or Saturday mornings.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    leave_message = forms.ChoiceField(
        label="May we leave a message if you don't answer?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether we may leave a message."},
    )
    personal_email_only = forms.BooleanField(
        label="Only ever email me at a personal address, never at work",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Needed in some cases, checked in clean(): their hints say when, never "(optional)".
        self.fields["phone"].required_when = "phone or text chosen"  # type: ignore[attr-defined]
        self.fields["email"].required_when = "email chosen"  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, contact: dict[str, Any]) -> dict[str, Any]:
        """The form's starting values from what is stored."""
        return {
            "methods": [m for m in contact.get("methods", []) if m in dict(CONTACT_METHODS)],
            "phone": contact.get("phone", ""),
            "email": contact.get("email", ""),
            "safe_times": contact.get("safe_times", ""),
            "leave_message": "yes" if contact.get("leave_message") else "no",
            "personal_email_only": bool(contact.get("personal_email_only")),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        methods = cleaned.get("methods") or []
        wants_phone = bool({"phone", "text"} & set(methods))
        if wants_phone and not cleaned.get("phone", "").strip() and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number, or untick phone call and text.")
        if "email" in methods and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address, or untick email.")
        return cleaned

    def contact(self, stored: dict[str, Any]) -> dict[str, Any]:
        """The new `contact`, keeping any stored key this form does not show."""
        data = self.cleaned_data
        return {
            **stored,
            "methods": list(data["methods"]),
            "phone": data["phone"],
            "email": data["email"],
            "safe_times": data["safe_times"].strip(),
            "leave_message": data["leave_message"] == "yes",
            "personal_email_only": bool(data["personal_email_only"]),
        }


class SignInEmailForm(forms.Form):
    email = forms.EmailField(
        label="Email address for sign-in codes",
        max_length=254,
        help_text=(
            "We only ever send a code to this address, and only when you ask for one. The email "
            "says nothing about what you asked us for."
        ),
        error_messages={
            "required": "Enter an email address, or remove the address instead.",
            "invalid": "Enter an email address like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
