"""The public "Volunteer with us" application: recorded once, encrypted and audited; kind to
people who make mistakes; unmoved by bots, floods and hostile input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.confidential.models import AuditAction, AuditEntry
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers.forms.public import ApplicationForm
from kindred.volunteers.models import StatusChange, VolunteerProfile
from kindred.volunteers.views.public import HONEYPOT_FIELD, SUBMISSION_FIELD

pytestmark = pytest.mark.django_db

APPLY = "/volunteer-with-us/"
THANK_YOU = "/volunteer-with-us/thank-you/"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Used submission ids and the rate limit live in the cache, shared with other tests.
    cache.clear()
    yield
    cache.clear()


def fresh_submission_id(client: Client) -> str:
    response = client.get(APPLY)
    assert response.status_code == 200
    return str(response.context["submission_id"])


def answers(client: Client, **changes: Any) -> dict[str, Any]:
    """A complete, valid application from a synthetic person, with a fresh submission id."""
    recovery = Topic.objects.get(slug="alcohol-use")
    data: dict[str, Any] = {
        SUBMISSION_FIELD: fresh_submission_id(client),
        "full_name": "Ysolde Ferncastle",
        "email": "ysolde@example.org",
        "phone": "",
        "member_type": "lawyer",
        "year_of_call": "2009",
        "practice_setting": "legal_aid",
        "practice_areas": "criminal, youth",
        "region": "Lethbridge",
        "languages": ["English", "French"],
        "other_languages": "Cree",
        "topics": [Topic.objects.get(slug="stress-and-burnout").pk, recovery.pk],
        f"recovery_years_{recovery.slug}": "6",
        "gender": "",
        "about_me": "Twenty years at the bar; sober since a hard winter.",
        "reference_1_name": "Tamsin Orchardley",
        "reference_1_contact": "tamsin@example.org",
        "reference_2_name": "Corvin Ashdown",
        "reference_2_contact": "555-0199",
        "capacity": "2",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def script_tags(body: str) -> int:
    return body.count("<script")


# --- A valid application ----------------------------------------------------------------------


def test_a_valid_application_is_recorded_encrypted_and_audited(
    client: Client, program: Program
) -> None:
    response = client.post(APPLY, answers(client))

    assert response.status_code == 302
    assert response["Location"] == THANK_YOU
    volunteer = VolunteerProfile.objects.get()
    assert volunteer.status == "applied"
    assert volunteer.program == program
    assert volunteer.full_name == "Ysolde Ferncastle"
    assert volunteer.languages == ["English", "French", "Cree"]
    assert volunteer.recovery_years == {"alcohol-use": 6}
    assert volunteer.capacity == 2
    assert volunteer.practice_areas == ["criminal", "youth"]
    assert volunteer.references[1] == {"name": "Corvin Ashdown", "contact": "555-0199"}
    assert volunteer.identity == {}
    assert not volunteer.identity_consent
    assert volunteer.topic_slugs == ["alcohol-use", "stress-and-burnout"]
    change = StatusChange.objects.get(volunteer=volunteer)
    assert (change.from_status, change.to_status) == ("", "applied")
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="volunteer", object_id=str(volunteer.pk)
    ).exists()
    # What is on disk is ciphertext, never the name.
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, email, about_me FROM volunteers_volunteerprofile")
        stored = cursor.fetchone()
    assert all(value.startswith("k1:") for value in stored)
    assert "Ysolde" not in " ".join(stored)


def test_the_thank_you_page_says_what_happens_next_and_holds_nothing_personal(
    client: Client, program: Program
) -> None:
    response = client.post(APPLY, answers(client), follow=True)

    assert response.redirect_chain == [(THANK_YOU, 302)]
    body = response.content.decode()
    assert "coordinator will contact you" in body
    assert "two weeks" in body
    assert "Ysolde" not in body
    assert "ysolde" not in response.redirect_chain[0][0]
    assert "<title>Information</title>" in body


def test_the_home_page_leads_to_the_application(client: Client, program: Program) -> None:
    body = client.get("/").content.decode()

    assert f'href="{reverse("volunteers:apply")}"' in body


def test_with_no_program_yet_the_page_says_applications_are_not_open(client: Client) -> None:
    response = client.get(APPLY)

    assert response.status_code == 200
    assert "not open yet" in response.content.decode()


# --- Double submission -------------------------------------------------------------------------


def test_the_same_form_sent_twice_records_one_application(client: Client, program: Program) -> None:
    data = answers(client)

    first = client.post(APPLY, data)
    second = client.post(APPLY, data)  # a refresh, Back then Send, or a double click

    assert first.status_code == second.status_code == 302
    assert second["Location"] == THANK_YOU
    assert VolunteerProfile.objects.count() == 1


def test_a_form_without_its_submission_id_is_kept_and_asked_again(
    client: Client, program: Program
) -> None:
    response = client.post(APPLY, answers(client, **{SUBMISSION_FIELD: "forged"}))

    assert response.status_code == 200
    assert VolunteerProfile.objects.count() == 0
    assert "press “Send my application” again" in response.content.decode()
    # A new id comes with the kept answers, so sending again works.
    again = client.post(
        APPLY, answers(client, **{SUBMISSION_FIELD: response.context["submission_id"]})
    )
    assert again.status_code == 302
    assert VolunteerProfile.objects.count() == 1


# --- Mistakes ------------------------------------------------------------------------------------


def test_missing_answers_are_shown_by_each_field_and_in_the_summary(
    client: Client, program: Program
) -> None:
    data = answers(client, email="", region="", topics=None)
    del data["reference_2_name"]

    response = client.post(APPLY, data)

    assert response.status_code == 200
    assert VolunteerProfile.objects.count() == 0
    body = response.content.decode()
    start = body.index('class="error-summary"')
    summary = body[start : body.index("</ul>", start)]
    for field, message in [
        ("email", "Enter your email address."),
        ("region", "Enter your city or region."),
        ("topics", "Choose at least one topic you could support someone with."),
        ("reference_2_name", "Enter the name of your second reference."),
    ]:
        assert f'href="#id_{field}"' in summary
        assert message in summary
        assert f'id="id_{field}_error"' in body  # the message next to the field
    assert 'aria-describedby="id_email_error id_email_helptext"' in body
    assert 'aria-invalid="true"' in body
    # What was typed is still there.
    assert 'value="Ysolde Ferncastle"' in body
    assert "Twenty years at the bar" in body
    assert re.search(r'value="legal_aid"[^>]*checked', body)


def test_a_recovery_topic_chosen_without_years_is_an_error_on_that_question(
    client: Client, program: Program
) -> None:
    response = client.post(APPLY, answers(client, **{"recovery_years_alcohol-use": ""}))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["recovery_years_alcohol-use"]
    assert "because you chose “Alcohol use”" in errors["recovery_years_alcohol-use"][0]


def test_years_for_a_recovery_topic_not_chosen_are_not_kept(
    client: Client, program: Program
) -> None:
    stress = Topic.objects.get(slug="stress-and-burnout")

    client.post(APPLY, answers(client, topics=[stress.pk], **{"recovery_years_alcohol-use": "3"}))

    assert VolunteerProfile.objects.get().recovery_years == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year_of_call": ""}, "year_of_call"),  # a lawyer has been called to the bar
        ({"year_of_call": "1949"}, "year_of_call"),
        ({"year_of_call": "2999"}, "year_of_call"),
        ({"languages": [], "other_languages": ""}, "languages"),
        ({"capacity": "4"}, "capacity"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_answers_out_of_bounds_are_refused_with_a_message(
    client: Client, program: Program, changes: dict[str, Any], field: str
) -> None:
    response = client.post(APPLY, answers(client, **changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]


def test_a_student_may_leave_the_year_of_call_empty(client: Client, program: Program) -> None:
    client.post(APPLY, answers(client, member_type="articling_student", year_of_call=""))

    assert VolunteerProfile.objects.get().year_of_call is None


def test_capacity_never_goes_above_the_programs_cap(client: Client, program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(capacity_cap=2)

    page = client.get(APPLY).content.decode()
    response = client.post(APPLY, answers(client, capacity="3"))

    assert 'name="capacity" value="3"' not in page
    assert list(response.context["form"].errors) == ["capacity"]


def test_with_two_programs_the_person_chooses_one(
    client: Client, program: Program, other_program: Program
) -> None:
    missing = client.post(APPLY, answers(client))
    chosen = client.post(APPLY, answers(client, program=str(other_program.pk)))

    assert list(missing.context["form"].errors) == ["program"]
    assert chosen.status_code == 302
    assert VolunteerProfile.objects.get().program == other_program


def test_with_one_program_there_is_no_program_question(client: Client, program: Program) -> None:
    form = client.get(APPLY).context["form"]

    assert "program" not in form.fields


# --- Identity and consent -------------------------------------------------------------------------


def test_identity_without_consent_is_refused_with_a_clear_message(
    client: Client, program: Program
) -> None:
    response = client.post(APPLY, answers(client, gender="Woman", identity_flags=["caregiver"]))

    assert response.status_code == 200
    assert VolunteerProfile.objects.count() == 0
    errors = response.context["form"].errors
    assert list(errors) == ["identity_consent"]
    assert "clear your gender" in errors["identity_consent"][0]


def test_identity_with_consent_is_kept_for_matching(client: Client, program: Program) -> None:
    client.post(
        APPLY,
        answers(client, gender="Woman", identity_flags=["caregiver"], identity_consent="on"),
    )

    volunteer = VolunteerProfile.objects.get()
    assert volunteer.identity == {"gender": "Woman", "caregiver": True}
    assert volunteer.identity_consent


def test_consent_alone_keeps_no_consent(client: Client, program: Program) -> None:
    client.post(APPLY, answers(client, identity_consent="on"))

    volunteer = VolunteerProfile.objects.get()
    assert volunteer.identity == {}
    assert not volunteer.identity_consent


# --- Hostile and unusual input --------------------------------------------------------------------


def test_any_unicode_name_is_accepted(client: Client, program: Program) -> None:
    name = "Zoë Ng-Ōkami 李小龍 Þórdís 🌿"

    response = client.post(APPLY, answers(client, full_name=name, region="Montréal"))

    assert response.status_code == 302
    assert VolunteerProfile.objects.get().full_name == name


@pytest.mark.parametrize(
    "value",
    ["x" * 10_000, "🙂" * 3_000, SCRIPT, f'"><img src=x onerror=alert(1)>{SCRIPT}'],
    ids=["ten-thousand-characters", "emoji", "script", "attribute-break"],
)
def test_long_emoji_and_html_answers_never_break_the_page(
    client: Client, program: Program, value: str
) -> None:
    baseline = script_tags(client.get(APPLY).content.decode())
    fields = [
        "full_name",
        "email",
        "phone",
        "practice_areas",
        "region",
        "other_languages",
        "gender",
        "about_me",
        "reference_1_name",
        "reference_1_contact",
        "year_of_call",
        "member_type",
    ]

    response = client.post(APPLY, answers(client, **dict.fromkeys(fields, value)))

    assert response.status_code in {200, 302}
    body = response.content.decode()
    assert script_tags(body) == baseline
    assert "<img src=x" not in body
    if response.status_code == 302:
        # Short enough to keep (the HTML case): kept as typed, shown escaped elsewhere.
        assert VolunteerProfile.objects.get().full_name == value


@pytest.mark.parametrize("number", ["99999999999999999999", "-1", "1.5", "٣"])
def test_a_made_up_topic_or_program_is_a_bad_answer_not_a_crash(
    client: Client, program: Program, other_program: Program, number: str
) -> None:
    response = client.post(APPLY, answers(client, topics=[number], program=number))

    assert response.status_code == 200
    assert {"topics", "program"} <= set(response.context["form"].errors)


def test_html_in_an_answer_comes_back_escaped(client: Client, program: Program) -> None:
    response = client.post(APPLY, answers(client, full_name=SCRIPT, email=""))

    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert SCRIPT not in body


FIELDS = [
    "program",
    "full_name",
    "email",
    "phone",
    "member_type",
    "year_of_call",
    "practice_setting",
    "practice_areas",
    "region",
    "languages",
    "other_languages",
    "topics",
    "recovery_years_alcohol-use",
    "gender",
    "identity_flags",
    "identity_consent",
    "about_me",
    "reference_1_name",
    "reference_1_contact",
    "reference_2_name",
    "reference_2_contact",
    "capacity",
    SUBMISSION_FIELD,
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from([SCRIPT, "x" * 5000, "🙂🏳️‍🌈", "\x00", "-1", "99999999999999999999", ""]),
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, hostile_text)))
def test_random_answers_never_cause_a_server_error_or_unescaped_html(
    client: Client, program: Program, other_program: Program, data: dict[str, str]
) -> None:
    response = client.post(APPLY, data)

    assert response.status_code < 500
    body = response.content.decode()
    assert script_tags(body) <= 2  # the page's own two scripts, nothing typed
    assert "<script>alert" not in body


TEXT_FIELDS = [
    "full_name",
    "phone",
    "practice_areas",
    "region",
    "other_languages",
    "gender",
    "about_me",
    "reference_1_name",
    "reference_1_contact",
    "reference_2_name",
    "reference_2_contact",
]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.dictionaries(st.sampled_from(TEXT_FIELDS), st.text(max_size=200)))
def test_any_text_in_an_otherwise_valid_application_is_kept_or_refused_calmly(
    client: Client, program: Program, changes: dict[str, str]
) -> None:
    cache.clear()  # every example may record an application; the rate limit is not tested here

    response = client.post(APPLY, answers(client, identity_consent="on", **changes))

    assert response.status_code in {200, 302}
    if response.status_code == 302:
        volunteer = VolunteerProfile.objects.order_by("-applied_at").first()
        assert volunteer is not None
        assert volunteer.full_name == changes.get("full_name", "Ysolde Ferncastle").strip()


def test_every_question_is_under_a_heading(program: Program, other_program: Program) -> None:
    form = ApplicationForm(programs=[program, other_program])

    placed = [field.name for section in form.sections() for field in section.fields]

    assert placed == list(form.fields)


# --- Bots and floods ---------------------------------------------------------------------------


def test_a_filled_honeypot_is_thanked_and_discarded(client: Client, program: Program) -> None:
    response = client.post(APPLY, answers(client, **{HONEYPOT_FIELD: "https://spam.example"}))

    assert response.status_code == 302
    assert response["Location"] == THANK_YOU
    assert VolunteerProfile.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_screen_readers(
    client: Client, program: Program
) -> None:
    body = client.get(APPLY).content.decode()

    honeypot = re.search(
        rf'<div class="visually-hidden" aria-hidden="true">\s*<label[^>]*>[^<]*</label>\s*'
        rf'<input type="text" id="id_{HONEYPOT_FIELD}" name="{HONEYPOT_FIELD}"[^>]*>',
        body,
    )
    assert honeypot is not None
    assert 'tabindex="-1"' in honeypot.group(0)
    assert 'autocomplete="off"' in honeypot.group(0)


def test_many_applications_from_one_address_are_paused_kindly(
    client: Client, program: Program
) -> None:
    statuses = [
        client.post(APPLY, answers(client), REMOTE_ADDR="203.0.113.9").status_code for _ in range(6)
    ]
    refused = client.post(APPLY, answers(client), REMOTE_ADDR="203.0.113.9")
    elsewhere = client.post(APPLY, answers(client), REMOTE_ADDR="198.51.100.7")

    assert statuses == [302] * 5 + [429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    body = refused.content.decode()
    assert "your answers are still here" in body
    assert 'value="Ysolde Ferncastle"' in body
    assert elsewhere.status_code == 302
    assert VolunteerProfile.objects.count() == 6


def test_mistakes_do_not_count_towards_the_limit(client: Client, program: Program) -> None:
    for _ in range(8):
        assert client.post(APPLY, answers(client, email="")).status_code == 200

    assert client.post(APPLY, answers(client)).status_code == 302
