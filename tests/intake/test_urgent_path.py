"""When someone may be at risk: crisis lines first, the request saved and flagged urgent, and one
discreet email to the coordinators that carries nothing the person typed, even if email fails."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from kindred.accounts.models import Role
from kindred.intake import actions
from kindred.intake.models import SupportRequest
from kindred.programs.models import CrisisLine, Program
from kindred.topics.actions import ensure_seed_topics
from tests.conftest import make_person
from tests.intake.test_ask_form import ASK, NEXT, answers, main_of

pytestmark = pytest.mark.django_db

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
    assert "<title>Information</title>" in response.content.decode()
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


def test_the_request_is_kept_when_the_alert_cannot_be_sent(
    client: Client, program: Program, on_call: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an email server that refuses everything
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPException("the mail server is down")

    monkeypatch.setattr(actions, "send_mail", refuse)

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
