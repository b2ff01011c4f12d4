"""The public forms: "Ask for support", and a concern about someone else. No account needed.

"Ask for support" comes in two steps (issue 9, risk first): SafetyForm asks the safety question
alone; then AskForm (the full form) for "No", or UrgentAskForm (a short form where only a way to
reach the person is needed) for "Yes" or "Not sure", below the crisis lines.

One idea per question, in plain words; every question a person may skip says "(optional)",
except the one about safety, which everyone answers. Every text answer has a length limit (the
encrypted columns have none of their own), and every error names its question, because the
error summary reads each one on its own. The one-time submission id and the honeypot are not
form fields: the views handle them (views/public.py).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.intake.models import AskerKind, ConcernUrgency, HowSoon, RiskAnswer
from kindred.intake.risk import mentions_risk
from kindred.programs.models import EligibleGroup, Program
from kindred.topics.models import Topic
from kindred.volunteers.models import IDENTITY_FLAGS

# Shared with the volunteer application, so both public forms speak and fail alike.
from kindred.web.form_fields import PhoneNumberField, Section, choice, text_field

FREE_TEXT_MAX = 4000
AVOID_MAX = 2000
AVOID_MAX_ENTRIES = 20
CONCERN_TEXT_MAX = 4000

# Who may ask which program: the asker's kind, as the program's eligible group.
ELIGIBLE_GROUP = {
    AskerKind.LAWYER: EligibleGroup.LAWYERS,
    AskerKind.ARTICLING_STUDENT: EligibleGroup.ARTICLING_STUDENTS,
    AskerKind.LAW_STUDENT: EligibleGroup.LAW_STUDENTS,
    AskerKind.JUDGE: EligibleGroup.JUDGES,
    AskerKind.OTHER: EligibleGroup.OTHER_LEGAL_PROFESSIONALS,
}

STRENGTHS = [("must", "A must"), ("nice", "Nice to have")]
SAME_OR_DIFFERENT = [
    ("same", "The same"),
    ("different", "A different one"),
    ("either", "It does not matter"),
]
CITY = [
    ("same", "In my city or region"),
    ("different", "Somewhere else, not in my city or region"),
    ("either", "It does not matter"),
]
LANGUAGES = [("English", "English"), ("French", "French"), ("other", "Another language")]
CONTACT_METHODS = [("phone", "A phone call"), ("text", "A text message"), ("email", "An email")]
YES_NO = [("yes", "Yes"), ("no", "No")]


def program_choice_label(program: Program) -> str:
    groups = program.eligible_group_labels()
    if not groups:
        return program.name
    listed = groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " and " + groups[-1]
    return f"{program.name} (for {listed.lower()})"


def radio(
    choices: list[tuple[str, str]], *, required: bool = False, **arguments: Any
) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices, widget=forms.RadioSelect, required=required, **arguments
    )


# Most serious first, so that a later, milder answer never replaces an earlier one.
RISK_ORDER = [RiskAnswer.YES, RiskAnswer.UNSURE, RiskAnswer.NO]
SAFETY_QUESTION = _("Are you thinking about ending your life, or worried you may hurt someone?")


def most_serious(*answers: object) -> str | None:
    """The most serious of the answers given (None when none is a real answer)."""
    for answer in RISK_ORDER:
        if answer in answers:
            return str(answer)
    return None


def is_urgent_answer(answer: str | None) -> bool:
    return answer in (RiskAnswer.YES, RiskAnswer.UNSURE)


class SafetyForm(forms.Form):
    """Step 1: the safety question, alone, before anything else is asked."""

    template_name = "intake/public/concern_form.html"  # a short form: the plain error summary

    risk_answer = radio(
        [
            (RiskAnswer.YES.value, cast(str, _("Yes"))),
            (RiskAnswer.UNSURE.value, cast(str, _("Not sure"))),
            (RiskAnswer.NO.value, cast(str, _("No"))),
        ],
        required=True,
        label=SAFETY_QUESTION,
        error_messages={
            "required": _(
                "Choose an answer to the question about your safety. We ask everyone, so that "
                "we can help at once if you need it."
            ),
            "invalid_choice": _("Choose Yes, Not sure or No."),
        },
        help_text=_(
            "We ask everyone, first. If you answer “Yes” or “Not sure”, the next page shows you "
            "at once where to get help right now."
        ),
    )


class AskForm(forms.Form):
    """Step 2 after "No": the full request (the safety question was step 1)."""

    template_name = "intake/public/ask_form.html"

    # --- About you
    asker_kind = radio(
        AskerKind.choices,
        required=True,
        **choice("Which best describes you?", what="what best describes you"),
    )
    # Asked only when there is more than one program (see __init__).
    program = radio(
        [],
        required=True,
        **choice(
            "Which program would you like to ask?",
            what="a program",
            help_text="Each program says who it is for.",
        ),
    )
    call_me = text_field(
        "What should we call you?",
        60,
        what="what we should call you",
        required=False,
        help_text="A first name or a nickname is enough. You do not have to give your full name.",
        autocomplete="given-name",
    )

    # --- What it is about
    topics = forms.MultipleChoiceField(
        choices=[],  # the active topics (see __init__)
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **choice(
            "What would you like support with?",
            what="topics",
            help_text="Choose any that fit. You can also leave this and tell us in your own words.",
        ),
    )
    free_text = text_field(
        "Anything you would like to tell us in your own words?",
        FREE_TEXT_MAX,
        what="what you wrote",
        required=False,
        help_text=(f"Only the program's coordinators read it. Up to {FREE_TEXT_MAX:,} characters."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    # --- Who you would like to talk with (all optional)
    gender = text_field(
        "Would you like your peer to be of a particular gender?",
        60,
        what="the gender you would like your peer to be",
        required=False,
        help_text="In your own words, for example “a woman”. Leave it empty if it does not matter.",
    )
    gender_strength = radio(
        STRENGTHS,
        **choice(
            "How much does your peer's gender matter to you?",
            what="how much your peer's gender matters",
            help_text="If you skip this, we treat it as nice to have.",
        ),
    )
    identity = forms.MultipleChoiceField(
        choices=IDENTITY_FLAGS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        **choice(
            "Would you like your peer to share any of these with you?",
            what="what you would like your peer to share with you",
        ),
    )
    identity_strength = radio(
        STRENGTHS,
        **choice(
            "How much does this matter to you?",
            what="how much sharing these matters",
            help_text="If you skip this, we treat it as nice to have.",
        ),
    )
    language = radio(
        LANGUAGES,
        **choice("Which language would you like to talk in?", what="a language"),
    )
    other_language = text_field(
        "Which other language?",
        60,
        what="the other language",
        required=False,
        help_text="Needed if you chose “Another language”.",
    )
    city = radio(
        CITY,
        **choice("Where would you like your peer to be?", what="where your peer should be"),
    )
    region = text_field(
        "Your city or region",
        80,
        what="your city or region",
        required=False,
        help_text="Needed if you chose your city or somewhere else, so we know which is which.",
        autocomplete="address-level2",
    )
    career_stage = radio(
        [("yes", "Yes"), ("no", "It does not matter")],
        **choice(
            "Would you like a peer at a similar stage of their career?",
            what="whether your peer's career stage matters",
        ),
    )
    practice_area = radio(
        SAME_OR_DIFFERENT,
        **choice(
            "Would you like a peer from the same area of practice as you, or a different one?",
            what="whether your peer's area of practice matters",
        ),
    )
    practice_area_value = text_field(
        "Your area of practice",
        100,
        what="your area of practice",
        required=False,
        help_text="Needed if you chose the same or a different one. For example: family law.",
    )

    # --- Conflicts of interest
    avoid = text_field(
        "Is there anyone we should not match you with?",
        AVOID_MAX,
        what="the people and firms to avoid",
        required=False,
        help_text=(
            "People or firms, one on each line: for example your own firm, a colleague or "
            "opposing counsel. We never contact them."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # --- How to reach you safely
    methods = forms.MultipleChoiceField(
        choices=CONTACT_METHODS,
        widget=forms.CheckboxSelectMultiple,
        **choice(
            "How may a coordinator contact you?",
            what="how we may contact you",
            missing="Choose at least one way a coordinator may contact you.",
            help_text="Choose every way that is safe for you.",
        ),
    )
    phone = PhoneNumberField(
        what="your phone number",
        label=_("Phone number"),
        required=False,
        help_text=_("Needed for a phone call or a text message. With the area code."),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        required=False,
        help_text="Needed for an email. A work address may be read by your firm.",
        error_messages={
            "invalid": "Enter an email address like name@example.org.",
            "max_length": (
                "Shorten your email address to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
    )
    email.widget.attrs["autocomplete"] = "email"
    personal_email_only = forms.BooleanField(
        required=False, label="Only email me at a personal address, never at work."
    )
    safe_times = text_field(
        "When is it safe to contact you?",
        200,
        what="when it is safe to contact you",
        required=False,
        help_text="For example: weekday evenings after 6, not at the office.",
    )
    leave_message = radio(
        YES_NO,
        **choice(
            "May we leave a message if you do not answer?",
            what="whether we may leave a message",
            help_text="If you skip this, we will not leave a message.",
        ),
    )

    # --- How soon
    how_soon = radio(
        HowSoon.choices,
        **choice(
            "How soon would you like to talk?",
            what="how soon you would like to talk",
            help_text="If you skip this, the coordinator will ask you when they call.",
        ),
    )

    # --- Signing in later
    sign_in_email = forms.EmailField(
        label="Email address for signing in later",
        max_length=254,
        required=False,
        help_text=(
            "We can email you a one-time code to check on your request. A work address may be "
            "read by your firm: a personal one is safer. You can also sign in with the "
            "passphrase we show you next."
        ),
        error_messages={
            "invalid": "Enter the email address for signing in like name@example.org.",
            "max_length": (
                "Shorten the email address for signing in to %(limit_value)d characters or "
                "fewer (it has %(show_value)d)."
            ),
        },
    )
    sign_in_email.widget.attrs["autocomplete"] = "email"

    # --- Before you send
    understand_peer_support = forms.BooleanField(
        label=(
            "I understand that peer support is a conversation with a volunteer who has been "
            "there. It is not counselling, medical, legal or financial advice, and it is not a "
            "12-step program."
        ),
        error_messages={
            "required": "Tick the box to say you understand what peer support is and is not."
        },
    )
    understand_confidentiality = forms.BooleanField(
        label=(
            "I understand that what I share stays confidential, with one limit: if someone's "
            "life is in danger right now, the program may act to keep people safe."
        ),
        error_messages={
            "required": "Tick the box to say you understand what confidential means here."
        },
    )

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        if len(programs) > 1:
            program_field = cast(forms.ChoiceField, self.fields["program"])
            program_field.choices = [(p.slug, program_choice_label(p)) for p in programs]
        else:
            del self.fields["program"]
        topics = cast(forms.MultipleChoiceField, self.fields["topics"])
        topics.choices = [(t.slug, t.name) for t in Topic.objects.filter(is_active=True)]
        # Needed in some cases, checked in clean(): their hints say when, never "(optional)".
        for name, when in [
            ("other_language", "another language chosen"),
            ("region", "same or different city chosen"),
            ("practice_area_value", "same or different area chosen"),
            ("phone", "phone or text chosen"),
            ("email", "email chosen"),
        ]:
            self.fields[name].required_when = when  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needed = [
            (
                "other_language",
                cleaned.get("language") == "other",
                "Write the language you would like to talk in.",
            ),
            (
                "region",
                cleaned.get("city") in ("same", "different"),
                "Enter your city or region, so we know where your peer should or should not be.",
            ),
            (
                "practice_area_value",
                cleaned.get("practice_area") in ("same", "different"),
                "Enter your area of practice, so we can find a peer from the same or a different "
                "one.",
            ),
            (
                "phone",
                bool({"phone", "text"} & set(cleaned.get("methods") or [])),
                "Enter a phone number, so a coordinator can call or text you.",
            ),
            (
                "email",
                "email" in (cleaned.get("methods") or []),
                "Enter an email address, so a coordinator can email you.",
            ),
        ]
        for name, is_needed, message in needed:
            if is_needed and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)

        program = self.chosen_program(cleaned)
        kind = cleaned.get("asker_kind")
        if "program" in self.fields and program is not None and kind:
            group = ELIGIBLE_GROUP[AskerKind(kind)]
            fitting = [p for p in self.programs if group in p.eligible_groups]
            # When no program lists them, any program may take the request: the coordinator
            # will help or refer them. Otherwise, the one they chose must be for them.
            if fitting and program not in fitting:
                names = " or ".join(f"“{p.name}”" for p in fitting)
                self.add_error(
                    "program",
                    f"“{program.name}” is for {', '.join(program.eligible_group_labels()).lower()}"
                    f". Choose {names}.",
                )

        if len(self.avoid_list(cleaned)) > AVOID_MAX_ENTRIES and "avoid" not in self.errors:
            self.add_error(
                "avoid",
                f"List at most {AVOID_MAX_ENTRIES} people and firms to avoid, one on each line.",
            )
        return cleaned

    def chosen_program(self, cleaned: dict[str, Any] | None = None) -> Program | None:
        if "program" not in self.fields:
            return self.programs[0] if self.programs else None
        slug = (cleaned if cleaned is not None else self.cleaned_data).get("program")
        return next((p for p in self.programs if p.slug == slug), None)

    def program_for_crisis_help(self) -> Program | None:
        """The program whose crisis lines to show, from what was typed (valid or not)."""
        slug = self.data.get("program") if self.is_bound else None
        chosen = next((p for p in self.programs if p.slug == slug), None)
        return chosen or (self.programs[0] if self.programs else None)

    def risk_indicated(self) -> bool:
        """What was typed (valid or not) says the person may be at risk: crisis lines come
        first on the page, even before any error is shown."""
        text = self.data.get("free_text") if self.is_bound else None
        return isinstance(text, str) and mentions_risk(text)

    @staticmethod
    def avoid_list(cleaned: dict[str, Any]) -> list[str]:
        return [line.strip() for line in (cleaned.get("avoid") or "").splitlines() if line.strip()]

    def sections(self) -> list[Section]:
        """The questions under their headings, in the order of the fields (and of the errors)."""
        groups = [
            ("About you", "", ["asker_kind", "program", "call_me"]),
            ("What you would like support with", "", ["topics", "free_text"]),
            (
                "Who you would like to talk with (optional)",
                "Tell us only what matters to you. We use it to find a peer you will feel at "
                "ease with.",
                [
                    "gender",
                    "gender_strength",
                    "identity",
                    "identity_strength",
                    "language",
                    "other_language",
                    "city",
                    "region",
                    "career_stage",
                    "practice_area",
                    "practice_area_value",
                ],
            ),
            (
                "People to avoid (optional)",
                "So that we never match you with someone you know through work.",
                ["avoid"],
            ),
            (
                "How to reach you safely",
                "A coordinator will contact you only in the ways you choose here.",
                ["methods", "phone", "email", "personal_email_only", "safe_times", "leave_message"],
            ),
            ("When", "", ["how_soon"]),
            ("Signing in later (optional)", "", ["sign_in_email"]),
            (
                "Before you send",
                "Peer support is free and confidential.",
                ["understand_peer_support", "understand_confidentiality"],
            ),
        ]
        return [
            Section(title, intro, [self[name] for name in names if name in self.fields])
            for title, intro, names in groups
            if any(name in self.fields for name in names)
        ]

    def request_fields(self, risk_answer: str) -> dict[str, Any]:
        """What submit_request records, from a valid form and the answer of step 1."""
        data = self.cleaned_data
        preferences: dict[str, Any] = {}
        if data["gender"]:
            preferences["gender"] = {
                "value": data["gender"],
                "strength": data["gender_strength"] or "nice",
            }
        if data["identity"]:
            preferences["identity"] = {
                "value": list(data["identity"]),
                "strength": data["identity_strength"] or "nice",
            }
        if data["language"]:
            preferences["language"] = (
                data["other_language"] if data["language"] == "other" else data["language"]
            )
        if data["city"]:
            preferences["city"] = data["city"]
        if data["region"]:
            preferences["region"] = data["region"]
        if data["career_stage"]:
            preferences["career_stage"] = data["career_stage"] == "yes"
        if data["practice_area"]:
            preferences["practice_area"] = data["practice_area"]
        if data["practice_area_value"]:
            preferences["practice_area_value"] = data["practice_area_value"]
        return {
            "asker_kind": data["asker_kind"],
            "call_me": data["call_me"],
            "topics": list(data["topics"]),
            "free_text": data["free_text"],
            "risk_answer": risk_answer,
            "preferences": preferences,
            "avoid": self.avoid_list(data),
            "contact": {
                "methods": list(data["methods"]),
                "phone": data["phone"],
                "email": data["email"],
                "safe_times": data["safe_times"],
                "leave_message": data["leave_message"] == "yes",
                "personal_email_only": bool(data["personal_email_only"]),
            },
            "how_soon": data["how_soon"] or HowSoon.WHENEVER,
            "sign_in_email": data["sign_in_email"],
        }


class UrgentAskForm(forms.Form):
    """Step 2 after "Yes" or "Not sure", below the crisis lines: a short form where only a way to
    reach the person is needed (a phone number or an email), one idea per question. Nothing
    here blocks someone at risk: no boxes to tick, nothing else required. The field names match
    AskForm's, so the answers of either form read alike."""

    template_name = "intake/public/concern_form.html"  # a short form: the plain error summary

    program = radio(
        [],
        **choice(
            cast(str, _("Which program would you like to ask?")),
            what=cast(str, _("a program")),
        ),
    )
    phone = PhoneNumberField(
        what="your phone number",
        label=_("Phone number"),
        required=False,
        help_text=_("A number where a coordinator can call you, with the area code."),
    )
    may_text = radio(
        YES_NO,
        **choice(
            cast(str, _("May we send a text message to this number?")),
            what=cast(str, _("whether we may send a text message")),
            help_text=_("If you skip this, we will only call."),
        ),
    )
    leave_message = radio(
        YES_NO,
        **choice(
            cast(str, _("May we leave a message if you do not answer?")),
            what=cast(str, _("whether we may leave a message")),
            help_text=_("If you skip this, we will not leave a message."),
        ),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        help_text=_(
            "If email is easier or safer for you. A work address may be read by your firm."
        ),
        error_messages={
            "invalid": _("Enter an email address like name@example.org."),
            "max_length": _(
                "Shorten your email address to %(limit_value)d characters or fewer "
                "(it has %(show_value)d)."
            ),
        },
    )
    email.widget.attrs["autocomplete"] = "email"
    call_me = text_field(
        cast(str, _("What should we call you?")),
        60,
        what=cast(str, _("what we should call you")),
        required=False,
        help_text=cast(str, _("A first name or a nickname is enough.")),
        autocomplete="given-name",
    )
    safe_times = text_field(
        cast(str, _("When is it safe to contact you?")),
        200,
        what=cast(str, _("when it is safe to contact you")),
        required=False,
        help_text=cast(str, _("For example: any time today, or not while I am at the office.")),
    )
    free_text = text_field(
        cast(str, _("Anything you would like to tell us?")),
        FREE_TEXT_MAX,
        what=cast(str, _("what you wrote")),
        required=False,
        help_text=cast(str, _("Only the program's coordinators read it.")),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        if len(programs) > 1:
            program_field = cast(forms.ChoiceField, self.fields["program"])
            program_field.choices = [(p.slug, program_choice_label(p)) for p in programs]
            # Skipping it never stops a request: it goes to the first program listed, whose
            # coordinator will pass it on if another program fits better.
            program_field.help_text = _(
                "If you are not sure, skip this: your request goes to “%(name)s”, and they will "
                "help you or pass it on."
            ) % {"name": programs[0].name}
        else:
            del self.fields["program"]
        # One of the two is needed (checked in clean()): neither says "(optional)".
        for name in ("phone", "email"):
            self.fields[name].required_when = "phone or email"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reachable = cleaned.get("phone") or cleaned.get("email")
        if not reachable and "phone" not in self.errors and "email" not in self.errors:
            self.add_error(
                "phone",
                _("Enter a phone number or an email address, so a coordinator can reach you."),
            )
        return cleaned

    def chosen_program(self, cleaned: dict[str, Any] | None = None) -> Program | None:
        data = cleaned if cleaned is not None else self.cleaned_data
        slug = data.get("program") if "program" in self.fields else None
        chosen = next((p for p in self.programs if p.slug == slug), None)
        return chosen or (self.programs[0] if self.programs else None)

    def program_for_crisis_help(self) -> Program | None:
        """The program whose own crisis lines to show: the only one, or the one chosen."""
        if len(self.programs) == 1:
            return self.programs[0]
        slug = self.data.get("program") if self.is_bound else None
        return next((p for p in self.programs if p.slug == slug), None)

    def request_fields(self, risk_answer: str) -> dict[str, Any]:
        """What submit_request records, from a valid form and the answer of step 1."""
        data = self.cleaned_data
        methods = []
        if data["phone"]:
            methods.append("phone")
            if data["may_text"] == "yes":
                methods.append("text")
        if data["email"]:
            methods.append("email")
        return {
            "asker_kind": "",
            "call_me": data["call_me"],
            "topics": [],
            "free_text": data["free_text"],
            "risk_answer": risk_answer,
            "preferences": {},
            "avoid": [],
            "contact": {
                "methods": methods,
                "phone": data["phone"],
                "email": data["email"],
                "safe_times": data["safe_times"],
                "leave_message": data["leave_message"] == "yes",
                "personal_email_only": False,
            },
            "how_soon": HowSoon.TODAY,
            "sign_in_email": "",
        }


class ConcernForm(forms.Form):
    """Someone worried about a colleague, friend or family member."""

    template_name = "intake/public/concern_form.html"

    program = radio(
        [],
        required=True,
        **choice("Which program would you like to tell?", what="a program"),
    )
    caller_name = text_field(
        "Your name",
        150,
        what="your name",
        required=False,
        help_text="You may stay anonymous, but a name helps the coordinator talk it over with you.",
        autocomplete="name",
    )
    caller_contact = text_field(
        "How can we reach you?",
        200,
        what="a phone number or email address where we can reach you",
        help_text="A phone number or an email address, in case the coordinator has a question.",
    )
    who = text_field(
        "Who are you worried about?",
        300,
        what="who you are worried about",
        help_text="Their name, and how you know them. For example: a colleague at my firm.",
    )
    what = text_field(
        "What worries you?",
        CONCERN_TEXT_MAX,
        what="what worries you",
        help_text=(
            f"What you have noticed, in your own words. Up to {CONCERN_TEXT_MAX:,} characters."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    urgency = radio(
        ConcernUrgency.choices,
        required=True,
        **choice("How urgent is it?", what="how urgent it is"),
    )
    may_reveal_caller = radio(
        [
            ("no", "No, do not tell them it was me"),
            ("yes", "Yes, you may tell them it was me"),
        ],
        initial="no",
        **choice(
            "May we tell them that you raised this concern?",
            what="whether we may tell them it was you",
            help_text=(
                "We never tell them who raised the concern unless you say yes here. If you "
                "skip this, the answer is no."
            ),
        ),
    )

    def __init__(self, *args: Any, programs: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        if len(programs) > 1:
            program_field = cast(forms.ChoiceField, self.fields["program"])
            program_field.choices = [(p.slug, program_choice_label(p)) for p in programs]
        else:
            del self.fields["program"]

    def chosen_program(self) -> Program | None:
        if "program" not in self.fields:
            return self.programs[0] if self.programs else None
        slug = self.cleaned_data.get("program")
        return next((p for p in self.programs if p.slug == slug), None)

    def concern_fields(self) -> dict[str, Any]:
        """What submit_concern records, from a valid form."""
        data = self.cleaned_data
        return {
            "urgency": data["urgency"],
            "caller_name": data["caller_name"],
            "caller_contact": data["caller_contact"],
            "about": f"Who: {data['who']}\n\nWhat worries the caller: {data['what']}",
            "may_reveal_caller": data["may_reveal_caller"] == "yes",
        }
