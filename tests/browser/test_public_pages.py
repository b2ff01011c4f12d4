"""The public information pages, and Quick exit by keyboard (Esc pressed twice)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.test_home_page import SEARCH_PAGE, stub

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    ("/contact/", "contact"),
    ("/privacy/", "privacy"),
    ("/accessibility/", "accessibility"),
    ("/leave-safely/", "leave-safely"),
]


@pytest.mark.parametrize(("path", "name"), PUBLIC_PAGES)
def test_public_page_is_accessible_and_linked_from_the_footer(
    page: Page, page_problems: PageProblems, live_server: object, path: str, name: str
) -> None:
    # Given anyone, with no account
    # When they open the page
    page.goto(f"{live_server}{path}")

    # Then it has a heading, a footer linking to all four pages, and Quick exit
    expect(page.locator("main h1")).to_be_visible()
    for link in ("/contact/", "/privacy/", "/accessibility/", "/leave-safely/"):
        expect(page.locator(f'footer a[href="{link}"]')).to_have_count(1)
    expect(page.locator("[data-quick-exit]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Placeholder")
    assert_accessible(page)
    save_screenshots(page, f"public-{name}")
    assert_page_loaded_cleanly(page_problems)


@pytest.mark.parametrize("path", ["/ask/", "/account/login/"])
def test_escape_twice_leaves_and_replaces_the_history_entry(
    page: Page, page_problems: PageProblems, live_server: object, path: str
) -> None:
    # Given a person who came from a search page to a page of the site
    page.route(SEARCH_PAGE, stub("Search results"))
    page.route(settings.QUICK_EXIT_URL, stub("Weather"))
    page.goto(SEARCH_PAGE)
    page.goto(f"{live_server}{path}")
    expect(page.locator("main h1")).to_be_visible()
    entries_before = page.evaluate("history.length")

    # When they press Esc once
    page.keyboard.press("Escape")
    page.wait_for_timeout(1500)  # longer than the shortcut's window: a later Esc starts afresh

    # Then nothing happens
    assert page.url == f"{live_server}{path}"

    # When they press Esc twice in quick succession
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    # Then they are on the neutral site, and Back leads to where they came from, not here
    page.wait_for_url(settings.QUICK_EXIT_URL)
    assert page.evaluate("history.length") == entries_before
    page.go_back()
    expect(page).to_have_url(SEARCH_PAGE)
    assert_page_loaded_cleanly(page_problems)
