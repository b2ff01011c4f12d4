"""The public "Volunteer with us" application (no account)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES, Role  # noqa: F401
from kindred.confidential.access import PUBLIC, allow, roles  # noqa: F401


@allow(PUBLIC)
def apply(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PUBLIC)
def applied(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
