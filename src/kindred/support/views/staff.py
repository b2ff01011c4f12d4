"""Coordinators' pages about matches: a match's file (withdraw a proposal, close a match) and
the program's tasks. What other staff pages show of matches (a request's matches, a volunteer's
matches and hours, the open tasks on staff home) is read through `kindred.support.staff_queries`.

Matches and tasks are fetched through `get_for` over `matches_visible_to_staff` and
`tasks_visible_to_staff`, so a coordinator of another program gets the same audited 404 as for a
match that does not exist. Every write goes through `kindred.support.actions`. Every page that
shows a confidential value (a volunteer's name, a check-in, a change reason, a task's note) is
an audited VIEW; staff home shows kinds, dates and references only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest
from kindred.accounts.queries import programs_run_by
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.confidential.models import AuditAction
from kindred.programs.models import Program
from kindred.support import actions
from kindred.support.lapsing import lapse_overdue_proposals
from kindred.support.models import CheckinAnswer, ClosureReason, CoordinatorTask, Match, MatchStatus
from kindred.support.staff_queries import (
    contact_summary,
    matches_visible_to_staff,
    open_tasks_in_order,
    tasks_visible_to_staff,
)
from kindred.web.form_fields import choice

STAFF = roles(*PROGRAM_STAFF_ROLES)
# Resolved tasks stay listed (folded away) this long, for "who dealt with that, and when?".
RESOLVED_SHOWN_DAYS = 30


# --- Who sees what --------------------------------------------------------------------------


def _matches_with_data(request: AuthenticatedRequest) -> QuerySet[Match]:
    return matches_visible_to_staff(request).select_related(
        "data_key", "program", "request", "volunteer", "volunteer__data_key", "proposed_by"
    )


def _fetch_match(request: AuthenticatedRequest, match_id: UUID) -> Match:
    match = get_for(request, _matches_with_data, object_type="match", pk=match_id)
    if lapse_overdue_proposals(match):
        match = _matches_with_data(request).get(pk=match.pk)
    return match


def _record_views(
    request: AuthenticatedRequest, subjects: Iterable[audit.Subject], purpose: str
) -> None:
    audit.record_many(
        AuditAction.VIEW, list(subjects), actor=audit.actor_for(request), purpose=purpose
    )


# --- One match's file -----------------------------------------------------------------------


class CloseMatchForm(forms.Form):
    """Kept beside its only view: the match file is the one place a match is closed."""

    prefix = "close"
    reason = forms.ChoiceField(
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        **choice(
            "Why is this match closing?",
            what="why the match is closing",
            help_text="The request closes with the match; “Referred elsewhere” marks it so.",
        ),
    )


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime
    detail: str = ""


def _answer(said_yes: bool) -> str:
    return "Said yes" if said_yes else "Said no"


def timeline(match: Match) -> list[Step]:
    """The match's life so far, in order: proposed, each answer, began, ended."""
    proposer = match.proposed_by.email if match.proposed_by else "a coordinator"
    steps = [Step("Proposed", match.proposed_at, f"by {proposer}")]
    if match.volunteer_answered_at:
        declined = match.status == MatchStatus.DECLINED_BY_VOLUNTEER
        steps.append(
            Step("The volunteer answered", match.volunteer_answered_at, _answer(not declined))
        )
    if match.participant_answered_at:
        declined = match.status == MatchStatus.DECLINED_BY_PARTICIPANT
        steps.append(
            Step("The participant answered", match.participant_answered_at, _answer(not declined))
        )
    if match.activated_at:
        steps.append(Step("Began", match.activated_at))
    if match.ended_at:
        steps.append(Step("Ended", match.ended_at, match.get_status_display()))
    return steps


@dataclass(frozen=True)
class CheckinRow:
    side: str
    due_on: date
    answered_at: datetime | None
    answer: str
    note: str
    is_no: bool  # "No, not really": shown in bold, as the task it made says


def _answer_label(answer: str) -> str:
    return str(CheckinAnswer(answer).label) if answer in CheckinAnswer.values else answer


