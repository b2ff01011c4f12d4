"""Seed the shared taxonomy. The Executive Director edits it afterwards."""

from django.db import migrations
from django.utils.text import slugify

from kindred.topics.seed import SEED_TOPICS


def seed(apps, schema_editor):
    Topic = apps.get_model("topics", "Topic")
    for position, (name, category, recovery) in enumerate(SEED_TOPICS):
        Topic.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "reporting_category": category,
                "requires_recovery_time": recovery,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
