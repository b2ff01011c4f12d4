"""Every write to accounts and roles goes through here, and each one is audited."""

from __future__ import annotations

from django.db import transaction

from kindred.accounts.models import Membership, Role, User
from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.programs.models import Program


def create_account(
    *,
    email: str,
    full_name: str = "",
    password: str | None = None,
    actor: audit.Actor = audit.SYSTEM,
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit.record(AuditAction.CREATE, actor=actor, object_type="account", object_id=user.pk)
    return user


def grant_role(
    user: User, role: str, program: Program | None = None, *, actor: audit.Actor = audit.SYSTEM
) -> Membership:
    if (role == Role.OPERATOR) != (program is None):
        raise ValueError("operators hold no program; every other role is held in a program")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, program=program, role=role
        )
        if not created:
            return membership
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="membership",
            object_id=membership.pk,
            program_id=program.pk if program else None,
            purpose=f"granted role {role}",
        )
    user.__dict__.pop("_kindred_memberships", None)
    return membership
