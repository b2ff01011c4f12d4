"""The public pages and the security headers every page carries."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_says_what_the_program_is_and_is_not(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "not legal, medical or financial advice" in body
    assert "12-step" in body
    assert "Ask for support" in body
    assert "Volunteer with us" in body
    assert 'href="/ask/"' in body
    assert 'href="/concern/"' in body
    assert "Quick exit" in body
    # The title shows in browser history: it must not say what the site is about.
    assert "<title>Information</title>" in body


def test_every_page_carries_the_security_headers(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"].startswith("no-store")
    assert "camera=()" in response["Permissions-Policy"]


def test_sign_in_page_renders(client: Client) -> None:
    response = client.get("/account/login/")
    assert response.status_code == 200
    assert "Asking for support needs no account" in response.content.decode()


def test_health_check(client: Client) -> None:
    assert client.get("/healthz").content == b"ok\n"
