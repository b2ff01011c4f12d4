"""Keep the plaintext of encrypted fields out of log lines.

Every value opened by an encrypted field is remembered for the rest of the current request (or
command); a logging filter replaces any of them in a record's message, arguments and traceback
with `[redacted]`. Values shorter than MIN_LENGTH are not tracked: redacting every "no" or "3"
in every log line would make logs useless, and such values identify no one.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse

MIN_LENGTH = 4
MAX_TRACKED = 5000
REDACTED = "[redacted]"

_opened: contextvars.ContextVar[dict[str, None] | None] = contextvars.ContextVar(
    "kindred_opened_plaintexts", default=None
)


def _strings_in(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def remember_plaintext(value: Any) -> None:
    opened = _opened.get()
    if opened is None:
        opened = {}
        _opened.set(opened)
    for text in _strings_in(value):
        if len(text) >= MIN_LENGTH:
            opened[text] = None
            if len(opened) > MAX_TRACKED:  # oldest first: dicts keep insertion order
                opened.pop(next(iter(opened)))


def forget_plaintexts() -> None:
    _opened.set(None)


def redact(text: str) -> str:
    opened = _opened.get()
    if not opened or not text:
        return text
    # Longest first, so a value containing another is replaced whole.
    for secret in sorted(opened, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactConfidentialFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        # Formatters print exc_text when it is set; dropping the live exception keeps any other
        # handler from formatting it again, unredacted.
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ForgetDecryptedValuesMiddleware:
    """Each request starts with an empty memory of opened values, and ends by dropping it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forget_plaintexts()
        try:
            return self.get_response(request)
        finally:
            forget_plaintexts()
