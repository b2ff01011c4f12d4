"""Reads of volunteer data, scoped to who is asking, and the one `is_matchable` rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest
from kindred.programs.models import Program
from kindred.volunteers.matchability import (
    Matchability,
    RecoveryFact,
    TrainingFact,
    VolunteerFacts,
    evaluate,
)
from kindred.volunteers.models import (
    Agreement,
    AgreementSignature,
    ScreeningItem,
    TrainingModule,
    VolunteerProfile,
    WellbeingCheck,
)

EXPIRING_WITHIN_DAYS = 30


@dataclass(frozen=True)
class ProgramRules:
    """What a program asks of its volunteers, loaded once for any number of them."""

    program: Program
    screening_items: tuple[ScreeningItem, ...]
    modules: tuple[TrainingModule, ...]
    current_agreement: Agreement | None

    @classmethod
    def load(cls, program: Program) -> ProgramRules:
        return cls(
            program=program,
            screening_items=tuple(ScreeningItem.objects.filter(program=program)),
            modules=tuple(TrainingModule.objects.filter(program=program)),
            current_agreement=Agreement.objects.filter(program=program)
            .order_by("-version")
            .first(),
        )


class RulesCache(dict[int, ProgramRules]):
    def for_program(self, program: Program) -> ProgramRules:
        if program.pk not in self:
            self[program.pk] = ProgramRules.load(program)
        return self[program.pk]


def open_match_count(volunteer: VolunteerProfile) -> int:
    """Proposed and active matches: each holds one of the volunteer's places. A list that
    annotates `open_match_total` (kindred.matching.pool) is counted in one query."""
    annotated = getattr(volunteer, "open_match_total", None)
    if annotated is not None:
        return int(annotated)
    # Imported here: matches (the support app) build on volunteers, not the other way round.
    from kindred.support.models import OPEN_MATCH_STATUSES, Match

    return Match.objects.filter(volunteer=volunteer, status__in=OPEN_MATCH_STATUSES).count()


def volunteer_facts(volunteer: VolunteerProfile, rules: ProgramRules) -> VolunteerFacts:
    # Uses the volunteer's prefetched relations when present (see with_matchability_data).
    topics = list(volunteer.topics.all())
    recovery_topics = [topic for topic in topics if topic.requires_recovery_time]
    recorded = {record.item_id for record in volunteer.screening_records.all()}
    missing = tuple(
        item.name
        for item in rules.screening_items
        if item.pk not in recorded and (not item.only_with_recovery_topics or recovery_topics)
    )
    latest_completion: dict[int, date] = {}
    for completion in volunteer.training_completions.all():
        previous = latest_completion.get(completion.module_id)
        if previous is None or completion.completed_on > previous:
            latest_completion[completion.module_id] = completion.completed_on
    training = tuple(
        TrainingFact(module.name, latest_completion.get(module.pk), module.validity_months)
        for module in rules.modules
    )
    signed_versions = [
        signature.agreement.version
        for signature in volunteer.signatures.all()
        if signature.agreement.program_id == rules.program.pk
    ]
    declared = volunteer.recovery_years or {}
    return VolunteerFacts(
        status=volunteer.status,
        missing_screening=missing,
        recovery=tuple(
            RecoveryFact(topic.name, _whole_years(declared.get(topic.slug)))
            for topic in recovery_topics
        ),
        min_recovery_years=rules.program.min_recovery_years,
        training=training,
        current_agreement=rules.current_agreement.version if rules.current_agreement else None,
        signed_agreement=max(signed_versions, default=None),
        paused_until=volunteer.paused_until,
        # A lowered program cap applies at once, whatever capacity a volunteer chose before.
        capacity=min(volunteer.capacity, rules.program.capacity_cap),
        open_matches=open_match_count(volunteer),
    )


def _whole_years(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def is_matchable(
    volunteer: VolunteerProfile, at: datetime | None = None, *, rules: RulesCache | None = None
) -> Matchability:
    """Yes or no, with the reason: the one rule every part of Kindred asks."""
    today = timezone.localdate(at) if at is not None else timezone.localdate()
    cache = rules if rules is not None else RulesCache()
    return evaluate(volunteer_facts(volunteer, cache.for_program(volunteer.program)), today)


def _open_matches_subquery() -> Coalesce:
    # Imported here: matches (the support app) build on volunteers, not the other way round.
    from kindred.support.models import OPEN_MATCH_STATUSES, Match

    open_matches = (
        Match.objects.filter(volunteer=OuterRef("pk"), status__in=OPEN_MATCH_STATUSES)
        .order_by()
        .values("volunteer")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(open_matches), 0)


def with_matchability_data(queryset: QuerySet[VolunteerProfile]) -> QuerySet[VolunteerProfile]:
    """Everything is_matchable reads, fetched in a fixed number of queries for any list size."""
    return (
        queryset.annotate(open_match_total=_open_matches_subquery())
        .select_related("program", "data_key")
        .prefetch_related(
            "topics",
            "screening_records",
            "training_completions",
            Prefetch("signatures", queryset=AgreementSignature.objects.select_related("agreement")),
        )
    )


def programs_run_by(request: AuthenticatedRequest) -> QuerySet[Program]:
    return request.user.programs_with_role(*PROGRAM_STAFF_ROLES)


def volunteers_visible_to_staff(request: AuthenticatedRequest) -> QuerySet[VolunteerProfile]:
    """Volunteers of the programs this coordinator or director runs; nobody else's."""
    return VolunteerProfile.objects.filter(program__in=programs_run_by(request))


