"""Hardening: a password reset for an address with no account sends nothing, and the page a
person sees afterwards is the same whether the address has an account or not."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from kindred.accounts.models import User

pytestmark = pytest.mark.django_db

RESET_URL = "/account/password/reset/"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()  # reset-password rate limits live there


def ask_for_reset(email: str) -> tuple[int, str, str]:
    """The answer to the form (status, where it leads) and the main part of that next page."""
    client = Client()
    answered = client.post(RESET_URL, {"email": email})
    location = answered.get("Location", "")
    shown = client.get(location) if location else answered
    main = re.search(r"<main.*?</main>", shown.content.decode(), re.DOTALL)
    assert main is not None
    # The CSRF token differs from one page load to the next; nothing else may.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main.group(0))
    return answered.status_code, location, text


def test_an_unknown_address_gets_no_email_and_the_same_page(
    personas: dict[str, User | None],
) -> None:
    # When someone asks to reset the password of an address with no account
    unknown = ask_for_reset("nobody.here@lawfirm.test")

    # Then no email goes anywhere (not even "you have no account" to a stranger's inbox)
    assert mail.outbox == []

    # And when they ask for an address that has an account, an email goes to it
    known = ask_for_reset("coordinator@example.org")
    assert [message.to for message in mail.outbox] == [["coordinator@example.org"]]

    # And the two answers look exactly alike
    assert unknown == known
    assert unknown[0] == 302


def test_the_setting_is_off_in_the_real_settings() -> None:
    from django.conf import settings

    assert settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is False
    assert settings.ACCOUNT_PREVENT_ENUMERATION is True
