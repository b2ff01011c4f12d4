"""The participant's peer at /my/peer/: a proposal to answer once a volunteer has said yes, then
how to reach their peer, the check-in, and a change of peer at any time.

Like every page under /my/, these work on the signed-in participant's own request
(`intake.participant_access.own_request`), never on an id in the URL. Until the volunteer has
said yes the participant learns nothing about them; they never see the volunteer's last name;
after a change they are told only that a new peer is being found. Forms carry the id of the
match the participant was shown, so an answer is never applied to a different proposal.

A different peer ends the match for good, so it takes two steps: the first POST shows what will
happen (the reason typed comes back in the form, never in a URL); only the confirming POST calls
the action. Nothing to share is ticked for them: they choose, box by box.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone

from kindred.confidential import audit
from kindred.confidential.access import PARTICIPANT, allow
from kindred.confidential.models import AuditAction
from kindred.intake.models import SupportRequest
from kindred.intake.participant_access import own_request
from kindred.support import actions, queries
from kindred.support.forms import (
    MatchIdForm,
    ParticipantChangeForm,
    ParticipantCheckinForm,
    confirmed,
    participant_share_form,
)
from kindred.support.models import Match, MatchStatus, Side

TEMPLATE = "support/participant/peer.html"
LAPSED = "The time to answer this proposal has passed."
GONE = "This proposal has already been answered or withdrawn."
NOT_ACTIVE = "This match is no longer active."

# Only once the volunteer has said yes does the participant see anything of them.
SHOWN = (MatchStatus.AWAITING_PARTICIPANT, MatchStatus.ACTIVE)

# What the page says when there is no peer to show, by the state of the request's last match.
LOOKING = "looking"
NEW_PEER = "new_peer"
ENDED = "ended"
CLOSED_REQUEST = "closed_request"


def _back() -> HttpResponseRedirect:
    return redirect("support:my_peer")


def _refuse(request: HttpRequest, message: str) -> HttpResponseRedirect:
    messages.warning(request, message)
    return _back()


def _contact(support_request: SupportRequest) -> dict[str, Any]:
    return dict(support_request.contact or {})


def _state(support_request: SupportRequest, match: Match | None) -> str:
    """What to tell a participant with no proposal or peer to show: never anything about a
    volunteer who has not said yes, nor why a match ended or who asked."""
    if match is not None and match.status == MatchStatus.CLOSED:
        return ENDED
    if not support_request.is_open:
        return CLOSED_REQUEST
    # Once they have had a peer, waiting again means a new peer, whatever is under way.
    had_peer = (
        queries.matches_of_participant(support_request).filter(status=MatchStatus.CHANGED).exists()
    )
    return NEW_PEER if had_peer else LOOKING


def _render(
    request: HttpRequest,
    support_request: SupportRequest,
    match: Match | None,
    *,
    share_form: Any = None,
    checkin_form: ParticipantCheckinForm | None = None,
    change_form: ParticipantChangeForm | None = None,
    confirm_change: bool = False,
) -> HttpResponse:
    shown = match if match is not None and match.status in SHOWN else None
    context: dict[str, Any] = {"support_request": support_request, "match": shown}
    if shown is None:
        context["state"] = _state(support_request, match)
        return render(request, TEMPLATE, context)
    audit.record_request(
        request,
        AuditAction.VIEW,
        object_type="match",
        object_id=str(shown.pk),
        program_id=shown.program_id,
    )
    context["peer"] = queries.peer_for_participant(shown)
    if shown.status == MatchStatus.AWAITING_PARTICIPANT:
        choices = queries.participant_share_choices(_contact(support_request))
        context.update(
            share_form=share_form or participant_share_form(choices, shown.pk),
            decline_form=MatchIdForm(initial={"match": shown.pk}, auto_id="decline_%s"),
            leave_message=bool(_contact(support_request).get("leave_message")),
        )
    else:
        due = queries.due_checkin(shown, Side.PARTICIPANT, timezone.localdate())
        context.update(
            their_contact=queries.shared_by_volunteer(shown),
            you_shared=queries.shared_by_participant(shown),
            checkin=due,
            checkin_form=checkin_form
            or ParticipantCheckinForm(initial={"match": shown.pk}, auto_id="checkin_%s"),
            change_form=change_form
            or ParticipantChangeForm(initial={"match": shown.pk}, auto_id="change_%s"),
            confirm_change=confirm_change,
        )
    return render(request, TEMPLATE, context)


def _posted_match(request: HttpRequest, support_request: SupportRequest) -> Match | None:
    """The match named in the form, if it is one of this request's; else None."""
    form = MatchIdForm(request.POST)
    if not form.is_valid():
        return None
    return (
        queries.matches_of_participant(support_request)
        .filter(pk=form.cleaned_data["match"])
        .first()
    )


