"""Reads about programs that every audience shares: the crisis lines a page shows."""

from __future__ import annotations

from kindred.programs.models import CrisisLine, Program

# Shown first in every crisis box, whatever the program: they answer any time, anywhere in Canada.
# Unsaved rows, so templates treat them exactly like a program's own lines.
NATIONAL_CRISIS_LINES = (
    CrisisLine(
        name="Suicide Crisis Helpline",
        number="9-8-8",
        tel="988",
        can_call=True,
        can_text=True,
        hours="Any time, day or night",
    ),
    CrisisLine(
        name="Emergency services",
        number="9-1-1",
        tel="911",
        can_call=True,
        can_text=False,
        hours="If you or someone else is in danger now",
    ),
)


def crisis_lines_for(program: Program | None) -> list[CrisisLine]:
    """The national lines, then the program's own (if it set any). Never empty, never a
    placeholder."""
    own = list(CrisisLine.objects.filter(program=program)) if program is not None else []
    return [*NATIONAL_CRISIS_LINES, *own]
