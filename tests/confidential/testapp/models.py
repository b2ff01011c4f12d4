"""A model used only by the tests of the confidential core: every kind of encrypted field."""

from __future__ import annotations

from django.db import models

from kindred.confidential.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedModel,
    EncryptedTextField,
)


class Note(EncryptedModel):
    title = models.CharField(max_length=50, blank=True)
    secret_text = EncryptedTextField(blank=True, null=True)
    secret_name = EncryptedCharField(blank=True, default="")
    secret_data = EncryptedJSONField(null=True, blank=True)
    email_index = BlindIndexField(blank=True)

    class Meta:
        app_label = "testapp"

    def __str__(self) -> str:
        return self.title
