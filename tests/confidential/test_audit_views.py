"""The Executive Director's audit log page: audited itself, and scoped to their own programs."""

from __future__ import annotations

import pytest

from kindred.accounts.models import User
from kindred.confidential import audit
from kindred.confidential.models import ActorType, AuditAction, AuditEntry
from kindred.programs.models import Program

pytestmark = pytest.mark.django_db


def test_the_director_sees_their_programs_and_not_another(
    client_as, personas: dict[str, User | None], program: Program, other_program: Program
) -> None:
    coordinator, other = personas["coordinator"], personas["other_coordinator"]
    assert coordinator is not None
    assert other is not None
    # Given work recorded in both programs, and sign-ins by people of each
    mine = audit.record(
        AuditAction.VIEW,
        actor=audit.Actor(ActorType.USER, str(coordinator.pk), "coordinator"),
        object_type="note",
        object_id="mine-1",
        program_id=program.pk,
    )
    theirs = audit.record(
        AuditAction.VIEW,
        actor=audit.Actor(ActorType.USER, str(other.pk), "coordinator"),
        object_type="note",
        object_id="theirs-1",
        program_id=other_program.pk,
    )
    client_as("coordinator")  # signing in writes an installation-wide entry for each
    client_as("other_coordinator")
    own_sign_in = AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN, actor_id=str(coordinator.pk)
    ).get()
    other_sign_in = AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN, actor_id=str(other.pk)
    ).get()

    # When this program's Executive Director opens the audit log
    response = client_as("executive_director").get("/staff/audit/")

    # Then they see their program's entries and its people's sign-ins, nothing of the other
    assert response.status_code == 200
    shown = {entry.seq for entry in response.context["page"]}
    assert mine.seq in shown
    assert own_sign_in.seq in shown
    assert theirs.seq not in shown
    assert other_sign_in.seq not in shown
    # And opening the log was itself recorded
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="audit_log").exists()
    assert "Opening this file is recorded" in response.content.decode()
