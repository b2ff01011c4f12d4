"""The public "Volunteer with us" application (no account).

Anyone may send it, so it guards itself without getting in a person's way:
* a one-time submission id in each form, claimed in the shared cache when its application is
  recorded, so a refresh, Back or a double click never records a second one;
* a honeypot field people never see (nor screen readers announce): whatever fills it is a bot,
  and is thanked like anyone else while nothing is kept;
* a limit on applications recorded from one client address (APPLICATION_RATES), answered
  with 429 and the form as typed, never with a lost answer or an error page.
Nothing the person typed goes into a URL: the thank-you page is the same for everyone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.confidential.access import PUBLIC, allow
from kindred.programs.models import Program
from kindred.volunteers.actions import submit_application
from kindred.volunteers.forms.public import ApplicationForm

SUBMISSION_FIELD = "submission"
HONEYPOT_FIELD = "website"
# A used submission id is remembered this long: Back and "send again" within it change nothing.
SUBMISSION_SECONDS = 7 * 24 * 3600
SUBMISSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
# Recorded applications per client address (allauth's limiter: its client-address rules,
# including KINDRED_TRUSTED_PROXY_COUNT, and its cache). Generous for an office behind one
# address, too slow for a flood. Only applications that would be recorded count: someone
# correcting mistakes is never slowed down.
RATE_ACTION = "volunteer_application"
APPLICATION_RATES = {RATE_ACTION: "5/10m/ip,20/1d/ip"}
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
    if SUBMISSION_SHAPE.fullmatch(submission_id) and cache.get(_used_key(submission_id)):
        return redirect("volunteers:applied")  # sent already: refresh, Back or double click

    form = ApplicationForm(request.POST, programs=programs)
    if not form.is_valid():
        keep = SUBMISSION_SHAPE.fullmatch(submission_id)
        return _form_page(request, form, submission_id if keep else new_submission_id())
    if not SUBMISSION_SHAPE.fullmatch(submission_id):
        form.add_error(None, SUBMISSION_UNKNOWN)
        return _form_page(request, form, new_submission_id())

    usage = ratelimit.consume(
        request, app="kindred.volunteers", action=RATE_ACTION, config=APPLICATION_RATES
    )
    if usage is None:
        form.add_error(None, TOO_MANY)
        response = _form_page(request, form, submission_id, status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    # Claimed before recording, so a second request racing this one finds it taken.
    if not cache.add(_used_key(submission_id), "used", SUBMISSION_SECONDS):
        usage.rollback()
        return redirect("volunteers:applied")
    program = form.chosen_program(form.cleaned_data)
    if program is None:  # a valid form always has one; never record an application without
        usage.rollback()
        cache.delete(_used_key(submission_id))
        return redirect("volunteers:apply")
    try:
        submit_application(program, **form.application())
    except BaseException:
        # Nothing was recorded: the same form may be sent again.
        cache.delete(_used_key(submission_id))
        usage.rollback()
        raise
    return redirect("volunteers:applied")


@allow(PUBLIC)
def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public/applied.html")


def new_submission_id() -> str:
    return secrets.token_urlsafe(32)


def _used_key(submission_id: str) -> str:
    digest = hashlib.sha256(submission_id.encode()).hexdigest()
    return f"volunteers:application-sent:{digest}"


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
