"""Every change to a match, each one audited: propose, the two answers, expiry, contacts,
check-ins, flags, a change of peer and closure.

Capacity is never exceeded: `propose_match` locks the volunteer's row (PostgreSQL) or runs in
SQLite's IMMEDIATE transaction, which takes the database's write lock first, so two proposals
for one volunteer are checked one after the other. A unique constraint also keeps one open
match per request.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from kindred.accounts.models import User
from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.intake import actions as intake_actions
from kindred.intake.models import WAITING_STATUSES, SupportRequest, TriageStatus
from kindred.matching.models import settings_for
from kindred.matching.queries import NotProposable, check_pair
from kindred.support import notices
from kindred.support.match_facts import exclusions_for, pool_changed
from kindred.support.models import (
    OPEN_MATCH_STATUSES,
    PROPOSED_STATUSES,
    Checkin,
    CheckinAnswer,
    ClosureReason,
    ContactLog,
    CoordinatorTask,
    Exclusion,
    ExclusionReason,
    Match,
    MatchStatus,
    Side,
    TaskKind,
)
from kindred.volunteers.models import VolunteerProfile

# Sent after a match ends, by closure or by a change of peer, once the transaction commits.
# Receivers get `match` and `outcome` (a ClosureReason value, or "changed"). The Insights issue
# listens here to invite both people to an anonymous survey.
match_closed = Signal()


class MatchActionRefused(Exception):
    """What someone asked for cannot happen now; the message is safe to show them."""


def _participant(match: Match | SupportRequest) -> audit.Actor:
    request_id = match.request_id if isinstance(match, Match) else match.pk
    return audit.Actor("participant", str(request_id), "participant")


def _record(actor: audit.Actor, action: str, match: Match, purpose: str) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="match",
        object_id=match.pk,
        program_id=match.program_id,
        purpose=purpose,
    )


def _locked(match: Match) -> Match:
    return Match.objects.select_for_update().select_related("request", "volunteer").get(pk=match.pk)


def _task(
    kind: TaskKind, match: Match, note: str = "", *, at: datetime | None = None
) -> CoordinatorTask:
    task = CoordinatorTask.objects.create(
        program_id=match.program_id,
        kind=kind,
        match=match,
        request_id=match.request_id,
        note=note,
        created_at=at or timezone.now(),
    )
    audit.record(
        AuditAction.CREATE,
        object_type="coordinator_task",
        object_id=task.pk,
        program_id=match.program_id,
        purpose=f"task: {kind}",
    )
    notices.tell_coordinators(match.program)
    return task


def _back_to_queue(
    support_request: SupportRequest,
    *,
    by: User | None,
    front: bool,
    by_participant: bool = False,
    at: datetime | None = None,
) -> None:
    """The request waits for a peer again; after a decline, a lapse or a change it goes to the
    front of the queue (after urgent requests). With neither `by` nor `by_participant` the
    program itself moved it (a lapse)."""
    intake_actions.change_status(
        support_request, TriageStatus.AWAITING_MATCH, by=by, by_participant=by_participant, at=at
    )
    if front and not support_request.front_of_queue:
        support_request.front_of_queue = True
        support_request.save(update_fields=["front_of_queue"])


def _exclude(match: Match, reason: ExclusionReason, at: datetime) -> None:
    Exclusion.objects.get_or_create(
        request_id=match.request_id,
        volunteer_id=match.volunteer_id,
        defaults={"reason": reason, "created_at": at},
    )


# ---------------------------------------------------------------------------------------------
# Proposal and consent


def propose_match(
    support_request: SupportRequest,
    volunteer: VolunteerProfile,
    *,
    by: User,
    note_for_volunteer: str = "",
    at: datetime | None = None,
) -> Match:
    """Propose a volunteer to a waiting request: the volunteer is asked first.

    Raises MatchActionRefused (nothing written) when the request is not waiting, already has an
    open proposal, or the pair breaks a hard constraint, including capacity."""
    now = at or timezone.now()
    try:
        with transaction.atomic():
            current = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
            # Locks the volunteer's row until commit: a second proposal waits here, then counts
            # this one among the volunteer's open matches.
            VolunteerProfile.objects.select_for_update().filter(pk=volunteer.pk).first()
            if current.status not in WAITING_STATUSES:
                raise MatchActionRefused("This request is not waiting for a peer.")
            if Match.objects.filter(request=current, status__in=OPEN_MATCH_STATUSES).exists():
                raise MatchActionRefused("This request already has a proposal or an active match.")
            # check_pair reads the volunteer's pool entry from the database, not a cache: every
            # match change wrote its count there before committing, and the volunteer's row
            # lock above makes a concurrent proposal for them wait for this one.
            try:
                score, reasons = check_pair(
                    current, volunteer, excluded=exclusions_for([current.pk])[current.pk], at=now
                )
            except NotProposable as refusal:
                raise MatchActionRefused(str(refusal)) from None
            days = settings_for(current.program).proposal_days
            match = Match.objects.create(
                program_id=current.program_id,
                request=current,
                volunteer=volunteer,
                status=MatchStatus.AWAITING_VOLUNTEER,
                score=score,
                reasons=reasons,
                note_for_volunteer=note_for_volunteer.strip(),
                proposed_by=by,
                proposed_at=now,
                answer_by=now + timedelta(days=days),
            )
            intake_actions.change_status(current, TriageStatus.PROPOSED, by=by, at=now)
            if current.front_of_queue:
                current.front_of_queue = False
                current.save(update_fields=["front_of_queue"])
            _record(audit.user_actor(by), AuditAction.CREATE, match, "proposed to a volunteer")
            # After the audit entry, as in every action: the audit head, then the pool version,
            # always in that order, so two writers never wait for each other in a circle.
            pool_changed(volunteer)
            notices.tell_volunteer(volunteer)
    except IntegrityError:
        # The unique open-match constraint: another coordinator proposed at the same moment.
        raise MatchActionRefused(
            "This request already has a proposal or an active match."
        ) from None
    support_request.refresh_from_db()
    return match


def _lapse_if_overdue(match: Match, now: datetime) -> None:
    if expire_overdue_proposals(at=now, among=Match.objects.filter(pk=match.pk)):
        raise MatchActionRefused("The time to answer this proposal has passed.")


def _still_open(match: Match, expected: MatchStatus, now: datetime) -> Match:
    """The match, locked, if it still waits for this answer. Call `_lapse_if_overdue` first,
    outside the transaction, so a lapse is kept when the answer is refused."""
    current = _locked(match)
    if current.status != expected or current.answer_by <= now:
        raise MatchActionRefused("This proposal has already been answered or withdrawn.")
    return current


def answer_as_volunteer(
    match: Match,
    *,
    accept: bool,
    by: User,
    shares: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Match:
    """Yes or no from the volunteer, with no reason asked. On yes, `shares` is what the
    participant will see of the volunteer's contact details once they accept too."""
    now = at or timezone.now()
    _lapse_if_overdue(match, now)
    with transaction.atomic():
        current = _still_open(match, MatchStatus.AWAITING_VOLUNTEER, now)
        current.volunteer_answered_at = now
        if accept:
            days = settings_for(current.program).proposal_days
            current.status = MatchStatus.AWAITING_PARTICIPANT
            current.volunteer_shares = shares or {}
            current.answer_by = now + timedelta(days=days)
            current.save()
            _record(audit.user_actor(by), AuditAction.UPDATE, current, "volunteer accepted")
            notices.tell_participant(current.request)
        else:
            current.status = MatchStatus.DECLINED_BY_VOLUNTEER
            current.ended_at = now
            current.save()
            _record(audit.user_actor(by), AuditAction.UPDATE, current, "volunteer declined")
            pool_changed(current.volunteer)
            _exclude(current, ExclusionReason.VOLUNTEER_DECLINED, now)
            _back_to_queue(current.request, by=by, front=True, at=now)
            _task(TaskKind.PROPOSAL_DECLINED, current, at=now)
    return current


