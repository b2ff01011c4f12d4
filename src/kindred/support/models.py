"""Matches and their life: a proposal, consent on both sides, an active match with its contact
log and check-ins, and its end (a change of peer or a closure). Coordinator tasks are what a
match asks of staff.

What the two people share with each other, why someone asked for a change, and what a check-in
said are encrypted. What staff sort and count on (status, dates, reasons as categories, minutes
of contact) is not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kindred.confidential.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedModel,
    EncryptedTextField,
)
from kindred.intake.models import SupportRequest
from kindred.programs.models import Program
from kindred.volunteers.models import VolunteerProfile


class MatchStatus(models.TextChoices):
    AWAITING_VOLUNTEER = "awaiting_volunteer", "Waiting for the volunteer"
    AWAITING_PARTICIPANT = "awaiting_participant", "Waiting for the participant"
    ACTIVE = "active", "Active"
    DECLINED_BY_VOLUNTEER = "declined_by_volunteer", "Declined by the volunteer"
    DECLINED_BY_PARTICIPANT = "declined_by_participant", "Declined by the participant"
    EXPIRED = "expired", "No answer in time"
    WITHDRAWN = "withdrawn", "Withdrawn by the coordinator"
    CHANGED = "changed", "Ended by a change of peer"
    CLOSED = "closed", "Closed"


PROPOSED_STATUSES = (MatchStatus.AWAITING_VOLUNTEER, MatchStatus.AWAITING_PARTICIPANT)
# Open matches hold one of the volunteer's places (capacity) and the request's only open slot.
OPEN_MATCH_STATUSES = (*PROPOSED_STATUSES, MatchStatus.ACTIVE)


class ClosureReason(models.TextChoices):
    COMPLETED = "completed", "Completed"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    UNREACHABLE = "unreachable", "Participant unreachable"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"


class Side(models.TextChoices):
    PARTICIPANT = "participant", "The participant"
    VOLUNTEER = "volunteer", "The volunteer"


class Match(EncryptedModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="matches")
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="matches")
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.PROTECT, related_name="matches"
    )
    status = models.CharField(max_length=32, choices=MatchStatus.choices, db_index=True)

    score = models.PositiveSmallIntegerField(default=0)  # the engine's score when proposed
    # Staff only: the sentences that explained the score when the coordinator proposed.
    reasons = EncryptedJSONField(default=list)
    # The coordinator's own words to the volunteer with the proposal (no name, no contact).
    note_for_volunteer = EncryptedTextField(blank=True, default="")

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField()
    answer_by = models.DateTimeField(help_text="When the proposal lapses without an answer.")
    volunteer_answered_at = models.DateTimeField(null=True, blank=True)
    participant_answered_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    # What each agreed to show the other once both accepted.
    volunteer_shares = EncryptedJSONField(default=dict)  # {"email": …, "phone": …}
    # {"methods": […], "phone": …, "email": …, "safe_times": …, "leave_message": bool}
    participant_shares = EncryptedJSONField(default=dict)

    closure_reason = models.CharField(max_length=24, choices=ClosureReason.choices, blank=True)
    change_asked_by = models.CharField(max_length=16, choices=Side.choices, blank=True)
    change_reason = EncryptedTextField(blank=True, default="")  # staff only, optional

    class Meta:
        ordering = ["-proposed_at", "pk"]
        indexes = [models.Index(fields=["volunteer", "status"], name="match_volunteer_status")]
        constraints = [
            # One proposal or active match per request at a time: a second coordinator's
            # proposal for the same request fails here even if every other check raced.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=[str(s) for s in OPEN_MATCH_STATUSES]),
                name="one_open_match_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"match {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MATCH_STATUSES

    @property
    def is_proposed(self) -> bool:
        return self.status in PROPOSED_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status == MatchStatus.ACTIVE


class ExclusionReason(models.TextChoices):
    EARLIER_PEER = "earlier_peer", "An earlier peer the participant left or declined"
    VOLUNTEER_DECLINED = "volunteer_declined", "The volunteer declined"
    LAPSED = "lapsed", "Proposed before, and the proposal lapsed"


class Exclusion(models.Model):
    """A volunteer who must never again be proposed for this request (a hard constraint)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="exclusions")
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="exclusions"
    )
    reason = models.CharField(max_length=24, choices=ExclusionReason.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "volunteer"], name="exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"exclusion {self.pk}"


class ContactMode(models.TextChoices):
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"
    MESSAGE = "message", "Messages or email"


class ContactLog(models.Model):
    """That a conversation happened: date, mode and length. Never what was said."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="contacts")
    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="contacts"
    )
    on = models.DateField()
    mode = models.CharField(max_length=16, choices=ContactMode.choices)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-logged_at"]

    def __str__(self) -> str:
        return f"contact on {self.on}"


class CheckinAnswer(models.TextChoices):
    YES = "yes", "Yes, it is working"
    NOT_SURE = "not_sure", "I'm not sure"
    NO = "no", "No, not really"


class Checkin(EncryptedModel):
    """A private "Is this working for you?" for one side of an active match; staff only see it."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="checkins")
    side = models.CharField(max_length=16, choices=Side.choices)
    due_on = models.DateField()
    answer = EncryptedCharField(blank=True, default="")
    note = EncryptedTextField(blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["match", "side"], name="checkin_once_per_side")
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk}"


class TaskKind(models.TextChoices):
    BEYOND_COMPETENCY = "beyond_competency", "Beyond the volunteer's competency"
    SAFETY_CONCERN = "safety_concern", "Safety concern"
    CHANGE_OF_PEER = "change_of_peer", "Change of peer asked for"
    NOT_WORKING = "not_working", "A check-in says it is not working"
    PROPOSAL_DECLINED = "proposal_declined", "A proposal was declined"
    PROPOSAL_LAPSED = "proposal_lapsed", "A proposal lapsed"
    DELETION_REQUESTED = "deletion_requested", "The participant asked for deletion"


class CoordinatorTask(EncryptedModel):
    """Something a match needs from the coordinator. The note is the volunteer's or
    participant's own words, encrypted."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=24, choices=TaskKind.choices)
    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["resolved_at", "-created_at", "pk"]
        indexes = [models.Index(fields=["program", "resolved_at"], name="task_open")]

    def __str__(self) -> str:
        return f"task {self.pk}"

    @property
    def urgent(self) -> bool:
        return self.kind == TaskKind.SAFETY_CONCERN
