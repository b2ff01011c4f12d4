"""Public pages: ask for support, and a concern about someone else (no account).

Anyone may send these forms, so they guard themselves like every public form
(kindred.web.public_forms: one-time submission id, honeypot, limits per address, 429 with the
form as typed, an honest 503 when storage fails).

Safety comes before everything on these pages (issue 9):

* Risk first. /ask/ starts with the safety question alone. "Yes" or "Not sure" shows the crisis
  lines at once, then a short form where only a way to reach the person is needed; "No" leads
  to the full form. The answer is kept in the session, never in a URL, and only ever made more
  serious: a later "No", or a hidden field edited to "no", never downgrades a "Yes".
* Never refuse a person at risk. An urgent submission (risk "Yes" or "Not sure", a risk phrase
  in what they wrote, a concern about danger now) skips the per-address limit: it is always
  stored and alerted. Only staffed programs are offered, so an alert always has someone to reach.
* Say only what is true. The page after an urgent submission says "we have alerted" only when a
  mail server accepted the alert; otherwise it asks the person to call 9-8-8 first.

The reference and passphrase of a new request travel to the next page through the session and
are removed from it when shown: they appear once. Nothing the person typed is ever in a URL.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.accounts.on_call import staffed_programs
from kindred.confidential.access import PUBLIC, allow
from kindred.intake import one_time
from kindred.intake.actions import Submitted, submit_concern, submit_request
from kindred.intake.forms.public import (
    AskForm,
    ConcernForm,
    SafetyForm,
    UrgentAskForm,
    is_urgent_answer,
    most_serious,
)
from kindred.intake.models import Channel, Concern, ConcernUrgency, SupportRequest
from kindred.intake.risk import mentions_risk
from kindred.programs.models import CrisisLine, Program
from kindred.programs.queries import NATIONAL_CRISIS_LINES, crisis_lines_for
from kindred.web.public_forms import (
    HONEYPOT_FIELD,
    SUBMISSION_FIELD,
    PublicSubmission,
    new_submission_id,
)

# Per client address only (see kindred.web.public_forms), and only for calm submissions:
# generous for an office behind one address. Nothing is shared by everyone, so no flood from
# elsewhere can close the form to anyone.
ASK_ACTION = "support_request"
CONCERN_ACTION = "concern"
RATE = "5/10m/ip,20/1d/ip"

# The step-1 answer, most serious so far, until the request is sent.
RISK_STEP = "kindred_intake_risk_answer"
STEP_FIELD = "step"
SAFETY_STEP = "safety"
DETAILS_STEP = "details"
# The step-1 answer also travels in the step-2 form, for a session that was lost in between
# (cookies cleared, a long pause). The server takes the more serious of the two.
RISK_FIELD = "risk_answer"

# The new request's reference and passphrase, from the POST to the page that shows them once.
NEW_REQUEST = "kindred_intake_new_request"
# Whether the concern just sent said someone may be in danger now, and whether an alert went.
CONCERN_NOW = "kindred_intake_concern_now"

ASK_BUTTON = "Send my request"
CONCERN_BUTTON = "Send to the program"


# --- Ask for support ------------------------------------------------------------------------------


@allow(PUBLIC)
def ask(request: HttpRequest) -> HttpResponse:
    programs = list(staffed_programs())
    if not programs:
        return _closed(request, "intake/public/ask.html")
    if request.method != "POST":
        return _safety_page(request, SafetyForm())
    if request.POST.get(STEP_FIELD) == SAFETY_STEP:
        return _answer_safety_question(request, programs)

    answer = most_serious(request.session.get(RISK_STEP), request.POST.get(RISK_FIELD))
    if answer is None:
        # Neither the session nor the form knows the answer: ask it again, never assume "No".
        return _safety_page(request, SafetyForm(), asked_again=True)
    form: AskForm | UrgentAskForm = (
        UrgentAskForm(request.POST, programs=programs)
        if is_urgent_answer(answer)
        else AskForm(request.POST, programs=programs)
    )
    guard = PublicSubmission(request, SupportRequest, "kindred.intake", ASK_ACTION, RATE)

    def record() -> Submitted | None:
        program = form.chosen_program(form.cleaned_data)
        if program is None:  # a valid form always has one; never record a request without
            return None
        return submit_request(
            program,
            channel=Channel.WEB,
            submission_digest=guard.digest,
            **form.request_fields(answer),
        )

    def calm() -> bool:
        # Only calm submissions are counted: someone at risk is never paused.
        urgent = mentions_risk(form.cleaned_data.get("free_text") or "")
        return not (is_urgent_answer(answer) or urgent)

    return guard.receive(
        form,
        button=ASK_BUTTON,
        what="request for support",
        show=lambda submission_id, status: _details_page(
            request, form, answer, submission_id, status=status
        ),
        record=record,
        done=lambda submitted: _request_sent(request, submitted, answer),
        # The database or the limiter's cache failed: nothing was kept. Say so honestly, with
        # the national crisis lines (no database needed) and the answers as typed.
        unavailable=lambda submission_id: _details_page(
            request, form, answer, submission_id, status=503, failed=True
        ),
        counted=calm,
    )


def _answer_safety_question(request: HttpRequest, programs: list[Program]) -> HttpResponse:
    safety = SafetyForm(request.POST)
    if not safety.is_valid():
        return _safety_page(request, safety)
    given = safety.cleaned_data["risk_answer"]
    answer = most_serious(request.session.get(RISK_STEP), given) or given
    request.session[RISK_STEP] = answer
    form: AskForm | UrgentAskForm = (
        UrgentAskForm(programs=programs) if is_urgent_answer(answer) else AskForm(programs=programs)
    )
    return _details_page(
        request, form, answer, new_submission_id(), kept_earlier_answer=answer != given
    )


def _request_sent(request: HttpRequest, submitted: Submitted | None, answer: str) -> HttpResponse:
    """The next page shows the reference and passphrase once. Nothing new kept (a bot, or the
    same form sent again by refresh, Back or a double click): it shows them if they have not
    been shown yet, and says so calmly if they have."""
    if submitted is None:
        return redirect("intake:submitted")
    request.session.pop(RISK_STEP, None)
    support_request = submitted.request
    response = redirect("intake:submitted")
    one_time.stash(
        request,
        response,
        NEW_REQUEST,
        {
            "reference": support_request.reference,
            "passphrase": submitted.passphrase,
            "program": support_request.program_id,
            "urgent": support_request.urgent,
            "crisis": support_request.urgent or is_urgent_answer(answer),
            "alerted": submitted.alerted,
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


def _safety_page(
    request: HttpRequest, form: SafetyForm, *, asked_again: bool = False
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "step_field": STEP_FIELD,
        "step": SAFETY_STEP,
        "asked_again": asked_again,
        "page_has_errors": asked_again,
    }
    return render(request, "intake/public/ask.html", context)


def _details_page(
    request: HttpRequest,
    form: AskForm | UrgentAskForm,
    answer: str,
    submission_id: str,
    *,
    status: int = 200,
    failed: bool = False,
    kept_earlier_answer: bool = False,
) -> HttpResponse:
    urgent_form = isinstance(form, UrgentAskForm)
    crisis: list[CrisisLine] = []
    if failed:
        crisis = list(NATIONAL_CRISIS_LINES)  # the database may be what failed: ask it nothing
    elif isinstance(form, UrgentAskForm) or form.risk_indicated():
        # Whatever else is wrong with the form, someone at risk sees where to get help first.
        crisis = _crisis_resources(form.program_for_crisis_help())
    context: dict[str, Any] = {
        "form": form,
        "urgent_form": urgent_form,
        "risk_answer": answer,
        "risk_field": RISK_FIELD,
        "step_field": STEP_FIELD,
        "step": DETAILS_STEP,
        "submission_id": submission_id,
        "submission_field": SUBMISSION_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "button": ASK_BUTTON,
        "crisis_resources": crisis,
        "failed": failed,
        "page_has_errors": failed,
        "kept_earlier_answer": kept_earlier_answer,
    }
    return render(request, "intake/public/ask_details.html", context, status=status)


# --- A concern about someone else ------------------------------------------------------------


@allow(PUBLIC)
def concern(request: HttpRequest) -> HttpResponse:
    programs = list(staffed_programs())
    if not programs:
        return _closed(request, "intake/public/concern.html")
    if request.method != "POST":
        return _concern_page(request, ConcernForm(programs=programs), new_submission_id())

    guard = PublicSubmission(request, Concern, "kindred.intake", CONCERN_ACTION, RATE)
    form = ConcernForm(request.POST, programs=programs)

    def record() -> Concern | None:
        program = form.chosen_program()
        if program is None:
            return None
        return submit_concern(program, submission_digest=guard.digest, **form.concern_fields())

    return guard.receive(
        form,
        button=CONCERN_BUTTON,
        what="concern",
        show=lambda submission_id, status: _concern_page(
            request, form, submission_id, status=status
        ),
        record=record,
        done=lambda recorded: _concern_recorded(request, recorded),
        unavailable=lambda submission_id: _concern_page(
            request, form, submission_id, status=503, failed=True
        ),
        # Only calm concerns are counted: "danger now" is always stored and alerted.
        counted=lambda: form.cleaned_data["urgency"] != ConcernUrgency.NOW,
    )


def _concern_recorded(request: HttpRequest, recorded: Concern | None) -> HttpResponse:
    if recorded is None:  # a bot, or the same form sent again: nothing new was kept
        return redirect("intake:concern_sent")
    if recorded.urgency == ConcernUrgency.NOW:
        # "We have alerted" only when a mail server accepted the alert (alert_sent_at is set).
        request.session[CONCERN_NOW] = {
            "program": recorded.program_id,
            "alerted": recorded.alert_sent_at is not None,
        }
    return redirect("intake:concern_sent")


@allow(PUBLIC)
def concern_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.pop(CONCERN_NOW, None)
    danger_now = isinstance(sent, dict)
    program_id = sent.get("program") if isinstance(sent, dict) else None
    program = Program.objects.filter(pk=program_id).first() if program_id else None
    context = {
        "danger_now": danger_now,
        "alerted": isinstance(sent, dict) and bool(sent.get("alerted")),
        "crisis_resources": _crisis_resources(program) if danger_now else [],
    }
    return render(request, "intake/public/concern_sent.html", context)


def _concern_page(
    request: HttpRequest,
    form: ConcernForm,
    submission_id: str,
    *,
    status: int = 200,
    failed: bool = False,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "submission_id": submission_id,
        "submission_field": SUBMISSION_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "button": CONCERN_BUTTON,
        "failed": failed,
        "page_has_errors": failed,
        # The national lines need no database, which may be what failed.
        "crisis_resources": list(NATIONAL_CRISIS_LINES),
    }
    return render(request, "intake/public/concern.html", context, status=status)


# --- Shared -------------------------------------------------------------------------------------


def _closed(request: HttpRequest, template: str) -> HttpResponse:
    """No program has anyone on call: no form (nothing sent would reach a person), but the
    crisis lines and the way to reach the program."""
    context = {"form": None, "crisis_resources": list(NATIONAL_CRISIS_LINES)}
    return render(request, template, context)


def _crisis_resources(program: Program | None) -> list[CrisisLine]:
    return crisis_lines_for(program)
