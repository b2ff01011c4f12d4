"""The public "Ask for support" form: the safety question first, alone; then the full form
after "No"; recorded once, encrypted, with a reference and passphrase shown once; kind to people
who make mistakes; unmoved by bots, floods and hostile input."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.accounts.models import Role
from kindred.accounts.on_call import staffed_programs
from kindred.intake import passphrases
from kindred.intake.forms.public import AskForm
from kindred.intake.models import SupportRequest
from kindred.intake.views.public import HONEYPOT_FIELD, NEW_REQUEST, RISK_STEP, SUBMISSION_FIELD
from kindred.programs import actions as program_actions
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from tests.confidential.test_plaintext_at_rest import (
    bytes_on_sqlite_disk,
    postgres_dump,
)
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

ASK = "/ask/"
NEXT = "/ask/next/"
CONCERN = "/concern/"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # The rate limit lives in the cache, shared with other tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _topics(db: None) -> None:
    ensure_seed_topics()  # a transactional test elsewhere may have emptied the table


@pytest.fixture(autouse=True)
def _staffed(request: pytest.FixtureRequest) -> None:
    """The public forms offer only programs with someone on call: give each program in the
    test a coordinator (the address the alerts go to)."""
    for name, email in [("program", ON_CALL), ("other_program", OTHER_ON_CALL)]:
        if name in request.fixturenames:
            make_person(email, Role.COORDINATOR, request.getfixturevalue(name))


ON_CALL = "oncall@example.org"
OTHER_ON_CALL = "oncall-informal@example.org"
PHONE = "403-555-0142"
STORED_PHONE = "+1 403-555-0142"


def staff_every_program() -> None:
    """For helpers used by other modules' tests: every program gets someone on call."""
    staffed = set(staffed_programs())
    for number, program in enumerate(Program.objects.exclude(pk__in=[p.pk for p in staffed])):
        make_person(f"oncall-{number}-{program.pk}@example.org", Role.COORDINATOR, program)


def answer_safety_question(client: Client, answer: str = "no", **extra: Any) -> Any:
    """Step 1: the safety question alone. The answer is kept in the session."""
    return client.post(ASK, {"step": "safety", "risk_answer": answer}, **extra)


def fresh_submission_id(client: Client, url: str = ASK, *, risk_answer: str = "no") -> str:
    response = client.get(url) if url != ASK else answer_safety_question(client, risk_answer)
    assert response.status_code == 200
    return str(response.context["submission_id"])


