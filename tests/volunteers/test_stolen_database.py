"""A stolen database must not say who has lived through what (issue 10, item 2).

A volunteer is created and taken through the real actions and pages with marker values: a topic
of their own (a recovery topic), a region, a language, a practice area and a gender. Then the
database is read the way a thief would: every row of every table, the SQLite file itself, or a
`pg_dump` on PostgreSQL. Topics are public vocabulary, so the marker topic may appear in the
taxonomy's own table; what must not exist anywhere is a plaintext link from a person to it.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.confidential import audit
from kindred.confidential.fields import EncryptedCharField, EncryptedJSONField
from kindred.programs.models import Program
from kindred.support import actions as support_actions
from kindred.topics.actions import ensure_seed_topics, save_topic
from kindred.topics.models import Topic
from kindred.volunteers import actions
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_matchable, make_support_request

NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
TOPIC_TABLE = Topic._meta.db_table
# Synthetic markers, new for every run so nothing left from an earlier one can be found.
_RUN = uuid.uuid4().hex[:12]
TOPIC_SLUG = f"zqmarkertopic{_RUN}zq"
PERSONAL = {
    "region": f"Zqregionmarker{_RUN}zq",
    "language": f"Zqlanguagemarker{_RUN}zq",
    "practice area": f"Zqareamarker{_RUN}zq",
    "gender": f"Zqgendermarker{_RUN}zq",
}
# In a column an attacker can read, as a control: the search must find it.
EMAIL = f"zq.control.{_RUN}@example.org"


@pytest.fixture
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def spellings(marker: str) -> list[bytes]:
    """The byte forms a marker could take on disk: as typed or normalised (case-folded), in
    UTF-8 or UTF-16."""
    forms = {marker, marker.casefold()}
    return [form.encode(encoding) for form in forms for encoding in ("utf-8", "utf-16-le")]


def found_in(data: bytes, marker: str) -> bool:
    return any(form in data for form in spellings(marker))


def cell_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def rows_of_every_table() -> dict[str, bytes]:
    """Every table of the database, its rows joined as bytes (what a copy of it holds)."""
    tables: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a table name from introspection)
            tables[table] = b"\x00".join(
                cell_bytes(cell) for row in cursor.fetchall() for cell in row
            )
    return tables


def sqlite_file_bytes() -> bytes:
    """The database file (and any WAL or journal beside it), after a checkpoint."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = Path(connection.settings_dict["NAME"])
    files = [name, *(Path(f"{name}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
    return b"".join(path.read_bytes() for path in files if path.exists())


def postgres_data_dump() -> bytes:
    database = connection.settings_dict
    command = [shutil.which("pg_dump") or "/usr/bin/pg_dump", "--data-only", "--no-owner"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    command.append(str(database["NAME"]))
    environment = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    result = subprocess.run(command, capture_output=True, env=environment, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def dump_sections(dump: bytes) -> dict[str, bytes]:
    """A `pg_dump` split by table: each COPY block under the name of its table."""
    sections: dict[str, bytes] = {}
    for block in re.split(rb"\nCOPY ", dump)[1:]:
        table = block.split(b" ", 1)[0].split(b".")[-1].strip(b'"').decode()
        sections[table] = block.split(b"\n\\.\n", 1)[0]
    return sections


def tables_linking_to_topics() -> set[str]:
    """Tables of the real schema with a foreign key to the taxonomy, other than its own."""
    linking = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            relations = connection.introspection.get_relations(cursor, table)
            if table != TOPIC_TABLE and any(
                target == TOPIC_TABLE for _, target in relations.values()
            ):
                linking.add(table)
    return linking


def a_volunteer_with_markers(program: Program, coordinator: User) -> VolunteerProfile:
    """Applied, screened, trained, signed, active, invited, then edited their own profile; a
    request about the same topic proposed to them."""
    ensure_seed_topics()
    marker_topic = save_topic(
        Topic(
            name=TOPIC_SLUG.capitalize(),
            slug=TOPIC_SLUG,
            reporting_category="substance_use",
            requires_recovery_time=True,
            position=99,
        ),
        actor=audit.SYSTEM,
    )
    stress = Topic.objects.get(slug="stress-and-burnout")
    volunteer = actions.submit_application(
        program,
        topics=[marker_topic, stress],
        languages=["English", PERSONAL["language"]],
        full_name="Juniper Ambervale",
        email=EMAIL,
        phone="555-0100",
        member_type="lawyer",
        year_of_call=2012,
        practice_setting="small_firm",
        practice_areas=[PERSONAL["practice area"]],
        region=PERSONAL["region"],
        identity={"gender": PERSONAL["gender"], "lgbtq": True},
        identity_consent=True,
        recovery_years={TOPIC_SLUG: 7},
        about_me="Synthetic words about a long road back.",
        references=[{"name": "Marlowe Fernsby", "contact": "555-0101"}],
        capacity=2,
    )
    for step in ("screening", "training", "active"):
        actions.change_status(volunteer, step, by=coordinator)
    volunteer = make_matchable(volunteer, coordinator)
    user = actions.invite(volunteer, by=coordinator, base_url="http://testserver/")
    volunteer = VolunteerProfile.objects.get(pk=volunteer.pk)
    actions.update_profile(
        volunteer,
        by=user,
        topics=[marker_topic, stress],
        languages=[PERSONAL["language"], "French"],
        region=PERSONAL["region"],
        practice_areas=[PERSONAL["practice area"], "Family law"],
        recovery_years={TOPIC_SLUG: 8},
    )
    # Changing recovery years sends recovery screening back: screened again, matchable again.
    volunteer = make_matchable(VolunteerProfile.objects.get(pk=volunteer.pk), coordinator)
    support_request = make_support_request(
        program,
        topics=[TOPIC_SLUG],
        preferences={"city": "same", "region": PERSONAL["region"]},
    )
    support_actions.propose_match(support_request, volunteer, by=coordinator)
    return volunteer


@pytest.mark.django_db(transaction=True)
def test_a_stolen_database_links_no_person_to_what_they_lived_through(
    clock: None, program: Program, client_as: Callable[[str], Client]
) -> None:
    # Given a volunteer taken through the actions, and the pages that read them opened
    staff = client_as("coordinator")
    coordinator = User.objects.get(email="coordinator@example.org")
    volunteer = a_volunteer_with_markers(program, coordinator)
    filtered = {"topic": TOPIC_SLUG, "region": PERSONAL["region"], "language": "French"}
    for url, query in (
        (reverse("volunteers:staff_list"), filtered),
        (reverse("volunteers:staff_detail", args=[volunteer.pk]), {}),
    ):
        assert staff.get(url, query).status_code == 200

    # When every row of every table is read
    tables = rows_of_every_table()

    # Then the marker topic is in the taxonomy (proof the search works), and nowhere else
    assert found_in(tables[TOPIC_TABLE], TOPIC_SLUG)
    assert any(found_in(rows, EMAIL) for rows in tables.values())
    assert [table for table, rows in tables.items() if found_in(rows, TOPIC_SLUG)] == [TOPIC_TABLE]
    # And nothing personal the volunteer told us is in any of them
    for what, marker in PERSONAL.items():
        holders = [table for table, rows in tables.items() if found_in(rows, marker)]
        assert holders == [], f"the {what} marker is readable in {holders}"
    # And no table of the real schema links anything to a topic
    assert tables_linking_to_topics() == set()

    if connection.vendor == "sqlite":
        # When the file itself is read (free pages and the WAL included)
        snapshot = sqlite_file_bytes()
        sections = {"the file": snapshot}
    else:
        assert connection.vendor == "postgresql"
        # When the database is dumped, as a backup or a thief would
        snapshot = postgres_data_dump()
        sections = dump_sections(snapshot)
        assert [name for name, rows in sections.items() if found_in(rows, TOPIC_SLUG)] == [
            TOPIC_TABLE
        ]

    # Then the control is there, and none of the personal markers
    assert found_in(snapshot, EMAIL)
    for what, marker in PERSONAL.items():
        holders = [name for name, data in sections.items() if found_in(data, marker)]
        assert holders == [], f"the {what} marker is readable in {holders}"


def test_no_model_of_a_person_relates_to_a_topic() -> None:
    # Given every model Kindred knows, the automatic many-to-many tables included
    linking = sorted(
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "topics"
        for field in model._meta.get_fields(include_hidden=True)
        if field.is_relation and field.related_model is Topic
    )

    # Then none of them (volunteers, accounts or any other) points at a topic
    assert linking == []


def test_what_a_volunteer_lived_through_is_only_in_encrypted_fields() -> None:
    fields = {field.name: field for field in VolunteerProfile._meta.get_fields()}

    for name in ("topic_slugs", "recovery_years", "identity", "languages", "practice_areas"):
        assert isinstance(fields[name], EncryptedJSONField), name
    assert isinstance(fields["region"], EncryptedCharField)
    assert "topics" not in fields
