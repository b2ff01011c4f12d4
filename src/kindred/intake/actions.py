"""Every write about requests and concerns goes through here; each one is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from kindred.accounts.models import User
from kindred.confidential import audit, keys
from kindred.confidential.models import AuditAction
from kindred.intake import passphrases
from kindred.intake.alerts import alert_on_call
from kindred.intake.models import (
    Channel,
    Concern,
    ConcernStatus,
    ConcernUrgency,
    RequestStatusChange,
    RiskAnswer,
    SupportRequest,
    TriageStatus,
)
from kindred.intake.risk import mentions_risk
from kindred.programs.models import Program

# Sent after a participant asks for their data to be deleted (once per request), so that a
# higher layer (support: a coordinator task) can act without intake importing it.
deletion_requested = Signal()

# Sent inside the transaction that withdraws a request (keyword arguments `support_request` and
# `at`), so that support ends the request's matches in the same transaction: the matches live
# in a higher layer, which hears this rather than being called from here.
request_withdrawn = Signal()


@dataclass(frozen=True)
class Submitted:
    request: SupportRequest
    passphrase: str  # shown once, never stored
    # True only when a mail server accepted an alert naming this request (the program's own
    # staff or the installation's on-call list): the next page may then say "we have alerted".
    # False when it failed, and while a flood holds it for a combined email (`intake.alerts`).
    alerted: bool = False


def is_urgent(risk_answer: str, free_text: str) -> bool:
    """Yes, or not sure, to the direct question, or a risk phrase in what they wrote. "Not sure"
    is treated as yes: a careful call that finds no danger costs far less than a missed one."""
    return risk_answer in (RiskAnswer.YES, RiskAnswer.UNSURE) or mentions_risk(free_text)


def submit_request(
    program: Program,
    *,
    channel: str = Channel.WEB,
    by: User | None = None,
    submission_digest: str | None = None,
    at: datetime | None = None,
    passphrase: str | None = None,
    **fields: Any,
) -> Submitted:
    """Record a request (from the web form, or a coordinator after a phone call), and alert
    on-call staff at once when it is urgent. The request is saved before any email is tried,
    so it is never lost when sending fails."""
    now = at or timezone.now()
    # A given passphrase is for the synthetic demo only; everyone else gets a random one.
    passphrase = passphrase or passphrases.new_passphrase()
    urgent = is_urgent(fields.get("risk_answer", ""), fields.get("free_text", ""))
    for attempt in range(5):
        try:
            with transaction.atomic():
                support_request = SupportRequest(
                    program=program,
                    reference=passphrases.new_reference(),
                    passphrase_hash=passphrases.hash_passphrase(passphrase),
                    channel=channel,
                    urgent=urgent,
                    created_at=now,
                    status_changed_at=now,
                    acknowledged_at=now,
                    # Taken by phone: the coordinator on the call has seen it.
                    first_seen_at=now if by is not None else None,
                    submission_digest=submission_digest,
                    **fields,
                )
                if support_request.sign_in_email:
                    support_request.sign_in_email_index = keys.blind_index(
                        "participant-email", support_request.sign_in_email
                    )
                support_request.save()
                RequestStatusChange.objects.create(
                    request=support_request,
                    to_status=TriageStatus.NEW,
                    changed_by=by,
                    by_participant=by is None,
                    changed_at=now,
                )
                audit.record(
                    AuditAction.CREATE,
                    actor=_actor(by),
                    object_type="support_request",
                    object_id=support_request.pk,
                    program_id=program.pk,
                    purpose=f"{channel} request{' (urgent)' if urgent else ''}",
                )
            break
        except IntegrityError:
            # A reference collision (rare) tries again; a repeated submission does not.
            if (
                submission_digest
                and SupportRequest.objects.filter(submission_digest=submission_digest).exists()
            ):
                raise
            if attempt == 4:
                raise
    # After the commit: the request is kept whatever happens to the email.
    alerted = alert_on_call(support_request) if urgent else False
    return Submitted(support_request, passphrase, alerted)


def mark_seen(item: SupportRequest | Concern, *, by: User) -> bool:
    """Record the first time a member of its program's staff opened a request or a concern: an
    urgent one stays at the top of every staff home page ("Urgent, not yet seen") until then.
    True the first time only."""
    if item.first_seen_at is not None:
        return False
    now = timezone.now()
    with transaction.atomic():
        # Conditional, so two coordinators opening it at once record one first sighting.
        if (
            not type(item)
            .objects.filter(pk=item.pk, first_seen_at__isnull=True)
            .update(first_seen_at=now)
        ):
            return False
        item.first_seen_at = now
        audit.record(
            AuditAction.UPDATE,
            actor=_actor(by),
            object_type="support_request" if isinstance(item, SupportRequest) else "concern",
            object_id=item.pk,
            program_id=item.program_id,
            purpose="first seen by staff",
        )
    return True


def change_status(
    support_request: SupportRequest,
    to: str,
    *,
    by: User | None = None,
    by_participant: bool = False,
    at: datetime | None = None,
) -> SupportRequest:
    now = at or timezone.now()
    with transaction.atomic():
        current = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
        previous = current.status
        if previous == to:
            return support_request
        support_request.status = to
        support_request.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to == TriageStatus.CONTACTED and current.first_contact_at is None:
            support_request.first_contact_at = now
            fields.append("first_contact_at")
        support_request.save(update_fields=fields)
        RequestStatusChange.objects.create(
            request=support_request,
            from_status=previous,
            to_status=to,
            changed_by=by,
            by_participant=by_participant,
            changed_at=now,
        )
        _audit(support_request, AuditAction.UPDATE, by, by_participant, f"status {previous} → {to}")
    return support_request


def withdraw(support_request: SupportRequest) -> SupportRequest:
    """The participant withdraws; whatever was built on the request (its matches) ends in the
    same transaction, through `request_withdrawn`."""
    now = timezone.now()
    with transaction.atomic():
        request_withdrawn.send(sender=SupportRequest, support_request=support_request, at=now)
        return change_status(support_request, TriageStatus.WITHDRAWN, by_participant=True, at=now)


def update_contact(
    support_request: SupportRequest, contact: dict[str, Any], *, by: User | None = None
) -> SupportRequest:
    with transaction.atomic():
        support_request.contact = contact
        support_request.save(update_fields=["contact"])
        _audit(support_request, AuditAction.UPDATE, by, by is None, "contact preferences updated")
    return support_request


def set_sign_in_email(support_request: SupportRequest, email: str) -> SupportRequest:
    with transaction.atomic():
        support_request.sign_in_email = email.strip()
        support_request.sign_in_email_index = (
            keys.blind_index("participant-email", email) if email.strip() else ""
        )
        support_request.save(update_fields=["sign_in_email", "sign_in_email_index"])
        _audit(support_request, AuditAction.UPDATE, None, True, "sign-in email updated")
    return support_request


def request_deletion(support_request: SupportRequest) -> SupportRequest:
    with transaction.atomic():
        if support_request.deletion_requested_at is None:
            support_request.deletion_requested_at = timezone.now()
            support_request.save(update_fields=["deletion_requested_at"])
            _audit(support_request, AuditAction.UPDATE, None, True, "deletion requested")
            transaction.on_commit(
                lambda: deletion_requested.send(
                    sender=SupportRequest, support_request=support_request
                )
            )
    return support_request


def record_export(support_request: SupportRequest, *, what: str) -> None:
    _audit(support_request, AuditAction.EXPORT, None, True, f"participant downloaded {what}")


def submit_concern(
    program: Program,
    *,
    by: User | None = None,
    submission_digest: str | None = None,
    at: datetime | None = None,
    **fields: Any,
) -> Concern:
    now = at or timezone.now()
    with transaction.atomic():
        concern = Concern.objects.create(
            program=program,
            created_at=now,
            status_changed_at=now,
            submission_digest=submission_digest,
            **fields,
        )
        audit.record(
            AuditAction.CREATE,
            actor=_actor(by),
            object_type="concern",
            object_id=concern.pk,
            program_id=program.pk,
            purpose=f"concern ({concern.urgency})",
        )
    if concern.urgency == ConcernUrgency.NOW:
        alert_on_call(concern)
    return concern


def change_concern_status(concern: Concern, to: str, *, by: User) -> Concern:
    with transaction.atomic():
        previous = concern.status
        concern.status = ConcernStatus(to)
        concern.status_changed_at = timezone.now()
        concern.save(update_fields=["status", "status_changed_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=_actor(by),
            object_type="concern",
            object_id=concern.pk,
            program_id=concern.program_id,
            purpose=f"status {previous} → {to}",
        )
    return concern


def _actor(user: User | None) -> audit.Actor:
    return audit.user_actor(user) if user is not None else audit.ANONYMOUS


def _audit(
    support_request: SupportRequest, action: str, by: User | None, by_participant: bool, why: str
) -> None:
    actor = (
        audit.Actor("participant", str(support_request.pk), "participant")
        if by_participant and by is None
        else _actor(by)
    )
    audit.record(
        action,
        actor=actor,
        object_type="support_request",
        object_id=support_request.pk,
        program_id=support_request.program_id,
        purpose=why,
    )
