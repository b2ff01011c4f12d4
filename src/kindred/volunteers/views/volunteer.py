"""The volunteer's own portal: only their own profile, ever."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES, Role  # noqa: F401
from kindred.confidential.access import PUBLIC, allow, roles  # noqa: F401


@allow(roles(Role.VOLUNTEER))
def home(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def profile(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def capacity(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def pause(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def resume(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def agreement(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def debrief(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(Role.VOLUNTEER))
def wellbeing(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
