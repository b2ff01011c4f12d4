"""One Chromium per test session, a fresh context per test, and the checks every page gets.

Debian's /usr/bin/chromium is driven directly: Playwright never downloads a browser here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Playwright
from playwright.sync_api import sync_playwright as start_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Serious and critical barriers fail the test; the report then lists every finding, lesser ones too.
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass
class PageProblems:
    """What the browser complained about while a test ran: console errors and uncaught errors."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def record_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def record_page_error(self, error: Error) -> None:
        self.page_errors.append(str(error))

    def csp_reports(self) -> list[str]:
        return [
            text
            for text in self.console_errors + self.page_errors
            if "Content Security Policy" in text or "Content-Security-Policy" in text
        ]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio loop in the main thread, and Django refuses database
    # calls from a thread with a running loop. The test's own database calls (making personas)
    # are synchronous and never share the loop, so Django's guard is lifted while a browser runs.
    with pytest.MonkeyPatch.context() as patch, start_playwright() as running:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def new_context(browser: Browser, live_server: object) -> BrowserContext:
    """A browser with no cookies of its own yet, that can reach the live server only."""
    fresh = browser.new_context(viewport=DESKTOP, base_url=str(live_server), locale="en-CA")
    # Nothing may leave the machine: any request to another host is answered here or refused.
    fresh.route(lambda url: not url.startswith(str(live_server)), lambda route: route.abort())
    return fresh


def watched_page(context: BrowserContext, problems: PageProblems) -> Page:
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    opened.on("console", problems.record_console)
    opened.on("pageerror", problems.record_page_error)
    return opened


@pytest.fixture
def context(browser: Browser, live_server: object) -> Iterator[BrowserContext]:
    fresh = new_context(browser, live_server)
    yield fresh
    fresh.close()


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(context: BrowserContext, page_problems: PageProblems) -> Page:
    return watched_page(context, page_problems)


@pytest.fixture
def another_person(
    browser: Browser, live_server: object, page_problems: PageProblems
) -> Iterator[Callable[[], Page]]:
    """Opens the browser of someone else (their own cookies, so their own session), checked
    like `page`: its console and CSP errors go to the same `page_problems`."""
    opened: list[BrowserContext] = []

    def open_page() -> Page:
        opened.append(new_context(browser, live_server))
        return watched_page(opened[-1], page_problems)

    yield open_page
    for context in opened:
        context.close()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{page.url}\n{results.generate_report()}"


def assert_page_loaded_cleanly(problems: PageProblems) -> None:
    """Nothing was refused by the Content Security Policy, and nothing else went wrong either:
    no uncaught script error, no stylesheet or script that failed to load."""
    assert not problems.csp_reports(), "\n".join(problems.csp_reports())
    assert not problems.page_errors, "\n".join(problems.page_errors)
    assert not problems.console_errors, "\n".join(problems.console_errors)


def save_screenshots(page: Page, name: str) -> None:
    """A full-page picture at desktop width and at 320 px, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    # From the top: a full-page picture taken further down draws the sticky quick-exit bar
    # across the middle of the page, where it was on screen, instead of at the top.
    page.evaluate("window.scrollTo(0, 0)")
    size = page.viewport_size or DESKTOP
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=ARTIFACTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(MOBILE)
    page.screenshot(path=ARTIFACTS / f"{name}-mobile.png", full_page=True)
    page.set_viewport_size(size)