def answers(client: Client, **changes: Any) -> dict[str, Any]:
    """A complete, valid step 2 from a synthetic person, after answering step 1 with
    `risk_answer` ("no" unless changed: the full form; "yes" or "unsure": the short form, which
    ignores the questions it does not ask), with a fresh submission id."""
    staff_every_program()
    risk_answer = changes.pop("risk_answer", "no")
    data: dict[str, Any] = {
        SUBMISSION_FIELD: fresh_submission_id(client, risk_answer=risk_answer or "no"),
        "step": "details",
        "risk_answer": risk_answer,
        "asker_kind": "lawyer",
        "call_me": "Wren",
        "topics": ["stress-and-burnout", "grief-and-loss"],
        "free_text": "Work has been heavy since the trial ended.",
        "gender": "a woman",
        "gender_strength": "must",
        "identity": ["caregiver"],
        "language": "French",
        "city": "different",
        "region": "Red Deer",
        "career_stage": "yes",
        "practice_area": "same",
        "practice_area_value": "family law",
        "avoid": "Brackenridge LLP\n\n  Odile Quarrington  \n",
        "methods": ["phone", "email"],
        "phone": PHONE,
        "email": "wren@example.org",
        "personal_email_only": "on",
        "safe_times": "Weekday evenings",
        "leave_message": "no",
        "how_soon": "this_week",
        "sign_in_email": "",
        "understand_peer_support": "on",
        "understand_confidentiality": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def script_tags(body: str) -> int:
    return body.count("<script")


def main_of(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


# --- A valid request --------------------------------------------------------------------------


def test_a_valid_request_is_recorded_once_and_mapped_onto_the_request(
    client: Client, program: Program
) -> None:
    response = client.post(ASK, answers(client))

    assert response.status_code == 302
    assert response["Location"] == NEXT
    support_request = SupportRequest.objects.get()
    assert not support_request.urgent
    assert support_request.program == program
    assert support_request.channel == "web"
    assert support_request.status == "new"
    assert support_request.asker_kind == "lawyer"
    assert support_request.call_me == "Wren"
    assert support_request.topics == ["stress-and-burnout", "grief-and-loss"]
    assert support_request.risk_answer == "no"
    assert support_request.how_soon == "this_week"
    assert support_request.preferences == {
        "gender": {"value": "a woman", "strength": "must"},
        "identity": {"value": ["caregiver"], "strength": "nice"},
        "language": "French",
        "city": "different",
        "region": "Red Deer",
        "career_stage": True,
        "practice_area": "same",
        "practice_area_value": "family law",
    }
    assert support_request.avoid == ["Brackenridge LLP", "Odile Quarrington"]
    assert support_request.contact == {
        "methods": ["phone", "email"],
        "phone": STORED_PHONE,
        "email": "wren@example.org",
        "safe_times": "Weekday evenings",
        "leave_message": False,
        "personal_email_only": True,
    }
    assert support_request.acknowledged_at is not None
    assert support_request.submission_digest
    # The passphrase is kept only as a hash; what is on disk is ciphertext.
    assert "$" in support_request.passphrase_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT call_me, free_text, contact FROM intake_supportrequest")
        stored = cursor.fetchone()
    assert all(value.startswith("k1:") for value in stored)
    assert "Wren" not in " ".join(stored)


def test_the_next_page_shows_the_reference_and_passphrase_once(
    client: Client, program: Program
) -> None:
    client.post(ASK, answers(client))
    support_request = SupportRequest.objects.get()

    first = client.get(NEXT)
    again = client.get(NEXT)

    assert first.status_code == again.status_code == 200
    body = first.content.decode()
    passphrase = first.context["shown"]["passphrase"]
    assert len(passphrase.split()) == passphrases.words_per_passphrase()
    assert passphrase in body
    assert support_request.reference in body
    assert passphrases.passphrase_matches(passphrase, support_request.passphrase_hash)
    assert passphrase not in support_request.passphrase_hash
    assert "within 2 working days" in body
    assert 'href="/my/"' in body
    assert "<title>Your reference</title>" in body
    # Gone from the session once shown: a reload says so calmly and never shows it again.
    assert NEW_REQUEST not in client.session
    reloaded = again.content.decode()
    assert passphrase not in reloaded
    assert support_request.reference not in reloaded
    assert "shown only once" in reloaded
    assert "<title>Your reference</title>" in reloaded
    # Nothing the person told us is in a URL or on the page after sending.
    assert "Wren" not in body


def test_a_sign_in_email_is_kept_and_the_page_says_a_code_can_be_sent(
    client: Client, program: Program
) -> None:
    form_page = answer_safety_question(client).content.decode()
    client.post(ASK, answers(client, sign_in_email="wren.private@example.org"))

    body = client.get(NEXT).content.decode()

    assert "A work address may be read by your firm" in form_page
    assert SupportRequest.objects.get().sign_in_email == "wren.private@example.org"
    assert SupportRequest.objects.get().sign_in_email_index
    assert "a code we email to the address you gave" in body


def test_skipped_optional_questions_record_nothing_for_them(
    client: Client, program: Program
) -> None:
    optional = [
        "call_me",
        "topics",
        "free_text",
        "gender",
        "gender_strength",
        "identity",
        "language",
        "city",
        "region",
        "career_stage",
        "practice_area",
        "practice_area_value",
        "avoid",
        "personal_email_only",
        "safe_times",
        "leave_message",
        "how_soon",
        "phone",
    ]
    response = client.post(ASK, answers(client, methods=["email"], **dict.fromkeys(optional)))

    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.preferences == {}
    assert support_request.avoid == []
    assert support_request.topics == []
    assert support_request.how_soon == "whenever"
    assert support_request.contact["leave_message"] is False


def test_the_first_step_is_the_safety_question_alone(client: Client, program: Program) -> None:
    body = client.get(ASK).content.decode()

    form = body[body.index("<form") : body.index("</form>")]
    safety = re.search(r"<legend>Are you thinking about ending your life[^<]*(<span[^>]*>)?", form)
    assert safety is not None
    assert "(optional)" not in safety.group(0)
    assert re.findall(r'type="radio"[^>]*value="(\w+)"', form) == ["yes", "unsure", "no"]
    assert form.count("<legend>") == 1
    assert "<label" not in form.replace('<label for="id_risk_answer_', "")
    assert "<title>Ask for support</title>" in body
    assert "Quick exit" in body


def test_no_answer_to_the_safety_question_asks_it_again(client: Client, program: Program) -> None:
    response = client.post(ASK, {"step": "safety"})

    assert response.status_code == 200
    assert "Choose an answer to the question about your safety" in response.content.decode()
    assert "<title>Error: Ask for support</title>" in response.content.decode()
    assert RISK_STEP not in client.session


def test_no_leads_to_the_full_form_without_the_safety_question(
    client: Client, program: Program
) -> None:
    response = answer_safety_question(client, "no")

    body = response.content.decode()
    assert response.status_code == 200
    assert "risk_answer" not in response.context["form"].fields
    assert 'class="crisis-help"' not in body
    assert '<input type="hidden" name="risk_answer" value="no">' in body
    assert client.session[RISK_STEP] == "no"
    assert "<title>Your details</title>" in body
    assert re.search(r"What should we call you\?\s*<span class=\"optional\">", body)
    # Needed only in some cases: never "(optional)", the hint says when.
    assert not re.search(r"Phone number\s*<span class=\"optional\">", body)


def test_the_home_page_leads_to_the_form_and_the_concern(client: Client, program: Program) -> None:
    body = client.get("/").content.decode()

    assert f'href="{ASK}"' in body
    assert f'href="{CONCERN}"' in body
    assert "Coming soon" not in body


def test_with_no_program_yet_the_page_says_the_form_is_not_open(client: Client) -> None:
    response = client.get(ASK)

    assert response.status_code == 200
    assert "not open just now" in response.content.decode()
    assert response.context["form"] is None


def test_with_nobody_on_call_there_is_no_form_but_crisis_lines_and_the_contact_page(
    client: Client,
) -> None:
    # Given a program with nobody who could be alerted
    program_actions.create_program(name="Unstaffed", eligible_groups=["lawyers"])

    # When someone opens the form, or tries to send one anyway
    opened = client.get(ASK)
    sent = client.post(ASK, {"step": "safety", "risk_answer": "yes"})

    # Then there is no form, but the crisis lines and the way to reach the program
    for response in (opened, sent):
        main = main_of(response.content.decode())
        assert response.context["form"] is None
        assert "<form" not in main
        assert 'href="tel:988"' in main
        assert 'href="sms:988"' in main
        assert 'href="tel:911"' in main
        assert 'href="/contact/"' in main
    assert SupportRequest.objects.count() == 0


def test_only_staffed_programs_are_offered(client: Client, program: Program) -> None:
    program_actions.create_program(name="Unstaffed", eligible_groups=["judges"])

    form = answer_safety_question(client).context["form"]

    assert "program" not in form.fields  # one staffed program: nothing to choose
    assert form.programs == [program]


# --- Programs -----------------------------------------------------------------------------------


def test_with_two_programs_the_person_chooses_one_that_is_for_them(
    client: Client, program: Program, other_program: Program
) -> None:
    missing = client.post(ASK, answers(client))
    not_for_them = client.post(ASK, answers(client, program=other_program.slug))
    chosen = client.post(ASK, answers(client, asker_kind="judge", program=other_program.slug))

    assert list(missing.context["form"].errors) == ["program"]
    assert list(not_for_them.context["form"].errors) == ["program"]
    assert "is for judges" in not_for_them.context["form"].errors["program"][0]
    assert chosen.status_code == 302
    assert SupportRequest.objects.get().program == other_program


def test_when_no_program_lists_them_any_program_takes_the_request(
    client: Client, program: Program, other_program: Program
) -> None:
    response = client.post(
        ASK, answers(client, asker_kind="other_legal_professional", program=program.slug)
    )

    assert response.status_code == 302
    assert SupportRequest.objects.get().program == program


def test_with_one_program_there_is_no_program_question(client: Client, program: Program) -> None:
    assert "program" not in answer_safety_question(client).context["form"].fields


# --- Double submission ----------------------------------------------------------------------------


def test_the_same_form_sent_twice_records_one_request(client: Client, program: Program) -> None:
    data = answers(client)

    first = client.post(ASK, data)
    second = client.post(ASK, data)  # a refresh, Back then Send, or a double click

    assert first.status_code == second.status_code == 302
    assert second["Location"] == NEXT
    assert SupportRequest.objects.count() == 1
    # The browser showed only the second answer: the passphrase, not yet shown, is shown now.
    assert "data-passphrase" in client.get(NEXT).content.decode()


def test_the_same_form_sent_again_after_the_passphrase_was_shown_gets_the_calm_page(
    client: Client, program: Program
) -> None:
    data = answers(client)
    client.post(ASK, data)
    shown = client.get(NEXT)

    again = client.post(ASK, data, follow=True)

    assert again.redirect_chain == [(NEXT, 302)]
    body = again.content.decode()
    assert shown.context["shown"]["passphrase"] not in body
    assert "There is no need to send it again" in body
    assert SupportRequest.objects.count() == 1


def test_a_form_without_its_submission_id_is_kept_and_asked_again(
    client: Client, program: Program
) -> None:
    response = client.post(ASK, answers(client, **{SUBMISSION_FIELD: "forged"}))

    assert response.status_code == 200
    assert SupportRequest.objects.count() == 0
    assert "press “Send my request” again" in response.content.decode()
    again = client.post(
        ASK, answers(client, **{SUBMISSION_FIELD: response.context["submission_id"]})
    )
    assert again.status_code == 302
    assert SupportRequest.objects.count() == 1


# --- Mistakes ------------------------------------------------------------------------------------


def test_missing_answers_are_shown_by_each_field_and_in_the_summary_and_typing_is_kept(
    client: Client, program: Program
) -> None:
    data = answers(client, asker_kind=None, email="", region="")
    del data["understand_confidentiality"]

    response = client.post(ASK, data)

    assert response.status_code == 200
    assert SupportRequest.objects.count() == 0
    body = response.content.decode()
    start = body.index('class="error-summary"')
    summary = body[start : body.index("</ul>", start)]
    for field, message in [
        ("asker_kind", "Choose what best describes you."),
        ("region", "Enter your city or region"),
        ("email", "Enter an email address, so a coordinator can email you."),
        ("understand_confidentiality", "Tick the box to say you understand"),
    ]:
        assert f'href="#id_{field}"' in summary, field
        assert message in summary
        assert f'id="id_{field}_error"' in body  # the message next to the field
    assert 'aria-invalid="true"' in body
    # What was typed is still there.
    assert 'value="Wren"' in body
    assert "Work has been heavy since the trial ended." in body
    assert "Brackenridge LLP" in body
    assert re.search(r'value="different"[^>]*checked', body)
    assert re.search(r'value="stress-and-burnout"[^>]*checked', body)
    assert response.context["submission_id"] == data[SUBMISSION_FIELD]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "other", "other_language": ""}, "other_language"),
        ({"practice_area": "different", "practice_area_value": ""}, "practice_area_value"),
        ({"methods": ["text"], "phone": ""}, "phone"),
        ({"methods": []}, "methods"),
        ({"methods": ["pigeon"]}, "methods"),
        ({"email": "not an address"}, "email"),
        ({"sign_in_email": "nope"}, "sign_in_email"),
        ({"phone": "555-01"}, "phone"),
        ({"topics": ["not-a-topic"]}, "topics"),
        ({"how_soon": "yesterday"}, "how_soon"),
        ({"avoid": "\n".join(f"Person {n}" for n in range(21))}, "avoid"),
        ({"call_me": "x" * 61}, "call_me"),
    ],
)
def test_answers_out_of_bounds_are_refused_with_a_message(
    client: Client, program: Program, changes: dict[str, Any], field: str
) -> None:
    response = client.post(ASK, answers(client, **changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]


def test_a_retired_topic_is_not_offered(client: Client, program: Program) -> None:
    from kindred.topics.models import Topic

    Topic.objects.filter(slug="anxiety").update(is_active=False)

    body = client.get(ASK).content.decode()
    response = client.post(ASK, answers(client, topics=["anxiety"]))

    assert 'value="anxiety"' not in body
    assert list(response.context["form"].errors) == ["topics"]


def test_every_question_is_under_a_heading(program: Program, other_program: Program) -> None:
    form = AskForm(programs=[program, other_program])

    placed = [field.name for section in form.sections() for field in section.fields]

    assert placed == list(form.fields)


# --- Hostile and unusual input -------------------------------------------------------------------


def test_any_unicode_is_accepted(client: Client, program: Program) -> None:
    text = "Zoë Ng-Ōkami 李小龍 Þórdís 🌿 — “quotes” \u2018and\u2019 عربى"

    response = client.post(ASK, answers(client, call_me="Þórdís 🌿", free_text=text))

    assert response.status_code == 302
    assert SupportRequest.objects.get().free_text == text


@pytest.mark.parametrize(
    "value",
    ["x" * 10_000, "🙂" * 3_000, SCRIPT, f'"><img src=x onerror=alert(1)>{SCRIPT}'],
    ids=["ten-thousand-characters", "emoji", "script", "attribute-break"],
)
def test_long_emoji_and_html_answers_never_break_the_page(
    client: Client, program: Program, value: str
) -> None:
    baseline = script_tags(client.get(ASK).content.decode())
    fields = [
        "call_me",
        "free_text",
        "gender",
        "other_language",
        "region",
        "practice_area_value",
        "avoid",
        "phone",
        "email",
        "safe_times",
        "sign_in_email",
        "asker_kind",
    ]

    response = client.post(ASK, answers(client, **dict.fromkeys(fields, value)))

    assert response.status_code == 200
    body = response.content.decode()
    assert script_tags(body) == baseline
    assert "<img src=x" not in body


def test_html_in_an_answer_is_kept_as_typed_and_shown_escaped(
    client: Client, program: Program
) -> None:
    refused = client.post(ASK, answers(client, call_me=SCRIPT, methods=[]))
    recorded = client.post(ASK, answers(client, free_text=SCRIPT))

    body = refused.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert SCRIPT not in body
    assert recorded.status_code == 302
    assert SupportRequest.objects.get().free_text == SCRIPT


ASK_FIELDS = [
    "step",
    "program",
    "asker_kind",
    "call_me",
    "topics",
    "free_text",
    "risk_answer",
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
    "avoid",
    "methods",
    "phone",
    "email",
    "personal_email_only",
    "safe_times",
    "leave_message",
    "how_soon",
    "sign_in_email",
    "understand_peer_support",
    "understand_confidentiality",
    SUBMISSION_FIELD,
]
CONCERN_FIELDS = [
    "program",
    "caller_name",
    "caller_contact",
    "who",
    "what",
    "urgency",
    "may_reveal_caller",
    SUBMISSION_FIELD,
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [SCRIPT, "x" * 5000, "🙂🏳️‍🌈", "\x00", "-1", "99999999999999999999", "", "yes", "now"]
    ),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from([ASK, CONCERN]),
    ask=st.fixed_dictionaries({}, optional=dict.fromkeys(ASK_FIELDS, hostile_text)),
    concern=st.fixed_dictionaries({}, optional=dict.fromkeys(CONCERN_FIELDS, hostile_text)),
)
def test_random_answers_never_cause_a_server_error_or_unescaped_html(
    client: Client,
    program: Program,
    other_program: Program,
    url: str,
    ask: dict[str, str],
    concern: dict[str, str],
) -> None:
    response = client.post(url, ask if url == ASK else concern)

    assert response.status_code < 500
    body = response.content.decode()
    assert script_tags(body) <= 2  # the page's own two scripts, nothing typed
    assert "<script>alert" not in body


