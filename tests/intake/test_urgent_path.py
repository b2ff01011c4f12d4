"""When someone may be at risk: crisis lines first, the request saved and flagged urgent, and one
discreet email to the coordinators that carries nothing the person typed, even if email fails."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from kindred.accounts.models import Role
from kindred.intake.models import SupportRequest
from kindred.programs.models import CrisisLine, Program
from kindred.topics.actions import ensure_seed_topics
from tests.conftest import make_person
from tests.intake.test_ask_form import ASK, NEXT, answers, main_of

pytestmark = pytest.mark.django_db


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down: every send raises, as smtplib does."""

    def send_messages(self, email_messages: Sequence[mail.EmailMessage]) -> int:
        raise smtplib.SMTPException("the mail server is down")


# Words that appear in no alert: the test checks each one is absent from the email.
TYPED_WITH_YES = "Drinking heavily since custody hearing; Marisol noticed"
TYPED_RISK_PHRASE = "Suicide thoughts keep returning since Tuesday"
CALL_ME = "Fenwick"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_call(program: Program) -> str:
    """A coordinator of the program, who receives urgent alerts."""
    ensure_seed_topics()
    make_person("oncall@example.org", Role.COORDINATOR, program)
    return "oncall@example.org"


def typed_words(*texts: str) -> list[str]:
    return [word for text in texts for word in re.findall(r"\w+", text)]


def assert_discreet(message: mail.EmailMessage, *texts: str) -> None:
    subject = message.subject.casefold()
    body = str(message.body).casefold()
    for word in typed_words(*texts):
        pattern = rf"\b{re.escape(word.casefold())}\b"
        assert not re.search(pattern, subject), word
        assert not re.search(pattern, body), word


@pytest.mark.parametrize(
    ("risk_answer", "free_text"),
    [("yes", TYPED_WITH_YES), ("no", TYPED_RISK_PHRASE)],
    ids=["answered-yes", "risk-phrase-with-no"],
)
def test_risk_shows_crisis_lines_first_flags_the_request_and_sends_one_discreet_email(
    client: Client, program: Program, on_call: str, risk_answer: str, free_text: str
) -> None:
    # Given someone who says, or writes, that they may be at risk
    data = answers(client, risk_answer=risk_answer, free_text=free_text, call_me=CALL_ME)

    # When they send the form and see the next page
    response = client.post(ASK, data, follow=True)

    # Then the crisis lines are the first thing on the page, before the reference
    assert response.redirect_chain == [(NEXT, 302)]
    support_request = SupportRequest.objects.get()
    main = main_of(response.content.decode())
    crisis_at = main.index('class="crisis-help"')
    assert crisis_at < main.index(support_request.reference)
    assert crisis_at < main.index("data-passphrase")
    assert not re.search(r"<h[1-6]", main[:crisis_at])  # nothing above it
    assert 'href="tel:988"' in main
    assert 'href="tel:911"' in main
    assert "today" in main
    assert "We have alerted the on-call coordinator" in main
    assert "<title>Your reference</title>" in response.content.decode()
    # And the request is saved and urgent, and the on-call coordinator got one discreet email
    assert support_request.urgent
    assert support_request.alert_sent_at is not None
    assert not support_request.alert_failed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [on_call]
    assert_discreet(mail.outbox[0], free_text, CALL_ME)


def test_crisis_lines_are_the_national_ones_then_the_programs_own_in_its_order(
    client: Client, program: Program, on_call: str
) -> None:
    CrisisLine.objects.create(
        program=program, name="Second line", number="403-555-0102", tel="+14035550102", position=2
    )
    CrisisLine.objects.create(
        program=program,
        name="First line",
        number="403-555-0101",
        tel="+14035550101",
        can_text=True,
        position=1,
    )

    client.post(ASK, answers(client, risk_answer="yes"))
    main = main_of(client.get(NEXT).content.decode())

    assert main.index("9-8-8") < main.index("First line") < main.index("Second line")
    assert 'href="tel:988"' in main
    assert 'href="sms:988"' in main
    assert 'href="tel:+14035550101"' in main
    assert 'href="sms:+14035550101"' in main
    assert 'href="sms:+14035550102"' not in main  # a line that takes no texts gets no text link
    assert "Placeholder" not in main


