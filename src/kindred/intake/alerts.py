"""Telling a person on staff, at once, about an urgent request or a "danger now" concern.

Routes. The program's own coordinators and directors are tried first
(`accounts.on_call.program_addresses`). If there is nobody to send to, or sending raises anything
at all, the installation's on-call list is tried (every Executive Director, plus
KINDRED_ONCALL_EMAILS). Every try is kept as an `AlertAttempt`: the route, the outcome, how many
recipients, the exception's class name; never an address or a word anyone wrote. `alert_sent_at`
is set when a mail server accepted an email naming the item; `alert_failed` only when every route
failed. The emails are discreet: no name, topic, reference or content, and the same subject
whatever they are about.

Coalescing: a flood can neither silence a real alert nor bury staff. Per program:

* up to FLOOD_THRESHOLD (3) individual alert emails go out in any FLOOD_WINDOW (5 minutes), each
  at once, as usual;
* beyond that, and while any item of the program is already held, a new urgent item is *held*:
  recorded with an AlertAttempt of outcome COALESCED, and no email of its own;
* held items go out together in ONE email that says how many are waiting, at most once per
  program per 5 minutes: at once when no such email went out in the last 5 minutes, otherwise
  with the next urgent item of the program after that, or by `kindred send_held_alerts` (cron,
  every minute, until a background worker schedules it).

So during a flood a program's staff receive at most 3 individual emails and 1 combined email in
any 5 minutes, and no urgent item waits much more than 5 minutes for an email that counts it.

Why 3 in 5 minutes: a program receives a few urgent items a week, so three within five minutes is
already far beyond anything real; yet a real cluster (two colleagues writing after the same loss)
still gets its emails one by one, at once. Past that point staff are alerted and at their screens;
every held item is also listed at the top of every staff home page ("Urgent, not yet seen"), so
holding its email hides nothing from a person who looks; and the person who sent it is told to
call first, because `Submitted.alerted` is False while it is held.

Several processes: deciding and sending run in one transaction that first locks the program's
row (PostgreSQL: SELECT … FOR NO KEY UPDATE, which still lets requests be inserted; SQLite: the
IMMEDIATE transaction serializes writers), so two processes never both take the last individual
slot nor both send the same held items. The lock is held while an email is sent, so each try is
bounded by ALERT_SEND_TIMEOUT: two routes stay well under SQLite's 20-second busy timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kindred.accounts.on_call import installation_on_call_addresses, program_addresses
from kindred.intake.models import (
    AlertAttempt,
    AlertOutcome,
    AlertRoute,
    Concern,
    SupportRequest,
)
from kindred.programs.models import Program

logger = logging.getLogger(__name__)

FLOOD_WINDOW = timedelta(minutes=5)
FLOOD_THRESHOLD = 3
ALERT_SEND_TIMEOUT = 8  # seconds per route

ALERT_SUBJECT = gettext_noop("Kindred: a request is waiting")
ALERT_BODY = gettext_noop(
    "An urgent request is waiting.\n\nPlease sign in to Kindred and open the request queue.\n"
)
CONCERN_ALERT_BODY = gettext_noop(
    "An urgent concern about someone is waiting.\n\n"
    "Please sign in to Kindred and open the concerns list.\n"
)

Item = SupportRequest | Concern


class NotAccepted(Exception):
    """The mail backend returned without sending anything."""


def alert_on_call(item: Item) -> bool:
    """Alert staff about one urgent item, now or (in a flood) held for a combined email. True
    only when a mail server accepted an email that counts this item."""
    now = timezone.now()
    program = item.program
    with transaction.atomic():
        _lock(program)
        if _flood(program, now):
            _record(program, [item], AlertRoute.PROGRAM, AlertOutcome.COALESCED, now)
            _send_held_if_due(program, now)
        else:
            _send(program, [item], now, combined=False)
    item.refresh_from_db(fields=["alert_sent_at", "alert_failed"])
    return item.alert_sent_at is not None


def send_held_alerts() -> int:
    """Send the combined email of every program whose held items are due; how many items a
    mail server accepted one for. For `kindred send_held_alerts`."""
    now = timezone.now()
    program_ids = set(held_requests().values_list("program_id", flat=True)) | set(
        held_concerns().values_list("program_id", flat=True)
    )
    counted = 0
    for program in Program.objects.filter(pk__in=program_ids).order_by("pk"):
        with transaction.atomic():
            _lock(program)
            counted += _send_held_if_due(program, now)
    return counted


def held_requests() -> QuerySet[SupportRequest]:
    """Urgent requests waiting for a combined email."""
    was_held = AlertAttempt.objects.filter(request=OuterRef("pk"), outcome=AlertOutcome.COALESCED)
    return SupportRequest.objects.filter(
        Exists(was_held), alert_sent_at__isnull=True, alert_failed=False
    )


def held_concerns() -> QuerySet[Concern]:
    was_held = AlertAttempt.objects.filter(concern=OuterRef("pk"), outcome=AlertOutcome.COALESCED)
    return Concern.objects.filter(Exists(was_held), alert_sent_at__isnull=True, alert_failed=False)


# --- How it decides -----------------------------------------------------------------------------


def _lock(program: Program) -> None:
    # no_key: inserting a request or concern that points at the program must not wait for this.
    Program.objects.select_for_update(no_key=True).filter(pk=program.pk).first()


def _was_held() -> Q:
    """An attempt about an item that had been held: one of a combined email's tries."""
    held = AlertAttempt.objects.filter(outcome=AlertOutcome.COALESCED)
    return Q(Exists(held.filter(request_id=OuterRef("request_id")))) | Q(
        Exists(held.filter(concern_id=OuterRef("concern_id")))
    )


