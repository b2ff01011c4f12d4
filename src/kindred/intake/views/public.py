"""Public pages: ask for support, and a concern about someone else (no account)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES  # noqa: F401
from kindred.confidential.access import PARTICIPANT, PUBLIC, allow, roles  # noqa: F401


@allow(PUBLIC)
def ask(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PUBLIC)
def submitted(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PUBLIC)
def concern(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PUBLIC)
def concern_sent(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
