"""A staff member without a second factor is sent to set one up, and can."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kindred.accounts.models import Role, User
from kindred.programs.models import Program
from tests.browser.conftest import PageProblems, assert_accessible, assert_no_csp_errors
from tests.browser.pages import StaffHomePage, TotpSetUpPage
from tests.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_without_a_second_factor_is_asked_to_set_one_up(
    page: Page,
    page_problems: PageProblems,
    program: Program,
    sign_in_as: Callable[[User], None],
) -> None:
    # Given a coordinator who signed in but has no authenticator app yet
    sign_in_as(
        make_person("new.coordinator@example.org", Role.COORDINATOR, program, second_factor=False)
    )

    # When they open the staff home page
    StaffHomePage(page).open()

    # Then they are on the set-up page, told why, with the QR code and the code field
    set_up = TotpSetUpPage(page)
    expect(page).to_have_url(re.compile(r"/account/2fa/totp/activate/$"))
    expect(set_up.heading).to_be_visible()
    expect(set_up.messages).to_contain_text("Staff accounts must use two-step sign-in")
    expect(page.get_by_role("img")).to_be_visible()
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    assert_accessible(page)
    assert_no_csp_errors(page_problems)
