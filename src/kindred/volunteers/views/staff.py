"""Coordinators' and Executive Directors' pages about the volunteers of their programs.

Every volunteer is fetched through `get_for` over `volunteers_visible_to_staff`, so a coordinator
of another program gets the same audited 404 as for a volunteer who does not exist. Every write
goes through `kindred.volunteers.actions`, and every page that shows a name is audited.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.accounts.queries import programs_directed_by
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.confidential.models import AuditAction
from kindred.programs.models import Program
from kindred.support.lapsing import lapse_overdue_proposals
from kindred.support.staff_queries import volunteer_matches
from kindred.topics.models import Topic
from kindred.topics.queries import topics_by_slug, topics_from_slugs
from kindred.volunteers import actions, pool
from kindred.volunteers.forms.staff import (
    AgreementForm,
    ScreeningForm,
    StatusChangeForm,
    TrainingForm,
    VolunteerFilterForm,
)
from kindred.volunteers.matchability import Matchability
from kindred.volunteers.models import (
    IDENTITY_FLAGS,
    Agreement,
    DebriefRequest,
    ScreeningItem,
    ScreeningRecord,
    TrainingCompletion,
    TrainingModule,
    VolunteerProfile,
)
from kindred.volunteers.pipeline import Status
from kindred.volunteers.queries import (
    EXPIRING_WITHIN_DAYS,
    ListFilters,
    RulesCache,
    filtered_volunteers,
    is_matchable,
    volunteers_visible_to_staff,
    wellbeing_dropped,
    wellbeing_trend,
    with_matchability_data,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


def expiry_note(expires_on: date | None, today: date) -> str:
    """Words (never colour alone) for a training expiry worth a coordinator's attention."""
    if expires_on is None:
        return ""
    if expires_on <= today:
        return "expired"
    if expires_on <= today + timedelta(days=EXPIRING_WITHIN_DAYS):
        return "expires soon"
    return ""


# --- The list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    volunteer: VolunteerProfile
    matchable: Matchability
    expiry_note: str
    topics: list[Topic]


def filter_choices(visible: QuerySet[VolunteerProfile]) -> tuple[set[str], set[str]]:
    """The regions and languages the visible volunteers gave (in normal form), offered as the
    list's filters. They are sealed on each profile, so they come from each program's decrypted
    pool, which this process keeps: no profile is opened, whatever the number of volunteers."""
    regions: set[str] = set()
    languages: set[str] = set()
    programs = Program.objects.filter(pk__in=visible.order_by().values("program_id"))
    for program in programs.order_by("pk"):
        for entry in pool.snapshot(program).entries:
            regions.add(entry.features.region)
            languages.update(entry.features.languages)
    return regions, languages


@allow(roles(*PROGRAM_STAFF_ROLES))
def volunteer_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every volunteer of the person's programs, filtered; a fixed number of queries per page."""
    today = timezone.localdate()
    visible = volunteers_visible_to_staff(request)
    by_slug = topics_by_slug()
    regions, languages = filter_choices(visible)
    form = VolunteerFilterForm(
        request.GET or None, topics=by_slug.values(), regions=regions, languages=languages
    )
    filters = form.filters()
    volunteers = with_matchability_data(filtered_volunteers(visible, filters, today))
    page = Paginator(volunteers, PAGE_SIZE).get_page(request.GET.get("page"))
    rules = RulesCache()
    # Topics are sealed slugs on each profile: the taxonomy, read once, names them.
    rows = [
        ListRow(
            volunteer=volunteer,
            matchable=is_matchable(volunteer, rules=rules),
            expiry_note=expiry_note(volunteer.training_expires_on, today),
            topics=topics_from_slugs(volunteer.topic_slugs or [], by_slug),
        )
        for volunteer in page
    ]
    # Names are confidential: every volunteer shown is recorded, so the audit log can answer
    # "who saw this volunteer", in one append for the whole page.
    audit.record_many(
        AuditAction.VIEW,
        [audit.Subject("volunteer", row.volunteer.pk, row.volunteer.program_id) for row in rows],
        actor=audit.actor_for(request),
        purpose="listed",
    )
    return render(
        request,
        "volunteers/staff/list.html",
        {
            "form": form,
            "filtered": filters != ListFilters(),
            "page": page,
            "rows": rows,
            "expiring_days": EXPIRING_WITHIN_DAYS,
        },
    )


# --- One volunteer's file -------------------------------------------------------------------


def visible_volunteers_with_data(request: AuthenticatedRequest) -> QuerySet[VolunteerProfile]:
    return with_matchability_data(volunteers_visible_to_staff(request)).select_related("user")


def _fetch(request: AuthenticatedRequest, volunteer_id: UUID) -> VolunteerProfile:
    return get_for(request, visible_volunteers_with_data, object_type="volunteer", pk=volunteer_id)


