"""Destroying and retiring keys leave their mark in the audit log."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from kindred.confidential.models import AuditAction, AuditEntry
from tests.confidential.testapp.models import Note

pytestmark = pytest.mark.django_db


def test_shredding_is_audited() -> None:
    note = Note.objects.create(title="to shred", secret_text="a synthetic secret")

    note.shred()

    entry = AuditEntry.objects.get(action=AuditAction.SHRED)
    assert entry.object_id == str(note.data_key_id)
    assert entry.object_type == "data_key"


def test_retiring_a_key_is_audited(two_key_versions: Path) -> None:
    call_command("retire_key", "1", stdout=io.StringIO())

    assert AuditEntry.objects.filter(
        action=AuditAction.KEY_ROTATION, purpose="retired key version 1"
    ).exists()
