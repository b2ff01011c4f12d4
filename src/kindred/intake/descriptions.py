"""A request in a coordinator's words: how long someone has waited, and what they wished for
in a peer. Pure; shared by every staff page that shows a request (the queue, a request's file,
the candidates page, staff home)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def waited(since: datetime, now: datetime) -> str:
    """How long someone has waited, in the largest whole unit: "3 days", "5 hours"."""
    seconds = max(0.0, (now - since).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "under a minute"


CITY_WORDS = {
    "same": "A peer in their own city",
    "different": "A peer in a different city",
    "either": "Either city is fine",
}
PRACTICE_AREA_WORDS = {
    "same": "A peer in the same practice area",
    "different": "A peer in a different practice area",
    "either": "Any practice area",
}
STRENGTH_WORDS = {"must": "it matters: only such a peer", "nice": "would be nice"}
PREFERENCE_LABELS = {
    "language": "Language",
    "region": "Their city or region",
    "city": "City",
    "gender": "Peer's gender",
    "identity": "Peer's identity",
    "career_stage": "Career stage",
    "practice_area": "Practice area",
}


def _with_strength(value: Any) -> str:
    """A preference given as text, or as {"value": …, "strength": "must"|"nice"}."""
    if isinstance(value, dict):
        text = str(value.get("value") or "").strip()
        strength = STRENGTH_WORDS.get(str(value.get("strength", "")), "")
        return f"{text} ({strength})" if text and strength else text
    return str(value).strip() if value else ""


def _identity(value: Any, labels: Mapping[str, str]) -> str:
    if isinstance(value, dict):
        flags = [labels.get(str(key), str(key)) for key, on in value.items() if on is True]
        described = [str(value[key]) for key in ("gender", "value") if value.get(key)]
        strength = STRENGTH_WORDS.get(str(value.get("strength", "")), "")
        text = ", ".join(described + flags)
        return f"{text} ({strength})" if text and strength else text
    if isinstance(value, list | tuple):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    return str(value) if value else ""


def describe_preferences(
    preferences: Any, identity_labels: Mapping[str, str]
) -> list[tuple[str, str]]:
    """The participant's wishes about their peer as (label, words) pairs; empty ones left out.
    `identity_labels` names the identity flags (volunteering's vocabulary, passed in by the page:
    intake sits beside volunteers, not above it).

    Written defensively: the web form and phone intake store the same shapes, but an unknown
    key is still shown (as it came) rather than silently hidden from the coordinator."""
    if not isinstance(preferences, dict):
        return []
    shown: list[tuple[str, str]] = []
    for key, value in preferences.items():
        if key == "practice_area_value":
            continue
        if key == "city":
            text = CITY_WORDS.get(str(value), str(value or ""))
            text = "" if value == "either" else text
        elif key == "practice_area":
            text = "" if value == "either" else PRACTICE_AREA_WORDS.get(str(value), str(value))
            if text and preferences.get("practice_area_value"):
                text += f" ({preferences['practice_area_value']})"
        elif key == "career_stage":
            text = "Someone at a similar stage of their career" if value is True else ""
        elif key == "identity":
            text = _identity(value, identity_labels)
        else:
            text = _with_strength(value)
        if text:
            shown.append((PREFERENCE_LABELS.get(key, key.replace("_", " ").capitalize()), text))
    return shown
