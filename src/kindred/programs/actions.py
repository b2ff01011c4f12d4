"""Every write to a program goes through here, and each one is audited."""

from __future__ import annotations

import phonenumbers
from django.db import transaction
from django.dispatch import Signal
from django.utils.text import slugify

from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.programs.models import CrisisLine, Program, ProgramKind

# Sent inside the transaction that creates a program (keyword arguments `program` and `actor`):
# higher layers (volunteering: the default checklist, training and agreement) hear it and set
# themselves up, so a new program never exists without them and programs imports none of them.
program_created = Signal()


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
        # Volunteering builds on programs: it hears this and sets up the program's defaults in
        # the same transaction.
        program_created.send(sender=Program, program=program, actor=actor)
    return program


# --- What the public sees: the program's crisis lines and public contact ------------------------
# Audit entries name the line or program and what kind of change it was, never the values: the
# numbers are public, but the log keeps one habit for every table.


# Canadian short codes (211, 811, 988) and text short codes run to six digits; a phone number is
# never that short.
SHORT_CODE_DIGITS = 6
# Read like kindred.web.form_fields.PHONE_REGION (a number without a country code is North
# American); kept here because programs sits below the pages layer and may not import it.
PHONE_REGION = "CA"


def crisis_line_tel(number: str) -> str:
    """The digits a tel: or sms: link dials for a number as people read it. A short code such as
    811 or 9-8-8 stays its digits; anything longer is read by libphonenumber, so
    "1-800-555-0199" dials "+18005550199"."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) <= SHORT_CODE_DIGITS:
        return digits
    try:
        parsed = phonenumbers.parse(number, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return digits
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _next_position(program: Program) -> int:
    last = CrisisLine.objects.filter(program=program).order_by("-position").first()
    return 0 if last is None else last.position + 1


def add_crisis_line(line: CrisisLine, *, actor: audit.Actor = audit.SYSTEM) -> CrisisLine:
    """Saves a new line of `line.program`, last in its list."""
    with transaction.atomic():
        line.tel = crisis_line_tel(line.number)
        line.position = _next_position(line.program)
        line.full_clean()
        line.save()
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type="crisis_line",
            object_id=line.pk,
            program_id=line.program_id,
            purpose="crisis line added",
        )
    return line


def update_crisis_line(line: CrisisLine, *, actor: audit.Actor) -> CrisisLine:
    with transaction.atomic():
        line.tel = crisis_line_tel(line.number)
        line.full_clean()
        line.save()
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="crisis_line",
            object_id=line.pk,
            program_id=line.program_id,
            purpose="crisis line changed",
        )
    return line


def remove_crisis_line(line: CrisisLine, *, actor: audit.Actor) -> None:
    with transaction.atomic():
        line_id, program_id = line.pk, line.program_id
        line.delete()
        audit.record(
            AuditAction.DELETE,
            actor=actor,
            object_type="crisis_line",
            object_id=line_id,
            program_id=program_id,
            purpose="crisis line removed",
        )


def move_crisis_line(line: CrisisLine, *, earlier: bool, actor: audit.Actor) -> None:
    """Swaps `line` with its neighbour above (`earlier`) or below. Positions are renumbered
    0, 1, 2… on the way, so lines saved with equal positions still move one step at a time."""
    with transaction.atomic():
        lines = list(
            CrisisLine.objects.select_for_update()
            .filter(program_id=line.program_id)
            .order_by("position", "pk")
        )
        index = next(i for i, each in enumerate(lines) if each.pk == line.pk)
        other = index - 1 if earlier else index + 1
        if not 0 <= other < len(lines):
            return  # already first (or last): nothing changes, nothing to record
        lines[index], lines[other] = lines[other], lines[index]
        for position, each in enumerate(lines):
            if each.position != position:
                each.position = position
                each.save(update_fields=["position"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="crisis_line",
            object_id=line.pk,
            program_id=line.program_id,
            purpose="crisis line moved up" if earlier else "crisis line moved down",
        )


PUBLIC_CONTACT_FIELDS = ("contact_phone", "contact_email", "contact_hours", "contact_address")


def update_public_contact(program: Program, *, actor: audit.Actor = audit.SYSTEM) -> Program:
    """Saves how the public reaches `program` (the values already set on it by the form)."""
    with transaction.atomic():
        program.full_clean()
        program.save(update_fields=list(PUBLIC_CONTACT_FIELDS))
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="program",
            object_id=program.pk,
            program_id=program.pk,
            purpose="public contact changed",
        )
    return program
