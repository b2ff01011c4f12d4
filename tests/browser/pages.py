"""Page objects: what a person can see and do on each page, in their words, not selectors."""

from __future__ import annotations

from typing import Self

from playwright.sync_api import Locator, Page


class KindredPage:
    """What every page shares: the skip link, the main heading, messages and the error summary."""

    path = "/"

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> Self:
        self.page.goto(self.path)
        return self

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def skip_link(self) -> Locator:
        return self.page.get_by_role("link", name="Skip to main content")

    @property
    def main(self) -> Locator:
        return self.page.locator("main")

    @property
    def messages(self) -> Locator:
        return self.page.locator(".messages")

    @property
    def error_summary(self) -> Locator:
        return self.page.get_by_role("alert").filter(has_text="There is a problem")


class HomePage(KindredPage):
    path = "/"

    @property
    def quick_exit(self) -> Locator:
        return self.page.get_by_role("link", name="Quick exit")

    def leave_quickly(self) -> None:
        self.quick_exit.click()


class LoginPage(KindredPage):
    path = "/account/login/"

    def sign_in(self, email: str, password: str) -> None:
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()


class TwoFactorPage(KindredPage):
    path = "/account/2fa/authenticate/"

    @property
    def code_field(self) -> Locator:
        return self.page.get_by_label("Code", exact=False)

    @property
    def code_error(self) -> Locator:
        return self.page.locator(".field-error")

    def enter_code(self, code: str) -> None:
        self.code_field.fill(code)
        self.page.get_by_role("button", name="Sign in").click()


class StaffHomePage(KindredPage):
    path = "/staff/"

    def open_account(self) -> None:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()


class AccountPage(KindredPage):
    path = "/account/"


class ConfirmAccessPage(KindredPage):
    """allauth asks for the password again before a second factor is added or changed."""

    path = "/account/reauthenticate/"

    def confirm(self, password: str) -> None:
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Confirm").click()


class TotpSetUpPage(KindredPage):
    path = "/account/2fa/totp/activate/"

    @property
    def qr_code(self) -> Locator:
        return self.main.get_by_role("img")

    @property
    def code_field(self) -> Locator:
        return self.page.get_by_label("Authenticator code")
