"""Reads scoped by the roles a person holds: the one place that says which programs a
coordinator runs, and what an Executive Director may read of the audit log.

Accounts is the lowest layer that knows roles, so every layer above asks here instead of
writing the scope again.
"""

from __future__ import annotations

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Replace

from kindred.accounts.models import (
    PROGRAM_STAFF_ROLES,
    AuthenticatedRequest,
    Membership,
    Role,
    User,
)
from kindred.confidential.models import ActorType, AuditEntry
from kindred.programs.models import Program


def programs_run_by(request: AuthenticatedRequest) -> QuerySet[Program]:
    """The programs this person coordinates or directs; nothing of any other program."""
    return request.user.programs_with_role(*PROGRAM_STAFF_ROLES)


def programs_directed_by(request: AuthenticatedRequest) -> QuerySet[Program]:
    """The programs this person directs as Executive Director."""
    return request.user.programs_with_role(Role.EXECUTIVE_DIRECTOR)


# --- The audit log -----------------------------------------------------------------------------

INSTALLATION_WIDE = ("topic", "keyring")


def _without_hyphens(expression: object) -> Replace:
    # User ids are UUIDs: SQLite stores them as 32 hex digits, PostgreSQL prints them with
    # hyphens, and audit entries hold str(uuid). Comparing without hyphens works on both.
    return Replace(expression, Value("-"), Value(""))  # type: ignore[arg-type]


def audit_entries_for_director(user: User) -> QuerySet[AuditEntry]:
    """What an Executive Director may read: entries about their programs, and installation-wide
    entries (sign-ins, refusals without a program) whose actor belongs to one of their programs.
    Nothing about another program's people or records."""
    programs = list(user.programs_with_role(Role.EXECUTIVE_DIRECTOR).values_list("pk", flat=True))
    members = (
        Membership.objects.filter(program_id__in=programs)
        .annotate(ref=_without_hyphens(Cast("user_id", CharField())))
        .values("ref")
    )
    return (
        AuditEntry.objects.annotate(actor_ref=_without_hyphens("actor_id"))
        .filter(
            Q(program_id__in=programs)
            | Q(program_id__isnull=True, actor_type=ActorType.USER, actor_ref__in=members)
            # Changes every program shares (the topic taxonomy, keys) are shown to every director.
            | Q(program_id__isnull=True, object_type__in=INSTALLATION_WIDE)
        )
        .order_by("-seq")
    )
