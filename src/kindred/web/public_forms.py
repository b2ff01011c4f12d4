"""The guard every public form (no account) shares: the volunteer application, the request for
support and the concern about someone else.

* A one-time submission id in each form; its digest is stored (unique) with what it recorded,
  so a refresh, Back or a double click never records anything twice — in the database, not the
  cache, so no flood can push rate-limit counters out of the cache.
* A honeypot field people never see (nor screen readers announce): whatever fills it is a bot,
  answered like anyone else while nothing is kept.
* A limit per client address and on all submissions together (allauth's limiter, so its
  client-address rules and KINDRED_TRUSTED_PROXY_COUNT apply), answered with 429 and the form as
  typed. Only what would be recorded counts: someone correcting mistakes is never slowed down.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from allauth.core.internal import ratelimit
from django.db import IntegrityError
from django.db.models import Model
from django.http import HttpRequest

SUBMISSION_FIELD = "submission"
HONEYPOT_FIELD = "website"
SUBMISSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
RETRY_AFTER_SECONDS = 600
EVERYONE = "everyone"

TOO_MANY = (
    "Several forms have just been sent from your internet connection, so we have paused new "
    "ones for a little while. Nothing was lost: your answers are still here. Please wait about "
    "ten minutes, then press “{button}” again."
)
SUBMISSION_UNKNOWN = (
    "We could not tell whether this form had been sent before. Your answers are still here: "
    "please press “{button}” again."
)

T = TypeVar("T")


def new_submission_id() -> str:
    return secrets.token_urlsafe(32)


def digest(submission_id: str) -> str:
    return hashlib.sha256(submission_id.encode()).hexdigest()


class AlreadyRecorded(Exception):
    """The same form was recorded by a request that won the race."""


@dataclass
class PublicSubmission:
    """One POST of a public form, and what guards it."""

    request: HttpRequest
    model: type[Model]  # has a unique `submission_digest` column
    app: str
    action: str
    rate: str  # e.g. "5/10m/ip,20/1d/ip,500/1d/key"

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
        manager: Any = self.model._default_manager
        return self.well_formed and manager.filter(submission_digest=self.digest).exists()

    def id_for_the_form(self) -> str:
        """The id to send back with a form shown again: the same one if it was well formed."""
        return self.submission_id if self.well_formed else new_submission_id()

    def consume(self) -> Any:
        """A slot under the rate limits, or None (answer 429). Roll it back if nothing is kept."""
        return ratelimit.consume(
            self.request,
            app=self.app,
            action=self.action,
            config={self.action: self.rate},
            key=EVERYONE,
        )

    def record(self, usage: Any, save: Callable[[], T]) -> T:
        """Run `save`; give the slot back if nothing new was kept. Raises AlreadyRecorded when a
        copy of the same form, sent at the same moment, was recorded instead."""
        try:
            return save()
        except IntegrityError:
            usage.rollback()
            if self.already_recorded():
                raise AlreadyRecorded from None
            raise
        except BaseException:
            usage.rollback()
            raise