def test_the_request_is_kept_when_the_alert_cannot_be_sent_and_the_page_says_please_call(
    client: Client, program: Program, on_call: str, settings: Any
) -> None:
    # Given an email server that refuses everything
    settings.EMAIL_BACKEND = "tests.intake.test_urgent_path.RefusingEmailBackend"

    # When someone at risk sends the form
    response = client.post(ASK, answers(client, risk_answer="yes"), follow=True)

    # Then the request is saved, urgent, marked as not alerted, and they still see help first
    support_request = SupportRequest.objects.get()
    assert support_request.urgent
    assert support_request.alert_failed
    assert support_request.alert_sent_at is None
    assert response.status_code == 200
    main = main_of(response.content.decode())
    assert main.index('class="crisis-help"') < main.index(support_request.reference)
    # And the page says only what is true: "please call" first, then "saved", never "alerted"
    assert "alerted" not in main
    please_call = main.index("Please call or text 9-8-8 now")
    assert please_call < main.index(
        "Your request is saved; a coordinator will see it as soon as they sign in."
    )
    assert please_call < main.index('href="tel:988"')
    assert "today" not in main


def test_not_sure_is_treated_as_risk(client: Client, program: Program, on_call: str) -> None:
    # "I'm not sure" to the direct question: crisis lines first, urgent, and staff alerted
    response = client.post(ASK, answers(client, risk_answer="unsure"), follow=True)

    support_request = SupportRequest.objects.get()
    main = main_of(response.content.decode())
    assert main.index('class="crisis-help"') < main.index(support_request.reference)
    assert support_request.urgent
    assert len(mail.outbox) == 1


def test_no_risk_means_no_crisis_panel_and_no_email(
    client: Client, program: Program, on_call: str
) -> None:
    response = client.post(ASK, answers(client), follow=True)

    assert 'class="crisis-help"' not in response.content.decode()
    assert not SupportRequest.objects.get().urgent
    assert mail.outbox == []


def test_a_form_with_mistakes_still_shows_crisis_lines_first_when_risk_is_indicated(
    client: Client, program: Program, on_call: str
) -> None:
    # Given someone at risk who forgot a required box
    data = answers(client, free_text=TYPED_RISK_PHRASE)
    del data["understand_peer_support"]

    # When they send the form
    response = client.post(ASK, data)

    # Then nothing is recorded yet, but where to get help comes before anything else
    assert response.status_code == 200
    assert SupportRequest.objects.count() == 0
    main = main_of(response.content.decode())
    assert main.index('class="crisis-help"') < main.index('class="error-summary"')
    assert main.index('class="crisis-help"') < main.index("<h1>")


def test_a_reload_of_the_urgent_page_shows_no_secret_and_still_points_to_help(
    client: Client, program: Program, on_call: str
) -> None:
    client.post(ASK, answers(client, risk_answer="yes"))
    client.get(NEXT)

    again = client.get(NEXT).content.decode()

    assert "data-passphrase" not in again
    assert 'href="tel:988"' in main_of(again)


# --- Risk first: the safety question alone, then a short form --------------------------------


@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_yes_or_not_sure_shows_crisis_help_at_once_then_a_short_form(
    client: Client, program: Program, on_call: str, answer: str
) -> None:
    # When someone answers the first question "Yes" or "Not sure"
    response = client.post(ASK, {"step": "safety", "risk_answer": answer})

    # Then crisis help is the first thing on the page, before any other question
    assert response.status_code == 200
    main = main_of(response.content.decode())
    crisis_at = main.index('class="crisis-help"')
    assert crisis_at < main.index('href="tel:988"') < main.index("<form")
    assert not re.search(r"<h[1-6]", main[:crisis_at])
    assert 'href="sms:988"' in main
    assert 'href="tel:911"' in main
    assert "<title>Your details</title>" in response.content.decode()
    # And a short form: only a way to reach them is needed, and no box blocks them
    form = response.context["form"]
    assert [name for name, field in form.fields.items() if field.required] == []
    assert set(form.fields) <= {
        "program",
        "phone",
        "may_text",
        "leave_message",
        "email",
        "call_me",
        "safe_times",
        "free_text",
    }
    assert 'type="checkbox"' not in main
    assert "it is not counselling" in main.casefold()
    assert not re.search(r"Phone number\s*<span class=\"optional\">", main)
    assert 'href="/ask/?' not in main  # the answer never travels in a URL