@dataclass(frozen=True)
class ScreeningRow:
    item: ScreeningItem
    needed: bool
    records: list[ScreeningRecord]


@dataclass(frozen=True)
class TrainingRow:
    module: TrainingModule
    latest: TrainingCompletion | None
    expires_on: date | None
    expiry_note: str


def can_invite(volunteer: VolunteerProfile) -> bool:
    """In training or later, and no account they can sign in with yet (a set-up link that
    expired unused may be sent again)."""
    if volunteer.status not in actions.INVITABLE:
        return False
    return volunteer.user is None or not volunteer.user.has_usable_password()


def _identity(volunteer: VolunteerProfile) -> list[str]:
    if not volunteer.identity_consent:
        return []
    identity = volunteer.identity or {}
    described = [str(identity["gender"])] if identity.get("gender") else []
    return described + [label for key, label in IDENTITY_FLAGS if identity.get(key)]


def _render_detail(
    request: AuthenticatedRequest,
    volunteer: VolunteerProfile,
    *,
    status_form: StatusChangeForm | None = None,
    screening_form: ScreeningForm | None = None,
    training_form: TrainingForm | None = None,
) -> HttpResponse:
    audit.record_request(
        request,
        AuditAction.VIEW,
        object_type="volunteer",
        object_id=volunteer.pk,
        program_id=volunteer.program_id,
    )
    today = timezone.localdate()
    rules = RulesCache()
    program_rules = rules.for_program(volunteer.program)
    topics = topics_from_slugs(volunteer.topic_slugs or [], topics_by_slug())
    has_recovery_topics = any(topic.requires_recovery_time for topic in topics)
    declared_years = volunteer.recovery_years or {}

    records = list(
        ScreeningRecord.objects.filter(volunteer=volunteer).select_related("recorded_by")
    )
    screening = [
        ScreeningRow(
            item=item,
            needed=not item.only_with_recovery_topics or has_recovery_topics,
            records=[record for record in records if record.item_id == item.pk],
        )
        for item in program_rules.screening_items
    ]
    completions = list(
        TrainingCompletion.objects.filter(volunteer=volunteer).select_related("recorded_by")
    )
    training = []
    for module in program_rules.modules:
        done = [c for c in completions if c.module_id == module.pk]
        latest = max(done, key=lambda c: (c.completed_on, c.recorded_at), default=None)
        expires = latest.expires_on(module.validity_months) if latest else None
        training.append(TrainingRow(module, latest, expires, expiry_note(expires, today)))

    current = program_rules.current_agreement
    signatures = sorted(volunteer.signatures.all(), key=lambda s: s.agreement.version, reverse=True)
    current_signature = next(
        (s for s in signatures if current is not None and s.agreement_id == current.pk), None
    )
    checks = wellbeing_trend(volunteer)
    debriefs = list(volunteer.debrief_requests.select_related("data_key"))
    return render(
        request,
        "volunteers/staff/detail.html",
        {
            "volunteer": volunteer,
            "matchable": is_matchable(volunteer, rules=rules),
            "topics": [
                (topic, declared_years.get(topic.slug) if topic.requires_recovery_time else None)
                for topic in topics
            ],
            "identity": _identity(volunteer),
            "status_form": status_form or StatusChangeForm(current=volunteer.status),
            "is_declined": volunteer.status == Status.DECLINED,
            "history": volunteer.status_changes.select_related("changed_by"),
            "screening": screening,
            "screening_form": screening_form or ScreeningForm(program_id=volunteer.program_id),
            "training": training,
            "training_form": training_form or TrainingForm(program_id=volunteer.program_id),
            "current_agreement": current,
            "current_signature": current_signature,
            "last_signature": signatures[0] if signatures else None,
            "can_invite": can_invite(volunteer),
            "invitable_statuses": ", ".join(sorted(Status(s).label for s in actions.INVITABLE)),
            "checks": checks,
            "wellbeing_dropped": wellbeing_dropped(checks),
            "open_debriefs": [d for d in debriefs if d.resolved_at is None],
            "held_debriefs": sum(1 for d in debriefs if d.resolved_at is not None),
            "expiring_days": EXPIRING_WITHIN_DAYS,
            # Status and dates of each match; of the participant, only the request's reference.
            "match_history": volunteer_matches(volunteer),
        },
    )


@allow(roles(*PROGRAM_STAFF_ROLES))
def volunteer_detail(request: AuthenticatedRequest, volunteer_id: UUID) -> HttpResponse:
    volunteer = _fetch(request, volunteer_id)
    # A proposal past its time to answer lapses first: it no longer holds one of their places.
    if lapse_overdue_proposals(volunteer):
        volunteer = _fetch(request, volunteer_id)
    return _render_detail(request, volunteer)


def _back_to(volunteer: VolunteerProfile, section: str) -> HttpResponseRedirect:
    url = reverse("volunteers:staff_detail", kwargs={"volunteer_id": volunteer.pk})
    return HttpResponseRedirect(f"{url}#{section}")


