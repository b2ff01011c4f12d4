"""Writes to the taxonomy (Executive Director only), each audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from kindred.confidential import audit
from kindred.confidential.models import AuditAction
from kindred.topics.models import Topic
from kindred.topics.seed import SEED_TOPICS


def ensure_seed_topics() -> None:
    """The seed taxonomy, idempotently (the migration does the same on a fresh database)."""
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


def save_topic(topic: Topic, *, actor: audit.Actor) -> Topic:
    created = topic.pk is None
    with transaction.atomic():
        if not topic.slug:
            topic.slug = slugify(topic.name)[:80]
        topic.full_clean()
        topic.save()
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            object_type="topic",
            object_id=topic.pk,
        )
    return topic
