"""A staff member without a second factor is sent to set one up before anything else."""

from __future__ import annotations

import re

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
from tests.browser.pages import ConfirmAccessPage, LoginPage, TotpSetUpPage
from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_without_a_second_factor_is_asked_to_set_one_up(
    page: Page, page_problems: PageProblems, program: Program
) -> None:
    # Given a coordinator who has no authenticator app yet
    make_person("new.coordinator@example.org", Role.COORDINATOR, program, second_factor=False)

    # When they sign in with their password
    LoginPage(page).open().sign_in("new.coordinator@example.org", PASSWORD)

    # Then they are told why they must set up two-step sign-in, and asked to confirm their
    # password first (allauth asks again before any second factor is added)
    confirm_access = ConfirmAccessPage(page)
    expect(page).to_have_url(re.compile(r"/account/reauthenticate/"))
    expect(confirm_access.messages).to_contain_text("Staff accounts must use two-step sign-in")
    assert_accessible(page)

    # When they confirm their password
    confirm_access.confirm(PASSWORD)

    # Then they are on the set-up page, with the QR code and a field for the code
    set_up = TotpSetUpPage(page)
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    expect(set_up.heading).to_be_visible()
    expect(set_up.qr_code).to_be_visible()
    expect(set_up.code_field).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "two-step-set-up")
    assert_page_loaded_cleanly(page_problems)
