"""What volunteering does when a lower layer tells it something happened."""

from __future__ import annotations

from typing import Any

from kindred.confidential import audit
from kindred.programs.models import Program
from kindred.volunteers.actions import set_up_volunteering


def set_up_new_program(
    sender: type[Program], *, program: Program, actor: audit.Actor, **kwargs: Any
) -> None:
    """`programs.actions.program_created`: every new program gets its default screening
    checklist, training modules and first agreement, in the transaction that created it."""
    set_up_volunteering(program, actor=actor)
