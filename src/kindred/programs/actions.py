"""Every write to a program goes through here, and each one is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.programs.models import Program, ProgramKind


def create_program(
    *,
    name: str,
    kind: str = ProgramKind.FORMAL,
    eligible_groups: list[str],
    actor: audit.Actor = audit.SYSTEM,
) -> Program:
    with transaction.atomic():
        program = Program(
            name=name, slug=slugify(name)[:60], kind=kind, eligible_groups=eligible_groups
        )
        program.full_clean()
        program.save()
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type="program",
            object_id=program.pk,
            program_id=program.pk,
        )
        # Imported here: volunteering builds on programs, not the other way round.
        from kindred.volunteers.actions import set_up_volunteering

        set_up_volunteering(program, actor=actor)
    return program