@allow(PARTICIPANT)
def peer(request: HttpRequest) -> HttpResponse:
    support_request = own_request(request)
    return _render(request, support_request, queries.match_of_participant(support_request))


@allow(PARTICIPANT)
def answer(request: HttpRequest) -> HttpResponse:
    """Yes (with what to share) or no (no reason asked)."""
    if request.method != "POST":
        return _back()
    support_request = own_request(request)
    match = _posted_match(request, support_request)
    # A proposal still waiting for the volunteer is, to the participant, no proposal at all.
    if match is None or match.status == MatchStatus.AWAITING_VOLUNTEER:
        return _refuse(request, GONE)
    queries.lapse_overdue([match])
    if match.status == MatchStatus.EXPIRED:
        return _refuse(request, LAPSED)
    choice = request.POST.get("answer")
    if choice not in ("accept", "decline"):
        return _back()
    accept = choice == "accept"
    shares: dict[str, Any] = {}
    if accept and match.status == MatchStatus.AWAITING_PARTICIPANT:
        contact = _contact(support_request)
        form = participant_share_form(
            queries.participant_share_choices(contact), match.pk, request.POST
        )
        if not form.is_valid():
            return _render(request, support_request, match, share_form=form)
        shares = queries.participant_shares_from(contact, form.cleaned_data["share"])
    try:
        actions.answer_as_participant(match, accept=accept, shares=shares)
    except actions.MatchActionRefused as refusal:
        return _refuse(request, str(refusal))
    if accept:
        messages.success(
            request,
            "Thank you. You are matched with your peer. Below is how to reach them; they can "
            "now see what you chose to share.",
        )
    else:
        messages.success(
            request,
            "Thank you for letting us know. Saying no is fine; we will look for someone else.",
        )
    return _back()


@allow(PARTICIPANT)
def checkin(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _back()
    support_request = own_request(request)
    match = _posted_match(request, support_request)
    if match is None or match.status != MatchStatus.ACTIVE:
        return _refuse(request, NOT_ACTIVE)
    due = queries.due_checkin(match, Side.PARTICIPANT, timezone.localdate())
    if due is None:
        return _refuse(request, "There is no check-in to answer just now.")
    form = ParticipantCheckinForm(request.POST, auto_id="checkin_%s")
    if not form.is_valid():
        return _render(request, support_request, match, checkin_form=form)
    try:
        data = form.cleaned_data
        actions.answer_checkin(due, answer=data["answer"], note=data["note"])
    except actions.MatchActionRefused as refusal:
        return _refuse(request, str(refusal))
    messages.success(request, "Thank you. Only the program's staff see your answer.")
    return _back()


@allow(PARTICIPANT)
def change(request: HttpRequest) -> HttpResponse:
    """A different peer, at any time and free of judgment; the peer is not told why. The first
    POST shows what will happen; only the confirming one ends the match."""
    if request.method != "POST":
        return _back()
    support_request = own_request(request)
    match = _posted_match(request, support_request)
    if match is None or match.status != MatchStatus.ACTIVE:
        return _refuse(request, NOT_ACTIVE)
    form = ParticipantChangeForm(request.POST, auto_id="change_%s")
    if not form.is_valid():
        return _render(request, support_request, match, change_form=form)
    if not confirmed(request.POST):
        return _render(request, support_request, match, change_form=form, confirm_change=True)
    try:
        actions.request_change_of_peer(
            match, side=Side.PARTICIPANT, reason=form.cleaned_data["reason"]
        )
    except actions.MatchActionRefused as refusal:
        return _refuse(request, str(refusal))
    messages.success(
        request,
        "Thank you for telling us. We are finding you a new peer. Your peer is not told why.",
    )
    return _back()
