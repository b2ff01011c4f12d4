"""Seal what a volunteer has lived through and where they practise, and add the kept pool.

Topics (a plaintext many-to-many), languages, region and practice areas were plain columns beside
the volunteer's account: a stolen database said "this named lawyer supports people recovering from
alcohol use". They become encrypted fields of the profile, sealed with each profile's own data key
(so crypto-shredding a profile shreds them too). Existing values are copied, sealed, before the
plaintext columns are dropped. The pool tables start empty: kindred.volunteers.pool builds a
program's pool the first time it is read (or `kindred rebuild_pool`).
"""

import json

import django.db.models.deletion
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

import kindred.confidential.fields


def _sealed(raw, table, profile, field, value, as_json):
    from kindred.confidential import crypto

    data = (
        json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True).encode()
        if as_json
        else str(value).encode()
    )
    context = crypto.FieldContext(table, str(profile.pk), field, str(profile.data_key_id))
    return kindred.confidential.fields.Ciphertext(crypto.seal(raw, data, context))


def _seal_existing(apps, schema_editor):
    from kindred.confidential import keys

    profiles = apps.get_model("volunteers", "VolunteerProfile")
    table = profiles._meta.db_table
    for profile in profiles.objects.select_related("data_key").iterator(chunk_size=500):
        if profile.data_key is None or profile.data_key.wrapped is None:
            continue  # shredded: nothing to keep
        raw = keys.unwrap(profile.data_key)
        slugs = sorted(profile.topics.values_list("slug", flat=True))
        languages = [part for part in (profile.languages_text or "").split("|") if part]
        areas = profile.practice_areas_plain
        areas = areas if isinstance(areas, list) else []
        profiles.objects.filter(pk=profile.pk).update(
            topic_slugs=_sealed(raw, table, profile, "topic_slugs", slugs, True),
            languages=_sealed(raw, table, profile, "languages", languages, True),
            region=_sealed(raw, table, profile, "region", profile.region_plain or "", False),
            practice_areas=_sealed(raw, table, profile, "practice_areas", areas, True),
        )


# Placeholder for the rows that exist when the columns are added; never left on a row whose
# data key exists (_seal_existing overwrites it), and on a shredded row it reads as unreadable,
# like every other encrypted field of that row.
_UNSEALED = kindred.confidential.fields.Ciphertext("")
_NEW_FIELDS = (
    ("topic_slugs", kindred.confidential.fields.EncryptedJSONField),
    ("languages", kindred.confidential.fields.EncryptedJSONField),
    ("region", kindred.confidential.fields.EncryptedCharField),
    ("practice_areas", kindred.confidential.fields.EncryptedJSONField),
)
_MODEL_DEFAULTS = {
    "topic_slugs": {"default": list},
    "languages": {"default": list},
    "region": {"blank": True, "default": ""},
    "practice_areas": {"default": list},
}


class Migration(migrations.Migration):
    dependencies = [
        ("confidential", "0002_audit_append_only"),
        ("programs", "0003_contact_and_crisis_lines"),
        ("topics", "0001_initial"),
        ("volunteers", "0002_conflict_indexes"),
    ]

    operations = [
        migrations.RenameField("volunteerprofile", "region", "region_plain"),
        migrations.RenameField("volunteerprofile", "practice_areas", "practice_areas_plain"),
        # An encrypted field refuses a plaintext default (it cannot be sealed without a row and
        # a key), so the new columns start as an empty string, which _seal_existing replaces
        # with each row's ciphertext; then the model's defaults are put back.
        *(
            migrations.AddField(
                model_name="volunteerprofile",
                name=name,
                field=field_class(blank=True, default=_UNSEALED),
                preserve_default=False,
            )
            for name, field_class in _NEW_FIELDS
        ),
        migrations.RunPython(_seal_existing, migrations.RunPython.noop, elidable=False),
        *(
            migrations.AlterField(
                model_name="volunteerprofile",
                name=name,
                field=field_class(**_MODEL_DEFAULTS[name]),
            )
            for name, field_class in _NEW_FIELDS
        ),
        migrations.RemoveField("volunteerprofile", "region_plain"),
        migrations.RemoveField("volunteerprofile", "practice_areas_plain"),
        migrations.RemoveField("volunteerprofile", "languages_text"),
        migrations.RemoveField("volunteerprofile", "topics"),
        migrations.CreateModel(
            name="PoolVersion",
            fields=[
                (
                    "program",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="programs.program",
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
                ("stamp", models.CharField(default="", max_length=32)),
                (
                    "data_key",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="confidential.datakey",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="PoolEntry",
            fields=[
                (
                    "volunteer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="pool_entry",
                        serialize=False,
                        to="volunteers.volunteerprofile",
                    ),
                ),
                ("in_pool", models.BooleanField(default=False)),
                ("matchable", models.BooleanField(default=False)),
                ("valid_until", models.DateField(blank=True, null=True)),
                ("open_matches", models.PositiveSmallIntegerField(default=0)),
                ("capacity_left", models.PositiveSmallIntegerField(default=0)),
                ("stamp", models.CharField(default="", max_length=32)),
                ("sealed", models.TextField()),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["program", "in_pool"], name="pool_program_in_pool")
                ],
            },
        ),
    ]