def own_profile(request: AuthenticatedRequest) -> VolunteerProfile:
    """The signed-in volunteer's own profile; a volunteer never reaches another's."""
    profile = with_matchability_data(VolunteerProfile.objects.filter(user=request.user)).first()
    if profile is None:
        raise Http404
    return profile


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    topic: str = ""  # a topic slug
    region: str = ""
    language: str = ""
    capacity_left: bool = False
    training_expiring: bool = False


def filtered_volunteers(
    queryset: QuerySet[VolunteerProfile], filters: ListFilters, today: date
) -> QuerySet[VolunteerProfile]:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.topic:
        queryset = queryset.filter(topics__slug=filters.topic)
    if filters.region:
        queryset = queryset.filter(region__iexact=filters.region)
    if filters.language:
        queryset = queryset.filter(languages_text__icontains=f"|{filters.language}|")
    if filters.capacity_left:
        # Capacity left = capacity above open (proposed or active) matches.
        queryset = queryset.annotate(open_match_total=_open_matches_subquery()).filter(
            capacity__gt=F("open_match_total"), program__capacity_cap__gt=F("open_match_total")
        )
    if filters.training_expiring:
        queryset = queryset.filter(
            training_expires_on__gte=today,
            training_expires_on__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
        )
    return queryset.distinct().order_by("status", "applied_at", "pk")


def wellbeing_trend(volunteer: VolunteerProfile) -> list[WellbeingCheck]:
    return list(volunteer.wellbeing_checks.order_by("month"))


def wellbeing_dropped(checks: list[WellbeingCheck]) -> bool:
    """A gentle prompt for the coordinator: the newest answer is low, or fell by 2 or more."""
    if not checks:
        return False
    latest = checks[-1].score
    return latest <= 2 or (len(checks) > 1 and checks[-2].score - latest >= 2)


def volunteers_to_check_in_with(request: AuthenticatedRequest) -> list[VolunteerProfile]:
    """Volunteers whose well-being answers dropped, for the staff home page."""
    candidates = (
        volunteers_visible_to_staff(request)
        .filter(~Q(status__in=["declined", "retired"]), wellbeing_checks__isnull=False)
        .distinct()
        .select_related("data_key")
        .prefetch_related(
            Prefetch("wellbeing_checks", queryset=WellbeingCheck.objects.order_by("month"))
        )
    )
    return [
        volunteer
        for volunteer in candidates
        if wellbeing_dropped(list(volunteer.wellbeing_checks.all()))
    ]
