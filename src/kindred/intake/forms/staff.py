"""Forms of the coordinators' intake pages: the queue's filter, phone intake, triage, concerns."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kindred.intake.models import (
    AskerKind,
    ConcernStatus,
    HowSoon,
    RiskAnswer,
    TriageStatus,
)
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.web.form_fields import ChoiceById, PhoneNumberField, Section, choice, text_field

OPEN = ""  # the queue's default: waiting for a peer (new, contacted, awaiting a match)
FREE_TEXT_MAX = 5000
AVOID_MAX = 2000
LANGUAGES = ("English", "French")
CITY_CHOICES = [
    ("either", "Either is fine"),
    ("same", "Someone in their own city"),
    ("different", "Someone in a different city"),
]
STRENGTH_CHOICES = [("nice", "Would be nice"), ("must", "It matters: only such a peer")]
CONTACT_METHODS = [("phone", "Phone call"), ("text", "Text message"), ("email", "Email")]


class QueueFilterForm(forms.Form):
    """Which requests the queue lists, read from the query string (a status, never content)."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(OPEN, _("Waiting for a peer: new, contacted or awaiting a match"))]
        + [(status.value, f"{status.label} only") for status in TriageStatus],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Field.template_name is Django 5.0 API that django-stubs does not declare yet. Every
        # filter is optional, so the label never says "(optional)".
        self.fields["status"].template_name = "volunteers/staff/filter_field.html"  # type: ignore[attr-defined]

    def chosen_status(self) -> str:
        """The status asked for, or open requests when the query string makes no sense."""
        return self.cleaned_data["status"] if self.is_valid() else OPEN


