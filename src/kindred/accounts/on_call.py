"""Who can be reached when something is urgent.

A program is "staffed" when at least one active coordinator or Executive Director of it has a
proven address: they set their password through the link Kindred emailed to that address (an
invitation or a reset), so a usable password means the address reached them. Only staffed
programs are offered on the public forms; `kindred check --database default` fails while a
program that could be offered is not staffed.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from kindred.accounts.models import PROGRAM_STAFF_ROLES, Membership, Role
from kindred.programs.models import Program

# Django marks an unusable password with this prefix (django.contrib.auth.hashers).
_UNUSABLE = "!"


def _reachable_staff() -> QuerySet[Membership]:
    return Membership.objects.filter(
        role__in=PROGRAM_STAFF_ROLES, user__is_active=True, program__isnull=False
    ).exclude(user__password__startswith=_UNUSABLE)


def staffed_programs() -> QuerySet[Program]:
    """Programs with someone on staff who can be alerted: the only ones the public forms offer."""
    return Program.objects.filter(pk__in=_reachable_staff().values("program_id")).order_by("name")


def program_addresses(program: Program) -> list[str]:
    """The program's own coordinators and directors who can be reached."""
    return sorted(
        set(_reachable_staff().filter(program=program).values_list("user__email", flat=True))
    )


def program_staff_addresses(program: Program) -> list[str]:
    """Every coordinator and director of the program, reachable or not (support's match notices
    use it). Urgent alerts use `program_addresses` and then fall back (`intake.alerts`)."""
    return sorted(
        set(
            Membership.objects.filter(program=program, role__in=PROGRAM_STAFF_ROLES).values_list(
                "user__email", flat=True
            )
        )
    )


def installation_on_call_addresses() -> list[str]:
    """Every Executive Director of the installation, plus KINDRED_ONCALL_EMAILS: the fallback
    when a program's own alert cannot be sent."""
    directors = (
        _reachable_staff()
        .filter(role=Role.EXECUTIVE_DIRECTOR)
        .values_list("user__email", flat=True)
    )
    return sorted(set(directors) | set(settings.ONCALL_EMAILS))


def unstaffed_programs() -> QuerySet[Program]:
    """Programs nobody can be alerted about: an urgent request to one would reach only the
    installation's on-call list. `kindred check --database default` and staff home name them."""
    return Program.objects.exclude(pk__in=_reachable_staff().values("program_id")).order_by("name")


def whom_to_call(program_ids: set[int]) -> dict[int, list[str]]:
    """For each program, the addresses of its reachable coordinators and directors, in one query:
    what staff home shows next to an urgent item of a program the viewer does not run."""
    found: dict[int, set[str]] = {pk: set() for pk in program_ids}
    rows = (
        _reachable_staff()
        .filter(program_id__in=program_ids)
        .values_list("program_id", "user__email")
    )
    for program_id, email in rows:
        if program_id is not None:
            found[program_id].add(email)
    return {pk: sorted(emails) for pk, emails in found.items()}
