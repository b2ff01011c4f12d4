"""The seed taxonomy (Volunteers issue): name, reporting category, requires recovery time."""

from __future__ import annotations

SEED_TOPICS: tuple[tuple[str, str, bool], ...] = (
    ("Stress and burnout", "mental_health", False),
    ("Anxiety", "mental_health", False),
    ("Depression", "mental_health", False),
    ("Alcohol use", "substance_use", True),
    ("Other substance use", "substance_use", True),
    ("Gambling and other process addictions", "process_addiction", True),
    ("Grief and loss", "family", False),
    ("Separation, divorce and family", "family", False),
    ("Parenting and caregiving", "family", False),
    ("Illness, injury or chronic pain", "health", False),
    ("Career transition and practice pressures", "career", False),
    ("Law Society complaint or discipline", "career", False),
    ("Vicarious trauma", "mental_health", False),
    ("Returning to practice after leave", "career", False),
    ("Aging, retirement and cognitive change", "health", False),
    ("Financial stress", "financial", False),
    ("Discrimination or harassment at work", "career", False),
    ("New to practice or still a student", "career", False),
)
