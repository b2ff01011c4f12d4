"""The volunteer pipeline's states and the moves between them (plain Python, no Django)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    TRAINING = "training"
    ACTIVE = "active"
    PAUSED = "paused"
    RETIRED = "retired"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# applied → screening → training → active ⇄ paused → retired, plus declined (from any step
# before active). A declined or retired volunteer may be brought back to an earlier step.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.APPLIED: frozenset({Status.SCREENING, Status.DECLINED}),
    Status.SCREENING: frozenset({Status.TRAINING, Status.APPLIED, Status.DECLINED}),
    Status.TRAINING: frozenset({Status.ACTIVE, Status.SCREENING, Status.DECLINED}),
    Status.ACTIVE: frozenset({Status.PAUSED, Status.RETIRED}),
    Status.PAUSED: frozenset({Status.ACTIVE, Status.RETIRED}),
    Status.RETIRED: frozenset({Status.ACTIVE, Status.TRAINING}),
    Status.DECLINED: frozenset({Status.APPLIED}),
}


def can_move(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def next_steps(current: str) -> list[Status]:
    order = list(Status)
    return sorted(TRANSITIONS[Status(current)], key=order.index)
