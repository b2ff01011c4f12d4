"""Hardening: database connections are health-checked (CONN_HEALTH_CHECKS), so a connection
kept open across requests that the server dropped (PostgreSQL restarted) is replaced, not used
for a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import load_backend

from tests.test_settings import run

DUMP = (
    "import json, django\n"
    "from django.conf import settings\n"
    "django.setup()\n"
    "d = settings.DATABASES['default']\n"
    "print(json.dumps([d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE']]))\n"
)


@pytest.mark.parametrize(
    "database_url", [None, "postgres://kindred@127.0.0.1:5432/kindred"], ids=["sqlite", "pg"]
)
def test_connections_are_health_checked(tmp_path: Path, database_url: str | None) -> None:
    variables = {"KINDRED_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "kindred.settings"}
    if database_url:
        variables["DATABASE_URL"] = database_url

    result = run(tmp_path, "-c", DUMP, **variables)

    assert result.returncode == 0, result.stderr
    health_checks, max_age = result.stdout.strip().strip("[]").split(", ")
    assert health_checks == "true"
    if database_url:
        assert max_age == "60"  # kept open between requests, hence the check


@pytest.mark.django_db
def test_a_dropped_connection_is_replaced_at_the_next_request() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to drop the connection (CI runs this on PostgreSQL)")
    # Given a connection kept open between requests, as in production
    settings_dict = {**connection.settings_dict, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "health")
    try:
        wrapper.ensure_connection()
        # When the server side goes away (as after a restart)
        wrapper.connection.close()
        # And the next request starts (what Django's request_started handler does)
        wrapper.close_if_unusable_or_obsolete()
        # Then the query is answered on a new connection instead of failing
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        wrapper.close()
