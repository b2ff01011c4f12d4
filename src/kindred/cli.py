"""The `kindred` command: Django's manage.py with Kindred's settings.

`kindred create_keyring PATH` runs before settings load, because production settings refuse to
load without a keyring. `kindred demo` turns debug mode on unless KINDRED_DEBUG says otherwise or
DATABASE_URL names a database; `kindred seed_demo` never does (set KINDRED_DEBUG=1).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# keyfile is pure (no Django): the keyring can be written before settings exist.
from kindred.confidential import keyfile as keyring


def _create_keyring(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: kindred create_keyring PATH", file=sys.stderr)
        return 2
    path = Path(argv[0]).expanduser().resolve()
    try:
        keyring.create(path)
    except keyring.KeyringError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote a new keyring to {path} (mode 0600). Keep it outside the database and back it")
    print("up separately: without it, nothing encrypted can be read.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "create_keyring":
        return _create_keyring(args[2:])
    if len(args) > 1 and args[1] in ("demo", "demo_code") and "DATABASE_URL" not in os.environ:
        # Only against the default SQLite file under the data directory: where DATABASE_URL
        # names a database (perhaps the production one), debug mode must be asked for by name.
        os.environ.setdefault("KINDRED_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
