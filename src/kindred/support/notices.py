"""Discreet emails about matches: no name, no topic, no words anyone wrote; only that there is
something to see after signing in. Sent after the transaction commits, and a failure to send
never undoes what happened (it is logged by class name only)."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction

from kindred.accounts.on_call import program_staff_addresses
from kindred.intake.models import SupportRequest
from kindred.programs.models import Program
from kindred.volunteers.models import VolunteerProfile

logger = logging.getLogger(__name__)

SUBJECT = "Kindred: something new for you"
VOLUNTEER_BODY = (
    "Hello,\n\nThere is something new for you in Kindred. Please sign in to see it.\n\n"
    "This message is sent automatically; please do not reply to it.\n"
)
PARTICIPANT_BODY = (
    "Hello,\n\nThere is an update for you. Please sign in with your reference to see it.\n\n"
    "This message is sent automatically; please do not reply to it.\n"
)
STAFF_SUBJECT = "Kindred: a task is waiting"
STAFF_BODY = (
    "A task is waiting for the program's coordinators in Kindred. Please sign in to see it.\n"
)


def _send_after_commit(subject: str, body: str, recipients: list[str], what: str) -> None:
    recipients = [address for address in recipients if address]
    if not recipients:
        return

    def send() -> None:
        try:
            send_mail(subject, body, None, recipients)
        except Exception as error:
            logger.error("a notice to %s could not be sent (%s)", what, type(error).__name__)

    transaction.on_commit(send)


def tell_volunteer(volunteer: VolunteerProfile) -> None:
    address = volunteer.user.email if volunteer.user_id and volunteer.user else ""
    _send_after_commit(SUBJECT, VOLUNTEER_BODY, [address], "a volunteer")


def tell_participant(support_request: SupportRequest) -> None:
    """Only to the address the participant gave for sign-in codes, if any."""
    _send_after_commit(SUBJECT, PARTICIPANT_BODY, [support_request.sign_in_email], "a participant")


def tell_coordinators(program: Program) -> None:
    _send_after_commit(STAFF_SUBJECT, STAFF_BODY, program_staff_addresses(program), "coordinators")
