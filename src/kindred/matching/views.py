"""The coordinator's matching pages: the ranked, explained candidates for one request (and the
proposal), the best plan for everyone waiting, and the program's weights.

The engine proposes and explains; the coordinator decides. Requests and volunteers are read
through the staff scopes (`requests_visible_to_staff`, `volunteers_visible_to_staff`) and one
request is fetched with `get_for`, so a coordinator of another program gets the same audited 404
as for a request that does not exist. Every proposal goes through
`kindred.support.actions.propose_match`, every change of weights through
`kindred.matching.actions.update_settings`. The candidates and the plan show names and what a
participant asked for, so each showing records a VIEW of every request and volunteer on it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest
from kindred.accounts.queries import programs_run_by
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.confidential.models import AuditAction
from kindred.intake import one_time
from kindred.intake.descriptions import describe_preferences, waited
from kindred.intake.models import WAITING_STATUSES, SupportRequest
from kindred.intake.queries import requests_visible_to_staff
from kindred.matching import actions
from kindred.matching.forms import (
    MatchingSettingsForm,
    ProposeForm,
    SendPlanForm,
    choice_name,
)
from kindred.matching.models import settings_for
from kindred.matching.queries import Candidate, PlanRow, Ranking, plan_for_waiting, rank_for
from kindred.programs.models import Program
from kindred.support.actions import MatchActionRefused, propose_match
from kindred.support.lapsing import lapse_overdue_proposals
from kindred.support.match_facts import exclusions_for, waiting_for_a_plan
from kindred.support.models import OPEN_MATCH_STATUSES, Match
from kindred.volunteers.models import IDENTITY_FLAGS, VolunteerProfile
from kindred.volunteers.queries import volunteers_visible_to_staff
from kindred.web.form_fields import looks_like_an_id

logger = logging.getLogger(__name__)

# The plan's outcome, shown once on the page after "Send these proposals". It names references
# and the reasons a proposal was refused (which can name a topic or a language), so it is sealed
# in the session rather than carried in a message cookie.
PLAN_REPORT = "kindred_matching_plan_report"
# Requests planned at once, in queue order: the rest wait for the next plan.
PLAN_LIMIT = 500


def _roles_in(request: AuthenticatedRequest, program_id: int) -> str:
    """The roles held in this program: what a participant sees of who opened their request."""
    held = request.user.roles_in(program_id)
    return ",".join(role for role in held if role in PROGRAM_STAFF_ROLES)


def _record_views(
    request: AuthenticatedRequest,
    program_id: int,
    requests: list[SupportRequest],
    volunteers: list[VolunteerProfile],
    purpose: str,
) -> None:
    """One VIEW entry per request and per volunteer shown, in one append."""
    subjects = [audit.Subject("support_request", item.pk, item.program_id) for item in requests]
    seen: set[Any] = set()
    for volunteer in volunteers:
        if volunteer.pk not in seen:
            seen.add(volunteer.pk)
            subjects.append(audit.Subject("volunteer", volunteer.pk, volunteer.program_id))
    audit.record_many(
        AuditAction.VIEW,
        subjects,
        actor=audit.actor_for(request, role=_roles_in(request, program_id)),
        purpose=purpose,
    )


def _match_url(match: Match) -> str:
    # The match's staff page belongs to the support app; until it exists the status is shown
    # as text only.
    try:
        return reverse("support_staff:match", kwargs={"match_id": match.pk})
    except NoReverseMatch:
        return ""


# --- Candidates for one request -------------------------------------------------------------


def _visible_requests(request: AuthenticatedRequest) -> QuerySet[SupportRequest]:
    return requests_visible_to_staff(request).select_related("data_key", "program")


def _fetch(request: AuthenticatedRequest, request_id: UUID) -> SupportRequest:
    return get_for(request, _visible_requests, object_type="support_request", pk=request_id)


def _proposable(
    request: AuthenticatedRequest, support_request: SupportRequest
) -> QuerySet[VolunteerProfile]:
    """Whom this coordinator may propose for this request: the volunteers they may see, of the
    request's own program (propose_match then checks every hard constraint)."""
    return volunteers_visible_to_staff(request).filter(program_id=support_request.program_id)


@dataclass(frozen=True)
class ShownCandidate:
    rank: int
    candidate: Candidate
    form: ProposeForm
    has_problem: bool


