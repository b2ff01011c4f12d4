"""Signing in to one's own request at /my/: reference and passphrase, or an emailed code.

Throttled per client address and per (address, reference), never per reference alone: guessing
from one address is slowed down while the real person, elsewhere, still signs in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake import actions, participant_access
from kindred.intake.participant_access import SESSION_KEY
from kindred.intake.views.participant import CODE_ASKED_FOR, CODE_NO_MATCH, NO_MATCH
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from kindred.topics.models import Topic

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("intake:my_sign_in")
CODE = reverse("intake:my_code")
CODE_ENTER = reverse("intake:my_code_enter")
HOME = reverse("intake:my_home")
EMAIL = "robin.personal@example.org"
FREE_TEXT = "Work has been overwhelming since the merger and I cannot sleep."
PARTICIPANT_PAGES = (
    "my_home",
    "my_contact",
    "my_email",
    "my_withdraw",
    "my_copy",
    "my_download",
    "my_delete",
    "my_sign_out",
)
# "5/10m/key" in the view's RATES: five wrong passphrases per (address, reference).
FAILURES_BEFORE_THROTTLE = 5


@pytest.fixture(autouse=True)
def codes_sent_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes are sent on a thread after the response (test_codes_are_sent_after_the_response
    checks that path); here they are sent at once, so each test reads the outbox directly."""
    monkeypatch.setattr(participant_access, "deliver_later", lambda send: send())


@pytest.fixture
def submitted(program: Program) -> actions.Submitted:
    ensure_seed_topics()
    return actions.submit_request(
        program,
        asker_kind="lawyer",
        topics=["stress-and-burnout"],
        free_text=FREE_TEXT,
        risk_answer="no",
        contact={"methods": ["email"], "email": EMAIL, "leave_message": False},
        sign_in_email=EMAIL,
    )


def sign_in(
    client: Client, reference: str, passphrase: str, *, address: str = "127.0.0.1"
) -> object:
    return client.post(
        SIGN_IN, {"reference": reference, "passphrase": passphrase}, REMOTE_ADDR=address
    )


def error_summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL)
    assert found is not None, "no error summary on the page"
    return found.group(0)


def signed_in_to(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_reference_and_passphrase_open_the_request(
    client: Client, submitted: actions.Submitted
) -> None:
    # Given the reference and passphrase shown after asking for support
    reference = submitted.request.reference

    # When the person types them loosely: lower case, no dash, capitals and extra spaces
    messy_reference = reference.lower().replace("-", " ")
    messy_passphrase = "  " + "   ".join(submitted.passphrase.upper().split()) + " "
    response = client.post(SIGN_IN, {"reference": messy_reference, "passphrase": messy_passphrase})

    # Then they are signed in to their own request, and the sign-in is audited
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_to(client) == str(submitted.request.pk)
    page = client.get(HOME)
    assert page.status_code == 200
    assert reference in page.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN,
        actor_type="participant",
        object_id=str(submitted.request.pk),
    ).exists()


def test_someone_signed_in_is_taken_straight_to_their_request(
    client: Client, submitted: actions.Submitted
) -> None:
    sign_in(client, submitted.request.reference, submitted.passphrase)
    for url in (SIGN_IN, CODE, CODE_ENTER):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == HOME


def test_a_wrong_passphrase_gets_one_calm_message(
    client: Client, submitted: actions.Submitted
) -> None:
    response = sign_in(client, submitted.request.reference, "not the right words at all")

    assert response.status_code == 200
    assert escape(NO_MATCH) in response.content.decode()
    assert signed_in_to(client) is None
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 1


def test_a_wrong_reference_gets_the_very_same_message(
    client: Client, submitted: actions.Submitted
) -> None:
    # Given one attempt with a wrong passphrase and one with a reference that does not exist
    unknown = "ZZ-ZZZZ" if submitted.request.reference != "ZZ-ZZZZ" else "YY-YYYY"
    wrong_passphrase = sign_in(client, submitted.request.reference, "not the right words")
    wrong_reference = sign_in(client, unknown, submitted.passphrase)

    # Then both are told exactly the same: nothing says which part was wrong
    assert wrong_reference.status_code == wrong_passphrase.status_code == 200
    summary = error_summary(wrong_reference.content.decode())
    assert escape(NO_MATCH) in summary
    assert summary == error_summary(wrong_passphrase.content.decode())
    assert signed_in_to(client) is None


