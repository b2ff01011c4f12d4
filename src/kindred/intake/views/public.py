"""Public pages: ask for support, and a concern about someone else (no account).

Anyone may send these forms, so they guard themselves like every public form
(kindred.web.public_forms: one-time submission id, honeypot, limits per address and overall,
429 with the form as typed).

Safety comes before everything on these pages: when what someone typed says they may be at
risk, the program's crisis lines are the first thing on the next page, whatever else happens
(a mistake in the form, the rate limit). The reference and passphrase of a new request travel
to the next page through the session and are removed from it when shown: they appear once.
Nothing the person typed is ever in a URL, and every page keeps the neutral title.
"""

from __future__ import annotations

from typing import Any

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
    RiskAnswer,
    SupportRequest,
)
from kindred.programs.models import CrisisLine, Program
from kindred.programs.queries import crisis_lines_for
from kindred.web.public_forms import (
    HONEYPOT_FIELD,
    RETRY_AFTER_SECONDS,
    SUBMISSION_FIELD,
    SUBMISSION_UNKNOWN,
    TOO_MANY,
    AlreadyRecorded,
    PublicSubmission,
    new_submission_id,
)

# Per client address and overall (see kindred.web.public_forms). Generous for an office behind
# one address; a flood from many addresses fills the coordinators' queue (and their phones) no
# faster than the daily "key" rate.
ASK_ACTION = "support_request"
CONCERN_ACTION = "concern"
RATE = "5/10m/ip,20/1d/ip,500/1d/key"

# The new request's reference and passphrase, from the POST to the page that shows them once.
NEW_REQUEST = "kindred_intake_new_request"
# Whether the concern just sent said someone may be in danger now (for the thank-you page).
CONCERN_NOW = "kindred_intake_concern_now"

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

    guard = PublicSubmission(request, SupportRequest, "kindred.intake", ASK_ACTION, RATE)
    if guard.is_bot() or guard.already_recorded():
        # A bot is answered like anyone else and nothing is kept. Sent already (refresh, Back,
        # double click): the next page shows the reference and passphrase if they have not been
        # shown yet, and says so calmly if they have.
        return redirect("intake:submitted")
    form = AskForm(request.POST, programs=programs)
    if not form.is_valid():
        return _ask_page(request, form, guard.id_for_the_form())
    if not guard.well_formed:
        form.add_error(None, SUBMISSION_UNKNOWN.format(button=ASK_BUTTON))
        return _ask_page(request, form, new_submission_id())
    usage = guard.consume()
    if usage is None:
        # Crisis lines still come first on this page when the answers call for them.
        form.add_error(None, TOO_MANY.format(button=ASK_BUTTON))
        response = _ask_page(request, form, guard.submission_id, status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    program = form.chosen_program(form.cleaned_data)
    if program is None:  # a valid form always has one; never record a request without
        usage.rollback()
        return redirect("intake:ask")
    try:
        submitted = guard.record(
            usage,
            lambda: submit_request(
                program,
                channel=Channel.WEB,
                submission_digest=guard.digest,
                **form.request_fields(),
            ),
        )
    except AlreadyRecorded:
        return redirect("intake:submitted")  # a second copy of the same form won the race
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

    guard = PublicSubmission(request, Concern, "kindred.intake", CONCERN_ACTION, RATE)
    if guard.is_bot() or guard.already_recorded():
        return redirect("intake:concern_sent")
    form = ConcernForm(request.POST, programs=programs)
    if not form.is_valid():
        return _concern_page(request, form, guard.id_for_the_form())
    if not guard.well_formed:
        form.add_error(None, SUBMISSION_UNKNOWN.format(button=CONCERN_BUTTON))
        return _concern_page(request, form, new_submission_id())
    usage = guard.consume()
    if usage is None:
        form.add_error(None, TOO_MANY.format(button=CONCERN_BUTTON))
        response = _concern_page(request, form, guard.submission_id, status=429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    program = form.chosen_program()
    if program is None:
        usage.rollback()
        return redirect("intake:concern")
    try:
        recorded = guard.record(
            usage,
            lambda: submit_concern(
                program, submission_digest=guard.digest, **form.concern_fields()
            ),
        )
    except AlreadyRecorded:
        return redirect("intake:concern_sent")
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


def _crisis_resources(program: Program | None) -> list[CrisisLine]:
    return crisis_lines_for(program)
