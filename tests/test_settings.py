"""Settings come from the environment and fail loudly; production refuses to start half-configured.

Each test starts the real `kindred` command in a fresh process, with an environment built here
from nothing (so the test run's own DJANGO_SETTINGS_MODULE and KINDRED_* never leak in).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

# Everything production needs except the keyring, which each test makes in its own directory.
PRODUCTION = {
    "KINDRED_DEBUG": "0",
    "KINDRED_ALLOWED_HOSTS": "kindred.example.org",
    "KINDRED_EMAIL_HOST": "localhost",
}


def run(cwd: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "KINDRED_DATA_DIR": str(cwd / "var"),
        **variables,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def kindred(cwd: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return run(cwd, "-m", "kindred.cli", *args, **variables)


def random_secret_key() -> str:
    return secrets.token_urlsafe(48)  # 64 characters


@pytest.fixture
def keyring(tmp_path: Path) -> Path:
    path = tmp_path / "secrets" / "keyring.json"
    result = kindred(tmp_path, "create_keyring", str(path))
    assert result.returncode == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    return path


@pytest.fixture
def production(keyring: Path) -> dict[str, str]:
    return {
        **PRODUCTION,
        "KINDRED_KEYRING": str(keyring),
        "KINDRED_SECRET_KEY": random_secret_key(),
    }


def refused(result: subprocess.CompletedProcess[str], variable: str) -> bool:
    return result.returncode != 0 and variable in result.stderr


@pytest.mark.parametrize(
    "secret_key", [None, "too-short-to-be-a-real-secret"], ids=["none", "short"]
)
def test_production_refuses_to_start_without_a_secret_key(
    tmp_path: Path, production: dict[str, str], secret_key: str | None
) -> None:
    variables = {**production}
    variables.pop("KINDRED_SECRET_KEY")
    if secret_key:
        variables["KINDRED_SECRET_KEY"] = secret_key

    result = kindred(tmp_path, "check", **variables)

    assert refused(result, "KINDRED_SECRET_KEY")
    if secret_key:
        assert secret_key not in result.stderr  # the message names the variable, not its value


def test_production_refuses_to_start_without_a_keyring(
    tmp_path: Path, production: dict[str, str]
) -> None:
    variables = {**production}
    variables.pop("KINDRED_KEYRING")

    assert refused(kindred(tmp_path, "check", **variables), "KINDRED_KEYRING")
    # Nor will it make one up: no keyring appears in the data directory.
    assert not (tmp_path / "var" / "keyring.json").exists()


def test_production_refuses_a_keyring_that_is_not_there(
    tmp_path: Path, production: dict[str, str]
) -> None:
    variables = {**production, "KINDRED_KEYRING": str(tmp_path / "missing.json")}

    assert refused(kindred(tmp_path, "check", **variables), "KINDRED_KEYRING")


def test_production_refuses_a_keyring_others_can_read(
    tmp_path: Path, production: dict[str, str], keyring: Path
) -> None:
    keyring.chmod(0o644)

    result = kindred(tmp_path, "check", **production)

    assert refused(result, "KINDRED_KEYRING")
    assert "chmod 600" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KINDRED_DEBUG", "maybe"),
        ("KINDRED_STAFF_IDLE_MINUTES", "abc"),
        ("KINDRED_STAFF_IDLE_MINUTES", "0"),
        ("KINDRED_SESSION_MAX_HOURS", "twelve"),
        ("KINDRED_TRUSTED_PROXY_COUNT", "-1"),
        ("DATABASE_URL", "not a database"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = kindred(tmp_path, "check", **{"KINDRED_DEBUG": "1", variable: value})

    assert refused(result, variable)
    assert "ImproperlyConfigured" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path: Path, production: dict[str, str]) -> None:
    key_file = tmp_path / "secrets" / "secret_key"
    key_file.write_text(production.pop("KINDRED_SECRET_KEY") + "\n", encoding="utf-8")
    key_file.chmod(0o600)

    result = kindred(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING",
        KINDRED_SECRET_KEY_FILE=str(key_file), **production,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr


def test_a_secret_key_given_twice_is_refused(tmp_path: Path, production: dict[str, str]) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text(random_secret_key(), encoding="utf-8")

    result = kindred(tmp_path, "check", KINDRED_SECRET_KEY_FILE=str(key_file), **production)

    assert refused(result, "KINDRED_SECRET_KEY_FILE")


def test_a_secret_key_file_that_cannot_be_read_is_refused(
    tmp_path: Path, production: dict[str, str]
) -> None:
    production.pop("KINDRED_SECRET_KEY")
    missing = str(tmp_path / "no-such-file")

    result = kindred(tmp_path, "check", KINDRED_SECRET_KEY_FILE=missing, **production)

    assert refused(result, "KINDRED_SECRET_KEY_FILE")


def test_a_full_production_configuration_passes_the_deployment_checks(
    tmp_path: Path, production: dict[str, str]
) -> None:
    result = kindred(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_secure_host_only_and_hidden_from_scripts(
    tmp_path: Path, production: dict[str, str]
) -> None:
    names = [
        "DEBUG",
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_DOMAIN",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "CSRF_COOKIE_DOMAIN",
        "CSRF_COOKIE_PATH",
        "SECURE_SSL_REDIRECT",
        "PASSWORD_HASHERS",
    ]
    script = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))\n"
    )

    result = run(tmp_path, "-c", script, DJANGO_SETTINGS_MODULE="kindred.settings", **production)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["PASSWORD_HASHERS"] == ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for cookie in ("SESSION", "CSRF"):
        # __Host- cookies must be Secure, on path /, with no Domain, or browsers drop them.
        assert values[f"{cookie}_COOKIE_NAME"].startswith("__Host-")
        assert values[f"{cookie}_COOKIE_SECURE"] is True
        assert values[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert values[f"{cookie}_COOKIE_SAMESITE"] == "Lax"
        assert values[f"{cookie}_COOKIE_DOMAIN"] is None
        assert values[f"{cookie}_COOKIE_PATH"] == "/"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        # CI runs the same suite on PostgreSQL (DATABASE_URL); nothing SQLite-specific applies.
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"
