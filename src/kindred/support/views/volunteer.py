"""A match as the volunteer sees it: a proposal to answer, then the active match (how to reach
the participant, the contact log, the check-in, flags to the coordinator, a change of peer).

Saying yes needs two-step sign-in: it leads to a participant's contact details, which a guessed
or stolen password alone must never reveal. Declining never needs it. A change of peer ends the
match for good, so it takes two steps: the first shows what will happen, and only the confirming
POST (which carries the reason typed, never in a URL) calls the action.

Every match is fetched through `queries.matches_of_volunteer`, so another volunteer's match is
the same 404 as one that does not exist. Each page that shows a match records a VIEW in the
audit log; each change goes through an action, which records its own entry. A refusal from an
action (the proposal lapsed, the match ended meanwhile) is shown as a message on the match page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.middleware import has_second_factor
from kindred.accounts.models import AuthenticatedRequest, Role
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.confidential.models import AuditAction
from kindred.support import actions, queries
from kindred.support.forms import (
    ChangeForm,
    CheckinForm,
    ContactLogForm,
    FlagForm,
    confirmed,
    volunteer_share_form,
)
from kindred.support.models import Match, MatchStatus, Side, TaskKind

TEMPLATE = "support/volunteer/match.html"
CONFIRM_CHANGE_TEMPLATE = "support/volunteer/confirm_change.html"
LAPSED = "The time to answer this proposal has passed."
NOT_ACTIVE = "This match is no longer active."
FLAG_THANKS = {
    TaskKind.BEYOND_COMPETENCY: (
        "Thank you. Your coordinator will be told and will talk with you about a referral."
    ),
    TaskKind.SAFETY_CONCERN: (
        "Thank you. Your coordinator will be told at once. If anyone is in danger now, call 9-1-1."
    ),
}


def _needs_second_factor() -> str:
    return _(
        "Before you can say yes, please set up two-step sign-in. The proposal is still "
        "waiting for your answer."
    )


def _own_match(request: AuthenticatedRequest, match_id: UUID) -> Match:
    return get_for(request, queries.matches_of_volunteer, object_type="match", pk=match_id)


def _back(match_id: UUID) -> HttpResponseRedirect:
    return redirect("support:volunteer_match", match_id=match_id)


def _not_a_post() -> HttpResponseRedirect:
    # As the portal's other forms do: a GET (a stale link, a reload) changes nothing and goes
    # home, without looking the match up.
    return redirect("volunteers:home")


def _today_and_began(match: Match) -> dict[str, Any]:
    return {
        "today": timezone.localdate(),
        "began": timezone.localdate(match.activated_at) if match.activated_at else None,
    }


def _render(
    request: AuthenticatedRequest,
    match: Match,
    *,
    share_form: Any = None,
    contact_form: ContactLogForm | None = None,
    checkin_form: CheckinForm | None = None,
    flag_form: FlagForm | None = None,
    change_form: ChangeForm | None = None,
) -> HttpResponse:
    """The match page in its current state, with a refused form shown as it was typed."""
    audit.record_request(
        request,
        AuditAction.VIEW,
        object_type="match",
        object_id=str(match.pk),
        program_id=match.program_id,
    )
    status = MatchStatus(match.status)
    context: dict[str, Any] = {"match": match, "status": status.value}
    if status in (MatchStatus.AWAITING_VOLUNTEER, MatchStatus.AWAITING_PARTICIPANT):
        context["proposal"] = queries.proposal_for_volunteer(match)
        context["you_shared"] = queries.shared_by_volunteer(match)
    if status == MatchStatus.AWAITING_VOLUNTEER:
        choices = queries.volunteer_share_choices(match.volunteer)
        context["share_form"] = share_form or volunteer_share_form(choices)
        context["needs_second_factor"] = not has_second_factor(request.user)
    if status == MatchStatus.ACTIVE:
        today = timezone.localdate()
        flag_forms = {
            kind: FlagForm(initial={"kind": kind.value}, auto_id=f"{kind.value}_%s")
            for kind in (TaskKind.BEYOND_COMPETENCY, TaskKind.SAFETY_CONCERN)
        }
        if flag_form is not None:
            flag_forms[TaskKind(str(flag_form.data.get("kind")))] = flag_form
        context.update(
            proposal=queries.proposal_for_volunteer(match),
            call_me=match.request.call_me,
            shared=queries.shared_by_participant(match),
            contact_form=contact_form
            or ContactLogForm(auto_id="contact_%s", **_today_and_began(match)),
            checkin=queries.due_checkin(match, Side.VOLUNTEER, today),
            checkin_form=checkin_form or CheckinForm(auto_id="checkin_%s"),
            competency_form=flag_forms[TaskKind.BEYOND_COMPETENCY],
            safety_form=flag_forms[TaskKind.SAFETY_CONCERN],
            change_form=change_form or ChangeForm(auto_id="change_%s"),
            crisis_lines=queries.crisis_lines(match),
        )
    if status in (MatchStatus.ACTIVE, MatchStatus.CHANGED, MatchStatus.CLOSED):
        context["history"] = queries.contact_history(match)
    if status == MatchStatus.EXPIRED:
        # Lapsed before the volunteer answered, or later, waiting for the participant.
        context["lapsed_before_answer"] = match.volunteer_answered_at is None
    return render(request, TEMPLATE, context)


@allow(roles(Role.VOLUNTEER))
def match_page(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    match = _own_match(request, match_id)
    queries.lapse_overdue([match])
    return _render(request, match)


@allow(roles(Role.VOLUNTEER))
def answer(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    """Yes (with what to share) or no (no reason asked)."""
    if request.method != "POST":
        return _not_a_post()
    match = _own_match(request, match_id)
    queries.lapse_overdue([match])
    if match.status == MatchStatus.EXPIRED:
        messages.warning(request, LAPSED)
        return _back(match.pk)
    choice = request.POST.get("answer")
    if choice not in ("accept", "decline"):
        return _back(match.pk)
    accept = choice == "accept"
    if accept and not has_second_factor(request.user):
        # Refused here, not only hidden on the page: a saved form or a crafted POST is no way
        # round it. The proposal stays open, so they can set it up and come back in time.
        messages.warning(request, _needs_second_factor())
        return _back(match.pk)
    shares: dict[str, str] = {}
    if accept and match.status == MatchStatus.AWAITING_VOLUNTEER:
        form = volunteer_share_form(queries.volunteer_share_choices(match.volunteer), request.POST)
        if not form.is_valid():
            return _render(request, match, share_form=form)
        shares = queries.volunteer_shares_from(match.volunteer, form.cleaned_data["share"])
    try:
        # Anything but a proposal waiting for this volunteer is refused here, with its reason.
        actions.answer_as_volunteer(match, accept=accept, by=request.user, shares=shares)
    except actions.MatchActionRefused as refusal:
        messages.warning(request, str(refusal))
        return _back(match.pk)
    if accept:
        messages.success(
            request,
            "Thank you for saying yes. We will ask them now. If they say yes too, you will see "
            "how to reach them here.",
        )
    else:
        messages.success(
            request,
            "Thank you for letting us know. Saying no is fine; we will look for another peer "
            "for them.",
        )
    return _back(match.pk)


def _refuse(request: AuthenticatedRequest, match: Match, message: str) -> HttpResponseRedirect:
    messages.warning(request, message)
    return _back(match.pk)


@allow(roles(Role.VOLUNTEER))
def log_contact(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    if request.method != "POST":
        return _not_a_post()
    match = _own_match(request, match_id)
    if match.status != MatchStatus.ACTIVE:
        return _refuse(request, match, NOT_ACTIVE)
    form = ContactLogForm(request.POST, auto_id="contact_%s", **_today_and_began(match))
    if not form.is_valid():
        return _render(request, match, contact_form=form)
    data = form.cleaned_data
    try:
        actions.log_contact(
            match, on=data["on"], mode=data["mode"], minutes=data["minutes"], by=request.user
        )
    except actions.MatchActionRefused as refusal:
        return _refuse(request, match, str(refusal))
    messages.success(request, "Saved. Thank you for the time you gave.")
    return _back(match.pk)


@allow(roles(Role.VOLUNTEER))
def checkin(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    if request.method != "POST":
        return _not_a_post()
    match = _own_match(request, match_id)
    due = queries.due_checkin(match, Side.VOLUNTEER, timezone.localdate())
    if due is None:
        return _refuse(request, match, "There is no check-in to answer for this match just now.")
    form = CheckinForm(request.POST, auto_id="checkin_%s")
    if not form.is_valid():
        return _render(request, match, checkin_form=form)
    try:
        actions.answer_checkin(
            due, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"], by=request.user
        )
    except actions.MatchActionRefused as refusal:
        return _refuse(request, match, str(refusal))
    messages.success(request, "Thank you. Only the program's staff see your answer.")
    return _back(match.pk)


@allow(roles(Role.VOLUNTEER))
def flag(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    """ "This is beyond my competency" or "I have a safety concern": a task for the coordinator."""
    if request.method != "POST":
        return _not_a_post()
    match = _own_match(request, match_id)
    if match.status != MatchStatus.ACTIVE:
        return _refuse(request, match, NOT_ACTIVE)
    kind_value = str(request.POST.get("kind", ""))
    if kind_value not in (TaskKind.BEYOND_COMPETENCY, TaskKind.SAFETY_CONCERN):
        return _refuse(request, match, "Choose what you would like to tell the coordinator.")
    kind = TaskKind(kind_value)
    form = FlagForm(request.POST, auto_id=f"{kind.value}_%s")
    if not form.is_valid():
        return _render(request, match, flag_form=form)
    try:
        actions.flag_match(match, kind=kind, note=form.cleaned_data["note"], by=request.user)
    except actions.MatchActionRefused as refusal:
        return _refuse(request, match, str(refusal))
    messages.success(request, FLAG_THANKS[kind])
    return _back(match.pk)


@allow(roles(Role.VOLUNTEER))
def change(request: AuthenticatedRequest, match_id: UUID) -> HttpResponse:
    """A change of peer, free of judgment; the reason (optional) is for staff only. The first
    POST shows what will happen; only the confirming one ends the match."""
    if request.method != "POST":
        return _not_a_post()
    match = _own_match(request, match_id)
    if match.status != MatchStatus.ACTIVE:
        return _refuse(request, match, NOT_ACTIVE)
    form = ChangeForm(request.POST, auto_id="change_%s")
    if not form.is_valid():
        return _render(request, match, change_form=form)
    if not confirmed(request.POST):
        # Nothing about the participant is on this page (only the volunteer's own words), so
        # there is no view of the match to record.
        return render(request, CONFIRM_CHANGE_TEMPLATE, {"match": match, "change_form": form})
    try:
        actions.request_change_of_peer(
            match, side=Side.VOLUNTEER, reason=form.cleaned_data["reason"], by=request.user
        )
    except actions.MatchActionRefused as refusal:
        return _refuse(request, match, str(refusal))
    messages.success(
        request,
        "Thank you for telling us. The coordinator will find them a new peer. Nothing is "
        "recorded against you.",
    )
    return _back(match.pk)
