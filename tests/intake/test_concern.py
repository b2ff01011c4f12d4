"""A concern about someone else: stored encrypted, the caller never revealed without consent,
one discreet alert when someone may be in danger now, and calm answers to bad input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client

from kindred.accounts.models import Role
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake.models import Concern
from kindred.intake.views.public import HONEYPOT_FIELD, SUBMISSION_FIELD
from kindred.programs.models import Program
from tests.conftest import make_person
from tests.intake.test_ask_form import main_of

pytestmark = pytest.mark.django_db

CONCERN = "/concern/"
THANK_YOU = "/concern/thank-you/"
SCRIPT = "<script>alert(1)</script>"
WHAT = "Ignatius missed three hearings; sounds hopeless on calls"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _staffed(request: pytest.FixtureRequest) -> None:
    """The public forms offer only programs with someone on call."""
    for name, email in [("program", ON_CALL), ("other_program", "oncall-informal@example.org")]:
        if name in request.fixturenames:
            make_person(email, Role.COORDINATOR, request.getfixturevalue(name))


ON_CALL = "oncall@example.org"


@pytest.fixture
def on_call(program: Program) -> str:
    return ON_CALL


def concern_answers(client: Client, **changes: Any) -> dict[str, Any]:
    response = client.get(CONCERN)
    assert response.status_code == 200
    data: dict[str, Any] = {
        SUBMISSION_FIELD: response.context["submission_id"],
        "caller_name": "Philippa Marchbanks",
        "caller_contact": "555-0177",
        "who": "Ignatius, a colleague at my firm",
        "what": WHAT,
        "urgency": "soon",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_concern_is_stored_encrypted_audited_and_the_caller_is_not_revealed_by_default(
    client: Client, program: Program, on_call: str
) -> None:
    form_page = client.get(CONCERN).content.decode()

    response = client.post(CONCERN, concern_answers(client))

    assert response.status_code == 302
    assert response["Location"] == THANK_YOU
    concern = Concern.objects.get()
    assert concern.program == program
    assert concern.urgency == "soon"
    assert concern.caller_name == "Philippa Marchbanks"
    assert concern.caller_contact == "555-0177"
    assert "Ignatius, a colleague at my firm" in concern.about
    assert WHAT in concern.about
    assert concern.may_reveal_caller is False
    assert concern.submission_digest
    assert mail.outbox == []  # not urgent: no alert
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="concern", object_id=str(concern.pk)
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_name, caller_contact, about FROM intake_concern")
        stored = cursor.fetchone()
    assert all(value.startswith("k1:") for value in stored)
    assert "Ignatius" not in " ".join(stored)
    # The form explains the default and that the caller is never revealed without consent.
    assert re.search(r'value="no"[^>]*checked', form_page)
    assert "never tell them who raised the concern unless you say yes" in form_page
    assert "<title>Information</title>" in form_page


def test_the_caller_may_agree_to_be_named(client: Client, program: Program) -> None:
    client.post(CONCERN, concern_answers(client, may_reveal_caller="yes"))

    assert Concern.objects.get().may_reveal_caller is True


def test_skipping_the_consent_question_means_no(client: Client, program: Program) -> None:
    client.post(CONCERN, concern_answers(client, may_reveal_caller=None, caller_name=None))

    concern = Concern.objects.get()
    assert concern.may_reveal_caller is False
    assert concern.caller_name == ""


def test_danger_now_sends_one_discreet_email_and_shows_crisis_lines_first(
    client: Client, program: Program, on_call: str
) -> None:
    response = client.post(CONCERN, concern_answers(client, urgency="now"), follow=True)

    assert response.redirect_chain == [(THANK_YOU, 302)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [on_call]
    typed = " ".join([WHAT, "Ignatius colleague firm Philippa Marchbanks 555-0177"])
    for word in re.findall(r"\w+", typed):
        pattern = rf"\b{re.escape(word.casefold())}\b"
        assert not re.search(pattern, message.subject.casefold()), word
        assert not re.search(pattern, str(message.body).casefold()), word
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert main.index('class="crisis-help"') < main.index("<h1>")
    # It speaks to the caller, about the person they are worried about.
    assert "If the person is in danger now, call 9-1-1" in main
    assert "If you are thinking of ending your life" not in main
    # What it says about the alert is true: "alerted" only when an alert was accepted.
    if Concern.objects.get().alert_sent_at is not None:
        assert "we have alerted the on-call coordinator" in main
    else:
        assert "alerted" not in main
        assert main.index("call or text 9-8-8 now") < main.index("as soon as they sign in")
    # A reload is the plain thank-you page.
    assert 'class="crisis-help"' not in client.get(THANK_YOU).content.decode()


def test_the_thank_you_page_says_what_happens_next_and_holds_nothing_personal(
    client: Client, program: Program
) -> None:
    response = client.post(CONCERN, concern_answers(client), follow=True)

    body = response.content.decode()
    assert "within 2 working days" in body
    assert "Ignatius" not in body
    assert "Philippa" not in body
    assert "<title>Information</title>" in body


def test_the_same_concern_sent_twice_is_recorded_once(client: Client, program: Program) -> None:
    data = concern_answers(client)

    first = client.post(CONCERN, data)
    second = client.post(CONCERN, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == THANK_YOU
    assert Concern.objects.count() == 1


def test_missing_answers_are_shown_and_typing_is_kept(client: Client, program: Program) -> None:
    response = client.post(CONCERN, concern_answers(client, caller_contact="", urgency=None))

    assert response.status_code == 200
    assert Concern.objects.count() == 0
    body = response.content.decode()
    start = body.index('class="error-summary"')
    summary = body[start : body.index("</ul>", start)]
    assert 'href="#id_caller_contact"' in summary
    assert 'href="#id_urgency"' in summary
    assert "Choose how urgent it is." in summary
    assert 'id="id_caller_contact_error"' in body
    assert 'value="Philippa Marchbanks"' in body
    assert WHAT in body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"urgency": "yesterday"}, "urgency"),
        ({"may_reveal_caller": "perhaps"}, "may_reveal_caller"),
        ({"what": "x" * 4001}, "what"),
        ({"who": ""}, "who"),
        ({"caller_name": "\x00"}, "caller_name"),
    ],
)
def test_bad_answers_are_refused_with_a_message(
    client: Client, program: Program, changes: dict[str, Any], field: str
) -> None:
    response = client.post(CONCERN, concern_answers(client, **changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]


@pytest.mark.parametrize("value", ["x" * 10_000, "🙂" * 3_000, SCRIPT])
def test_long_emoji_and_html_answers_never_break_the_page(
    client: Client, program: Program, value: str
) -> None:
    fields = ["caller_name", "caller_contact", "who", "what", "urgency"]

    response = client.post(CONCERN, concern_answers(client, **dict.fromkeys(fields, value)))

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<script") == 2
    assert SCRIPT not in body


def test_with_two_programs_the_caller_chooses_one(
    client: Client, program: Program, other_program: Program
) -> None:
    missing = client.post(CONCERN, concern_answers(client))
    chosen = client.post(CONCERN, concern_answers(client, program=other_program.slug))

    assert list(missing.context["form"].errors) == ["program"]
    assert chosen.status_code == 302
    assert Concern.objects.get().program == other_program


def test_a_filled_honeypot_is_thanked_and_discarded(client: Client, program: Program) -> None:
    response = client.post(CONCERN, concern_answers(client, **{HONEYPOT_FIELD: "spam"}))

    assert response.status_code == 302
    assert Concern.objects.count() == 0


def test_danger_now_is_never_paused(client: Client, program: Program, on_call: str) -> None:
    for _ in range(6):
        client.post(CONCERN, concern_answers(client), REMOTE_ADDR="203.0.113.9")

    response = client.post(
        CONCERN, concern_answers(client, urgency="now"), REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 302
    assert Concern.objects.filter(urgency="now").count() == 1
    assert len(mail.outbox) == 1


def test_when_the_alert_cannot_be_sent_the_caller_is_asked_to_call_first(
    client: Client, program: Program, on_call: str, settings: Any
) -> None:
    # Given an email server that refuses everything
    settings.EMAIL_BACKEND = "tests.intake.test_urgent_path.RefusingEmailBackend"

    # When someone sends a concern about danger now
    response = client.post(CONCERN, concern_answers(client, urgency="now"), follow=True)

    # Then it is kept, and the page asks them to call first, never "we have alerted"
    assert Concern.objects.get().urgency == "now"
    main = main_of(response.content.decode())
    assert "alerted" not in main
    assert main.index("If the person is in danger now, call 9-1-1") < main.index(
        "Your message is saved; a coordinator will see it as soon as they sign in."
    )


def test_the_form_page_speaks_to_the_caller(client: Client, program: Program) -> None:
    main = main_of(client.get(CONCERN).content.decode())

    assert "If the person is in danger now, call 9-1-1" in main
    assert 'href="tel:911"' in main
    assert 'href="sms:988"' in main
    assert "If you are thinking of ending your life" not in main


def test_with_nobody_on_call_there_is_no_form_but_crisis_lines(client: Client) -> None:
    from kindred.programs import actions as program_actions

    program_actions.create_program(name="Unstaffed", eligible_groups=["lawyers"])

    main = main_of(client.get(CONCERN).content.decode())

    assert "<form" not in main
    assert 'href="tel:911"' in main
    assert 'href="/contact/"' in main


def test_many_concerns_from_one_address_are_paused_kindly(client: Client, program: Program) -> None:
    statuses = [
        client.post(CONCERN, concern_answers(client), REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    refused = client.post(CONCERN, concern_answers(client), REMOTE_ADDR="203.0.113.9")
    assert refused["Retry-After"] == "600"
    assert "your answers are still here" in refused.content.decode()
    assert WHAT in refused.content.decode()
    assert Concern.objects.count() == 5


def test_the_concern_page_is_reachable_from_the_ask_form(client: Client, program: Program) -> None:
    assert f'href="{CONCERN}"' in client.get("/ask/").content.decode()
