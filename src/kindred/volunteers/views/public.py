"""The public "Volunteer with us" application (no account).

Anyone may send it, so it guards itself without getting in a person's way:
* a one-time submission id in each form, whose digest is stored (unique) with the application it
  recorded, so a refresh, Back or a double click never records a second one — in the database,
  not the cache, so no flood of applications can push rate-limit counters out of the cache;
* a honeypot field people never see (nor screen readers announce): whatever fills it is a bot,
  and is thanked like anyone else while nothing is kept;
* a limit on applications recorded from one client address, and on all applications together
  (APPLICATION_RATES), answered with 429 and the form as typed, never with a lost answer or an
  error page.
Nothing the person typed goes into a URL: the thank-you page is the same for everyone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from allauth.core.internal import ratelimit
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.confidential.access import PUBLIC, allow
from kindred.programs.models import Program
from kindred.volunteers.actions import submit_application
from kindred.volunteers.forms.public import ApplicationForm
from kindred.volunteers.models import VolunteerProfile

SUBMISSION_FIELD = "submission"
HONEYPOT_FIELD = "website"
SUBMISSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
# Recorded applications per client address (allauth's limiter: its client-address rules,
# including KINDRED_TRUSTED_PROXY_COUNT, and its cache). Generous for an office behind one
# address, too slow for a flood. Only applications that would be recorded count: someone
# correcting mistakes is never slowed down.
RATE_ACTION = "volunteer_application"
# The "key" rate counts every application, from anywhere: a flood from many addresses can fill
# the coordinators' list no faster than this.
APPLICATION_RATES = {RATE_ACTION: "5/10m/ip,20/1d/ip,300/1d/key"}
EVERYONE = "all-applications"
RETRY_AFTER_SECONDS = 600

TOO_MANY = (
    "Several applications have just been sent from your internet connection, so we have paused "
    "new ones for a little while. Nothing was lost: your answers are still here. Please wait "
    "about ten minutes, then press “Send my application” again."
)
SUBMISSION_UNKNOWN = (
    "We could not tell whether this form had been sent before. Your answers are still here: "
    "please press “Send my application” again."
)


@allow(PUBLIC)
def apply(request: HttpRequest) -> HttpResponse:
    programs = list(Program.objects.order_by("name"))
    if not programs:
        return render(request, "volunteers/public/apply.html", {"form": None})
    if request.method != "POST":
        return _form_page(request, ApplicationForm(programs=programs), new_submission_id())

    if request.POST.get(HONEYPOT_FIELD):
        # A bot: thank it like anyone else, so it learns nothing, and keep nothing.
        return redirect("volunteers:applied")
    submission_id = request.POST.get(SUBMISSION_FIELD, "")
    if SUBMISSION_SHAPE.fullmatch(submission_id) and _already_recorded(submission_id):
        return redirect("volunteers:applied")  # sent already: refresh, Back or double click

    form = ApplicationForm(request.POST, programs=programs)
    if not form.is_valid():
        keep = SUBMISSION_SHAPE.fullmatch(submission_id)
        return _form_page(request, form, submission_id if keep else new_submission_id())
    if not SUBMISSION_SHAPE.fullmatch(submission_id):
        form.add_error(None, SUBMISSION_UNKNOWN)
        return _form_page(request, form, new_submission_id())

    usage = ratelimit.consume(
        request,
        app="kindred.volunteers",
        action=RATE_ACTION,
        config=APPLICATION_RATES,
        key=EVERYONE,
    )
    if usage is None:
        form.add_error(None, TOO_MANY)
        response = _form_page(request, form, submission_id, status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    program = form.chosen_program(form.cleaned_data)
    if program is None:  # a valid form always has one; never record an application without
        usage.rollback()
        return redirect("volunteers:apply")
    try:
        submit_application(program, submission_digest=_digest(submission_id), **form.application())
    except IntegrityError:
        # A second request with the same id won the race: that one was recorded.
        usage.rollback()
        return redirect("volunteers:applied")
    except BaseException:
        usage.rollback()  # nothing was recorded: the same form may be sent again
        raise
    return redirect("volunteers:applied")


@allow(PUBLIC)
def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public/applied.html")


def new_submission_id() -> str:
    return secrets.token_urlsafe(32)


def _digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


def _already_recorded(submission_id: str) -> bool:
    return VolunteerProfile.objects.filter(submission_digest=_digest(submission_id)).exists()


def _form_page(
    request: HttpRequest, form: ApplicationForm, submission_id: str, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "submission_id": submission_id,
        "submission_field": SUBMISSION_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
    }
    return render(request, "volunteers/public/apply.html", context, status=status)
