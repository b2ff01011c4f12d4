"""The public "Volunteer with us" application form: one idea per question, in plain words.

Every text answer has a length limit (the encrypted columns have none of their own), and every
error says what to do next. The one-time submission id and the honeypot are not form fields: the
view handles them (views/public.py), so this form is only about what the person tells us.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers.models import IDENTITY_FLAGS, MemberType, PracticeSetting
from kindred.web.form_fields import (
    ChoiceById,
    ChoicesById,
    PhoneNumberField,
    Section,
    choice,
    text_field,
)

FIRST_YEAR_OF_CALL = 1950
ABOUT_ME_MAX = 1500
MAX_CAPACITY = 3
MAX_PRACTICE_AREAS = 10
LANGUAGES = ("English", "French")
# Called to the bar: they are asked for the year. Students and other legal professionals
# (paralegals, notaries…) may never have been called, so for them it stays optional.
CALLED_TO_THE_BAR = {MemberType.LAWYER, MemberType.RETIRED_LAWYER, MemberType.JUDGE}


def recovery_field_name(topic: Topic) -> str:
    return f"recovery_years_{topic.slug}"


class ApplicationForm(forms.Form):
    template_name = "volunteers/public/application_form.html"

    # Asked only when there is more than one program (see __init__).
    program = ChoiceById(
        queryset=Program.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        **choice("Which program would you like to volunteer with?", what="a program"),
    )

    full_name = text_field("Your full name", 150, what="your name", autocomplete="name")
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The coordinator will use it to contact you about your application.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
            "max_length": (
                "Shorten your email address to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
    )
    email.widget.attrs["autocomplete"] = "email"
    # Checked with libphonenumber (Canada by default) and kept in one format, so the coordinator
    # can call it and every page shows it alike; the error says what to fix.
    phone = PhoneNumberField(label="Phone number", what="your phone number", required=False)

    member_type = forms.ChoiceField(
        choices=MemberType.choices,
        widget=forms.RadioSelect,
        **choice("Which best describes you?", what="what best describes you"),
    )
    year_of_call = forms.IntegerField(required=False)  # built in __init__ (the current year)
    practice_setting = forms.ChoiceField(
        choices=PracticeSetting.choices,
        widget=forms.RadioSelect,
        **choice("Where do you practise?", what="where you practise"),
    )
    practice_areas = text_field(
        "Practice areas",
        200,
        what="your practice areas",
        required=False,
        help_text="A short list, separated by commas. For example: family, real estate.",
    )
    firm = text_field(
        "Your firm or employer",
        120,
        what="your firm or employer",
        required=False,
        help_text=(
            "Kept private. We use it only to make sure you are never matched with someone from "
            "your own workplace, or who asked not to be."
        ),
        autocomplete="organization",
    )
    region = text_field(
        "City or region",
        80,
        what="your city or region",
        help_text="Where you live or work. It helps us match you with people near you.",
        autocomplete="address-level2",
    )

    languages = forms.MultipleChoiceField(
        choices=[(language, language) for language in LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **choice("Which languages could you offer support in?", what="languages"),
    )
    other_languages = text_field(
        "Other languages",
        120,
        what="the other languages",
        required=False,
        help_text="Separate them with commas. For example: Punjabi, Tagalog.",
    )

    topics = ChoicesById(
        queryset=Topic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        **choice(
            "Which topics could you support someone with?",
            what="topics",
            missing="Choose at least one topic you could support someone with.",
            help_text="Choose every topic you have lived through and feel ready to talk about.",
        ),
    )

    gender = text_field(
        "Gender", 60, what="your gender", required=False, help_text="In your own words."
    )
    identity_flags = forms.MultipleChoiceField(
        choices=IDENTITY_FLAGS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **choice("Do any of these describe you?", what="what describes you"),
    )
    identity_consent = forms.BooleanField(
        required=False,
        label="The program may use what I shared about myself above to match me with people.",
    )

    about_me = text_field(
        "About you",
        ABOUT_ME_MAX,
        what="the few words about you",
        required=False,
        help_text=(
            "A few words a person asking for support may read before they talk with you: your "
            f"path in law and what you have been through. Up to {ABOUT_ME_MAX:,} characters."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    reference_1_name = text_field(
        "Name of your first reference",
        150,
        what="the name of your first reference",
        help_text="Someone who knows you professionally, not a family member.",
    )
    reference_1_contact = text_field(
        "Email or phone number of your first reference",
        200,
        what="an email address or phone number for your first reference",
    )
    reference_2_name = text_field(
        "Name of your second reference", 150, what="the name of your second reference"
    )
    reference_2_contact = text_field(
        "Email or phone number of your second reference",
        200,
        what="an email address or phone number for your second reference",
    )

    capacity = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        **choice(
            "How many people could you support at the same time?",
            what="how many people you could support at once",
            help_text="Most volunteers start with one. You can change this later.",
        ),
    )

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        if len(programs) > 1:
            program_field = cast(forms.ModelChoiceField, self.fields["program"])
            program_field.queryset = Program.objects.filter(pk__in=[p.pk for p in programs])
        else:
            del self.fields["program"]

        # Replaced in place (same position): the range ends with the current year.
        self.fields["year_of_call"] = self._year_of_call_field(timezone.localdate().year)
        # Needed in some cases, checked in clean(): their hints say when, never "(optional)".
        self.fields["year_of_call"].required_when = "called to the bar"  # type: ignore[attr-defined]
        self.fields["languages"].required_when = "no other language typed"  # type: ignore[attr-defined]

        # The most anyone may choose; a program with a lower cap is checked in clean().
        most = min(MAX_CAPACITY, max((program.capacity_cap for program in programs), default=1))
        capacity = cast(forms.TypedChoiceField, self.fields["capacity"])
        capacity.choices = [
            (n, "1 person" if n == 1 else f"{n} people") for n in range(1, most + 1)
        ]

        active = list(Topic.objects.filter(is_active=True))
        topics = cast(forms.ModelMultipleChoiceField, self.fields["topics"])
        topics.queryset = Topic.objects.filter(is_active=True)
        self.recovery_topics = [topic for topic in active if topic.requires_recovery_time]
        # Each one right after the topics question, in the order the topics are listed.
        fields = list(self.fields.items())
        at = next(i for i, (name, _) in enumerate(fields) if name == "topics") + 1
        for topic in reversed(self.recovery_topics):
            fields.insert(at, (recovery_field_name(topic), self._recovery_field(topic)))
        self.fields = dict(fields)

    @staticmethod
    def _year_of_call_field(this_year: int) -> forms.IntegerField:
        out_of_range = f"Enter a year of call from {FIRST_YEAR_OF_CALL} to {this_year}."
        return forms.IntegerField(
            label="Year you were called to the bar",
            required=False,
            min_value=FIRST_YEAR_OF_CALL,
            max_value=this_year,
            help_text=(
                "Needed for lawyers, retired lawyers and judges. Leave it empty if you have not "
                "been called, for example as a student."
            ),
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={
                "invalid": "Enter your year of call as four digits, for example 2012.",
                "min_value": out_of_range,
                "max_value": out_of_range,
            },
        )

    @staticmethod
    def _recovery_field(topic: Topic) -> forms.IntegerField:
        name = f"“{topic.name}”"
        field = forms.IntegerField(
            label=f"Years in recovery: {topic.name}",
            required=False,
            min_value=0,
            max_value=80,
            help_text=f"Needed if you chose {name}. Whole years, for example 4.",
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={
                "invalid": f"Enter your years in recovery for {name} as a whole number.",
                "min_value": f"Enter your years in recovery for {name} from 0 to 80.",
                "max_value": f"Enter your years in recovery for {name} from 0 to 80.",
            },
        )
        field.required_when = "topic chosen"  # type: ignore[attr-defined]
        return field

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        member_type = cleaned.get("member_type")
        if (
            member_type in CALLED_TO_THE_BAR
            and cleaned.get("year_of_call") is None
            and "year_of_call" not in self.errors
        ):
            self.add_error(
                "year_of_call", "Enter the year you were called to the bar, for example 2012."
            )

        if (
            not cleaned.get("languages")
            and not self.other_languages_list(cleaned)
            and "other_languages" not in self.errors
        ):
            self.add_error(
                "languages", "Choose at least one language, or write it under other languages."
            )

        chosen = {topic.pk for topic in cleaned.get("topics") or []}
        for topic in self.recovery_topics:
            name = recovery_field_name(topic)
            if topic.pk in chosen and cleaned.get(name) is None and name not in self.errors:
                self.add_error(
                    name, f"Enter your years in recovery, because you chose “{topic.name}”."
                )

        # Identity is used only with consent. Rather than quietly throw away what someone
        # chose to tell us, ask them to decide: tick the box, or clear those answers.
        if self.identity(cleaned) and not cleaned.get("identity_consent"):
            self.add_error(
                "identity_consent",
                "Tick this box if the program may use what you shared about yourself for "
                "matching. If not, clear your gender and the boxes above it.",
            )

        capacity = cleaned.get("capacity")
        program = self.chosen_program(cleaned)
        if capacity is not None and program is not None and capacity > program.capacity_cap:
            self.add_error(
                "capacity",
                f"This program asks each volunteer to support at most {program.capacity_cap} "
                f"{'person' if program.capacity_cap == 1 else 'people'} at once.",
            )
        return cleaned

    def chosen_program(self, cleaned: dict[str, Any] | None = None) -> Program | None:
        if "program" not in self.fields:
            return self.programs[0] if self.programs else None
        program: Program | None = (cleaned if cleaned is not None else self.cleaned_data).get(
            "program"
        )
        return program

    @staticmethod
    def other_languages_list(cleaned: dict[str, Any]) -> list[str]:
        text = cleaned.get("other_languages") or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    @staticmethod
    def identity(cleaned: dict[str, Any]) -> dict[str, Any]:
        identity: dict[str, Any] = {}
        if cleaned.get("gender"):
            identity["gender"] = cleaned["gender"]
        for flag in cleaned.get("identity_flags") or []:
            identity[flag] = True
        return identity

    def sections(self) -> list[Section]:
        """The questions under their headings, in the order of the fields (and of the errors)."""
        groups = [
            ("Program", "", ["program"]),
            ("Your name and contact details", "", ["full_name", "email", "phone"]),
            (
                "Your work in law",
                "",
                [
                    "member_type",
                    "year_of_call",
                    "practice_setting",
                    "practice_areas",
                    "firm",
                    "region",
                ],
            ),
            ("Languages", "", ["languages", "other_languages"]),
            (
                "What you could help with",
                "Some topics ask volunteers for time in recovery. For those, tell us how many "
                "years; the coordinator will talk it through with you.",
                ["topics", *(recovery_field_name(topic) for topic in self.recovery_topics)],
            ),
            (
                "Who you are (optional)",
                "Some people feel more at ease with a peer who shares part of who they are. "
                "Answer only if you wish. We use it for matching only if you say so below.",
                ["gender", "identity_flags", "identity_consent"],
            ),
            ("In your own words", "", ["about_me"]),
            (
                "References",
                "Two people the coordinator may contact. Tell them first that we might.",
                [
                    "reference_1_name",
                    "reference_1_contact",
                    "reference_2_name",
                    "reference_2_contact",
                ],
            ),
            ("Your time", "", ["capacity"]),
        ]
        return [
            Section(title, intro, [self[name] for name in names if name in self.fields])
            for title, intro, names in groups
            if any(name in self.fields for name in names)
        ]

    def application(self) -> dict[str, Any]:
        """What submit_application records, from a valid form."""
        data = self.cleaned_data
        areas = [area.strip() for area in data["practice_areas"].split(",") if area.strip()]
        identity = self.identity(data)
        chosen = list(data["topics"])
        return {
            "topics": chosen,
            "languages": list(
                dict.fromkeys([*data["languages"], *self.other_languages_list(data)])
            ),
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "member_type": data["member_type"],
            "year_of_call": data["year_of_call"],
            "practice_setting": data["practice_setting"],
            "practice_areas": areas[:MAX_PRACTICE_AREAS],
            "region": data["region"],
            "firm": data["firm"],
            "about_me": data["about_me"],
            "identity": identity if data["identity_consent"] else {},
            "identity_consent": bool(identity and data["identity_consent"]),
            "recovery_years": {
                topic.slug: data[recovery_field_name(topic)]
                for topic in self.recovery_topics
                if topic in chosen and data[recovery_field_name(topic)] is not None
            },
            "references": [
                {"name": data["reference_1_name"], "contact": data["reference_1_contact"]},
                {"name": data["reference_2_name"], "contact": data["reference_2_contact"]},
            ],
            "capacity": data["capacity"],
        }