def _render_candidates(
    request: AuthenticatedRequest,
    support_request: SupportRequest,
    *,
    posted: ProposeForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page; after a POST that failed, `posted` keeps what was typed for that volunteer and
    `problem` says why nothing was sent."""
    open_match = (
        Match.objects.filter(request=support_request, status__in=OPEN_MATCH_STATUSES)
        .select_related("volunteer", "volunteer__data_key")
        .first()
    )
    ranking: Ranking = rank_for(
        support_request, excluded=exclusions_for([support_request.pk])[support_request.pk]
    )
    is_waiting = support_request.status in WAITING_STATUSES
    posted_id = str(posted.data.get("volunteer", "")) if posted is not None else ""
    shown = []
    for index, candidate in enumerate(ranking.candidates, start=1):
        mine = posted is not None and posted_id == str(candidate.volunteer.pk)
        form = (
            posted
            if mine and posted is not None
            else ProposeForm(
                auto_id=f"id_%s_{index}",
                initial={"volunteer": str(candidate.volunteer.pk)},
                volunteers=_proposable(request, support_request),
            )
        )
        shown.append(ShownCandidate(index, candidate, form, mine))
    can_propose = is_waiting and open_match is None and ranking.has_topic
    # What went wrong is shown in the posted volunteer's own form when it is on the page; if
    # it is not (no longer a candidate, or proposals are closed), in the page's summary, with
    # the note that was typed kept there to copy.
    in_its_form = can_propose and any(item.has_problem for item in shown)
    kept_note = ""
    if posted is not None and not in_its_form:
        kept_note = str(posted.data.get("note_for_volunteer", ""))
        if not problem:
            problem = " ".join(str(e) for errors in posted.errors.values() for e in errors)
    _record_views(
        request,
        support_request.program_id,
        [support_request],
        [c.volunteer for c in ranking.candidates]
        + [o.volunteer for o in ranking.left_out]
        + ([open_match.volunteer] if open_match else []),
        purpose="candidates",
    )
    slugs = [str(slug) for slug in support_request.topics or []]
    names = ranking.topic_names
    return render(
        request,
        "matching/candidates.html",
        {
            "item": support_request,
            "ranking": ranking,
            "shown": shown,
            "open_match": open_match,
            "open_match_url": _match_url(open_match) if open_match else "",
            "can_propose": can_propose,
            "is_waiting": is_waiting,
            "topics": [names.get(slug, slug) for slug in slugs],
            "preferences": describe_preferences(support_request.preferences, dict(IDENTITY_FLAGS)),
            "problem": problem,
            "problem_anchor": next(
                (f"candidate-{item.rank}" for item in shown if item.has_problem), ""
            ),
            "kept_note": kept_note,
        },
        status=status,
    )


@allow(roles(*PROGRAM_STAFF_ROLES))
def candidates(request: AuthenticatedRequest, request_id: UUID) -> HttpResponse:
    """The best volunteers for one request, each with the sentences that make up its score,
    and who was left out and why."""
    support_request = _fetch(request, request_id)
    # A lapsed proposal must not be shown as open, nor hold a volunteer's place.
    if lapse_overdue_proposals(support_request.program):
        support_request.refresh_from_db()
    return _render_candidates(request, support_request)


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def propose(request: AuthenticatedRequest, request_id: UUID) -> HttpResponse:
    """Propose one volunteer."""
    support_request = _fetch(request, request_id)
    if lapse_overdue_proposals(support_request.program):
        support_request.refresh_from_db()
    form = ProposeForm(
        request.POST,
        volunteers=_proposable(request, support_request),
        auto_id="id_%s_posted",
    )
    if not form.is_valid() or form.chosen is None:  # a valid form has always chosen one
        return _render_candidates(request, support_request, posted=form)
    try:
        propose_match(
            support_request,
            form.chosen,
            by=request.user,
            note_for_volunteer=form.cleaned_data["note_for_volunteer"],
        )
    except MatchActionRefused as refusal:
        # 409: nothing was written because of the state of things (capacity, an open match,
        # a status), not because of what was typed.
        return _render_candidates(
            request, support_request, posted=form, problem=str(refusal), status=409
        )
    days = settings_for(support_request.program).proposal_days
    messages.success(
        request,
        f"Proposal sent. The volunteer has {days} day{'' if days == 1 else 's'} to answer.",
    )
    url = reverse("intake:staff_detail", kwargs={"request_id": support_request.pk})
    return HttpResponseRedirect(f"{url}#peer")


# --- Programs: the plan and the settings are per program ------------------------------------


@dataclass(frozen=True)
class ProgramChoice:
    program: Program
    programs: list[Program]

    @property
    def many(self) -> bool:
        return len(self.programs) > 1

    def url(self, name: str) -> str:
        return f"{reverse(name)}?program={self.program.pk}"

    @property
    def url_plan(self) -> str:
        return self.url("matching:plan")

    @property
    def url_settings(self) -> str:
        return self.url("matching:settings")


def _chosen_program(request: AuthenticatedRequest) -> ProgramChoice:
    """The program named by ?program= (a program id is not confidential), or the first of the
    programs this person runs. Anyone else's program is the same audited 404 as none."""
    programs = list(programs_run_by(request).order_by("name", "pk"))
    wanted = request.GET.get("program", "")
    if wanted:
        program = get_for(
            request,
            programs_run_by,
            object_type="program",
            # A value that is not an id never reaches the database (nor overflows it).
            pk=wanted if looks_like_an_id(wanted) else 0,
        )
    elif programs:
        program = programs[0]
    else:
        raise Http404
    return ProgramChoice(program, programs)


# --- The plan for everyone waiting ----------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class ShownRow:
    row: PlanRow
    waiting: str
    field_name: str
    options: list[Option]


def _describe(volunteer: VolunteerProfile) -> str:
    return f"{volunteer.first_name} ({volunteer.region}, {volunteer.get_member_type_display()})"


def _options(row: PlanRow) -> list[Option]:
    options = []
    if row.chosen is not None:
        options.append(
            Option(
                str(row.chosen.volunteer.pk),
                f"{_describe(row.chosen.volunteer)}: {row.chosen.score} points (suggested)",
                True,
            )
        )
    options += [
        Option(str(c.volunteer.pk), f"{_describe(c.volunteer)}: {c.score} points", False)
        for c in row.alternatives
    ]
    options.append(Option("", "Don't propose now", row.chosen is None))
    return options


def _send(request: AuthenticatedRequest, choice: ProgramChoice) -> HttpResponse:
    plan_url = choice.url("matching:plan")
    form = SendPlanForm(
        request.POST,
        requests=requests_visible_to_staff(request).filter(program=choice.program),
        volunteers=volunteers_visible_to_staff(request).filter(program=choice.program),
    )
    if not form.is_valid():
        errors = " ".join(str(error) for error in form.non_field_errors())
        messages.error(request, f"{errors} Nothing was sent.")
        return redirect(plan_url)
    lapse_overdue_proposals(choice.program)
    sent: list[str] = []
    refused: list[list[str]] = []
    for support_request, volunteer in form.pairs:
        # Each proposal is its own transaction: one refused (capacity, say) leaves the others.
        try:
            propose_match(support_request, volunteer, by=request.user)
        except MatchActionRefused as refusal:
            refused.append([support_request.reference, str(refusal)])
        except DatabaseError as error:
            # Not logger.exception: nothing of the request belongs in a log.
            logger.error(
                "proposal for request %s failed (%s)", support_request.pk, type(error).__name__
            )
            refused.append([support_request.reference, "It could not be sent just now. Try again."])
        else:
            sent.append(support_request.reference)
    report = {
        "sent": sent,
        "refused": refused,
        "not_now": [item.reference for item in form.not_now],
    }
    summary = f"{len(sent)} proposal{'' if len(sent) == 1 else 's'} sent."
    if refused:
        summary += f" {len(refused)} could not be sent: the reasons are below."
        messages.warning(request, summary)
    else:
        messages.success(request, summary)
    response = redirect(plan_url)
    one_time.stash(request, response, PLAN_REPORT, report)
    return response


@allow(roles(*PROGRAM_STAFF_ROLES))
def plan(request: AuthenticatedRequest) -> HttpResponse:
    """The page "Suggest for everyone waiting": the plan with the highest total score, which
    the coordinator may change row by row before anything is sent."""
    choice = _chosen_program(request)
    if request.method == "POST":
        return _send(request, choice)
    report = one_time.take(request, PLAN_REPORT)
    lapse_overdue_proposals(choice.program)
    waiting = list(waiting_for_a_plan(choice.program)[:PLAN_LIMIT])
    suggested = plan_for_waiting(
        choice.program, waiting, excluded=exclusions_for([item.pk for item in waiting])
    )
    now = timezone.now()
    rows = [
        ShownRow(row, waited(row.request.created_at, now), choice_name(row.request), _options(row))
        for row in suggested.rows
    ]
    shown_volunteers = [
        candidate.volunteer
        for row in suggested.rows
        for candidate in ((row.chosen,) if row.chosen else ()) + row.alternatives
    ]
    _record_views(
        request,
        choice.program.pk,
        [row.request for row in suggested.rows],
        shown_volunteers,
        purpose="matching plan",
    )
    response = render(
        request,
        "matching/plan.html",
        {
            "choice": choice,
            "plan": suggested,
            "rows": rows,
            "proposable": any(len(row.options) > 1 for row in rows),
            "proposal_days": settings_for(choice.program).proposal_days,
            "report": report,
        },
    )
    if report is not None:
        one_time.forget(response, PLAN_REPORT)
    return response


# --- The program's weights and days ---------------------------------------------------------


@allow(roles(*PROGRAM_STAFF_ROLES))
def matching_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The program's weights and days. Weights are not confidential: no VIEW is recorded, and
    every change is (update_settings)."""
    choice = _chosen_program(request)
    current = settings_for(choice.program)
    saved = {name: int(getattr(current, name)) for name in actions.SETTINGS_FIELDS}
    if request.method == "POST" and "restore" in request.POST:
        changed = actions.update_settings(
            choice.program, by=request.user, **actions.default_settings()
        )
        messages.success(
            request,
            "The defaults are restored." if changed else "These were already the defaults.",
        )
        return redirect(choice.url("matching:settings"))
    form = MatchingSettingsForm(request.POST if request.method == "POST" else None, initial=saved)
    if request.method == "POST" and form.is_valid():
        changed = actions.update_settings(choice.program, by=request.user, **form.values())
        messages.success(request, "Saved." if changed else "Nothing changed.")
        return redirect(choice.url("matching:settings"))
    return render(
        request,
        "matching/settings.html",
        {
            "choice": choice,
            "form": form,
            "current": current,
            "defaults": actions.default_settings(),
            "is_default": saved == actions.default_settings(),
        },
    )
