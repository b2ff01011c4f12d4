"""The public pages about the program (Contact us, Privacy, Accessibility, Leave safely), the
footer that links to them from every page, Quick exit where it belongs, and no placeholder
anywhere a person looks."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kindred.programs.actions import add_crisis_line, update_public_contact
from kindred.programs.models import CrisisLine, Program

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "contact": "Contact",
    "privacy": "Privacy",
    "accessibility": "Accessibility",
    "leave_safely": "Leaving this site",
}
FOOTER_LINKS = ("/contact/", "/privacy/", "/accessibility/", "/leave-safely/")
# Pages anyone reaches without an account, where a placeholder would be seen by the public.
PAGES_ANYONE_SEES = (
    "/",
    "/contact/",
    "/privacy/",
    "/accessibility/",
    "/leave-safely/",
    "/ask/",
    "/concern/",
    "/my/",
    "/volunteer-with-us/",
    "/account/login/",
    "/account/password/reset/",
)


def with_contact(program: Program) -> Program:
    program.contact_phone = "+1 403-555-0123"
    program.contact_email = "program@example.org"
    program.contact_hours = "Weekdays, 9 am to 5 pm"
    program.contact_address = "100 Example Avenue SW\nCalgary, Alberta"
    return update_public_contact(program)


def main_of(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


@pytest.mark.parametrize(("name", "title"), PUBLIC_PAGES.items())
def test_each_public_page_has_a_neutral_distinct_title(
    client: Client, name: str, title: str
) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<title>{title}</title>" in response.content.decode()


def test_contact_page_shows_the_programs_contact_after_the_crisis_lines(
    client: Client, program: Program, other_program: Program
) -> None:
    # Given a program with its public contact and a line of its own, and one with neither
    with_contact(program)
    add_crisis_line(
        CrisisLine(program=program, name="Evening line", number="1-800-555-0199", can_text=True)
    )

    # When anyone opens "Contact us"
    body = main_of(client.get(reverse("contact")).content.decode())

    # Then the national lines come first, then the program: phone and email as links, hours,
    # address, and its own line with call and text links
    assert body.index('href="tel:988"') < body.index("Peer Support") < body.index("Evening line")
    assert 'href="tel:911"' in body
    assert '<a href="tel:+14035550123">+1 403-555-0123</a>' in body
    assert '<a href="mailto:program@example.org">program@example.org</a>' in body
    assert "Weekdays, 9 am to 5 pm" in body
    assert "100 Example Avenue SW<br>Calgary, Alberta" in body
    assert 'href="tel:+18005550199"' in body
    assert 'href="sms:+18005550199"' in body
    # And a program that published nothing is not listed with empty or made-up details
    assert other_program.name not in body
    # And someone who lost their passphrase and gave no email knows what to do
    assert "If you lost your passphrase" in body
    assert "If you gave no email address, call or email the program" in body


def test_contact_page_with_nothing_published_says_so_and_still_gives_crisis_lines(
    client: Client, program: Program
) -> None:
    body = main_of(client.get(reverse("contact")).content.decode())
    assert 'href="tel:988"' in body
    assert "has not published a phone number or email address here yet" in body


def test_privacy_notice_covers_what_the_issue_asks(client: Client) -> None:
    body = main_of(client.get(reverse("privacy")).content.decode())
    for words in (
        "What we keep",
        "stored encrypted",
        "coordinators",
        "only what you agree to share",
        "after both of you",
        "Automatic deletion after a set time is not built yet",
        "Personal Information Protection Act (PIPA)",
        "correct it",
        "within 45 days",
        "Office of the Information and Privacy Commissioner of Alberta",
        "clear, serious and imminent risk",
    ):
        assert words in body, words


def test_accessibility_page_names_the_target_and_how_to_report_a_barrier(
    client: Client, program: Program
) -> None:
    with_contact(program)
    body = main_of(client.get(reverse("accessibility")).content.decode())
    assert "WCAG) 2.2 at level AA" in body
    assert "320 pixels" in body
    assert "<kbd>Tab</kbd>" in body
    assert "Tell us about a barrier" in body
    assert 'href="mailto:program@example.org"' in body
    assert 'href="/contact/"' in body


def test_leave_safely_page_documents_quick_exit_and_its_shortcut(client: Client) -> None:
    body = main_of(client.get(reverse("leave_safely")).content.decode())
    assert "press <kbd>Esc</kbd> twice" in body
    assert "Back does not bring it up again" in body
    assert "Clear your browser history" in body
    assert "private window" in body
    assert "Shared or work computers" in body


def test_no_placeholder_on_any_page_the_public_sees(client: Client, program: Program) -> None:
    # Given a program that set nothing of its own: crisis boxes fall back to the national lines
    for path in PAGES_ANYONE_SEES:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        body = response.content.decode()
        # The word, anywhere but an input's placeholder attribute
        assert not re.search(r"placeholder(?!=)", body, re.IGNORECASE), path
        assert "adds its own" not in body, path


def test_footer_links_to_the_four_pages_on_every_kind_of_page(
    client_as: Callable[[str], Client], program: Program
) -> None:
    pages = [
        ("anonymous", "/"),
        ("anonymous", "/contact/"),
        ("anonymous", "/ask/"),
        ("anonymous", "/account/login/"),
        ("anonymous", "/this-page-does-not-exist/"),
        ("participant", "/my/request/"),
        ("volunteer", "/volunteer/"),
        ("coordinator", "/staff/"),
        ("executive_director", reverse("programs:crisis_lines", args=[program.pk])),
    ]
    for persona, path in pages:
        body = client_as(persona).get(path).content.decode()
        footer = body[body.index("<footer") :]
        for link in FOOTER_LINKS:
            assert f'href="{link}"' in footer, (persona, path, link)


QUICK_EXIT = "data-quick-exit"
SIGNED_OUT_ACCOUNT_PAGES = (
    "/account/login/",
    "/account/signup/",
    "/account/password/reset/",
    "/account/password/reset/done/",
    "/account/password/reset/key/1z-set-password/",
)


@pytest.mark.parametrize("path", SIGNED_OUT_ACCOUNT_PAGES)
def test_sign_in_pages_offer_quick_exit_with_its_shortcut(client: Client, path: str) -> None:
    body = client.get(path, follow=True).content.decode()
    assert QUICK_EXIT in body
    assert "Shortcut: press Escape twice." in body
    assert 'aria-describedby="quick-exit-description"' in body


def test_participant_pages_offer_quick_exit(client_as: Callable[[str], Client]) -> None:
    participant = client_as("participant")
    for path in ("/my/request/", "/my/contact/", "/my/copy/"):
        assert QUICK_EXIT in participant.get(path).content.decode(), path


def test_staff_and_signed_in_account_pages_have_no_quick_exit(
    client_as: Callable[[str], Client],
) -> None:
    coordinator = client_as("coordinator")
    for path in ("/staff/", "/account/", "/account/password/change/"):
        response = coordinator.get(path)
        assert response.status_code == 200, path
        assert QUICK_EXIT not in response.content.decode(), path