def answer_as_participant(
    match: Match,
    *,
    accept: bool,
    shares: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Match:
    """Yes or no from the participant. On yes the match is active: each now sees what the other
    chose to share, and both get a private check-in after the program's check-in days."""
    now = at or timezone.now()
    _lapse_if_overdue(match, now)
    with transaction.atomic():
        current = _still_open(match, MatchStatus.AWAITING_PARTICIPANT, now)
        current.participant_answered_at = now
        if accept:
            current.status = MatchStatus.ACTIVE
            current.participant_shares = shares or {}
            current.activated_at = now
            current.save()
            days = settings_for(current.program).checkin_days
            due = timezone.localdate(now) + timedelta(days=days)
            for side in Side:
                Checkin.objects.create(match=current, side=side, due_on=due)
            intake_actions.change_status(
                current.request, TriageStatus.MATCHED, by_participant=True, at=now
            )
            _record(_participant(current), AuditAction.UPDATE, current, "participant accepted")
            notices.tell_volunteer(current.volunteer)
        else:
            current.status = MatchStatus.DECLINED_BY_PARTICIPANT
            current.ended_at = now
            current.save()
            _record(_participant(current), AuditAction.UPDATE, current, "participant declined")
            pool_changed(current.volunteer)
            _exclude(current, ExclusionReason.EARLIER_PEER, now)
            _back_to_queue(current.request, by=None, front=True, by_participant=True, at=now)
            _task(TaskKind.PROPOSAL_DECLINED, current, at=now)
    return current


def _expire(match: Match, now: datetime) -> None:
    match.status = MatchStatus.EXPIRED
    match.ended_at = now
    match.save(update_fields=["status", "ended_at"])
    _record(audit.SYSTEM, AuditAction.UPDATE, match, "proposal lapsed")
    pool_changed(match.volunteer_id)
    _exclude(match, ExclusionReason.LAPSED, now)
    _back_to_queue(match.request, by=None, front=True, at=now)
    _task(TaskKind.PROPOSAL_LAPSED, match, at=now)


def expire_overdue_proposals(
    *, at: datetime | None = None, among: QuerySet[Match] | None = None
) -> int:
    """Lapse every proposal past its answer time, or only those `among` some matches. Run for
    everyone by `kindred expire_proposals`, and by each page that shows proposals for the
    matches it shows (a page view never writes to another program's matches), so no page shows
    a lapsed proposal as open or counts it against a volunteer's capacity."""
    now = at or timezone.now()
    count = 0
    overdue = (Match.objects if among is None else among).filter(
        status__in=PROPOSED_STATUSES, answer_by__lte=now
    )
    for pk in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            current = Match.objects.select_for_update().select_related("request").get(pk=pk)
            if current.status in PROPOSED_STATUSES and current.answer_by <= now:
                _expire(current, now)
                count += 1
    return count


def withdraw_proposal(match: Match, *, by: User, at: datetime | None = None) -> Match:
    """The coordinator takes a proposal back (no exclusion: nobody said no)."""
    now = at or timezone.now()
    with transaction.atomic():
        current = _locked(match)
        if current.status not in PROPOSED_STATUSES:
            raise MatchActionRefused("Only a proposal waiting for an answer can be withdrawn.")
        current.status = MatchStatus.WITHDRAWN
        current.ended_at = now
        current.save(update_fields=["status", "ended_at"])
        _record(audit.user_actor(by), AuditAction.UPDATE, current, "proposal withdrawn")
        pool_changed(current.volunteer)
        if current.request.status == TriageStatus.PROPOSED:
            _back_to_queue(current.request, by=by, front=False, at=now)
    return current


# ---------------------------------------------------------------------------------------------
# An active match


def _active(match: Match) -> Match:
    current = _locked(match)
    if current.status != MatchStatus.ACTIVE:
        raise MatchActionRefused("This match is no longer active.")
    return current


def log_contact(
    match: Match, *, on: date, mode: str, minutes: int, by: User, at: datetime | None = None
) -> ContactLog:
    """That a conversation happened (date, mode, minutes); never what was said. Counts as
    volunteer hours."""
    now = at or timezone.now()
    with transaction.atomic():
        current = _active(match)
        if on > timezone.localdate(now):
            raise MatchActionRefused("The date of a contact cannot be in the future.")
        if current.activated_at and on < timezone.localdate(current.activated_at):
            raise MatchActionRefused("The date is before this match began.")
        if not 1 <= minutes <= 600:
            raise MatchActionRefused("Enter how long it lasted, from 1 to 600 minutes.")
        contact = ContactLog.objects.create(
            match=current,
            volunteer_id=current.volunteer_id,
            on=on,
            mode=mode,
            minutes=minutes,
            logged_at=now,
        )
        _record(audit.user_actor(by), AuditAction.CREATE, current, "contact logged")
    return contact


def answer_checkin(
    checkin: Checkin,
    *,
    answer: str,
    note: str = "",
    by: User | None = None,
    at: datetime | None = None,
) -> Checkin:
    """A private answer to "Is this working for you?", seen only by staff. "No" becomes a
    coordinator task."""
    now = at or timezone.now()
    with transaction.atomic():
        current = Checkin.objects.select_for_update().select_related("match").get(pk=checkin.pk)
        if current.answered_at is not None:
            raise MatchActionRefused("You have already answered this check-in. Thank you.")
        if current.match.status != MatchStatus.ACTIVE:
            raise MatchActionRefused("This match is no longer active.")
        if current.due_on > timezone.localdate(now):
            raise MatchActionRefused("This check-in is not open yet.")
        current.answer = CheckinAnswer(answer).value
        current.note = note.strip()
        current.answered_at = now
        current.save(update_fields=["answer", "note", "answered_at"])
        actor = audit.user_actor(by) if by is not None else _participant(current.match)
        _record(actor, AuditAction.UPDATE, current.match, f"check-in answered ({current.side})")
        if current.answer == CheckinAnswer.NO:
            _task(TaskKind.NOT_WORKING, current.match, at=now)
    return current


def flag_match(
    match: Match, *, kind: TaskKind, note: str = "", by: User, at: datetime | None = None
) -> CoordinatorTask:
    """A volunteer says "this is beyond my competency" or raises a safety concern."""
    if kind not in (TaskKind.BEYOND_COMPETENCY, TaskKind.SAFETY_CONCERN):
        raise MatchActionRefused("Choose what you would like to tell the coordinator.")
    with transaction.atomic():
        current = _active(match)
        task = _task(kind, current, note.strip(), at=at)
        _record(audit.user_actor(by), AuditAction.CREATE, current, f"flag raised: {kind}")
    return task


def _send_closed(match: Match, outcome: str) -> None:
    transaction.on_commit(lambda: match_closed.send(sender=Match, match=match, outcome=outcome))


def request_change_of_peer(
    match: Match,
    *,
    side: Side,
    reason: str = "",
    by: User | None = None,
    at: datetime | None = None,
) -> Match:
    """Either side, at any time, free of judgment. The match ends as "changed", the request
    goes to the front of the queue with this peer excluded, and the coordinator is told. The
    reason (optional) is for staff only; nothing is recorded against the volunteer."""
    now = at or timezone.now()
    with transaction.atomic():
        current = _locked(match)
        if current.status not in (MatchStatus.ACTIVE, MatchStatus.AWAITING_PARTICIPANT):
            raise MatchActionRefused("This match is no longer active.")
        current.status = MatchStatus.CHANGED
        current.ended_at = now
        current.change_asked_by = side
        current.change_reason = reason.strip()
        current.save()
        actor = audit.user_actor(by) if by is not None else _participant(current)
        _record(actor, AuditAction.UPDATE, current, "change of peer asked")
        pool_changed(current.volunteer)
        _exclude(current, ExclusionReason.EARLIER_PEER, now)
        _back_to_queue(current.request, by=by, front=True, by_participant=by is None, at=now)
        _task(TaskKind.CHANGE_OF_PEER, current, at=now)
        _send_closed(current, "changed")
    return current


def close_match(
    match: Match, *, reason: ClosureReason, by: User, at: datetime | None = None
) -> Match:
    """The coordinator closes an active match; the request closes with it (or is marked
    referred elsewhere). Fires `match_closed`."""
    now = at or timezone.now()
    with transaction.atomic():
        current = _active(match)
        current.status = MatchStatus.CLOSED
        current.closure_reason = ClosureReason(reason)
        current.ended_at = now
        current.save(update_fields=["status", "closure_reason", "ended_at"])
        _record(audit.user_actor(by), AuditAction.UPDATE, current, f"closed: {reason}")
        pool_changed(current.volunteer)
        request_status = (
            TriageStatus.REFERRED_ELSEWHERE
            if reason == ClosureReason.REFERRED_ELSEWHERE
            else TriageStatus.CLOSED
        )
        intake_actions.change_status(current.request, request_status, by=by, at=now)
        _send_closed(current, str(reason))
    return current


def end_matches_of_withdrawn_request(support_request: SupportRequest, *, at: datetime) -> None:
    """The participant withdrew: a waiting proposal is withdrawn and an active match closes as
    no longer needed (the volunteer's place is freed at once)."""
    for match in Match.objects.filter(request=support_request, status__in=OPEN_MATCH_STATUSES):
        current = _locked(match)
        was_active = current.status == MatchStatus.ACTIVE
        current.status = MatchStatus.CLOSED if was_active else MatchStatus.WITHDRAWN
        current.closure_reason = ClosureReason.NO_LONGER_NEEDED if was_active else ""
        current.ended_at = at
        current.save(update_fields=["status", "closure_reason", "ended_at"])
        _record(_participant(current), AuditAction.UPDATE, current, "request withdrawn")
        pool_changed(current.volunteer)
        notices.tell_volunteer(current.volunteer)
        if was_active:
            _send_closed(current, str(ClosureReason.NO_LONGER_NEEDED))


def resolve_task(task: CoordinatorTask, *, by: User, at: datetime | None = None) -> CoordinatorTask:
    with transaction.atomic():
        current = CoordinatorTask.objects.select_for_update().get(pk=task.pk)
        if current.resolved_at is None:
            current.resolved_at = at or timezone.now()
            current.resolved_by = by
            current.save(update_fields=["resolved_at", "resolved_by"])
            audit.record(
                AuditAction.UPDATE,
                actor=audit.user_actor(by),
                object_type="coordinator_task",
                object_id=current.pk,
                program_id=current.program_id,
                purpose="task resolved",
            )
    return current


def open_deletion_task(
    sender: object, *, support_request: SupportRequest, **kwargs: object
) -> None:
    """A participant asked for their data to be deleted: a coordinator task on the request (on
    its file and on staff home) until the purge arrives. Listens to intake's
    `deletion_requested`; one open task per request, however often they ask."""
    with transaction.atomic():
        if CoordinatorTask.objects.filter(
            request=support_request, kind=TaskKind.DELETION_REQUESTED, resolved_at__isnull=True
        ).exists():
            return
        task = CoordinatorTask.objects.create(
            program_id=support_request.program_id,
            kind=TaskKind.DELETION_REQUESTED,
            request=support_request,
            created_at=timezone.now(),
        )
        audit.record(
            AuditAction.CREATE,
            object_type="coordinator_task",
            object_id=task.pk,
            program_id=support_request.program_id,
            purpose=f"task: {TaskKind.DELETION_REQUESTED}",
        )
    notices.tell_coordinators(support_request.program)
