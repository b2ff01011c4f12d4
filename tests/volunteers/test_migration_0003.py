"""Migration 0003 seals what a volunteer had lived through and where they practise.

Before it, topics were a plaintext many-to-many and region, languages and practice areas plain
columns. The migration must carry every value over, sealed with the profile's own data key,
drop the plaintext, and leave a shredded profile as unreadable as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kindred.confidential import crypto, keys
from kindred.confidential.fields import Ciphertext, EncryptedJSONField, EncryptedTextField
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from kindred.volunteers.models import VolunteerProfile

BEFORE = [("volunteers", "0002_conflict_indexes")]
AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def apps_before_0003(transactional_db: None, program: Program) -> Iterator[Apps]:
    """The database migrated back to just before 0003, and the models as they were then;
    afterwards, the latest migrations again (whatever the test did). The program (and the
    seed topics) are made first, by today's code, in tables 0003 does not change."""
    ensure_seed_topics()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def insert_profile(old_apps: Apps, values: dict[str, Any], raw_key: bytes | None) -> None:
    """One row of the old VolunteerProfile, written with plain SQL.

    Historical models are not EncryptedModels, so their encrypted fields refuse to save
    themselves; the old encrypted columns (name, email…) are sealed here exactly as the model
    sealed them then, and the plaintext columns hold plaintext, as they did.
    """
    model = old_apps.get_model("volunteers", "VolunteerProfile")
    table = model._meta.db_table
    columns, params = [], []
    for field in model._meta.local_concrete_fields:
        if field.attname in values:
            value = values[field.attname]
        elif field.has_default():
            value = field.get_default()
        else:
            value = None
        if isinstance(field, EncryptedTextField | EncryptedJSONField) and value is not None:
            assert raw_key is not None, "an encrypted value needs the profile's data key"
            context = crypto.FieldContext(
                table, str(values["id"]), field.name, str(values["data_key_id"])
            )
            value = Ciphertext(crypto.seal(raw_key, field.encode_value(value), context))
        columns.append(connection.ops.quote_name(field.column))
        params.append(field.get_db_prep_save(value, connection))
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(columns)}) "  # noqa: S608 (names from the model's own metadata)
            f"VALUES ({marks})",
            params,
        )


def old_profile_values(program: Program, data_key_id: uuid.UUID, **plain: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "data_key_id": data_key_id,
        "program_id": program.pk,
        "status": "active",
        "full_name": "Juniper Ambervale",
        "email": "juniper.ambervale@example.org",
        "email_index": keys.blind_index("email", "juniper.ambervale@example.org"),
        "member_type": "lawyer",
        "practice_setting": "small_firm",
        "capacity": 2,
        "applied_at": AT,
        "status_changed_at": AT,
        **plain,
    }


def save_data_key(old_apps: Apps, *, shredded: bool = False) -> tuple[uuid.UUID, bytes]:
    data_key, raw = keys.build_data_key()
    old_apps.get_model("confidential", "DataKey").objects.create(
        id=data_key.id,
        kek_version=data_key.kek_version,
        wrapped=None if shredded else data_key.wrapped,
        shredded_at=AT if shredded else None,
    )
    return data_key.id, raw


def profile_columns() -> set[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(
            cursor, VolunteerProfile._meta.db_table
        )
    return {column.name for column in described}


@pytest.mark.django_db(transaction=True)
def test_plaintext_facts_are_carried_over_sealed(apps_before_0003: Apps, program: Program) -> None:
    # Given a profile from before 0003, with plaintext region, languages, areas and topics
    old_apps = apps_before_0003
    topic = old_apps.get_model("topics", "Topic")
    data_key_id, raw = save_data_key(old_apps)
    values = old_profile_values(
        program,
        data_key_id,
        region="Lethbridge",
        languages_text="|English|Cree|",
        practice_areas=["criminal", "youth"],
        recovery_years={"alcohol-use": 6},
    )
    insert_profile(old_apps, values, raw)
    through = old_apps.get_model("volunteers", "VolunteerProfile").topics.through
    for slug in ("stress-and-burnout", "alcohol-use"):
        through.objects.create(
            volunteerprofile_id=values["id"], topic_id=topic.objects.get(slug=slug).pk
        )
    # (And one with no languages and no topics at all.)
    bare_key_id, bare_raw = save_data_key(old_apps)
    bare = old_profile_values(program, bare_key_id, region="", languages_text="|")
    insert_profile(old_apps, bare, bare_raw)

    # When the database is migrated to the latest state
    migrate_to_latest()

    # Then the real model reads the same facts back, from encrypted fields
    profile = VolunteerProfile.objects.get(pk=values["id"])
    assert profile.topic_slugs == ["alcohol-use", "stress-and-burnout"]
    assert profile.languages == ["English", "Cree"]
    assert profile.region == "Lethbridge"
    assert profile.practice_areas == ["criminal", "youth"]
    assert profile.full_name == "Juniper Ambervale"
    assert profile.recovery_years == {"alcohol-use": 6}
    empty = VolunteerProfile.objects.get(pk=bare["id"])
    assert (empty.topic_slugs, empty.languages, empty.region, empty.practice_areas) == (
        [],
        [],
        "",
        [],
    )
    # And the plaintext is gone: no column, no link table, no readable value in the row
    assert profile_columns().isdisjoint({"region_plain", "practice_areas_plain", "languages_text"})
    assert "volunteers_volunteerprofile_topics" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT region, languages, practice_areas, topic_slugs "
            "FROM volunteers_volunteerprofile WHERE id = %s",
            [VolunteerProfile._meta.pk.get_db_prep_value(values["id"], connection)],
        )
        stored = " ".join(str(cell) for cell in cursor.fetchone())
    for plaintext in ("Lethbridge", "Cree", "youth", "alcohol-use"):
        assert plaintext not in stored


@pytest.mark.django_db(transaction=True)
def test_a_shredded_profile_stays_unreadable(apps_before_0003: Apps, program: Program) -> None:
    # Given a profile from before 0003 whose data key was shredded (crypto-shredding)
    old_apps = apps_before_0003
    data_key_id, raw = save_data_key(old_apps, shredded=True)
    values = old_profile_values(program, data_key_id, region="Lethbridge", languages_text="|Cree|")
    insert_profile(old_apps, values, raw)

    # When the database is migrated
    migrate_to_latest()

    # Then the row is still there, its plaintext gone, and nothing of it can be read
    profile = VolunteerProfile.objects.get(pk=values["id"])
    with pytest.raises(crypto.DecryptionError):
        _ = profile.region
    with connection.cursor() as cursor:
        cursor.execute("SELECT region, languages FROM volunteers_volunteerprofile")
        stored = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    assert "Lethbridge" not in stored
    assert "Cree" not in stored
