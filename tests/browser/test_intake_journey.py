"""Someone asks for support in a real browser: the form, the reference and passphrase shown
once, signing in at /my/ to see where things stand, a wrong passphrase and the pause after
several, and crisis help first when the answers call for it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from kindred.accounts.models import Role
from kindred.intake.actions import submit_request
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from tests.browser.conftest import (
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.pages import AskedPage, AskPage, HomePage, MyHomePage, MySignInPage
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator@example.org"
PHONE = "403-555-0142"
STORED_PHONE = "+1 403-555-0142"
# What the participant reads at /my/request/ while their request is new.
STATUS_NEW = "We have your request. A coordinator will contact you within 2 working days."
NO_MATCH = "That reference and passphrase don't match. Check them and try again."
PAUSED = "we have paused sign-in here for a few minutes"
# "5/10m/key" in RATES of views/participant.py: five wrong passphrases per (address, reference).
FAILURES_BEFORE_THROTTLE = 5
# Five words, like a real passphrase, that no real one will ever be (checked in the test).
WRONG_PASSPHRASE = "orchard pebble lantern meadow violin"


def fill_in_a_request(ask: AskPage, *, own_words: str) -> None:
    """Everything the full form needs after "No", the way a person would answer: a topic, a few
    words, a phone call with its number, and both boxes ticked."""
    ask.describe_self("Lawyer")
    ask.choose_topics("Stress and burnout")
    ask.tell_in_own_words(own_words)
    ask.choose_contact("A phone call")
    ask.give_phone_number(PHONE)
    ask.acknowledge()


def sign_in_answered_with(sign_in: MySignInPage, reference: str, passphrase: str) -> int:
    """Signs in and waits for the server's answer to the form: its HTTP status."""
    with sign_in.page.expect_response(lambda r: r.request.method == "POST") as answered:
        sign_in.sign_in(reference, passphrase)
    return answered.value.status