def _refused(request: AuthenticatedRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def change_status(request: AuthenticatedRequest, volunteer_id: UUID) -> HttpResponse:
    volunteer = _fetch(request, volunteer_id)
    form = StatusChangeForm(request.POST, current=volunteer.status)
    if not form.is_valid():
        return _render_detail(request, volunteer, status_form=form)
    to = form.cleaned_data["to_status"]
    try:
        actions.change_status(
            volunteer,
            to,
            by=request.user,
            declined_reason=form.cleaned_data.get("declined_reason", "").strip()
            if to == Status.DECLINED
            else "",
        )
    except ValidationError as error:
        # Usually a page left open while someone else moved the volunteer on.
        _refused(request, error)
        messages.info(request, "The page now shows the volunteer's current status.")
    else:
        messages.success(request, f"Status changed to {Status(to).label.lower()}.")
    return _back_to(volunteer, "status")


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def record_screening(request: AuthenticatedRequest, volunteer_id: UUID) -> HttpResponse:
    volunteer = _fetch(request, volunteer_id)
    form = ScreeningForm(request.POST, program_id=volunteer.program_id)
    if not form.is_valid():
        return _render_detail(request, volunteer, screening_form=form)
    try:
        actions.record_screening(
            volunteer,
            form.cleaned_data["item"],
            completed_on=form.cleaned_data["completed_on"],
            by=request.user,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Recorded: {form.cleaned_data['item'].name}.")
    return _back_to(volunteer, "screening")


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def record_training(request: AuthenticatedRequest, volunteer_id: UUID) -> HttpResponse:
    volunteer = _fetch(request, volunteer_id)
    form = TrainingForm(request.POST, program_id=volunteer.program_id)
    if not form.is_valid():
        return _render_detail(request, volunteer, training_form=form)
    try:
        actions.record_training(
            volunteer,
            form.cleaned_data["module"],
            completed_on=form.cleaned_data["completed_on"],
            by=request.user,
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"Recorded: {form.cleaned_data['module'].name}.")
    return _back_to(volunteer, "training")


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def invite(request: AuthenticatedRequest, volunteer_id: UUID) -> HttpResponse:
    volunteer = _fetch(request, volunteer_id)
    if not can_invite(volunteer):
        messages.error(
            request,
            "This volunteer cannot be invited: they already have an account, or they are not "
            "yet in training.",
        )
        return _back_to(volunteer, "account")
    try:
        actions.invite(volunteer, by=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        _refused(request, error)
    except (smtplib.SMTPException, OSError) as error:
        # The account exists (the action committed it); only the email failed. No address or
        # name in the log.
        # Not logger.exception: an SMTP error's text can quote the recipient's address.
        logger.error(
            "invitation email for volunteer %s could not be sent (%s)",
            volunteer.pk,
            type(error).__name__,
        )
        messages.error(
            request,
            "The account is ready but the email could not be sent. Try again in a few minutes.",
        )
    else:
        messages.success(
            request, "Invitation sent. The link to set a password works once, for 3 days."
        )
    return _back_to(volunteer, "account")


def debriefs_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[DebriefRequest]:
    return DebriefRequest.objects.filter(
        volunteer__in=volunteers_visible_to_staff(request)
    ).select_related("volunteer")


@allow(roles(*PROGRAM_STAFF_ROLES))
@require_POST
def resolve_debrief(request: AuthenticatedRequest, debrief_id: UUID) -> HttpResponse:
    debrief = get_for(
        request, debriefs_visible_to_staff, object_type="debrief_request", pk=debrief_id
    )
    if debrief.resolved_at is not None:
        messages.info(request, "That debrief was already marked as held.")
    else:
        actions.resolve_debrief(debrief, by=request.user)
        messages.success(request, "Marked as held.")
    return _back_to(debrief.volunteer, "debriefs")


# --- The program's agreement (Executive Director) -------------------------------------------


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def publish_agreement(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = get_for(request, programs_directed_by, object_type="program", pk=program_id)
    current = Agreement.objects.filter(program=program).order_by("-version").first()
    current_text = current.text if current else None
    form = AgreementForm(request.POST or None, current_text=current_text)
    if request.method == "POST" and form.is_valid():
        agreement = actions.publish_agreement(program, form.cleaned_data["text"], by=request.user)
        messages.success(
            request,
            f"Version {agreement.version} is published. Every volunteer will be asked to sign it.",
        )
        return redirect("volunteers:staff_agreement", program_id=program.pk)
    context: dict[str, Any] = {
        "program": program,
        "current": current,
        "form": form,
        "volunteers_to_sign": VolunteerProfile.objects.filter(
            program=program, status__in=[Status.ACTIVE, Status.PAUSED, Status.TRAINING]
        ).count(),
    }
    return render(request, "volunteers/staff/agreement.html", context)