def _render_match(
    request: AuthenticatedRequest, match: Match, *, close_form: CloseMatchForm | None = None
) -> HttpResponse:
    open_tasks = list(open_tasks_in_order(match.tasks.all()).select_related("data_key"))
    _record_views(
        request,
        [
            audit.Subject("match", match.pk, match.program_id),
            audit.Subject("volunteer", match.volunteer_id, match.program_id),
            *(audit.Subject("coordinator_task", task.pk, task.program_id) for task in open_tasks),
        ],
        "match file",
    )
    checkins = [
        CheckinRow(
            side=checkin.get_side_display(),
            due_on=checkin.due_on,
            answered_at=checkin.answered_at,
            answer=_answer_label(checkin.answer) if checkin.answered_at else "",
            note=checkin.note if checkin.answered_at else "",
            is_no=bool(checkin.answered_at) and checkin.answer == CheckinAnswer.NO,
        )
        for checkin in match.checkins.select_related("data_key")
    ]
    return render(
        request,
        "support/staff/match.html",
        {
            "match": match,
            "timeline": timeline(match),
            "contacts": contact_summary(match.contacts.all()),
            "checkins": checkins,
            "open_tasks": open_tasks,
            "close_form": close_form or CloseMatchForm(),
            "closure_reason": ClosureReason(match.closure_reason).label
            if match.closure_reason in ClosureReason.values
            else "",
        },
    )


@allow(STAFF)
def match_file(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    return _render_match(request, _fetch_match(request, match_id))


def _back_to_match(match: Match, section: str = "") -> HttpResponseRedirect:
    url = reverse("support_staff:match", kwargs={"match_id": match.pk})
    return HttpResponseRedirect(f"{url}#{section}" if section else url)


@allow(STAFF)
@require_POST
def withdraw(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    match = _fetch_match(request, match_id)
    try:
        actions.withdraw_proposal(match, by=request.user)
    except actions.MatchActionRefused as refusal:
        # Usually a page left open while the volunteer answered, or the proposal lapsed.
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            "The proposal is withdrawn. The volunteer's place is free again and the request "
            "is back in the queue.",
        )
    return _back_to_match(match)


@allow(STAFF)
@require_POST
def close(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    match = _fetch_match(request, match_id)
    form = CloseMatchForm(request.POST)
    if not form.is_valid():
        return _render_match(request, match, close_form=form)
    reason = ClosureReason(form.cleaned_data["reason"])
    try:
        actions.close_match(match, reason=reason, by=request.user)
    except actions.MatchActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"The match is closed ({reason.label.lower()}).")
    return _back_to_match(match)


# --- The program's tasks --------------------------------------------------------------------


def _chosen_program(request: AuthenticatedRequest) -> Program | None:
    """The program asked for in `?program=`, or None for all of this person's programs. One
    they do not run gets the same audited 404 as one that does not exist."""
    wanted = request.GET.get("program", "")
    if not wanted:
        return None
    return get_for(request, programs_run_by, object_type="program", pk=wanted)


@allow(STAFF)
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    """Open tasks with the words that came with them (audited), and the last 30 days' resolved
    ones folded away. A fixed number of queries, however many tasks."""
    programs = programs_run_by(request).order_by("name")
    chosen = _chosen_program(request)
    scope = [chosen] if chosen is not None else programs
    # A proposal that lapsed while nobody had a page open becomes a task now, not at the next
    # cron run.
    lapse_overdue_proposals(scope)
    tasks = CoordinatorTask.objects.filter(program__in=scope).select_related(
        "data_key", "program", "request", "resolved_by"
    )
    open_tasks = list(open_tasks_in_order(tasks))
    since = timezone.now() - timedelta(days=RESOLVED_SHOWN_DAYS)
    resolved = list(tasks.filter(resolved_at__gte=since).order_by("-resolved_at", "pk"))
    _record_views(
        request,
        (audit.Subject("coordinator_task", task.pk, task.program_id) for task in open_tasks),
        "task list",
    )
    return render(
        request,
        "support/staff/tasks.html",
        {
            "programs": programs,
            "many_programs": len(programs) > 1,
            "chosen": chosen,
            "open_tasks": open_tasks,
            "resolved": resolved,
            "resolved_days": RESOLVED_SHOWN_DAYS,
        },
    )


@allow(STAFF)
@require_POST
def task_resolve(request: AuthenticatedRequest, task_id: UUID) -> HttpResponse:
    task = get_for(request, tasks_visible_to_staff, object_type="coordinator_task", pk=task_id)
    if task.resolved_at is not None:
        messages.info(request, "That task was already marked as done.")
    else:
        actions.resolve_task(task, by=request.user)
        messages.success(request, "Marked as done.")
    # Back where the button was: the match file, or the list (still narrowed to the program).
    if request.POST.get("back") == "match" and task.match_id is not None:
        url = reverse("support_staff:match", kwargs={"match_id": task.match_id})
        return HttpResponseRedirect(f"{url}#tasks")
    url = reverse("support_staff:tasks")
    if request.POST.get("program") == str(task.program_id):
        url += f"?program={task.program_id}"
    return HttpResponseRedirect(url)
