"""Hardening: with debug on, a KINDRED_KEYRING that names a missing file is an error; Kindred
never quietly makes a new keyring there (fresh keys would open nothing already stored)."""

from __future__ import annotations

from pathlib import Path

from tests.test_settings import kindred, refused


def test_debug_refuses_a_named_keyring_that_is_missing(tmp_path: Path) -> None:
    missing = tmp_path / "restored-later" / "keyring.json"

    result = kindred(tmp_path, "check", KINDRED_DEBUG="1", KINDRED_KEYRING=str(missing))

    assert refused(result, "KINDRED_KEYRING")
    assert "ImproperlyConfigured" in result.stderr
    assert not missing.exists()
    assert not (tmp_path / "var" / "keyring.json").exists()


def test_debug_refuses_a_named_keyring_that_is_not_a_keyring(tmp_path: Path) -> None:
    broken = tmp_path / "keyring.json"
    broken.write_text("{}", encoding="utf-8")

    result = kindred(tmp_path, "check", KINDRED_DEBUG="1", KINDRED_KEYRING=str(broken))

    assert refused(result, "KINDRED_KEYRING")
    assert broken.read_text(encoding="utf-8") == "{}"


def test_debug_still_makes_the_default_keyring_when_none_is_named(tmp_path: Path) -> None:
    result = kindred(tmp_path, "check", KINDRED_DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "keyring.json").stat().st_mode & 0o777 == 0o600
