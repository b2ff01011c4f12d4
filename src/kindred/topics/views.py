"""The Executive Director edits the shared topic taxonomy."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES, Role  # noqa: F401
from kindred.confidential.access import PUBLIC, allow, roles  # noqa: F401


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def topic_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def topic_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