def test_the_short_form_is_sent_with_only_a_phone_number(
    client: Client, program: Program, on_call: str
) -> None:
    # Given someone who answered "Yes"
    step = client.post(ASK, {"step": "safety", "risk_answer": "yes"})

    # When they give only a phone number and send the short form
    response = client.post(
        ASK,
        {
            "step": "details",
            "risk_answer": "yes",
            "submission": step.context["submission_id"],
            "phone": "(403) 555-0199",
        },
        follow=True,
    )

    # Then it is stored, urgent, alerted, and crisis help comes first on the next page
    assert response.redirect_chain == [(NEXT, 302)]
    support_request = SupportRequest.objects.get()
    assert support_request.urgent
    assert support_request.risk_answer == "yes"
    assert support_request.contact["phone"] == "+1 403-555-0199"
    assert support_request.contact["methods"] == ["phone"]
    assert support_request.alert_sent_at is not None
    assert len(mail.outbox) == 1
    main = main_of(response.content.decode())
    assert main.index('class="crisis-help"') < main.index(support_request.reference)
    assert "We have alerted the on-call coordinator" in main


def test_the_short_form_needs_a_way_to_reach_them_and_says_so(
    client: Client, program: Program, on_call: str
) -> None:
    step = client.post(ASK, {"step": "safety", "risk_answer": "unsure"})
    data = {"step": "details", "risk_answer": "unsure", "submission": step.context["submission_id"]}

    nothing = client.post(ASK, data)
    bad_phone = client.post(ASK, {**data, "phone": "555-01"})

    assert SupportRequest.objects.count() == 0
    assert list(nothing.context["form"].errors) == ["phone"]
    assert "Enter a phone number or an email address" in nothing.content.decode()
    main = main_of(nothing.content.decode())
    assert main.index('class="crisis-help"') < main.index('class="error-summary"')
    assert "<title>Error: Your details</title>" in nothing.content.decode()
    assert list(bad_phone.context["form"].errors) == ["phone"]
    assert "403-555-0123" in bad_phone.context["form"].errors["phone"][0]


def test_a_yes_is_never_downgraded_by_a_hidden_field_edited_to_no(
    client: Client, program: Program, on_call: str
) -> None:
    # Given someone who answered "Yes" (kept in their session)
    client.post(ASK, {"step": "safety", "risk_answer": "yes"})

    # When the full form is sent with the hidden answer changed to "no"
    response = client.post(ASK, answers(client, risk_answer="no") | {"risk_answer": "no"})

    # Then it is still treated as "Yes": stored urgent, alerted
    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.urgent
    assert support_request.risk_answer == "yes"
    assert len(mail.outbox) == 1


def test_a_later_no_at_the_first_step_keeps_the_earlier_yes(
    client: Client, program: Program, on_call: str
) -> None:
    client.post(ASK, {"step": "safety", "risk_answer": "yes"})

    again = client.post(ASK, {"step": "safety", "risk_answer": "no"})

    body = again.content.decode()
    assert 'class="crisis-help"' in body
    assert '<input type="hidden" name="risk_answer" value="yes">' in body
    assert "we will treat your request as urgent" in body


def test_a_lost_answer_is_asked_again_never_assumed(
    client: Client, program: Program, on_call: str
) -> None:
    # Given a step-2 form whose session and hidden answer were both lost
    data = answers(client)
    del data["risk_answer"]
    client.cookies.clear()

    # When it is sent
    response = client.post(ASK, data)

    # Then nothing is recorded and the safety question is asked again
    assert response.status_code == 200
    assert SupportRequest.objects.count() == 0
    assert "Please answer this question again" in response.content.decode()
    assert "Are you thinking about ending your life" in response.content.decode()