def test_someone_asks_for_support_and_signs_in_to_see_the_status(
    page: Page, page_problems: PageProblems, program: Program, mailoutbox: list[EmailMessage]
) -> None:
    # Given the program's topics, a coordinator on call, and no sign-in tries counted from
    # earlier tests
    ensure_seed_topics()
    cache.clear()
    make_person(COORDINATOR, Role.COORDINATOR, program)

    # When someone opens the home page and follows "Ask for support"
    HomePage(page).open().ask_for_support()

    # Then the first step asks the safety question alone, with nothing wrong on it yet
    ask = AskPage(page)
    expect(page).to_have_url(re.compile(r"/ask/$"))
    expect(page).to_have_title("Ask for support")
    expect(ask.heading).to_have_text("Ask for support")
    expect(ask.error_summary).to_have_count(0)
    expect(ask.crisis_help).to_have_count(0)
    expect(ask.main.get_by_role("group")).to_have_count(1)
    assert_accessible(page)
    save_screenshots(page, "intake-ask")

    # When they answer "No"
    ask.answer_safety_question("No")

    # Then the full form follows, without crisis help
    expect(page).to_have_title("Your details")
    expect(ask.crisis_help).to_have_count(0)
    assert_accessible(page)
    save_screenshots(page, "intake-ask-details")

    # When they answer, choosing a phone call but forgetting the number, and send it
    fill_in_a_request(ask, own_words="The new practice group has me working every weekend.")
    ask.phone_number.fill("")
    ask.send()

    # Then the form comes back with the one problem named, at the top and next to the field,
    # and everything else they answered still there
    expect(ask.error_summary).to_be_visible()
    expect(ask.error_summary).to_be_focused()
    expect(ask.error_summary.get_by_role("link")).to_have_text(
        "Enter a phone number, so a coordinator can call or text you."
    )
    expect(ask.main.locator(".field-error")).to_contain_text("Enter a phone number")
    contact = ask.question("How may a coordinator contact you?")
    expect(contact.get_by_label("A phone call")).to_be_checked()
    expect(page.get_by_label("I understand that what I share")).to_be_checked()
    expect(ask.crisis_help).to_have_count(0)
    assert_accessible(page)
    save_screenshots(page, "intake-ask-errors")

    # When they give the number and send it again
    ask.give_phone_number(PHONE)
    ask.send()

    # Then the next page thanks them and shows their reference and passphrase, this once
    asked = AskedPage(page)
    expect(page).to_have_url(re.compile(r"/ask/next/$"))
    expect(asked.heading).to_have_text("Your request has reached us")
    expect(asked.crisis_help).to_have_count(0)
    expect(asked.keep_these).to_contain_text("We show them only this once.")
    expect(asked.reference).to_have_text(re.compile(r"^[2-9A-Z]{2}-[2-9A-Z]{4}$"))
    expect(asked.passphrase).to_have_text(re.compile(r"^[a-z]+( [a-z]+){5}$"))
    expect(asked.main).to_contain_text("within 2 working days")
    reference = asked.reference.inner_text().strip()
    passphrase = asked.passphrase.inner_text().strip()
    assert_accessible(page)
    save_screenshots(page, "intake-next")

    # And nobody on call was alerted: nothing in the answers says they may be at risk
    assert mailoutbox == []

    # When they reload the page
    page.reload()

    # Then the passphrase is gone, and the page says calmly why
    expect(asked.heading).to_have_text("This page has already been shown")
    expect(asked.main).to_contain_text("the reference and passphrase are shown only once")
    expect(asked.passphrase).to_have_count(0)
    expect(asked.reference).to_have_count(0)
    assert passphrase not in page.content()
    assert reference not in page.content()
    assert_accessible(page)
    save_screenshots(page, "intake-next-reloaded")

    # When they follow the link to check on their request
    asked.check_on_request()

    # Then they are asked for their reference and passphrase
    sign_in = MySignInPage(page)
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(sign_in.heading).to_have_text("See your request")
    assert_accessible(page)
    save_screenshots(page, "intake-my-sign-in")

    # When they sign in with the two they kept (the reference typed in lower case)
    sign_in.sign_in(reference.lower(), passphrase)

    # Then they see their request: its reference, and where things stand in plain words
    home = MyHomePage(page)
    expect(page).to_have_url(re.compile(r"/my/request/$"))
    expect(home.heading).to_have_text("Your request")
    expect(home.reference).to_have_text(f"Your reference: {reference}")
    expect(home.where_things_stand).to_contain_text(STATUS_NEW)
    expect(home.main).to_contain_text("Stress and burnout")
    expect(home.main).to_contain_text(f"Phone: {STORED_PHONE}")
    assert_accessible(page)
    save_screenshots(page, "intake-my-request")

    # When they sign out
    home.sign_out()

    # Then they are back at /my/, told how to come back
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(sign_in.messages).to_contain_text("You have signed out.")
    assert_page_loaded_cleanly(page_problems)


def test_a_wrong_passphrase_is_refused_and_then_throttled(
    page: Page, page_problems: PageProblems, program: Program
) -> None:
    # Given a request, its passphrase known only to the person who asked, and no sign-in tries
    # counted from earlier tests
    ensure_seed_topics()
    cache.clear()
    submitted = submit_request(
        program,
        asker_kind="lawyer",
        topics=["stress-and-burnout"],
        free_text="Synthetic words about a hard month at work.",
        risk_answer="no",
        contact={"methods": ["phone"], "phone": PHONE, "leave_message": False},
    )
    reference = submitted.request.reference
    assert submitted.passphrase != WRONG_PASSPHRASE

    # When someone signs in with the reference and a wrong passphrase
    sign_in = MySignInPage(page).open()
    sign_in.sign_in(reference, WRONG_PASSPHRASE)

    # Then they are refused calmly, without saying which of the two was wrong
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(sign_in.error_summary).to_be_visible()
    expect(sign_in.error_summary).to_be_focused()
    expect(sign_in.error_summary).to_contain_text(NO_MATCH)
    expect(sign_in.main.get_by_label("Your reference")).to_have_value(reference)
    expect(sign_in.main.get_by_label("Your passphrase")).to_have_value("")
    assert_accessible(page)
    save_screenshots(page, "intake-my-sign-in-refused")

    # When they keep trying wrong passphrases until the limit is reached
    for _ in range(FAILURES_BEFORE_THROTTLE - 1):
        assert sign_in_answered_with(sign_in, reference, WRONG_PASSPHRASE) == 200
        expect(sign_in.error_summary).to_contain_text(NO_MATCH)

    # And try once more
    status = sign_in_answered_with(sign_in, reference, WRONG_PASSPHRASE)

    # Then sign-in is paused for them, and the page says to wait (429 for machines)
    assert status == 429
    expect(sign_in.error_summary).to_contain_text(PAUSED)
    expect(sign_in.error_summary).to_contain_text("Please wait about ten minutes")
    expect(sign_in.error_summary).not_to_contain_text(NO_MATCH)
    assert_accessible(page)
    save_screenshots(page, "intake-my-sign-in-throttled")

    # When they now type the right passphrase from the same browser
    status = sign_in_answered_with(sign_in, reference, submitted.passphrase)

    # Then it is refused too while the pause lasts, and they are not signed in
    assert status == 429
    expect(sign_in.error_summary).to_contain_text(PAUSED)
    page.goto(MyHomePage.path)
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(sign_in.heading).to_have_text("See your request")

    # And the only complaints in the console are Chromium's notes of the two 429 answers
    expected, others = [], []
    for text in page_problems.console_errors:
        is_429 = "status of 429 (Too Many Requests)" in text and text.endswith("/my/)")
        (expected if is_429 else others).append(text)
    assert len(expected) == 2, page_problems.console_errors
    page_problems.console_errors = others
    assert_page_loaded_cleanly(page_problems)


