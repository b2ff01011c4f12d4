"""Whether a volunteer may be matched, and if not, why: plain Python, no Django.

`evaluate` is the single rule used everywhere (via `queries.is_matchable`). It checks, in this
order, and names the first condition that fails: status, screening, recovery time, training,
the agreement, a pause, and capacity.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from kindred.volunteers.pipeline import Status


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class TrainingFact:
    module: str
    completed_on: date | None
    validity_months: int

    def expires_on(self) -> date | None:
        if self.completed_on is None:
            return None
        return add_months(self.completed_on, self.validity_months)


@dataclass(frozen=True)
class RecoveryFact:
    topic: str
    declared_years: int | None


@dataclass(frozen=True)
class VolunteerFacts:
    status: str
    missing_screening: tuple[str, ...]
    recovery: tuple[RecoveryFact, ...]
    min_recovery_years: int
    training: tuple[TrainingFact, ...]  # the program's required modules, in order
    current_agreement: int | None  # the version in force, or None if none was published
    signed_agreement: int | None  # the newest version this volunteer signed
    paused_until: date | None
    capacity: int
    open_matches: int


@dataclass(frozen=True)
class Matchability:
    ok: bool
    reason: str

    def __bool__(self) -> bool:
        return self.ok


MATCHABLE = Matchability(True, "matchable")


def evaluate(facts: VolunteerFacts, today: date) -> Matchability:
    def no(reason: str) -> Matchability:
        return Matchability(False, reason)

    if facts.status != Status.ACTIVE:
        return no(f"status is {Status(facts.status).label.lower()}, not active")
    if facts.missing_screening:
        return no(f"screening '{facts.missing_screening[0]}' is not recorded")
    for recovery in facts.recovery:
        if recovery.declared_years is None:
            return no(f"no years in recovery declared for '{recovery.topic}'")
        if recovery.declared_years < facts.min_recovery_years:
            return no(
                f"'{recovery.topic}' needs {facts.min_recovery_years} years in recovery; "
                f"{recovery.declared_years} declared"
            )
    for training in facts.training:
        expires = training.expires_on()
        if expires is None:
            return no(f"training '{training.module}' is not completed")
        if today >= expires:
            return no(f"training '{training.module}' expired on {expires.isoformat()}")
    if facts.current_agreement is not None and facts.signed_agreement != facts.current_agreement:
        return no(f"the current agreement (version {facts.current_agreement}) is not signed")
    if facts.paused_until is not None and today < facts.paused_until:
        return no(f"paused until {facts.paused_until.isoformat()}")
    if facts.open_matches >= facts.capacity:
        return no(f"no capacity left ({facts.open_matches} of {facts.capacity} in use)")
    return MATCHABLE
