"""The keyring file: key-encryption keys (versioned), the blind-index key and the audit key.

It lives outside the database (KINDRED_KEYRING), so a stolen database or backup alone opens
nothing. Plain Python, no Django: `kindred create_keyring` runs before settings can load.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from kindred.confidential.crypto import KEY_BYTES, new_key

FORMAT = "kindred-keyring/1"


class KeyringError(Exception):
    """The keyring is missing, unreadable or malformed. Messages never contain key material."""


@dataclass(frozen=True)
class Keyring:
    path: Path
    active_version: int
    keks: dict[int, bytes]
    blind_index_key: bytes
    audit_key: bytes

    @property
    def active_kek(self) -> bytes:
        return self.keks[self.active_version]

    def kek(self, version: int) -> bytes:
        try:
            return self.keks[version]
        except KeyError:
            raise KeyringError(
                f"key-encryption key version {version} is not in the keyring "
                f"(it holds versions {sorted(self.keks)})"
            ) from None


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    try:
        key = base64.b64decode(str(text), validate=True)
    except ValueError:
        raise KeyringError(f"keyring entry {what} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(f"keyring entry {what} is not a {KEY_BYTES * 8}-bit key")
    return key


def _serialize(keyring: Keyring) -> dict[str, object]:
    return {
        "format": FORMAT,
        "active_kek": keyring.active_version,
        "keks": {str(v): _b64(k) for v, k in sorted(keyring.keks.items())},
        "blind_index_key": _b64(keyring.blind_index_key),
        "audit_key": _b64(keyring.audit_key),
    }


def parse(path: Path, text: str) -> Keyring:
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise KeyringError(f"keyring {path} is not valid JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KeyringError(f"keyring {path} is not a {FORMAT} file")
    try:
        keks = {int(v): _unb64(k, f"keks[{v}]") for v, k in dict(document["keks"]).items()}
        active = int(document["active_kek"])
        keyring = Keyring(
            path=path,
            active_version=active,
            keks=keks,
            blind_index_key=_unb64(document["blind_index_key"], "blind_index_key"),
            audit_key=_unb64(document["audit_key"], "audit_key"),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, KeyringError):
            raise
        raise KeyringError(f"keyring {path} is missing or has a malformed entry") from None
    if active not in keks:
        raise KeyringError(f"keyring {path} names active key {active}, which it does not hold")
    return keyring


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int], Keyring]] = {}


def load(path: Path) -> Keyring:
    """The keyring at `path`, re-read whenever the file changes (e.g. after a rotation)."""
    try:
        stat = path.stat()
    except OSError:
        raise KeyringError(f"keyring {path} does not exist or cannot be read") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise KeyringError(f"keyring {path} cannot be read") from None
        keyring = parse(path, text)
        _cache[path] = (stamp, keyring)
        return keyring


def _write(path: Path, keyring: Keyring, *, exclusive: bool) -> None:
    data = json.dumps(_serialize(keyring), indent=2).encode() + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return
    # Replace atomically so a crash never leaves a half-written keyring.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keyring-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with _cache_lock:
        _cache.pop(path, None)


def create(path: Path) -> Keyring:
    """Write a new keyring (mode 0600); refuses to overwrite an existing file."""
    keyring = Keyring(
        path=path,
        active_version=1,
        keks={1: new_key()},
        blind_index_key=new_key(),
        audit_key=new_key(),
    )
    try:
        _write(path, keyring, exclusive=True)
    except FileExistsError:
        raise KeyringError(f"{path} already exists; refusing to overwrite a keyring") from None
    return keyring


def add_kek(path: Path) -> Keyring:
    """Add a new key-encryption key and make it the active one."""
    current = load(path)
    version = max(current.keks) + 1
    updated = Keyring(
        path=path,
        active_version=version,
        keks={**current.keks, version: new_key()},
        blind_index_key=current.blind_index_key,
        audit_key=current.audit_key,
    )
    _write(path, updated, exclusive=False)
    return updated


def remove_kek(path: Path, version: int) -> Keyring:
    current = load(path)
    if version == current.active_version:
        raise KeyringError(f"key version {version} is the active key and cannot be removed")
    current.kek(version)
    updated = Keyring(
        path=path,
        active_version=current.active_version,
        keks={v: k for v, k in current.keks.items() if v != version},
        blind_index_key=current.blind_index_key,
        audit_key=current.audit_key,
    )
    _write(path, updated, exclusive=False)
    return updated
