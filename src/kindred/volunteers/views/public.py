"""The public "Volunteer with us" application (no account).

It guards itself like every public form (kindred.web.public_forms: one-time submission id,
honeypot, limits per address only, 429 with the form as typed, an honest 503 when storage fails).
Nothing the person typed goes into a URL: the thank-you page is the same for everyone.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.confidential.access import PUBLIC, allow
from kindred.programs.models import Program
from kindred.volunteers.actions import submit_application
from kindred.volunteers.forms.public import ApplicationForm
from kindred.volunteers.models import VolunteerProfile
from kindred.web.public_forms import (
    COULD_NOT_SAVE,
    HONEYPOT_FIELD,
    SUBMISSION_FIELD,
    PublicSubmission,
    new_submission_id,
)

# Generous for an office behind one address, too slow for a flood from it. No limit is shared
# by everyone (issue 9): a flood from many addresses must not close the form to real applicants.
RATE_ACTION = "volunteer_application"
APPLICATION_RATE = "5/10m/ip,20/1d/ip"
BUTTON = "Send my application"


@allow(PUBLIC)
def apply(request: HttpRequest) -> HttpResponse:
    programs = list(Program.objects.order_by("name"))
    if not programs:
        return render(request, "volunteers/public/apply.html", {"form": None})
    if request.method != "POST":
        return _form_page(request, ApplicationForm(programs=programs), new_submission_id())

    guard = PublicSubmission(
        request, VolunteerProfile, "kindred.volunteers", RATE_ACTION, APPLICATION_RATE
    )
    form = ApplicationForm(request.POST, programs=programs)

    def record() -> VolunteerProfile | None:
        program = form.chosen_program(form.cleaned_data)
        if program is None:  # a valid form always has one; never record an application without
            return None
        return submit_application(program, submission_digest=guard.digest, **form.application())

    def could_not_save(submission_id: str) -> HttpResponse:
        # Storage or the limiter's cache failed: say so, keep the answers, never "wait ten
        # minutes".
        form.errors.pop("__all__", None)
        form.add_error(None, str(COULD_NOT_SAVE))
        return _form_page(request, form, submission_id, status=503)

    return guard.receive(
        form,
        button=BUTTON,
        what="volunteer application",
        show=lambda submission_id, status: _form_page(request, form, submission_id, status=status),
        record=record,
        # A bot is thanked like anyone else and nothing is kept; a form sent twice (refresh,
        # Back, double click) was recorded the first time.
        done=lambda _recorded: redirect("volunteers:applied"),
        unavailable=could_not_save,
    )


@allow(PUBLIC)
def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/public/applied.html")


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
