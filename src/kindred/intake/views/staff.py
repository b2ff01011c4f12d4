"""Coordinators' intake: the queue, phone intake, triage, concerns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES
from kindred.confidential.access import PARTICIPANT, PUBLIC, allow, roles  # noqa: F401


@allow(roles(*PROGRAM_STAFF_ROLES))
def queue(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def phone_intake(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def request_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def change_status(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def concerns(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def concern_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(roles(*PROGRAM_STAFF_ROLES))
def change_concern_status(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