# --- Bots and floods ----------------------------------------------------------------------------


def test_a_filled_honeypot_is_answered_like_anyone_and_discarded(
    client: Client, program: Program
) -> None:
    response = client.post(ASK, answers(client, **{HONEYPOT_FIELD: "https://spam.example"}))

    assert response.status_code == 302
    assert response["Location"] == NEXT
    assert SupportRequest.objects.count() == 0


def test_many_requests_from_one_address_are_paused_kindly(client: Client, program: Program) -> None:
    statuses = [
        client.post(ASK, answers(client), REMOTE_ADDR="203.0.113.9").status_code for _ in range(20)
    ]
    refused = client.post(ASK, answers(client, call_me="Ottoline"), REMOTE_ADDR="203.0.113.9")
    elsewhere = client.post(ASK, answers(client), REMOTE_ADDR="198.51.100.7")

    assert statuses == [302] * 5 + [429] * 15
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    body = refused.content.decode()
    assert "your answers are still here" in body
    assert 'value="Ottoline"' in body
    assert "Work has been heavy since the trial ended." in body
    assert elsewhere.status_code == 302
    assert SupportRequest.objects.count() == 6


def test_mistakes_do_not_count_towards_the_limit(client: Client, program: Program) -> None:
    for _ in range(8):
        assert client.post(ASK, answers(client, methods=[])).status_code == 200

    assert client.post(ASK, answers(client)).status_code == 302


