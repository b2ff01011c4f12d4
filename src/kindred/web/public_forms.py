"""The guard every public form (no account) shares: the volunteer application, the request for
support and the concern about someone else.

* A one-time submission id in each form; its digest is stored (unique) with what it recorded,
  so a refresh, Back or a double click never records anything twice — in the database, not the
  cache, so no flood can push rate-limit counters out of the cache.
* A honeypot field people never see (nor screen readers announce): whatever fills it is a bot,
  answered like anyone else while nothing is kept.
* A limit per client address only (allauth's limiter, so its client-address rules and
  KINDRED_TRUSTED_PROXY_COUNT apply), answered with 429 and the form as typed. Only what would
  be recorded counts: someone correcting mistakes is never slowed down. There is deliberately no
  limit shared by everyone: a flood from many addresses must never close a form to a person at
  risk (issue 9). The views skip the limit altogether for an urgent submission.
* A limiter whose cache fails (a full disk, a database that went away) is never mistaken for
  "too many": `consume` raises SubmissionUnavailable, and the views answer with an honest 503.

`PublicSubmission.receive` runs the whole sequence in one call, in the same order for every
form; each view says only how to show its form, what to record and where to go next.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from allauth.core.internal import ratelimit
from django import forms
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

SUBMISSION_FIELD = "submission"
HONEYPOT_FIELD = "website"
SUBMISSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
RETRY_AFTER_SECONDS = 600
# Errors that mean "we could not store or count this", not "you sent too many".
STORAGE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, OSError)

TOO_MANY = (
    "Several forms have just been sent from your internet connection, so we have paused new "
    "ones for a little while. Nothing was lost: your answers are still here. Please wait about "
    "ten minutes, then press “{button}” again."
)
SUBMISSION_UNKNOWN = (
    "We could not tell whether this form had been sent before. Your answers are still here: "
    "please press “{button}” again."
)
COULD_NOT_SAVE = _(
    "We could not save this, because of a problem on our side. Your answers are still here, "
    "but nothing has reached the program yet. Please try again in a few minutes."
)

T = TypeVar("T")

logger = logging.getLogger(__name__)


def _always() -> bool:
    return True


def new_submission_id() -> str:
    return secrets.token_urlsafe(32)


def digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


class AlreadyRecorded(Exception):
    """The same form was recorded by a request that won the race."""


class CacheWriteFailed(Exception):
    """The cache took no write, without an error of its own (Django's database cache hides a
    full disk this way)."""


class SubmissionUnavailable(Exception):
    """The limiter's cache or the database could not be used: nothing was counted or kept.
    Carries no detail of its own; the cause (chained) names only the failing component."""


def per_address_only(rate: str) -> str:
    """`rate`, refusing any part shared by everyone ("…/key"): one busy address, or a flood
    from many, must never close a public form to someone else."""
    for part in ratelimit.parse_rates(rate):
        if part.per != "ip":
            raise ValueError(f"public form rates are per address only, not {part}")
    return rate


@dataclass
class PublicSubmission:
    """One POST of a public form, and what guards it."""

    request: HttpRequest
    model: type[Model]  # has a unique `submission_digest` column
    app: str
    action: str
    rate: str  # per address only, e.g. "5/10m/ip,20/1d/ip"

    def __post_init__(self) -> None:
        per_address_only(self.rate)

    @property
    def submission_id(self) -> str:
        return str(self.request.POST.get(SUBMISSION_FIELD, ""))

    @property
    def well_formed(self) -> bool:
        return bool(SUBMISSION_SHAPE.fullmatch(self.submission_id))

    @property
    def digest(self) -> str:
        return digest(self.submission_id)

    def is_bot(self) -> bool:
        return bool(self.request.POST.get(HONEYPOT_FIELD))

    def already_recorded(self) -> bool:
        """Raises SubmissionUnavailable when the database cannot be asked."""
        manager: Any = self.model._default_manager
        if not self.well_formed:
            return False
        try:
            return bool(manager.filter(submission_digest=self.digest).exists())
        except STORAGE_ERRORS as error:
            raise SubmissionUnavailable from error

    def id_for_the_form(self) -> str:
        """The id to send back with a form shown again: the same one if it was well formed."""
        return self.submission_id if self.well_formed else new_submission_id()

    def consume(self) -> Any:
        """A slot under the per-address limits, or None (answer 429). Roll it back if nothing
        is kept. Raises SubmissionUnavailable when the limiter's cache cannot be used."""
        try:
            usage = ratelimit.consume(
                self.request,
                app=self.app,
                action=self.action,
                config={self.action: self.rate},
            )
            # allauth reads a cache it cannot lock as "over the limit", and Django's database
            # cache hides a failed write (a full disk) as a lock it cannot take. Tell the two
            # apart with a key nobody else holds: if even that cannot be written, the cache
            # is broken, and the person must not be told to wait.
            if usage is None and not _cache_is_writable():
                raise SubmissionUnavailable from CacheWriteFailed()
        except STORAGE_ERRORS as error:
            raise SubmissionUnavailable from error
        return usage

    def record(self, usage: Any, save: Callable[[], T]) -> T:
        """Run `save`; give the slot back (if any) if nothing new was kept. Raises
        AlreadyRecorded when a copy of the same form, sent at the same moment, was recorded
        instead (or was recorded before a later step failed), and SubmissionUnavailable when
        the database could not store it."""
        try:
            return save()
        except IntegrityError:
            _give_back(usage)
            if self.already_recorded():
                raise AlreadyRecorded from None
            raise
        except STORAGE_ERRORS as error:
            _give_back(usage)
            # A failure after the commit (while alerting, say) must not be reported as "not
            # saved": if the database can tell, say what is true.
            if self.already_recorded():
                raise AlreadyRecorded from None
            raise SubmissionUnavailable from error
        except BaseException:
            _give_back(usage)
            raise

    def receive(
        self,
        form: forms.Form,
        *,
        button: str,
        what: str,
        show: Callable[[str, int], HttpResponse],
        record: Callable[[], T | None],
        done: Callable[[T | None], HttpResponse],
        unavailable: Callable[[str], HttpResponse],
        counted: Callable[[], bool] = _always,
    ) -> HttpResponse:
        """The guard sequence of every public form, in one place and one order:

        1. a bot (honeypot filled) or a form already recorded (refresh, Back, double click) is
           answered like anyone else with `done(None)`, and nothing is kept;
        2. an invalid form is shown again as typed (`show(submission id, status)`);
        3. a missing or malformed submission id: shown again, asking to press `button` again;
        4. unless `counted()` says no (an urgent submission is never paused), a slot under the
           per-address limits, or 429 with the form as typed and a Retry-After;
        5. `record()` keeps it and returns what `done` needs; None means nothing was kept (the
           slot is given back and the form shown again); a copy that won a race is `done(None)`;
        6. when storage or the limiter's cache fails, `unavailable(submission id)` (an honest
           503); the log names `what` and the failing component's exception class only.
        """
        try:
            return self._receive(form, button, show, record, done, counted)
        except SubmissionUnavailable as error:
            logger.error("%s not saved (%s)", what, type(error.__cause__).__name__)
            return unavailable(self.id_for_the_form())

    def _receive(
        self,
        form: forms.Form,
        button: str,
        show: Callable[[str, int], HttpResponse],
        record: Callable[[], T | None],
        done: Callable[[T | None], HttpResponse],
        counted: Callable[[], bool],
    ) -> HttpResponse:
        if self.is_bot() or self.already_recorded():
            return done(None)
        if not form.is_valid():
            return show(self.id_for_the_form(), 200)
        if not self.well_formed:
            form.add_error(None, SUBMISSION_UNKNOWN.format(button=button))
            return show(new_submission_id(), 200)
        usage = None
        if counted():
            usage = self.consume()
            if usage is None:
                form.add_error(None, TOO_MANY.format(button=button))
                response = show(self.submission_id, 429)
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
        try:
            kept = self.record(usage, record)
        except AlreadyRecorded:
            return done(None)
        if kept is None:
            _give_back(usage)
            return show(self.id_for_the_form(), 200)
        return done(kept)


def _give_back(usage: Any) -> None:
    if usage is None:
        return
    # A slot not given back only makes the per-address limit a little stricter.
    with contextlib.suppress(*STORAGE_ERRORS):
        usage.rollback()


def _cache_is_writable() -> bool:
    probe = f"kindred:public-forms:probe:{secrets.token_hex(8)}"
    try:
        written = bool(cache.add(probe, 1, timeout=5))
        if written:
            cache.delete(probe)
    except STORAGE_ERRORS:
        return False
    return written