def test_guessing_from_one_address_is_throttled_but_the_person_elsewhere_signs_in(
    submitted: actions.Submitted,
) -> None:
    reference = submitted.request.reference
    guesser = Client()

    # Given several wrong passphrases for one reference from one address
    for _ in range(FAILURES_BEFORE_THROTTLE):
        response = sign_in(guesser, reference, "wrong words entirely", address="203.0.113.9")
        assert response.status_code == 200
        assert escape(NO_MATCH) in response.content.decode()

    # When that address tries again, even with the right passphrase
    again = sign_in(guesser, reference, "wrong words entirely", address="203.0.113.9")
    right_but_throttled = sign_in(guesser, reference, submitted.passphrase, address="203.0.113.9")

    # Then it is paused, with a friendly word and 429
    for response in (again, right_but_throttled):
        assert response.status_code == 429
        assert response["Retry-After"] == "600"
        assert "please wait" in response.content.decode().lower()
    assert signed_in_to(guesser) is None

    # And the real person, from another address, still signs in
    person = Client()
    response = sign_in(person, reference, submitted.passphrase, address="198.51.100.4")
    assert response.status_code == 302
    assert signed_in_to(person) == str(submitted.request.pk)


def test_one_address_trying_many_references_is_throttled(
    client: Client, submitted: actions.Submitted
) -> None:
    # "10/10m/ip": ten failures from one address, whatever the references
    address = "203.0.113.7"
    for number in range(10):
        response = sign_in(client, f"AB-{number:04d}", "some guessed words", address=address)
        assert response.status_code == 200
    response = sign_in(client, submitted.request.reference, submitted.passphrase, address=address)
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(
    submitted: actions.Submitted,
) -> None:
    for _ in range(FAILURES_BEFORE_THROTTLE + 2):
        client = Client()
        response = sign_in(client, submitted.request.reference, submitted.passphrase)
        assert response.status_code == 302


def test_an_emailed_code_signs_in_and_says_nothing_about_the_request(
    client: Client, submitted: actions.Submitted
) -> None:
    # When the person asks for a code at their sign-in address
    response = client.post(CODE, {"email": EMAIL.upper()}, follow=True)

    # Then they are told what is true either way, and one discreet email is sent
    assert response.redirect_chain == [(CODE_ENTER, 302)]
    assert escape(str(CODE_ASKED_FOR)) in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL.upper()]
    text = f"{message.subject}\n{message.body}".lower()
    topic_words = {"stress", "burnout", "support", "peer", "request", "lawyer", "help"}
    for topic in Topic.objects.all():
        topic_words |= set(re.findall(r"[a-z]{4,}", topic.name.lower()))
    # Whole words ("work" is in a topic's name, "works once" is not about it)
    assert not topic_words & set(re.findall(r"[a-z]+", text))
    assert FREE_TEXT.lower() not in text
    assert submitted.request.reference.lower() not in text

    # When they type the code
    code = re.search(r"\b(\d{6})\b", message.body)
    assert code is not None
    signed = client.post(CODE_ENTER, {"email": EMAIL, "code": code.group(1)})

    # Then they are signed in to their request
    assert signed.status_code == 302
    assert signed["Location"] == HOME
    assert signed_in_to(client) == str(submitted.request.pk)


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    submitted: actions.Submitted,
) -> None:
    known = Client().post(CODE, {"email": EMAIL}, follow=True)
    assert len(mail.outbox) == 1
    unknown = Client().post(CODE, {"email": "nobody.here@example.org"}, follow=True)

    assert len(mail.outbox) == 1  # no second email
    assert unknown.redirect_chain == known.redirect_chain == [(CODE_ENTER, 302)]
    assert escape(str(CODE_ASKED_FOR)) in unknown.content.decode()


def test_a_code_works_once(client: Client, submitted: actions.Submitted) -> None:
    client.post(CODE, {"email": EMAIL})
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body)
    assert code is not None
    first = client.post(CODE_ENTER, {"email": EMAIL, "code": code.group(1)})
    assert first.status_code == 302

    other = Client()
    second = other.post(CODE_ENTER, {"email": EMAIL, "code": code.group(1)})

    assert second.status_code == 200
    assert escape(CODE_NO_MATCH) in second.content.decode()
    assert signed_in_to(other) is None


def test_participant_pages_send_everyone_else_to_sign_in(
    client: Client, client_as: Callable[[str], Client], submitted: actions.Submitted
) -> None:
    coordinator = client_as("coordinator")
    for name in PARTICIPANT_PAGES:
        url = reverse(f"intake:{name}")
        for someone in (client, coordinator):
            response = someone.get(url)
            assert response.status_code == 302, name
            assert response["Location"] == SIGN_IN, name
    # A staff session is not a participant session, even on the page that changes things.
    response = coordinator.post(reverse("intake:my_withdraw"))
    assert response["Location"] == SIGN_IN
    submitted.request.refresh_from_db()
    assert submitted.request.status == "new"


def test_signing_out_ends_the_session(client: Client, submitted: actions.Submitted) -> None:
    sign_in(client, submitted.request.reference, submitted.passphrase)

    response = client.post(reverse("intake:my_sign_out"), follow=True)

    assert response.redirect_chain == [(SIGN_IN, 302)]
    assert "You have signed out" in response.content.decode()
    assert signed_in_to(client) is None
    assert client.get(HOME)["Location"] == SIGN_IN
    assert AuditEntry.objects.filter(
        action=AuditAction.SIGN_OUT, object_id=str(submitted.request.pk)
    ).exists()


