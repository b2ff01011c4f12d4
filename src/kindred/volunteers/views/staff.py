"""Coordinators' and Executive Directors' pages about the volunteers of their programs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES, Role  # noqa: F401
from kindred.confidential.access import PUBLIC, allow, roles  # noqa: F401


@allow(roles(*PROGRAM_STAFF_ROLES))
def volunteer_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def volunteer_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def change_status(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def record_screening(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def record_training(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def invite(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def resolve_debrief(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def publish_agreement(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
