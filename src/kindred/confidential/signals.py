"""Every EncryptedModel gets its data key just before its first save."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from kindred.confidential.fields import EncryptedModel


@receiver(pre_save)
def give_record_a_data_key(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if isinstance(instance, EncryptedModel) and not raw:
        instance.ensure_data_key()
