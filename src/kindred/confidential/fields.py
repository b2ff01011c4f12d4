"""Encrypted model fields, and the abstract model that gives each record its own data key.

Values are sealed in `pre_save` (where the row and its data key are known) and opened lazily on
first attribute access (where the instance is known); the database only ever sees ciphertext.
Encrypted fields cannot be searched: use a `BlindIndexField` for the few exact look-ups needed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import FieldError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from kindred.confidential import crypto, keys, shredding
from kindred.confidential.logging import remember_plaintext
from kindred.confidential.models import DataKey


class Sealed:
    """A ciphertext as loaded from the database, not yet opened."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<sealed>"


class Ciphertext(str):
    """A value already sealed for the database (what `pre_save` hands to the query)."""


class EncryptedModel(models.Model):
    """Base for every model with encrypted fields: a UUID key known before the first save (the
    ciphertext is bound to the row) and a data key of its own (crypto-shredding per record)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.ForeignKey(
        DataKey, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )

    class Meta:
        abstract = True

    def ensure_data_key(self) -> None:
        if self.data_key_id is None:
            data_key, raw = keys.build_data_key()
            data_key.save(force_insert=True)
            self.data_key = data_key
            self._kindred_raw_key = raw

    def raw_data_key(self) -> bytes:
        raw: bytes | None = getattr(self, "_kindred_raw_key", None)
        if raw is None:
            if self.data_key is None:
                raise crypto.DecryptionError(f"{self._meta.db_table} row {self.pk} has no data key")
            raw = keys.unwrap(self.data_key)
            self._kindred_raw_key = raw
        return raw

    def forget_raw_data_key(self) -> None:
        self.__dict__.pop("_kindred_raw_key", None)

    def shred(self) -> None:
        """Destroy this record's data key: its encrypted fields are gone, in every copy."""
        if self.data_key is not None:
            shredding.shred(self.data_key)
        self.forget_raw_data_key()

    @classmethod
    def prepare_for_bulk_create(cls, objects: Sequence[EncryptedModel]) -> None:
        """Give unsaved records their data keys in one insert (bulk_create skips `save`)."""
        pending = [obj for obj in objects if obj.data_key_id is None]
        pairs = list(keys.data_keys_for(len(pending)))
        DataKey.objects.bulk_create([data_key for data_key, _ in pairs])
        for obj, (data_key, raw) in zip(pending, pairs, strict=True):
            obj.data_key = data_key
            obj._kindred_raw_key = raw


class EncryptedAttribute(DeferredAttribute):
    """Opens the sealed value the first time the attribute is read, then keeps the plaintext."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open_for(instance, value.token)  # type: ignore[attr-defined]
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # A data descriptor (unlike DeferredAttribute), so reads always pass through __get__.
        instance.__dict__[self.field.attname] = value


class _EncryptedMixin:
    descriptor_class = EncryptedAttribute
    attname: str
    name: str

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Sealed(value)

    def _context(self, instance: EncryptedModel) -> crypto.FieldContext:
        if instance.pk is None:
            raise FieldError("encrypted fields need a primary key known before saving")
        return crypto.FieldContext(
            table=instance._meta.db_table,
            row=str(instance.pk),
            field=self.name,
            data_key_id=str(instance.data_key_id),
        )

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        if not isinstance(model_instance, EncryptedModel):
            raise FieldError(f"{self.name}: encrypted fields belong on an EncryptedModel")
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        if model_instance.data_key_id is None:
            raise FieldError(
                "a record with encrypted fields needs a data key: save it with save(), or call "
                "prepare_for_bulk_create() before bulk_create()"
            )
        plaintext = self.encode_value(value)
        # A value being written is as confidential as one read back: keep it out of log lines.
        remember_plaintext(value)
        return Ciphertext(
            crypto.seal(model_instance.raw_data_key(), plaintext, self._context(model_instance))
        )

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Ciphertext):
            return value if value is None else str(value)
        if isinstance(value, Sealed):
            return value.token
        raise FieldError(f"{self.name} is encrypted: write it through save(), never an update()")

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.name} is encrypted and cannot be searched")

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        raise FieldError(
            f"{self.name} is encrypted and cannot be searched; use a blind index for exact look-ups"
        )

    def open_for(self, instance: EncryptedModel, token: str) -> Any:
        plaintext = crypto.open_sealed(instance.raw_data_key(), token, self._context(instance))
        value = self.decode_value(plaintext)
        remember_plaintext(value)
        return value

    def value_to_string(self, obj: Any) -> str:
        # Serialisation (dumpdata) must never write plaintext.
        raise FieldError(f"{self.name} is encrypted and is never serialised")

    # Each concrete field says how its values become bytes and back.
    encode_value: Callable[[Any], bytes]
    decode_value: Callable[[bytes], Any]


class EncryptedTextField(_EncryptedMixin, models.TextField):
    def encode_value(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode_value(self, data: bytes) -> str:
        return data.decode("utf-8")


class EncryptedCharField(EncryptedTextField):
    """Encrypted text with a single-line form widget and a length limit checked on input."""

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class EncryptedJSONField(_EncryptedMixin, models.JSONField):
    def encode_value(self, value: Any) -> bytes:
        return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True).encode("utf-8")

    def decode_value(self, data: bytes) -> Any:
        return json.loads(data)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Sealed(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return self.get_prep_value(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return self.get_prep_value(value)


class BlindIndexField(models.CharField):
    """An HMAC-SHA256 of a normalized value under the keyring's blind-index key (never plaintext).

    Fill it with `kindred.confidential.keys.blind_index(purpose, value)` and look up with the same.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