def test_a_quiet_half_hour_signs_the_participant_out(
    client: Client, submitted: actions.Submitted
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, submitted.request.reference, submitted.passphrase)
        assert client.get(HOME).status_code == 200

        clock.shift(timedelta(minutes=31))

        assert client.get(HOME)["Location"] == SIGN_IN


def test_codes_are_sent_after_the_response(
    client: Client,
    submitted: actions.Submitted,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The real path: the view returns before the email goes (timing reveals nothing)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CODE, {"email": EMAIL})
    participant_access.wait_for_deliveries()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your sign-in code"


def codes_in(body: str) -> dict[str, str]:
    """{reference: code} from an email naming several requests."""
    return dict(re.findall(r"^([A-Z0-9]{2}-[A-Z0-9]{4}) \(asked on [^)]*\): (\d{6})$", body, re.M))


def test_an_address_on_two_requests_gets_one_email_with_a_code_for_each(
    submitted: actions.Submitted, program: Program
) -> None:
    # Given a second request that names the same sign-in address
    second = actions.submit_request(
        program,
        asker_kind="lawyer",
        topics=["anxiety"],
        free_text="A second, calmer note.",
        risk_answer="no",
        sign_in_email=EMAIL,
    )

    # When a code is asked for at that address
    Client().post(CODE, {"email": EMAIL})

    # Then one email says there are two requests and gives a code for each, by reference,
    # and names no program and no topic
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Your sign-in codes"
    assert "This address is on 2 requests" in message.body
    codes = codes_in(message.body)
    first_ref, second_ref = submitted.request.reference, second.request.reference
    assert set(codes) == {first_ref, second_ref}
    assert codes[first_ref] != codes[second_ref]
    text = message.body.lower()
    assert program.name.lower() not in text
    for words in ("stress", "burnout", "anxiety", FREE_TEXT.lower(), "a second, calmer note"):
        assert words not in text

    # And each code opens its own request, and only that one
    for reference, expected in ((first_ref, submitted.request), (second_ref, second.request)):
        client = Client()
        response = client.post(CODE_ENTER, {"email": EMAIL, "code": codes[reference]})
        assert response.status_code == 302
        assert signed_in_to(client) == str(expected.pk)
    # And a code that was used does not open anything again
    again = Client()
    response = again.post(CODE_ENTER, {"email": EMAIL, "code": codes[first_ref]})
    assert response.status_code == 200
    assert signed_in_to(again) is None


def test_a_code_stops_working_when_the_address_is_removed_from_its_request(
    client: Client, submitted: actions.Submitted
) -> None:
    client.post(CODE, {"email": EMAIL})
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body)
    assert code is not None
    actions.set_sign_in_email(submitted.request, "")

    response = client.post(CODE_ENTER, {"email": EMAIL, "code": code.group(1)})

    assert response.status_code == 200
    assert signed_in_to(client) is None


def test_the_page_after_asking_for_a_code_says_only_what_is_true(
    submitted: actions.Submitted, program: Program
) -> None:
    # Given an address on one request, one on two requests, and one on none
    actions.submit_request(
        program, asker_kind="lawyer", topics=["anxiety"], risk_answer="no", sign_in_email=EMAIL
    )
    pages = {}
    for label, address in (
        ("two requests", EMAIL),
        ("no request", "nobody.here@example.org"),
    ):
        pages[label] = Client().post(CODE, {"email": address}, follow=True).content.decode()

    # Then every page reads the same, promises nothing it cannot know, and gives the ways on
    for label, html in pages.items():
        assert escape(str(CODE_ASKED_FOR)) in html, label
        assert "on its way" not in html, label
        assert "No email after a few minutes?" in html, label
        assert f'href="{SIGN_IN}"' in html, label
        assert f'href="{reverse("contact")}"' in html, label
        assert EMAIL not in html, label
        assert "nobody.here" not in html, label
    # And the one email sent went to the address on the requests
    assert [message.to for message in mail.outbox] == [[EMAIL]]


def test_the_sign_in_pages_say_what_to_do_without_the_passphrase(client: Client) -> None:
    for url in (SIGN_IN, CODE, CODE_ENTER):
        html = client.get(url).content.decode()
        assert f'href="{reverse("contact")}"' in html, url
        assert "contact the program" in html, url
    sign_in_page = client.get(SIGN_IN).content.decode()
    assert "Lost your reference or passphrase?" in sign_in_page
    assert f'href="{CODE}"' in sign_in_page


def test_each_sign_in_page_has_its_own_neutral_title(client: Client) -> None:
    titles = {
        SIGN_IN: "<title>Sign in</title>",
        CODE: "<title>Sign in with a code</title>",
        CODE_ENTER: "<title>Enter your code</title>",
    }
    for url, title in titles.items():
        assert title in client.get(url).content.decode(), url
    wrong = client.post(SIGN_IN, {"reference": "", "passphrase": ""})
    assert "<title>Error: Sign in</title>" in wrong.content.decode()
