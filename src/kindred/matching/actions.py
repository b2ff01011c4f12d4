"""Every write to a program's matching settings goes through here, and each one is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import User
from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.matching.models import WEIGHT_FIELDS, MatchingSettings, settings_for
from kindred.programs.models import Program

# What a coordinator may change, in the order the settings page shows it.
SETTINGS_FIELDS = (*WEIGHT_FIELDS, "proposal_days", "checkin_days")


def default_settings() -> dict[str, int]:
    """The documented defaults (engine.Weights and the model's days)."""
    fresh = MatchingSettings()
    return {name: int(getattr(fresh, name)) for name in SETTINGS_FIELDS}


def update_settings(program: Program, *, by: User, **values: int) -> list[str]:
    """Change some of the program's weights and days. Returns the names of the fields that
    changed; when none did, nothing is written and nothing is recorded.

    Raises ValueError for a name that is not a setting, and django's ValidationError for a
    value out of range (the form checks both first; this guards every other caller)."""
    unknown = sorted(set(values) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValueError(f"not matching settings: {', '.join(unknown)}")
    settings_for(program)  # created with the defaults on first use, before it is locked
    with transaction.atomic():
        current = MatchingSettings.objects.select_for_update().get(program=program)
        changed = [
            name
            for name in SETTINGS_FIELDS
            if name in values and getattr(current, name) != values[name]
        ]
        if not changed:
            return []
        for name in changed:
            setattr(current, name, values[name])
        current.updated_at = timezone.now()
        current.full_clean(exclude=["program"])
        current.save(update_fields=[*changed, "updated_at"])
        # The names answer "who changed which weight, and when"; the values are on the page.
        audit.record(
            AuditAction.UPDATE,
            actor=audit.user_actor(by),
            object_type="matching_settings",
            object_id=current.pk,
            program_id=program.pk,
            purpose=f"changed: {', '.join(changed)}",
        )
    return changed
