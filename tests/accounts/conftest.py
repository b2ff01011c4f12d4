"""Shared set-up for the sign-in tests: an empty cache (rate limits live there), sign-in steps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, totp_now

LOGIN_URL = "/account/login/"
MFA_URL = "/account/2fa/authenticate/"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    # Failed sign-in counts and used TOTP codes are kept in the cache; no test may see another's.
    cache.clear()
    yield
    cache.clear()


def sign_in_with_password(client: Client, email: str, password: str = PASSWORD) -> HttpResponse:
    return client.post(LOGIN_URL, {"login": email, "password": password})


def enter_code(client: Client) -> HttpResponse:
    """The second step with the code the app shows now; the clock stands still meanwhile, so
    the code cannot expire between making it and checking it (allauth allows no drift)."""
    with time_machine.travel(timezone.now(), tick=False):
        return client.post(MFA_URL, {"code": totp_now()})


def sign_in(client: Client, email: str) -> HttpResponse:
    """Both steps through allauth's own views: password, then the authenticator app's code."""
    first = sign_in_with_password(client, email)
    assert first.status_code == 302
    assert first["Location"] == MFA_URL
    return enter_code(client)
