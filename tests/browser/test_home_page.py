"""The public home page: readable at 320 px, reachable by keyboard, and left in one click."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import (
    MOBILE,
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.pages import HomePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where a person might have come from, and the neutral site Quick exit leads to: both are
# answered by the test, so nothing leaves the machine.
SEARCH_PAGE = "https://search.example.net/results"


def stub(title: str) -> Callable[[Route], None]:
    """A page with only a title and a heading, served in place of another site."""

    def fulfil(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html",
            body=f"<!doctype html><title>{title}</title><h1>{title}</h1>",
        )

    return fulfil


def overlaps(first: dict[str, float], second: dict[str, float]) -> bool:
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )


def test_home_page_is_accessible_and_free_of_csp_errors(
    page: Page, page_problems: PageProblems
) -> None:
    # Given anyone, with no account
    # When they open the home page
    home = HomePage(page).open()

    # Then they see what peer support is, with nothing blocked by the security policy
    expect(home.heading).to_have_text("Talk with a lawyer who has been there")
    expect(home.quick_exit).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "home")
    assert_page_loaded_cleanly(page_problems)


@pytest.mark.parametrize("width", [320, 1280])
def test_quick_exit_covers_nothing(page: Page, page_problems: PageProblems, width: int) -> None:
    # Given a person on the home page, on a phone or a desktop
    page.set_viewport_size({"width": width, "height": 640})
    home = HomePage(page).open()

    # When the page has just opened
    # Then the Quick exit button sits clear of the heading and every link of the header
    exit_box = home.quick_exit.bounding_box()
    assert exit_box is not None
    header_items = page.locator("header a, header button, main h1").all()
    for item in header_items:
        box = item.bounding_box()
        assert box is not None
        assert not overlaps(exit_box, box), f"Quick exit covers {item.inner_text()!r}"
    assert_page_loaded_cleanly(page_problems)


def test_home_page_fits_a_320_pixel_screen(page: Page, page_problems: PageProblems) -> None:
    # Given a person on a small phone
    page.set_viewport_size(MOBILE)

    # When they open the home page
    home = HomePage(page).open()

    # Then nothing is wider than the screen: no sideways scrolling
    expect(home.heading).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= MOBILE["width"]
    expect(home.quick_exit).to_be_in_viewport()

    # When they scroll to the end of the page
    footer = page.locator("footer")
    footer.scroll_into_view_if_needed()
    expect(footer).to_be_in_viewport()
    expect(home.heading).not_to_be_in_viewport()

    # Then Quick exit is still within reach
    expect(home.quick_exit).to_be_in_viewport()
    assert_page_loaded_cleanly(page_problems)


def test_first_tab_reaches_a_visible_skip_link(page: Page, page_problems: PageProblems) -> None:
    # Given a person who uses the keyboard, on the home page
    home = HomePage(page).open()

    # When they press Tab once
    page.keyboard.press("Tab")

    # Then the skip link has focus and can be seen
    expect(home.skip_link).to_be_focused()
    expect(home.skip_link).to_be_in_viewport()
    box = home.skip_link.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["width"] > 1
    assert box["height"] > 1

    # When they follow it
    page.keyboard.press("Enter")

    # Then the main content has focus
    expect(home.main).to_be_focused()
    assert_page_loaded_cleanly(page_problems)


def test_quick_exit_leaves_at_once_and_back_does_not_return(
    page: Page, page_problems: PageProblems
) -> None:
    # Given a person who came from a search page to the home page
    page.route(SEARCH_PAGE, stub("Search results"))
    page.route(settings.QUICK_EXIT_URL, stub("Weather"))
    page.goto(SEARCH_PAGE)
    home = HomePage(page).open()
    expect(home.heading).to_be_visible()
    entries_before = page.evaluate("history.length")

    # When they press Quick exit
    home.leave_quickly()

    # Then they are on the neutral site, and the home page was replaced in their history
    page.wait_for_url(settings.QUICK_EXIT_URL)
    expect(page.get_by_role("heading", name="Weather")).to_be_visible()
    assert page.evaluate("history.length") == entries_before

    # When they press Back
    page.go_back()

    # Then they see the search page they came from, not the home page
    expect(page).to_have_url(SEARCH_PAGE)
    expect(page.get_by_role("heading", name="Search results")).to_be_visible()
    assert_page_loaded_cleanly(page_problems)
