"""Coordinators' intake: the queue, phone intake, a request's file and its triage, concerns.

Requests and concerns are fetched through `get_for` over `requests_visible_to_staff` and
`concerns_visible_to_staff`, so a coordinator of another program gets the same audited 404 as for
a request that does not exist. Every write goes through `kindred.intake.actions`. The queue and
the list of concerns show no confidential value (no name, topic or word anyone wrote), so they
are not audited row by row; every page that does show one is an audited VIEW.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest
from kindred.accounts.queries import programs_run_by
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.confidential.models import AuditAction
from kindred.intake import actions, one_time, queries
from kindred.intake.descriptions import describe_preferences, waited
from kindred.intake.forms.staff import (
    CONTACT_METHODS,
    ConcernStatusForm,
    PhoneIntakeForm,
    QueueFilterForm,
    TriageForm,
)
from kindred.intake.models import (
    AskerKind,
    Channel,
    Concern,
    ConcernStatus,
    ConcernUrgency,
    RiskAnswer,
    SupportRequest,
    TriageStatus,
)
from kindred.intake.risk import mentions_risk
from kindred.programs.models import Program
from kindred.programs.queries import crisis_lines_for
from kindred.support.lapsing import lapse_overdue_proposals
from kindred.support.staff_queries import has_open_match, open_tasks_in_order, request_matches
from kindred.topics.models import Topic
from kindred.volunteers.models import IDENTITY_FLAGS
from kindred.web.public_forms import SUBMISSION_FIELD, SUBMISSION_SHAPE, digest, new_submission_id

PAGE_SIZE = 50
# The reference and passphrase of a request just taken by phone, kept in the session only until
# the page that shows them (once) is drawn.
PHONE_DONE = "kindred_phone_intake_done"
# What the queue reads: categories and dates, never an encrypted column.
QUEUE_COLUMNS = (
    "reference",
    "status",
    "urgent",
    "channel",
    "how_soon",
    "created_at",
    "first_contact_at",
    "alert_failed",
    "program__name",
)


# --- The queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    request: SupportRequest
    waiting: str  # empty once the request is no longer open


@allow(roles(*PROGRAM_STAFF_ROLES))
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """Urgent first, then whoever has waited longest. A fixed number of queries per page."""
    now = timezone.now()
    visible = queries.requests_visible_to_staff(request)
    form = QueueFilterForm(request.GET or None)
    status = form.chosen_status()
    # The queue reads no encrypted column, so none is even loaded (nor its data key).
    listed = (
        queries.queue(visible, status=status)
        .select_related(None)
        .select_related("program")
        .only(*QUEUE_COLUMNS)
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        QueueRow(item, waited(item.created_at, now) if item.is_waiting else "") for item in page
    ]
    # An urgent alert that never reached anyone: someone must phone on-call staff. Shown on
    # every page of the queue, whatever the filter, until the request has been taken up.
    alert_failures = list(
        visible.filter(alert_failed=True, status=TriageStatus.NEW)
        .order_by("created_at")
        .only("id", "reference")[:20]
    )
    programs = programs_run_by(request)
    return render(
        request,
        "intake/staff/queue.html",
        {
            "form": form,
            "status": status,
            "status_label": TriageStatus(status).label if status else "",
            "page": page,
            "rows": rows,
            "alert_failures": alert_failures,
            "many_programs": programs.count() > 1,
        },
    )


# --- One request's file ---------------------------------------------------------------------


def visible_requests_with_data(request: AuthenticatedRequest) -> QuerySet[SupportRequest]:
    return queries.requests_visible_to_staff(request).select_related("data_key", "program")


def _fetch(request: AuthenticatedRequest, request_id: UUID) -> SupportRequest:
    support_request = get_for(
        request, visible_requests_with_data, object_type="support_request", pk=request_id
    )
    # A proposal past its time to answer lapses before the file is read, so the status at the
    # top and the matches below agree.
    if lapse_overdue_proposals(support_request):
        support_request.refresh_from_db()
    return support_request


def urgent_reasons(support_request: SupportRequest) -> list[str]:
    """Why a request is urgent, in words a coordinator can act on."""
    reasons = []
    if support_request.risk_answer == RiskAnswer.YES:
        reasons.append(
            "They answered yes when asked whether they are thinking about ending their life "
            "or harming someone."
        )
    if support_request.risk_answer == RiskAnswer.UNSURE:
        reasons.append(
            "They were not sure when asked whether they are thinking about ending their life or "
            "harming someone. Ask again, gently, when you call."
        )
    if mentions_risk(support_request.free_text):
        reasons.append("What they wrote contains words that can signal risk.")
    if support_request.urgent and not reasons:
        reasons.append("It was marked urgent when it was received.")
    return reasons


@dataclass(frozen=True)
class ContactSafety:
    may_leave_message: bool
    personal_email_only: bool
    safe_times: str
    methods: list[str]
    phone: str
    email: str


def describe_contact(contact: Any) -> ContactSafety:
    """How to reach them without anyone else learning why. Anything short of an explicit yes
    means no message is left: the safe reading of a missing or unexpected answer."""
    contact = contact if isinstance(contact, dict) else {}
    labels = dict(CONTACT_METHODS)
    methods = contact.get("methods") or []
    if isinstance(methods, str):
        methods = [methods]
    leave = contact.get("leave_message")
    return ContactSafety(
        may_leave_message=leave is True or str(leave).lower() in {"yes", "true"},
        personal_email_only=bool(contact.get("personal_email_only")),
        safe_times=str(contact.get("safe_times") or ""),
        methods=[labels.get(str(method), str(method)) for method in methods],
        phone=str(contact.get("phone") or ""),
        email=str(contact.get("email") or ""),
    )


def _render_detail(
    request: AuthenticatedRequest,
    support_request: SupportRequest,
    *,
    triage_form: TriageForm | None = None,
) -> HttpResponse:
    audit.record_request(
        request,
        AuditAction.VIEW,
        object_type="support_request",
        object_id=str(support_request.pk),
        program_id=support_request.program_id,
        # The role held in this request's program: what the participant will see.
        role=",".join(request.user.roles_in(support_request.program_id)),
    )
    slugs = [str(slug) for slug in support_request.topics or []]
    names = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "name"))
    now = timezone.now()
    matches = request_matches(request, support_request)
    return render(
        request,
        "intake/staff/detail.html",
        {
            "item": support_request,
            "urgent_reasons": urgent_reasons(support_request),
            "risk_unsure": support_request.risk_answer == RiskAnswer.UNSURE,
            "risk_label": RiskAnswer(support_request.risk_answer).label
            if support_request.risk_answer in RiskAnswer.values
            else "Not asked",
            "asker_kind": AskerKind(support_request.asker_kind).label
            if support_request.asker_kind in AskerKind.values
            else support_request.asker_kind,
            "topics": [names.get(slug, slug) for slug in slugs],
            "preferences": describe_preferences(support_request.preferences, dict(IDENTITY_FLAGS)),
            "avoid": [str(entry) for entry in support_request.avoid or []],
            "contact": describe_contact(support_request.contact),
            "history": support_request.status_changes.select_related("changed_by"),
            "triage_form": triage_form
            or TriageForm(
                current=support_request.status, has_open_match=matches["open_match"] is not None
            ),
            "waiting": waited(support_request.created_at, now)
            if support_request.is_waiting
            else "",
            # Kinds and dates of its open tasks (a deletion asked for, …): support's own order.
            "open_tasks": list(
                open_tasks_in_order(support_request.tasks.all()).only(
                    "id", "kind", "created_at", "resolved_at"
                )
            ),
            **matches,
        },
    )


@allow(roles(*PROGRAM_STAFF_ROLES))
def request_detail(request: AuthenticatedRequest, request_id: UUID) -> HttpResponse:
    support_request = _fetch(request, request_id)
    # Opened by staff of its program (get_for): no longer "Urgent, not yet seen".
    actions.mark_seen(support_request, by=request.user)
    return _render_detail(request, support_request)


def _back_to(support_request: SupportRequest, section: str) -> HttpResponseRedirect:
    url = reverse("intake:staff_detail", kwargs={"request_id": support_request.pk})
    return HttpResponseRedirect(f"{url}#{section}")


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def change_status(request: AuthenticatedRequest, request_id: UUID) -> HttpResponse:
    support_request = _fetch(request, request_id)
    form = TriageForm(
        request.POST,
        current=support_request.status,
        has_open_match=has_open_match(support_request),
    )
    if not form.is_valid():
        return _render_detail(request, support_request, triage_form=form)
    to = form.cleaned_data["to_status"]
    had_contact = support_request.first_contact_at is not None
    actions.change_status(support_request, to, by=request.user)
    note = f"Status changed to {TriageStatus(to).label.lower()}."
    if not had_contact and support_request.first_contact_at is not None:
        note += " First contact recorded."
    messages.success(request, note)
    return _back_to(support_request, "triage")


# --- Phone intake ---------------------------------------------------------------------------


def _programs(request: AuthenticatedRequest) -> QuerySet[Program]:
    return programs_run_by(request).order_by("name")


@allow(roles(*PROGRAM_STAFF_ROLES))
def phone_intake(request: AuthenticatedRequest) -> HttpResponse:
    """A request taken over the phone. The reference and passphrase are shown once, after a
    redirect, so the coordinator can read them to the caller; a refresh shows a blank form."""
    programs = _programs(request)
    if request.method != "POST":
        done = one_time.take(request, PHONE_DONE)
        if done:
            return one_time.forget(_phone_done(request, done), PHONE_DONE)
        return _phone_form(request, PhoneIntakeForm(programs=programs), new_submission_id())

    submission_id = request.POST.get(SUBMISSION_FIELD, "")
    shaped = bool(SUBMISSION_SHAPE.fullmatch(submission_id))
    if shaped and SupportRequest.objects.filter(submission_digest=digest(submission_id)).exists():
        return redirect("intake:staff_new")  # a double click or a refresh: recorded already
    form = PhoneIntakeForm(request.POST, programs=programs)
    if not form.is_valid():
        return _phone_form(request, form, submission_id if shaped else new_submission_id())
    program = form.chosen_program()
    try:
        submitted = actions.submit_request(
            program,
            channel=Channel.PHONE,
            by=request.user,
            submission_digest=digest(submission_id) if shaped else None,
            **form.request_fields(),
        )
    except IntegrityError:
        return redirect("intake:staff_new")  # the same form, sent twice at once: one recorded
    support_request = submitted.request
    response = redirect("intake:staff_new")
    one_time.stash(
        request,
        response,
        PHONE_DONE,
        {
            "request_id": str(support_request.pk),
            "reference": support_request.reference,
            "passphrase": submitted.passphrase,
            "urgent": support_request.urgent,
            "alert_failed": support_request.alert_failed,
            "alerted": submitted.alerted,
            "program_id": support_request.program_id,
        },
    )
    return response


def _phone_form(
    request: AuthenticatedRequest, form: PhoneIntakeForm, submission_id: str
) -> HttpResponse:
    return render(
        request,
        "intake/staff/phone_intake.html",
        {"form": form, "submission_id": submission_id, "submission_field": SUBMISSION_FIELD},
    )


def _phone_done(request: AuthenticatedRequest, done: dict[str, Any]) -> HttpResponse:
    crisis = (
        crisis_lines_for(Program.objects.filter(pk=int(done["program_id"])).first())
        if done.get("urgent")
        else []
    )
    return render(
        request,
        "intake/staff/phone_done.html",
        {"done": done, "crisis_resources": crisis},
    )


# --- Concerns -------------------------------------------------------------------------------


def concerns_in_order(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    """Open first; among them, danger now first; then the longest waiting."""
    return concerns.annotate(
        closed_last=Case(
            When(status=ConcernStatus.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        urgency_order=Case(
            When(urgency=ConcernUrgency.NOW, then=Value(0)),
            When(urgency=ConcernUrgency.SOON, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("closed_last", "urgency_order", "created_at", "pk")


@allow(roles(*PROGRAM_STAFF_ROLES))
def concerns(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    listed = concerns_in_order(queries.concerns_visible_to_staff(request)).only(
        "id",
        "urgency",
        "status",
        "may_reveal_caller",
        "created_at",
        "alert_failed",
        "program__name",
    )
    page = Paginator(listed.select_related("program"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (concern, waited(concern.created_at, now) if concern.status != ConcernStatus.CLOSED else "")
        for concern in page
    ]
    programs = programs_run_by(request)
    return render(
        request,
        "intake/staff/concerns.html",
        {"page": page, "rows": rows, "many_programs": programs.count() > 1},
    )


def visible_concerns_with_data(request: AuthenticatedRequest) -> QuerySet[Concern]:
    return queries.concerns_visible_to_staff(request).select_related("data_key", "program")


def _fetch_concern(request: AuthenticatedRequest, concern_id: UUID) -> Concern:
    return get_for(request, visible_concerns_with_data, object_type="concern", pk=concern_id)


def _render_concern(
    request: AuthenticatedRequest, concern: Concern, *, form: ConcernStatusForm | None = None
) -> HttpResponse:
    audit.record_request(
        request,
        AuditAction.VIEW,
        object_type="concern",
        object_id=str(concern.pk),
        program_id=concern.program_id,
    )
    return render(
        request,
        "intake/staff/concern_detail.html",
        {"concern": concern, "form": form or ConcernStatusForm(current=concern.status)},
    )


@allow(roles(*PROGRAM_STAFF_ROLES))
def concern_detail(request: AuthenticatedRequest, concern_id: UUID) -> HttpResponse:
    concern = _fetch_concern(request, concern_id)
    actions.mark_seen(concern, by=request.user)
    return _render_concern(request, concern)


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def change_concern_status(request: AuthenticatedRequest, concern_id: UUID) -> HttpResponse:
    concern = _fetch_concern(request, concern_id)
    form = ConcernStatusForm(request.POST, current=concern.status)
    if not form.is_valid():
        return _render_concern(request, concern, form=form)
    to = form.cleaned_data["to_status"]
    actions.change_concern_status(concern, to, by=request.user)
    messages.success(request, f"Status changed to {ConcernStatus(to).label.lower()}.")
    url = reverse("intake:staff_concern", kwargs={"concern_id": concern.pk})
    return HttpResponseRedirect(f"{url}#status")
