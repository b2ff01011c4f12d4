"""Values shown once on the page after a POST (a new reference and passphrase).

Between the two requests the value is sealed: the ciphertext goes in the session (the database),
its one-time key in a short-lived HttpOnly cookie (the person's browser). A copy of the database,
session table included, never holds a usable passphrase; showing the page destroys both halves.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kindred.confidential import crypto

MAX_AGE_SECONDS = 12 * 3600


def _cookie(name: str) -> str:
    # __Host- in production (settings.COOKIE_PREFIX), like every other cookie.
    return f"{settings.COOKIE_PREFIX}kindred-once-{name}"


def _context(name: str) -> crypto.FieldContext:
    return crypto.FieldContext("session", name, "value", "one-time")


def stash(request: HttpRequest, response: HttpResponse, name: str, value: dict[str, Any]) -> None:
    key = crypto.new_key()
    request.session[name] = crypto.seal(key, json.dumps(value).encode(), _context(name))
    response.set_cookie(
        _cookie(name),
        base64.urlsafe_b64encode(key).decode(),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )


def take(request: HttpRequest, name: str) -> dict[str, Any] | None:
    """The value, once: afterwards the session holds nothing. Call `forget` on the response."""
    token = request.session.pop(name, None)
    encoded = request.COOKIES.get(_cookie(name), "")
    if not isinstance(token, str) or not encoded:
        return None
    try:
        key = base64.urlsafe_b64decode(encoded.encode())
        value = json.loads(crypto.open_sealed(key, token, _context(name)))
    except (binascii.Error, ValueError, crypto.DecryptionError):
        return None
    return value if isinstance(value, dict) else None


def forget(response: HttpResponse, name: str) -> HttpResponse:
    response.delete_cookie(_cookie(name), samesite="Lax")
    return response