class PhoneIntakeForm(forms.Form):
    """A request taken over the phone: the web form's essentials, in the coordinator's words.

    What the caller says is stored exactly as the web form stores it (the same encrypted fields
    and the same shapes for preferences and contact), so the queue and matching treat both alike.
    """

    template_name = "intake/staff/phone_form.html"

    program = ChoiceById(
        queryset=Program.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        **choice("Which program are they asking?", what="a program"),
    )
    asker_kind = forms.ChoiceField(
        choices=AskerKind.choices,
        widget=forms.RadioSelect,
        **choice("Who are they?", what="who they are"),
    )
    call_me = text_field(
        "What to call them",
        80,
        what="what to call them",
        required=False,
        help_text="A first name or a nickname is enough.",
    )
    risk_answer = forms.ChoiceField(
        choices=RiskAnswer.choices,
        widget=forms.RadioSelect,
        **choice(
            "Are they thinking about ending their life, or about harming someone?",
            what="their answer to the safety question",
            missing="Ask the safety question and choose their answer: safety needs it.",
            help_text="Ask it directly, every time. A yes makes the request urgent and alerts "
            "on-call staff at once.",
        ),
    )
    how_soon = forms.ChoiceField(
        choices=HowSoon.choices,
        widget=forms.RadioSelect,
        initial=HowSoon.WHENEVER,
        **choice("How soon would they like to talk?", what="how soon they would like to talk"),
    )
    topics = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **choice("What would they like to talk about?", what="topics"),
    )
    free_text = text_field(
        "What they told you",
        FREE_TEXT_MAX,
        what="what they told you",
        required=False,
        help_text="Their words where you can. Only the program's coordinators see this.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # Preferences about the peer (the basics; the participant can say more at /my/ later).
    language = forms.ChoiceField(
        required=False,
        choices=[("", "No preference")] + [(name, name) for name in LANGUAGES],
        **choice("Language they would like to talk in", what="a language"),
    )
    city = forms.ChoiceField(
        choices=CITY_CHOICES,
        widget=forms.RadioSelect,
        initial="either",
        **choice("A peer in their own city, or elsewhere?", what="where the peer should be"),
    )
    region = text_field("Their city or region", 80, what="their city or region", required=False)
    gender = text_field(
        "Gender of the peer they would prefer",
        60,
        what="the gender they would prefer",
        required=False,
        help_text="In their words. Leave empty if they have no preference.",
    )
    gender_strength = forms.ChoiceField(
        choices=STRENGTH_CHOICES,
        widget=forms.RadioSelect,
        initial="nice",
        **choice("How much does the peer's gender matter?", what="how much it matters"),
    )
    career_stage = forms.BooleanField(
        label="They would like someone at a similar stage of their career", required=False
    )
    avoid = text_field(
        "People or firms they must not be matched with",
        AVOID_MAX,
        what="the people and firms to avoid",
        required=False,
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # How to reach them safely.
    methods = forms.MultipleChoiceField(
        choices=CONTACT_METHODS,
        widget=forms.CheckboxSelectMultiple,
        **choice(
            "How may we contact them?",
            what="how we may contact them",
            missing="Choose at least one way to contact them.",
        ),
    )
    phone = PhoneNumberField(
        what="their phone number",
        label="Phone number",
        required=False,
        help_text=_("Needed for a phone call or a text message. With the area code."),
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label="Email address",
        help_text="Needed to contact them by email.",
        error_messages={"invalid": "Enter an email address like name@example.org."},
    )
    safe_times = text_field(
        "When is it safe to reach them?",
        200,
        what="when it is safe to reach them",
        required=False,
        help_text="For example “weekdays after 6 pm”.",
    )
    leave_message = forms.BooleanField(
        label="They agree that a message may be left (voicemail, or with whoever answers)",
        required=False,
        help_text="Leave this unticked unless they said yes: then nobody leaves a message.",
    )
    personal_email_only = forms.BooleanField(
        label="Email only their personal address, never a work one", required=False
    )
    sign_in_email = forms.EmailField(
        required=False,
        max_length=254,
        label="Email for sign-in codes",
        help_text="If they would like to check on their request with a code sent by email, as "
        "well as with the passphrase you will read to them.",
        error_messages={"invalid": "Enter an email address like name@example.org."},
    )

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Program]", self.fields["program"])
        field.queryset = programs
        only = list(programs[:2])
        # One program: nothing to choose, so nothing to ask (the page names it).
        self.only_program: Program | None = only[0] if len(only) == 1 else None
        if self.only_program is not None:
            del self.fields["program"]
        topics = Topic.objects.filter(is_active=True).order_by("position", "name")
        cast(forms.ChoiceField, self.fields["topics"]).choices = list(
            topics.values_list("slug", "name")
        )
        for name in ("phone", "email"):
            self.fields[name].required_when = "contact method chosen"  # type: ignore[attr-defined]

    def sections(self) -> list[Section]:
        """The questions in the order a call usually goes: safety is asked early, always."""
        groups = (
            ("About them", "", ["program", "asker_kind", "call_me"]),
            (
                "Safety",
                "If they are in danger now, stay with them and give them 9-8-8 or 9-1-1 first.",
                ["risk_answer"],
            ),
            ("What they would like to talk about", "", ["how_soon", "topics", "free_text"]),
            (
                "Their peer",
                "Only what they mention; skip anything they would rather not say.",
                [
                    "language",
                    "city",
                    "region",
                    "gender",
                    "gender_strength",
                    "career_stage",
                    "avoid",
                ],
            ),
            (
                "Contacting them safely",
                "Ask how to reach them without anyone else learning why.",
                [
                    "methods",
                    "phone",
                    "email",
                    "safe_times",
                    "leave_message",
                    "personal_email_only",
                    "sign_in_email",
                ],
            ),
        )
        return [
            Section(title, intro, [self[name] for name in names if name in self.fields])
            for title, intro, names in groups
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        methods = set(data.get("methods") or ())
        if data.get("city") == "different" and not data.get("region"):
            self.add_error(
                "region",
                _("Enter their city or region: a peer in a different city needs to know theirs."),
            )
        if methods & {"phone", "text"} and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter their phone number, to call or text them.")
        if "email" in methods and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter their email address, to contact them by email.")
        return data

    def chosen_program(self) -> Program:
        return self.only_program or self.cleaned_data["program"]

    def request_fields(self) -> dict[str, Any]:
        """What `actions.submit_request` stores, in the same shapes as the web form."""
        data = self.cleaned_data
        preferences: dict[str, Any] = {"city": data["city"], "career_stage": data["career_stage"]}
        if data["language"]:
            preferences["language"] = data["language"]
        if data["region"]:
            preferences["region"] = data["region"]
        if data["gender"]:
            preferences["gender"] = {"value": data["gender"], "strength": data["gender_strength"]}
        avoid = [line.strip() for line in data["avoid"].splitlines() if line.strip()]
        contact = {
            "methods": list(data["methods"]),
            "phone": data["phone"],
            "email": data["email"],
            "safe_times": data["safe_times"],
            "leave_message": data["leave_message"],
            "personal_email_only": data["personal_email_only"],
        }
        return {
            "asker_kind": data["asker_kind"],
            "call_me": data["call_me"],
            "topics": list(data["topics"]),
            "free_text": data["free_text"].replace("\r\n", "\n"),
            "risk_answer": data["risk_answer"],
            "how_soon": data["how_soon"],
            "preferences": preferences,
            "avoid": avoid,
            "contact": contact,
            "sign_in_email": data["sign_in_email"],
        }


# Set by the match's own life (a proposal, both answers), never chosen by hand.
MATCH_STATUSES = (TriageStatus.PROPOSED, TriageStatus.MATCHED)
OPEN_MATCH_REFUSAL = (
    "This request has a proposal or an active match: change it from the match file."
)


class TriageForm(forms.Form):
    prefix = "triage"
    to_status = forms.ChoiceField(
        label="Move to",
        choices=TriageStatus.choices,
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "Choose one of the statuses shown.",
        },
    )

    def __init__(
        self, *args: Any, current: str, has_open_match: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.has_open_match = has_open_match
        # The current status is not offered (choosing it would change nothing), nor the two a
        # match sets.
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            ("", "Choose the new status")
        ] + [
            (status.value, status.label)
            for status in TriageStatus
            if status != current and status not in MATCH_STATUSES
        ]
        if has_open_match:
            self.fields[
                "to_status"
            ].help_text = "While a peer is proposed or matched, the status follows the match."

    def clean_to_status(self) -> str:
        # A request moved by hand while its match goes on would leave the two disagreeing
        # (a "closed" request with an active match): the match file changes both together.
        if self.has_open_match:
            raise forms.ValidationError(OPEN_MATCH_REFUSAL)
        return str(self.cleaned_data["to_status"])


class ConcernStatusForm(forms.Form):
    prefix = "concern"
    to_status = forms.ChoiceField(
        label="Move to",
        choices=ConcernStatus.choices,
        error_messages={
            "required": "Choose a status.",
            "invalid_choice": "Choose one of the statuses shown.",
        },
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            ("", "Choose the new status")
        ] + [(status.value, status.label) for status in ConcernStatus if status != current]
