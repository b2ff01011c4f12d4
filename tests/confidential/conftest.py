"""Fixtures shared by the tests of the confidential core."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from kindred.confidential import keyfile as keyring_file


@pytest.fixture
def keyring_copy(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """A private copy of the session's keyring, so a test may rotate or retire keys freely."""
    copy = tmp_path / "keyring.json"
    shutil.copy2(settings.KEYRING_PATH, copy)
    settings.KEYRING_PATH = copy
    return copy


@pytest.fixture
def two_key_versions(keyring_copy: Path) -> Path:
    """A keyring copy holding versions 1 and 2 (2 active), as during a rotation."""
    keyring_file.add_kek(keyring_copy)
    return keyring_copy


@pytest.fixture
def checkpoint_dir(settings: SettingsWrapper, tmp_path: Path) -> Path:
    directory = tmp_path / "checkpoints"
    settings.AUDIT_CHECKPOINT_DIR = directory
    return directory