def test_yes_shows_crisis_help_first_and_a_phone_number_is_enough(
    page: Page, page_problems: PageProblems, program: Program, mailoutbox: list[EmailMessage]
) -> None:
    # Given a coordinator on call
    ensure_seed_topics()
    cache.clear()
    make_person(COORDINATOR, Role.COORDINATOR, program)

    # When someone answers "Yes" to the first question
    ask = AskPage(page).open()
    ask.answer_safety_question("Yes")

    # Then crisis help is the first thing on the page, 9-8-8 a tap-to-call link above any
    # other question
    expect(page).to_have_title("Your details")
    expect(ask.first_content).to_have_attribute("aria-labelledby", "crisis-help-title")
    call = ask.crisis_help.get_by_role("link", name="Call 9-8-8")
    expect(call).to_have_attribute("href", "tel:988")
    expect(ask.crisis_help.get_by_role("link", name="text 9-8-8")).to_have_attribute(
        "href", "sms:988"
    )
    expect(ask.crisis_help.get_by_role("link", name="Call 9-1-1")).to_have_attribute(
        "href", "tel:911"
    )
    call_box, question_box = call.bounding_box(), ask.first_question.bounding_box()
    assert call_box is not None
    assert question_box is not None
    assert call_box["y"] + call_box["height"] <= question_box["y"]
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert_accessible(page)
    save_screenshots(page, "intake-urgent-short-form")

    # When they give only a phone number and send it
    ask.give_phone_number(PHONE)
    ask.send()

    # Then the next page puts help first, says truly that the coordinator was alerted, and
    # still shows the reference and passphrase
    asked = AskedPage(page)
    expect(page).to_have_url(re.compile(r"/ask/next/$"))
    expect(page).to_have_title("Your reference")
    expect(asked.heading).to_have_text("Help is there for you right now")
    expect(asked.first_content).to_have_attribute("aria-labelledby", "crisis-help-title")
    crisis_line = asked.crisis_help.get_by_role("link", name=re.compile("9-8-8")).first
    expect(crisis_line).to_have_attribute("href", "tel:988")
    line_box, reference_box = crisis_line.bounding_box(), asked.reference.bounding_box()
    assert line_box is not None
    assert reference_box is not None
    assert line_box["y"] + line_box["height"] <= reference_box["y"]
    expect(asked.crisis_help).to_contain_text("We have alerted the on-call coordinator")
    expect(asked.passphrase).to_have_text(re.compile(r"^[a-z]+( [a-z]+){5}$"))
    expect(asked.main).to_contain_text("will try to contact you today")
    assert_accessible(page)
    save_screenshots(page, "intake-urgent-next")

    # And the coordinator on call has one discreet email: the number is not in it
    assert len(mailoutbox) == 1
    alert = mailoutbox[0]
    assert alert.to == [COORDINATOR]
    assert "555" not in f"{alert.subject}\n{alert.body}"
    assert_page_loaded_cleanly(page_problems)
