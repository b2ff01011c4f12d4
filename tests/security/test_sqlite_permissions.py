"""Hardening: the SQLite database and its -wal/-shm files are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from tests.test_settings import kindred


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db
def test_a_new_database_and_its_companions_are_0600_after_a_write(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite files only; PostgreSQL keeps its own files")
    previous = os.umask(0o022)  # the usual umask, which would leave the files world-readable
    try:
        # Given a fresh database file opened with Kindred's SQLite options
        path = tmp_path / "fresh.sqlite3"
        wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, "fresh")
        # When something is written (the -wal and -shm files appear with the first write)
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY)")
            cursor.execute("INSERT INTO note DEFAULT VALUES")
        # Then all three files exist, readable and writable by their owner only
        for name in ("fresh.sqlite3", "fresh.sqlite3-wal", "fresh.sqlite3-shm"):
            assert mode(tmp_path / name) == 0o600, name
        wrapper.close()
    finally:
        os.umask(previous)


def test_the_real_database_made_by_migrate_is_0600(tmp_path: Path) -> None:
    # Given the kindred command run as a deployer would, with debug on and the default SQLite
    result = kindred(tmp_path, "migrate", "--verbosity", "0", KINDRED_DEBUG="1")
    assert result.returncode == 0, result.stderr

    # Then the database (and any companion left behind) is 0600
    database = tmp_path / "var" / "kindred.sqlite3"
    assert mode(database) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            assert mode(companion) == 0o600, suffix
