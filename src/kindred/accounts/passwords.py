"""A password strength check that estimates how guessable a password is, not how it looks.

Django's validators catch short, numeric and the ~20,000 most common breached passwords, but not
"Summer2026!!" or "P@ssw0rd2026": a word, a year and symbols, the first things a guessing tool
tries. zxcvbn (Dropbox's estimator) models those patterns (dictionary words, l33t substitutions,
dates, keyboard walks, repeats) and says how many guesses a password would take.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# zxcvbn's scale: 3 is "safely unguessable" online (about 10^8-10^10 guesses), 4 is "very
# unguessable" (10^10 or more), the level that still holds when an attacker has a copy of the
# password hashes and guesses offline. Staff and volunteer accounts open confidential records, so
# Kindred asks for 4; "Summer2026!!" scores 3 and is refused, while a passphrase of three or four
# ordinary words ("correct horse battery staple") easily scores 4.
REQUIRED_SCORE = 4
# zxcvbn's matching grows quickly with length; it looks at this many characters (its default).
# A longer password is only ever stronger than its first 72 characters.
CHECKED_LENGTH = 72


def _user_inputs(user: Any) -> list[str]:
    """Words a guesser would try first for this person: their address's parts and their name."""
    if user is None:
        return []
    words: list[str] = []
    email = str(getattr(user, "email", "") or "")
    words.extend(part for part in re.split(r"[^a-zA-Z0-9]+", email) if len(part) > 2)
    if email:
        words.append(email.split("@", 1)[0])
    full_name = str(getattr(user, "full_name", "") or "")
    words.extend(part for part in full_name.split() if len(part) > 2)
    return [word.lower() for word in words]


class GuessabilityValidator:
    """Refuse a password zxcvbn scores below REQUIRED_SCORE, saying how to make it stronger."""

    def __init__(self, required_score: int = REQUIRED_SCORE) -> None:
        self.required_score = required_score

    def validate(self, password: str, user: Any = None) -> None:
        result = zxcvbn(password, user_inputs=_user_inputs(user), max_length=CHECKED_LENGTH)
        if result["score"] >= self.required_score:
            return
        feedback = result.get("feedback") or {}
        parts = [_("This password would be too easy to guess.")]
        warning = str(feedback.get("warning") or "").strip()
        if warning:
            parts.append(warning)
        suggestions = [str(tip).strip() for tip in feedback.get("suggestions") or [] if tip]
        if suggestions:
            parts.extend(suggestions)
        else:
            # zxcvbn gives no tip for a password that is merely "quite strong" (score 3).
            parts.append(
                _(
                    "Patterns like a word, a year and a symbol are among the first things "
                    "guessed. Add another word or two that are not related to each other."
                )
            )
        raise ValidationError(" ".join(parts), code="password_too_guessable")

    def get_help_text(self) -> str:
        return _(
            "Your password must be hard to guess. A good choice is three or four unrelated "
            "words you can remember."
        )
