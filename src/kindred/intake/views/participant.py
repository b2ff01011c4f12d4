"""The participant's own request at /my/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from kindred.accounts.models import PROGRAM_STAFF_ROLES  # noqa: F401
from kindred.confidential.access import PARTICIPANT, PUBLIC, allow, roles  # noqa: F401


@allow(PARTICIPANT)
def sign_in(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def code_request(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def code_enter(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def home(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def contact(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def sign_in_email(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def withdraw(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def copy(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def download(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def delete(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views


@allow(PARTICIPANT)
def sign_out(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)  # replaced by this views
