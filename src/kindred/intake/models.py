"""Requests for support and concerns about someone else. Everything a person tells us is
encrypted; only what the queue needs to sort (urgency, status, dates, channel) is not."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kindred.confidential.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedModel,
    EncryptedTextField,
)
from kindred.programs.models import Program


class AskerKind(models.TextChoices):
    LAWYER = "lawyer", "Lawyer"
    ARTICLING_STUDENT = "articling_student", "Articling student"
    LAW_STUDENT = "law_student", "Law student"
    JUDGE = "judge", "Judge"
    OTHER = "other_legal_professional", "Other legal professional"


class Channel(models.TextChoices):
    WEB = "web", "Web form"
    PHONE = "phone", "Phone call"


class TriageStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    AWAITING_MATCH = "awaiting_match", "Awaiting a match"
    PROPOSED = "proposed", "A peer proposed"
    MATCHED = "matched", "Matched with a peer"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"
    DUPLICATE = "duplicate", "Duplicate"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


# Still waiting for a peer: these can be proposed to a volunteer.
WAITING_STATUSES = (TriageStatus.NEW, TriageStatus.CONTACTED, TriageStatus.AWAITING_MATCH)
# Open cases: waiting, or with a peer proposed or active (the participant may still withdraw).
OPEN_STATUSES = (*WAITING_STATUSES, TriageStatus.PROPOSED, TriageStatus.MATCHED)


class HowSoon(models.TextChoices):
    TODAY = "today", "Today, if possible"
    THIS_WEEK = "this_week", "This week"
    WHENEVER = "whenever", "Whenever a good match is found"


class RiskAnswer(models.TextChoices):
    NO = "no", "No"
    YES = "yes", "Yes"
    UNSURE = "unsure", "I'm not sure"


class SupportRequest(EncryptedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="requests")
    reference = models.CharField(max_length=7, unique=True)
    passphrase_hash = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(
        max_length=24, choices=TriageStatus.choices, default=TriageStatus.NEW, db_index=True
    )
    urgent = models.BooleanField(default=False, db_index=True)
    # Back from a change of peer or a proposal that did not go ahead: first after urgent ones.
    front_of_queue = models.BooleanField(default=False)
    how_soon = models.CharField(max_length=16, choices=HowSoon.choices, default=HowSoon.WHENEVER)

    # What the person told us: encrypted.
    asker_kind = EncryptedCharField()
    call_me = EncryptedCharField(blank=True, default="")  # what to call them (optional)
    topics = EncryptedJSONField(default=list)  # topic slugs
    free_text = EncryptedTextField(blank=True, default="")
    risk_answer = EncryptedCharField(blank=True, default="")
    # {"gender": {"value": …, "strength": "must"|"nice"}, "identity": {...}, "language": …,
    #  "city": "same"|"different"|"either", "region": …, "career_stage": bool,
    #  "practice_area": "same"|"different"|"either", "practice_area_value": …}
    preferences = EncryptedJSONField(default=dict)
    avoid = EncryptedJSONField(default=list)  # people and firms, as typed
    # {"methods": [...], "phone": …, "email": …, "safe_times": …, "leave_message": bool,
    #  "personal_email_only": bool}
    contact = EncryptedJSONField(default=dict)
    # Optional address for sign-in by emailed code, found through its blind index.
    sign_in_email = EncryptedCharField(blank=True, default="")
    sign_in_email_index = BlindIndexField(blank=True, default="")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    alert_sent_at = models.DateTimeField(null=True, blank=True)
    alert_failed = models.BooleanField(default=False)
    # When a member of staff first opened it: an urgent request nobody has opened yet tops every
    # staff home page of the installation ("Urgent, not yet seen").
    first_seen_at = models.DateTimeField(null=True, blank=True)
    submission_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["program", "status", "urgent", "created_at"], name="request_queue")
        ]

    def __str__(self) -> str:
        return f"request {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_waiting(self) -> bool:
        """Still waiting for a peer (not proposed, not matched, not ended)."""
        return self.status in WAITING_STATUSES


class RequestStatusChange(models.Model):
    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=24, choices=TriageStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=TriageStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_participant = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class ConcernUrgency(models.TextChoices):
    NOW = "now", "I think they may be in danger now"
    SOON = "soon", "Soon: I am worried"
    NOT_URGENT = "not_urgent", "Not urgent"


class ConcernStatus(models.TextChoices):
    NEW = "new", "New"
    IN_HAND = "in_hand", "Being looked at"
    CLOSED = "closed", "Closed"


class Concern(EncryptedModel):
    """Someone worried about a colleague, friend or family member. The caller is never revealed
    to that person without the caller's consent."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="concerns")
    urgency = models.CharField(max_length=16, choices=ConcernUrgency.choices)
    status = models.CharField(
        max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.NEW, db_index=True
    )
    caller_name = EncryptedCharField(blank=True, default="")
    caller_contact = EncryptedCharField()
    about = EncryptedTextField()  # who they are worried about, and why
    may_reveal_caller = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    alert_sent_at = models.DateTimeField(null=True, blank=True)
    alert_failed = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(null=True, blank=True)
    submission_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    def __str__(self) -> str:
        return f"concern {self.pk}"


class AlertRoute(models.TextChoices):
    PROGRAM = "program", "The program's coordinators and director"
    ON_CALL = "on_call", "The installation's on-call list"


class AlertOutcome(models.TextChoices):
    SENT = "sent", "Accepted by the mail server"
    FAILED = "failed", "Sending failed"
    NO_RECIPIENTS = "no_recipients", "Nobody to send to"
    COALESCED = "coalesced", "Held, to be named in one alert with others"


class AlertAttempt(models.Model):
    """Every try to tell a person on staff about an urgent request or concern, kept whatever
    happened: who was tried (a route and a count, never the words), and the outcome."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_attempts",
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, null=True, blank=True, related_name="alert_attempts"
    )
    route = models.CharField(max_length=16, choices=AlertRoute.choices)
    outcome = models.CharField(max_length=16, choices=AlertOutcome.choices)
    recipients = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=80, blank=True, default="")  # an exception class name
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["program", "route", "at"], name="alert_attempt_recent")]

    def __str__(self) -> str:
        return f"alert {self.route} {self.outcome}"
