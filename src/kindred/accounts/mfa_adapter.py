"""allauth keeps TOTP secrets and recovery-code seeds in the database in the clear by default.

Here each one is sealed with a data key of its own, wrapped by the keyring like every other data
key, so `kindred rotate_keys` re-wraps them too and a database dump alone cannot mint codes.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter

from kindred.confidential import crypto, keys
from kindred.confidential.models import DataKey

PREFIX = "kd1:"


def _context(data_key_id: str) -> crypto.FieldContext:
    return crypto.FieldContext(
        table="mfa_authenticator", row="-", field="secret", data_key_id=data_key_id
    )


class KindredMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        data_key, raw = keys.build_data_key()
        data_key.save(force_insert=True)
        token = crypto.seal(raw, text.encode(), _context(str(data_key.id)))
        return f"{PREFIX}{data_key.id}:{token}"

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            raise crypto.DecryptionError("a two-step sign-in secret is not sealed by Kindred")
        data_key_id, token = encrypted_text[len(PREFIX) :].split(":", 1)
        data_key = DataKey.objects.get(pk=data_key_id)
        return crypto.open_sealed(keys.unwrap(data_key), token, _context(data_key_id)).decode()
