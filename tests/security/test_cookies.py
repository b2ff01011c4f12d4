"""Hardening: every cookie in production is __Host- prefixed (Secure, path /, no Domain).

A __Host- cookie cannot be set or overwritten by a sibling host (another app on a subdomain of
the same domain) nor sent over plain HTTP. The first test reads the real production settings in
a fresh process; the second signs in with those cookie settings and looks at every Set-Cookie
the pages send.
"""

from __future__ import annotations

import json
from http.cookies import Morsel
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone

from kindred.accounts.models import User
from kindred.intake import one_time
from kindred.programs.models import Program
from tests.conftest import PASSWORD, make_support_request, totp_now
from tests.test_settings import keyring, production, run  # noqa: F401  (fixtures)

PREFIX = "__Host-"
# Every cookie setting Django and allauth read, and the production values asked of each.
COOKIE_SETTINGS = {
    "SESSION_COOKIE": "django",
    "CSRF_COOKIE": "django",
    "LANGUAGE_COOKIE": "django",
    "MFA_TRUST_COOKIE": "allauth",
}

DUMP = """
import json, django
from django.conf import settings
django.setup()
from allauth.mfa import app_settings as mfa
values = {"MESSAGE_STORAGE": settings.MESSAGE_STORAGE, "COOKIE_PREFIX": settings.COOKIE_PREFIX}
for prefix in ("SESSION_COOKIE", "CSRF_COOKIE", "LANGUAGE_COOKIE"):
    for part in ("NAME", "SECURE", "PATH", "DOMAIN", "HTTPONLY", "SAMESITE"):
        values[f"{prefix}_{part}"] = getattr(settings, f"{prefix}_{part}")
for part in ("NAME", "SECURE", "PATH", "DOMAIN", "HTTPONLY", "SAMESITE"):
    values[f"MFA_TRUST_COOKIE_{part}"] = getattr(mfa, f"TRUST_COOKIE_{part}")
print(json.dumps(values))
"""


def production_cookie_settings(tmp_path: Path, environment: dict[str, str]) -> dict[str, Any]:
    result = run(tmp_path, "-c", DUMP, DJANGO_SETTINGS_MODULE="kindred.settings", **environment)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


def test_every_cookie_setting_in_production_is_host_prefixed(
    tmp_path: Path,
    production: dict[str, str],  # noqa: F811
) -> None:
    values = production_cookie_settings(tmp_path, production)

    for cookie in COOKIE_SETTINGS:
        # A browser drops a __Host- cookie that is not Secure, not on "/", or has a Domain.
        assert values[f"{cookie}_NAME"].startswith(PREFIX), cookie
        assert values[f"{cookie}_SECURE"] is True, cookie
        assert values[f"{cookie}_PATH"] == "/", cookie
        assert values[f"{cookie}_DOMAIN"] is None, cookie
    # Flash messages are kept in the session, so there is no "messages" cookie at all.
    assert values["MESSAGE_STORAGE"] == "django.contrib.messages.storage.session.SessionStorage"
    assert values["COOKIE_PREFIX"] == PREFIX


class CookieJarWatcher:
    """Follows a browsing session and keeps every Set-Cookie the server sent."""

    def __init__(self) -> None:
        # As a browser on HTTPS: __Host- cookies are only ever sent over it.
        self.client = Client(**{"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        self.seen: list[Morsel[str]] = []

    def go(self, method: str, path: str, data: dict[str, str] | None = None) -> int:
        response = getattr(self.client, method)(path, data or {}, secure=True)
        self.seen.extend(response.cookies.values())
        while response.status_code in (301, 302, 303) and len(self.seen) < 100:
            response = self.client.get(response["Location"], secure=True)
            self.seen.extend(response.cookies.values())
        return int(response.status_code)


def production_overrides(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if "COOKIE" in name}


@pytest.mark.django_db
def test_signing_in_and_out_sets_no_cookie_without_the_prefix(
    tmp_path: Path,
    production: dict[str, str],  # noqa: F811
    personas: dict[str, User | None],
    program: Program,
) -> None:
    cookie_settings = production_overrides(production_cookie_settings(tmp_path, production))
    watcher = CookieJarWatcher()
    with override_settings(**cookie_settings):
        # Given a coordinator who signs in with a password and an authenticator app
        assert watcher.go("get", "/account/login/") == 200
        watcher.go(
            "post", "/account/login/", {"login": "coordinator@example.org", "password": PASSWORD}
        )
        with time_machine.travel(timezone.now(), tick=False):
            watcher.go("post", "/account/2fa/authenticate/", {"code": totp_now()})
        # When they open their home page and sign out (which leaves a flash message)
        assert watcher.go("get", "/staff/") == 200
        watcher.go("post", "/account/logout/")
        # And a participant signs in to their request with reference and passphrase
        submitted = make_support_request(program)
        watcher.client = Client(**{"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        watcher.go("get", "/my/")
        watcher.go("post", "/my/", {"reference": submitted.reference, "passphrase": "wrong"})

    # Then cookies were set (the session, CSRF), and every one of them is a __Host- cookie
    names = {morsel.key for morsel in watcher.seen}
    assert {cookie_settings["SESSION_COOKIE_NAME"], cookie_settings["CSRF_COOKIE_NAME"]} <= names
    for morsel in watcher.seen:
        assert morsel.key.startswith(PREFIX), morsel.key
        assert morsel["secure"], morsel.key
        assert morsel["path"] == "/", morsel.key
        assert not morsel["domain"], morsel.key
    assert "messages" not in names


@pytest.mark.django_db
def test_the_one_time_value_cookie_is_host_prefixed_in_production(
    tmp_path: Path,
    production: dict[str, str],  # noqa: F811
    rf: Any,
) -> None:
    cookie_settings = production_overrides(production_cookie_settings(tmp_path, production))
    with override_settings(DEBUG=False, **cookie_settings):
        request = rf.get("/ask/", secure=True)
        request.session = Client().session
        response = HttpResponse()
        one_time.stash(request, response, "new_request", {"reference": "synthetic"})

    for morsel in response.cookies.values():
        assert morsel.key.startswith(PREFIX), morsel.key
        assert morsel["secure"], morsel.key
        assert morsel["path"] == "/", morsel.key
        assert not morsel["domain"], morsel.key
