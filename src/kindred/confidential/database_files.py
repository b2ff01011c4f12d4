"""The SQLite database and its -wal and -shm files are readable by their owner only (0600).

Everything confidential in them is encrypted, but not everything in them is confidential-free:
sessions, addresses used to sign in, the audit log. Files made under a usual umask (022) would be
readable by every account on the machine. SQLite makes the -wal and -shm files with the same
permissions as the database file, so tightening the database file also covers companions made
later; those that already exist are tightened here too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

logger = logging.getLogger(__name__)

OWNER_ONLY = 0o600
COMPANIONS = ("", "-wal", "-shm", "-journal")


def database_file(connection: BaseDatabaseWrapper) -> Path | None:
    """The file behind a SQLite connection, or None (another database, or one in memory)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def restrict_to_owner(path: Path) -> None:
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            if companion.stat().st_mode & 0o777 != OWNER_ONLY:
                os.chmod(companion, OWNER_ONLY)
        except FileNotFoundError:
            continue
        except PermissionError:
            # Another account's file (a shared data directory): say so, and go on serving.
            logger.warning("cannot restrict the permissions of %s", companion.name)


@receiver(connection_created)
def restrict_sqlite_files(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    path = database_file(connection)
    if path is None:
        return
    # SQLite has made the database file by now; the -wal and -shm files come with the first
    # write and copy its permissions.
    restrict_to_owner(path)
