"""What reaches the disk (SQLite files) or a backup (pg_dump) holds no plaintext of encrypted
fields, while a control value in an ordinary column proves the search would have found it."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.confidential.testapp.models import Note


def sqlite_files() -> list[Path]:
    name = Path(connection.settings_dict["NAME"])
    candidates = [name, *(Path(f"{name}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
    return [path for path in candidates if path.exists()]


def bytes_on_sqlite_disk() -> bytes:
    return b"".join(path.read_bytes() for path in sqlite_files())


def postgres_dump() -> bytes:
    database = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    command = [pg_dump, "--no-owner", "--dbname", database["NAME"]]
    if database.get("HOST"):
        command += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        command += ["--port", str(database["PORT"])]
    if database.get("USER"):
        command += ["--username", str(database["USER"])]
    environment = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    result = subprocess.run(command, capture_output=True, env=environment, timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_of_an_encrypted_field_reaches_the_disk_or_a_dump() -> None:
    # Given committed notes: unique markers in encrypted fields, a control in a plain column
    control = f"CONTROL-{uuid.uuid4().hex[:20]}"
    markers = {name: f"MARKER-{uuid.uuid4().hex}" for name in ("text", "name", "json")}
    Note.objects.create(
        title=control,
        secret_text=f"before {markers['text']} after",
        secret_name=markers["name"],
        secret_data={"nested": [markers["json"]], markers["text"]: 1},
    )
    # (Several rows, so the markers are not alone in a page of their own.)
    for number in range(3):
        Note.objects.create(title=f"filler {number}", secret_text=markers["text"])

    if connection.vendor == "sqlite":
        # When every file of the database is read, before and after the WAL is checkpointed
        snapshots = [bytes_on_sqlite_disk()]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        snapshots.append(bytes_on_sqlite_disk())
        snapshots.append(Path(connection.settings_dict["NAME"]).read_bytes())
    else:
        assert connection.vendor == "postgresql"
        # When the database is dumped as a backup would be
        snapshots = [postgres_dump()]

    # Then the control is found (the search works) and no marker is
    for snapshot in snapshots:
        assert control.encode() in snapshot
        for marker in markers.values():
            assert marker.encode() not in snapshot
            assert marker.encode("utf-16-le") not in snapshot
