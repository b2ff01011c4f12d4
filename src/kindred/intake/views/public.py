"""Public pages: ask for support, and a concern about someone else (no account).

Anyone may send these forms, so they guard themselves the way the volunteer application does
(volunteers/views/public.py), without getting in a person's way:
* a one-time submission id in each form, whose digest is stored (unique) with what it recorded,
  so a refresh, Back or a double click never records a second request or concern;
* a honeypot field people never see: whatever fills it is a bot, answered like anyone else
  while nothing is kept;
* a limit per client address and on everything together (RATES), answered with 429 and the
  form as typed, never with a lost answer.

Safety comes before everything on these pages: when what someone typed says they may be at
risk, the program's crisis lines are the first thing on the next page, whatever else happens
(a mistake in the form, the rate limit). The reference and passphrase of a new request travel
to the next page through the session and are removed from it when shown: they appear once.
Nothing the person typed is ever in a URL, and every page keeps the neutral title.
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
from kindred.intake import one_time
from kindred.intake.actions import submit_concern, submit_request
from kindred.intake.forms.public import AskForm, ConcernForm
from kindred.intake.models import (
    Channel,
    Concern,
    ConcernUrgency,
    CrisisResource,
    RiskAnswer,
    SupportRequest,
)
from kindred.intake.queries import crisis_resources_for
from kindred.programs.models import Program

SUBMISSION_FIELD = "submission"
HONEYPOT_FIELD = "website"
SUBMISSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
# Recorded requests and concerns per client address (allauth's limiter: its client-address
# rules, including KINDRED_TRUSTED_PROXY_COUNT, and its cache). Generous for an office behind
# one address, too slow for a flood; only what would be recorded counts, so someone correcting
# mistakes is never slowed down. The "key" rate counts everything, from anywhere: a flood from
# many addresses can fill the coordinators' queue (and their phones) no faster than this.
ASK_ACTION = "support_request"
CONCERN_ACTION = "concern"
RATES = {
    ASK_ACTION: "5/10m/ip,20/1d/ip,500/1d/key",
    CONCERN_ACTION: "5/10m/ip,20/1d/ip,500/1d/key",
}
EVERYONE = "everyone"
RETRY_AFTER_SECONDS = 600

# The new request's reference and passphrase, from the POST to the page that shows them once.
NEW_REQUEST = "kindred_intake_new_request"
# Whether the concern just sent said someone may be in danger now (for the thank-you page).
CONCERN_NOW = "kindred_intake_concern_now"

TOO_MANY = (
    "Several forms have just been sent from your internet connection, so we have paused new "
    "ones for a little while. Nothing was lost: your answers are still here. Please wait about "
    "ten minutes, then press “{button}” again."
)
SUBMISSION_UNKNOWN = (
    "We could not tell whether this form had been sent before. Your answers are still here: "
    "please press “{button}” again."
)
ASK_BUTTON = "Send my request"
CONCERN_BUTTON = "Send to the program"


# --- Ask for support ------------------------------------------------------------------------------


@allow(PUBLIC)
def ask(request: HttpRequest) -> HttpResponse:
    programs = list(Program.objects.order_by("name"))
    if not programs:
        return render(request, "intake/public/ask.html", {"form": None})
    if request.method != "POST":
        return _ask_page(request, AskForm(programs=programs), new_submission_id())

    if request.POST.get(HONEYPOT_FIELD):
        # A bot: answer it like anyone else, so it learns nothing, and keep nothing.
        return redirect("intake:submitted")
    submission_id = request.POST.get(SUBMISSION_FIELD, "")
    if SUBMISSION_SHAPE.fullmatch(submission_id) and _request_recorded(submission_id):
        # Sent already (refresh, Back or a double click): the next page shows the reference
        # and passphrase if they have not been shown yet, and says so calmly if they have.
        return redirect("intake:submitted")

    form = AskForm(request.POST, programs=programs)
    if not form.is_valid():
        keep = SUBMISSION_SHAPE.fullmatch(submission_id)
        return _ask_page(request, form, submission_id if keep else new_submission_id())
    if not SUBMISSION_SHAPE.fullmatch(submission_id):
        form.add_error(None, SUBMISSION_UNKNOWN.format(button=ASK_BUTTON))
        return _ask_page(request, form, new_submission_id())

    usage = ratelimit.consume(
        request, app="kindred.intake", action=ASK_ACTION, config=RATES, key=EVERYONE
    )
    if usage is None:
        # Crisis lines still come first on this page when the answers call for them.
        form.add_error(None, TOO_MANY.format(button=ASK_BUTTON))
        response = _ask_page(request, form, submission_id, status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    program = form.chosen_program(form.cleaned_data)
    if program is None:  # a valid form always has one; never record a request without
        usage.rollback()
        return redirect("intake:ask")
    try:
        submitted = submit_request(
            program,
            channel=Channel.WEB,
            submission_digest=_digest(submission_id),
            **form.request_fields(),
        )
    except IntegrityError:
        usage.rollback()  # nothing new was recorded
        if _request_recorded(submission_id):
            return redirect("intake:submitted")  # a second copy of the same form won the race
        raise
    except BaseException:
        usage.rollback()  # nothing was recorded: the same form may be sent again
        raise
    support_request = submitted.request
    response = redirect("intake:submitted")
    one_time.stash(
        request,
        response,
        NEW_REQUEST,
        {
            "reference": support_request.reference,
            "passphrase": submitted.passphrase,
            "program": program.pk,
            "urgent": support_request.urgent,
            "crisis": support_request.urgent or support_request.risk_answer == RiskAnswer.UNSURE,
            "sign_in_email": bool(support_request.sign_in_email),
        },
    )
    return response


@allow(PUBLIC)
def submitted(request: HttpRequest) -> HttpResponse:
    """The reference and passphrase, once. A reload (or the same form sent again) finds them
    gone and gets a calm page instead: they were shown once, and this is how to get help."""
    shown = one_time.take(request, NEW_REQUEST)
    if shown is None:
        return one_time.forget(
            render(request, "intake/public/submitted.html", {"shown": None}), NEW_REQUEST
        )
    program_id = shown.get("program")
    program = Program.objects.filter(pk=program_id).first() if program_id else None
    context: dict[str, Any] = {
        "shown": shown,
        "crisis_resources": _crisis_resources(program) if shown.get("crisis") else [],
    }
    return one_time.forget(render(request, "intake/public/submitted.html", context), NEW_REQUEST)


def _ask_page(
    request: HttpRequest, form: AskForm, submission_id: str, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "submission_id": submission_id,
        "submission_field": SUBMISSION_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "button": ASK_BUTTON,
        # Whatever else is wrong with the form, someone at risk sees where to get help first.
        "crisis_resources": (
            _crisis_resources(form.program_for_crisis_help()) if form.risk_indicated() else []
        ),
    }
    return render(request, "intake/public/ask.html", context, status=status)


# --- A concern about someone else ------------------------------------------------------------


@allow(PUBLIC)
def concern(request: HttpRequest) -> HttpResponse:
    programs = list(Program.objects.order_by("name"))
    if not programs:
        return render(request, "intake/public/concern.html", {"form": None})
    if request.method != "POST":
        return _concern_page(request, ConcernForm(programs=programs), new_submission_id())

    if request.POST.get(HONEYPOT_FIELD):
        return redirect("intake:concern_sent")
    submission_id = request.POST.get(SUBMISSION_FIELD, "")
    if SUBMISSION_SHAPE.fullmatch(submission_id) and _concern_recorded(submission_id):
        return redirect("intake:concern_sent")

    form = ConcernForm(request.POST, programs=programs)
    if not form.is_valid():
        keep = SUBMISSION_SHAPE.fullmatch(submission_id)
        return _concern_page(request, form, submission_id if keep else new_submission_id())
    if not SUBMISSION_SHAPE.fullmatch(submission_id):
        form.add_error(None, SUBMISSION_UNKNOWN.format(button=CONCERN_BUTTON))
        return _concern_page(request, form, new_submission_id())

    usage = ratelimit.consume(
        request, app="kindred.intake", action=CONCERN_ACTION, config=RATES, key=EVERYONE
    )
    if usage is None:
        form.add_error(None, TOO_MANY.format(button=CONCERN_BUTTON))
        response = _concern_page(request, form, submission_id, status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    program = form.chosen_program()
    if program is None:
        usage.rollback()
        return redirect("intake:concern")
    try:
        recorded = submit_concern(
            program, submission_digest=_digest(submission_id), **form.concern_fields()
        )
    except IntegrityError:
        usage.rollback()
        if _concern_recorded(submission_id):
            return redirect("intake:concern_sent")
        raise
    except BaseException:
        usage.rollback()
        raise
    if recorded.urgency == ConcernUrgency.NOW:
        request.session[CONCERN_NOW] = program.pk
    return redirect("intake:concern_sent")


@allow(PUBLIC)
def concern_sent(request: HttpRequest) -> HttpResponse:
    program_id = request.session.pop(CONCERN_NOW, None)
    program = Program.objects.filter(pk=program_id).first() if program_id else None
    context = {"crisis_resources": _crisis_resources(program) if program else []}
    return render(request, "intake/public/concern_sent.html", context)


def _concern_page(
    request: HttpRequest, form: ConcernForm, submission_id: str, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "submission_id": submission_id,
        "submission_field": SUBMISSION_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "button": CONCERN_BUTTON,
    }
    return render(request, "intake/public/concern.html", context, status=status)


# --- Shared -------------------------------------------------------------------------------------


def new_submission_id() -> str:
    return secrets.token_urlsafe(32)


def _digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


def _request_recorded(submission_id: str) -> bool:
    return SupportRequest.objects.filter(submission_digest=_digest(submission_id)).exists()


def _concern_recorded(submission_id: str) -> bool:
    return Concern.objects.filter(submission_digest=_digest(submission_id)).exists()


def _crisis_resources(program: Program | None) -> list[CrisisResource]:
    return crisis_resources_for(program)
