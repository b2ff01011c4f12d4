"""The keyring file: created private, never overwritten, and failing loudly but discreetly."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kindred.confidential import keyfile as keyring_file

# Synthetic key material; what matters is that none of it ever appears in an error message.
KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(32, 64))).decode()
SHORT_KEY = base64.b64encode(bytes(range(16))).decode()


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def kindred_command(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "kindred"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kindred.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_create_writes_a_private_keyring_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "keyring.json"

    created = keyring_file.create(path)

    assert mode(path) == 0o600
    loaded = keyring_file.load(path)
    assert loaded.active_version == 1
    assert loaded.keks == created.keks
    assert len({loaded.active_kek, loaded.blind_index_key, loaded.audit_key}) == 3


def test_create_refuses_to_overwrite_an_existing_keyring(tmp_path: Path) -> None:
    path = tmp_path / "keyring.json"
    keyring_file.create(path)
    original = path.read_bytes()

    with pytest.raises(keyring_file.KeyringError, match="refusing to overwrite"):
        keyring_file.create(path)

    assert path.read_bytes() == original


def test_adding_and_removing_keys_keeps_the_file_private_and_the_other_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keyring.json"
    first = keyring_file.create(path)

    added = keyring_file.add_kek(path)

    assert mode(path) == 0o600
    assert added.active_version == 2
    assert added.keks[1] == first.keks[1]
    assert added.blind_index_key == first.blind_index_key
    assert added.audit_key == first.audit_key
    # load() notices the change on disk
    assert keyring_file.load(path).active_version == 2

    keyring_file.remove_kek(path, 1)

    assert mode(path) == 0o600
    assert sorted(keyring_file.load(path).keks) == [2]
    # No temporary file is left next to the keyring.
    assert [p.name for p in tmp_path.iterdir()] == ["keyring.json"]


def document(**changes: object) -> str:
    values: dict[str, object] = {
        "format": "kindred-keyring/1",
        "active_kek": 1,
        "keks": {"1": KEY_A},
        "blind_index_key": KEY_B,
        "audit_key": KEY_A,
    }
    values.update(changes)
    return json.dumps({k: v for k, v in values.items() if v is not None})


MALFORMED = {
    "not-json": (document()[:-20], "not valid JSON"),
    "json-list": (json.dumps([KEY_A, KEY_B]), "is not a kindred-keyring/1 file"),
    "wrong-format": (document(format="other/1"), "is not a kindred-keyring/1 file"),
    "no-audit-key": (document(audit_key=None), "missing or has a malformed entry"),
    "no-keks": (document(keks=None), "missing or has a malformed entry"),
    "keks-not-a-mapping": (document(keks=KEY_A), "missing or has a malformed entry"),
    "bad-version-number": (document(keks={"one": KEY_A}), "missing or has a malformed entry"),
    "bad-active-version": (document(active_kek="first"), "missing or has a malformed entry"),
    "key-not-base64": (document(keks={"1": KEY_A + "!"}), "keks[1] is not valid base64"),
    "key-too-short": (document(blind_index_key=SHORT_KEY), "blind_index_key is not a 256-bit"),
    "active-key-absent": (document(active_kek=2), "names active key 2"),
}


@pytest.mark.parametrize(("text", "expected"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_keyring_is_refused_without_showing_key_material(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "keyring.json"
    path.write_text(text)

    with pytest.raises(keyring_file.KeyringError) as error:
        keyring_file.load(path)

    message = str(error.value)
    assert expected in message
    for material in (KEY_A, KEY_B, SHORT_KEY, KEY_A[:12], KEY_B[:12]):
        assert material not in message
    # Nothing chained either: a traceback shows no JSON or base64 decoder's complaint.
    assert error.value.__cause__ is None


def test_a_missing_keyring_is_refused(tmp_path: Path) -> None:
    with pytest.raises(keyring_file.KeyringError, match="does not exist"):
        keyring_file.load(tmp_path / "absent.json")


def test_asking_for_an_absent_key_version_names_the_versions_held(tmp_path: Path) -> None:
    ring = keyring_file.create(tmp_path / "keyring.json")

    with pytest.raises(keyring_file.KeyringError, match=r"version 4 .* holds versions \[1\]"):
        ring.kek(4)


class TestCreateKeyringCommand:
    def test_it_writes_a_private_keyring(self, tmp_path: Path) -> None:
        path = tmp_path / "keyring.json"

        result = kindred_command("create_keyring", str(path))

        assert result.returncode == 0, result.stderr
        assert "Wrote a new keyring" in result.stdout
        assert mode(path) == 0o600
        assert keyring_file.load(path).active_version == 1
        # The command never prints the keys it wrote.
        ring = keyring_file.load(path)
        for key in (ring.active_kek, ring.blind_index_key, ring.audit_key):
            assert base64.b64encode(key).decode() not in result.stdout + result.stderr

    def test_it_refuses_to_overwrite(self, tmp_path: Path) -> None:
        path = tmp_path / "keyring.json"
        keyring_file.create(path)
        original = path.read_bytes()

        result = kindred_command("create_keyring", str(path))

        assert result.returncode == 1
        assert "refusing to overwrite" in result.stderr
        assert path.read_bytes() == original

    def test_it_explains_its_usage(self) -> None:
        result = kindred_command("create_keyring")

        assert result.returncode == 2
        assert "usage: kindred create_keyring PATH" in result.stderr
