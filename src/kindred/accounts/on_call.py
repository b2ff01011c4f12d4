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


def installation_on_call_addresses() -> list[str]:
    """Every Executive Director of the installation, plus KINDRED_ONCALL_EMAILS: the fallback
    when a program's own alert cannot be sent."""
    directors = (
        _reachable_staff()
        .filter(role=Role.EXECUTIVE_DIRECTOR)
        .values_list("user__email", flat=True)
    )
    return sorted(set(directors) | set(settings.ONCALL_EMAILS))
