"""A coordinator signs in with a password and an authenticator code, in a real browser."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from kindred.accounts.models import Role
from kindred.programs.models import Program
from tests.browser.conftest import (
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.pages import AccountPage, LoginPage, StaffHomePage, TwoFactorPage
from tests.conftest import PASSWORD, TOTP_SECRET, make_person, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_wrong_code() -> str:
    """Six digits that no authenticator would show now, a moment ago or in a moment."""
    totp = pyotp.TOTP(TOTP_SECRET)
    now = time.time()
    accepted = {totp.at(now, counter_offset=step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def test_coordinator_signs_in_with_a_password_and_an_authenticator_code(
    page: Page, page_problems: PageProblems, program: Program
) -> None:
    # Given a coordinator whose account has an authenticator app
    make_person("coordinator@example.org", Role.COORDINATOR, program)

    # When they open the sign-in page and give their email address and password
    login = LoginPage(page).open()
    expect(login.heading).to_have_text("Sign in")
    assert_accessible(page)
    save_screenshots(page, "login")
    login.sign_in("coordinator@example.org", PASSWORD)

    # Then they are asked for a code from their authenticator app
    two_factor = TwoFactorPage(page)
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/$"))
    expect(two_factor.code_field).to_be_visible()
    assert_accessible(page)

    # When they type a wrong code
    two_factor.enter_code(a_wrong_code())

    # Then the code is refused, with the reason at the top of the form and next to the field
    expect(two_factor.error_summary).to_be_visible()
    expect(two_factor.error_summary).to_be_focused()
    expect(two_factor.error_summary.get_by_role("link")).to_contain_text("Incorrect code")
    expect(two_factor.code_error).to_be_visible()
    expect(two_factor.code_error).to_contain_text("Incorrect code")
    expect(two_factor.code_field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    save_screenshots(page, "two-step-error")

    # When they type the code their authenticator shows now
    two_factor.enter_code(totp_now())

    # Then they reach the staff home page, signed in as themselves
    staff_home = StaffHomePage(page)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(staff_home.heading).to_have_text("Staff home")
    expect(staff_home.main).to_contain_text("Signed in as coordinator@example.org")
    expect(staff_home.main.get_by_role("link", name="Peer Support")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "staff-home")

    # When they open their account page
    staff_home.open_account()

    # Then they see that two-step sign-in is on
    account = AccountPage(page)
    expect(account.heading).to_have_text("Your account")
    expect(account.main).to_contain_text("Two-step sign-in — on")
    assert_accessible(page)
    assert_page_loaded_cleanly(page_problems)