@pytest.mark.parametrize(
    "urgent",
    [{"risk_answer": "yes"}, {"risk_answer": "unsure"}, {"free_text": "I want to die"}],
    ids=["yes", "not-sure", "risk-phrase"],
)
def test_someone_at_risk_is_never_paused(
    client: Client, program: Program, urgent: dict[str, str]
) -> None:
    for _ in range(6):
        client.post(ASK, answers(client), REMOTE_ADDR="203.0.113.9")

    response = client.post(ASK, answers(client, **urgent), REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    assert response["Location"] == NEXT
    assert SupportRequest.objects.filter(urgent=True).count() == 1


# --- Encryption at rest ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_what_was_typed_never_reaches_the_disk_or_a_dump_in_plaintext(client: Client) -> None:
    # Given a program, and a request with a unique marker in its free text and its name
    ensure_seed_topics()
    cache.clear()
    program_actions.create_program(name="Peer Support", eligible_groups=["lawyers"])
    marker = f"MARKER-{uuid.uuid4().hex}"
    client.post(ASK, answers(client, free_text=f"before {marker} after", call_me=marker[:40]))
    support_request = SupportRequest.objects.get()
    control = support_request.reference  # a plain column, to prove the search finds things

    if connection.vendor == "sqlite":
        # When every file of the database is read, before and after the WAL is checkpointed
        snapshots = [bytes_on_sqlite_disk()]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        snapshots.append(bytes_on_sqlite_disk())
    else:
        # When the database is dumped as a backup would be
        snapshots = [postgres_dump()]

    # Then the control is found and the marker is not
    for snapshot in snapshots:
        assert control.encode() in snapshot
        assert marker.encode() not in snapshot
        assert marker[:40].encode() not in snapshot
        assert marker.encode("utf-16-le") not in snapshot