def _sent_since(program: Program, since: datetime) -> QuerySet[AlertAttempt]:
    return AlertAttempt.objects.filter(program=program, outcome=AlertOutcome.SENT, at__gt=since)


def _flood(program: Program, now: datetime) -> bool:
    """Whether a new urgent item of this program is held rather than sent on its own."""
    if held_requests().filter(program=program).exists():
        return True
    if held_concerns().filter(program=program).exists():
        return True
    individual = _sent_since(program, now - FLOOD_WINDOW).exclude(_was_held())
    return individual.count() >= FLOOD_THRESHOLD


def _send_held_if_due(program: Program, now: datetime) -> int:
    """One combined email for the program's held items, unless one went out within the window.
    How many items a mail server accepted it for (0 when none was due or every route failed)."""
    if _sent_since(program, now - FLOOD_WINDOW).filter(_was_held()).exists():
        return 0
    held: list[Item] = [
        *held_requests().filter(program=program).order_by("created_at", "pk"),
        *held_concerns().filter(program=program).order_by("created_at", "pk"),
    ]
    if not held:
        return 0
    return len(held) if _send(program, held, now, combined=True) else 0


# --- How it sends -------------------------------------------------------------------------------


def _body(items: Sequence[Item], *, combined: bool) -> str:
    if combined:
        waiting = ngettext(
            "%(count)d urgent request or concern is waiting without an email of its own.",
            "%(count)d urgent requests or concerns are waiting without an email of their own.",
            len(items),
        ) % {"count": len(items)}
        return (
            "\n\n".join(
                (
                    _("Kindred has received several urgent requests or concerns in a short time."),
                    waiting,
                    _(
                        "Please sign in to Kindred: they are listed at the top of the staff home "
                        "page. While this lasts, Kindred sends at most one email like this every "
                        "5 minutes."
                    ),
                )
            )
            + "\n"
        )
    only = items[0]
    return _(ALERT_BODY) if isinstance(only, SupportRequest) else _(CONCERN_ALERT_BODY)


def _send(program: Program, items: Sequence[Item], now: datetime, *, combined: bool) -> bool:
    """Try the program's staff, then the installation's on-call list; record every try."""
    body = _body(items, combined=combined)
    routes = (
        (AlertRoute.PROGRAM, program_addresses(program)),
        (AlertRoute.ON_CALL, installation_on_call_addresses()),
    )
    for route, recipients in routes:
        if not recipients:
            _record(program, items, route, AlertOutcome.NO_RECIPIENTS, now)
            continue
        try:
            connection = get_connection(timeout=ALERT_SEND_TIMEOUT)
            if not send_mail(_(ALERT_SUBJECT), body, None, recipients, connection=connection):
                raise NotAccepted
        except Exception as error:  # anything at all: the next route is tried
            # The exception's class only: its message may carry an address.
            logger.error(
                "urgent alert for %d item(s) of program %s not sent to the %s route (%s)",
                len(items),
                program.pk,
                route,
                type(error).__name__,
            )
            _record(
                program,
                items,
                route,
                AlertOutcome.FAILED,
                now,
                recipients=len(recipients),
                error=type(error).__name__,
            )
            continue
        _record(program, items, route, AlertOutcome.SENT, now, recipients=len(recipients))
        _mark(items, alert_sent_at=now)
        return True
    logger.error(
        "urgent alert for %d item(s) of program %s reached nobody: every route failed",
        len(items),
        program.pk,
    )
    _mark(items, alert_failed=True)
    return False


def _record(
    program: Program,
    items: Sequence[Item],
    route: str,
    outcome: str,
    now: datetime,
    *,
    recipients: int = 0,
    error: str = "",
) -> None:
    AlertAttempt.objects.bulk_create(
        AlertAttempt(
            program=program,
            request=item if isinstance(item, SupportRequest) else None,
            concern=item if isinstance(item, Concern) else None,
            route=route,
            outcome=outcome,
            recipients=recipients,
            error=error[:80],
            at=now,
        )
        for item in items
    )


def _mark(items: Sequence[Item], **fields: object) -> None:
    SupportRequest.objects.filter(
        pk__in=[item.pk for item in items if isinstance(item, SupportRequest)]
    ).update(**fields)
    Concern.objects.filter(pk__in=[item.pk for item in items if isinstance(item, Concern)]).update(
        **fields
    )
    for item in items:
        for name, value in fields.items():
            setattr(item, name, value)
