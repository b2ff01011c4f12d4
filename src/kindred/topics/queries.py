"""Reads of the taxonomy for pages that show what people chose.

Volunteers keep their topics as encrypted slugs (no plaintext link from a person to a topic), so a
page that shows topics loads the whole taxonomy once, with one query, and maps each person's
slugs through it: never one query per row, however many people the page lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kindred.topics.models import Topic


def topics_by_slug() -> dict[str, Topic]:
    """Every topic, retired ones included (they stay on old records), by slug; one query."""
    return {topic.slug: topic for topic in Topic.objects.order_by("position", "name")}


def topics_from_slugs(slugs: Iterable[object], by_slug: Mapping[str, Topic]) -> list[Topic]:
    """The topics named by `slugs`, in the taxonomy's order, without repeats. A slug no topic has
    (it cannot be deleted through Kindred, but a row may be restored from elsewhere) is left out
    rather than shown raw."""
    chosen = {str(slug) for slug in slugs}
    return [topic for slug, topic in by_slug.items() if slug in chosen]
