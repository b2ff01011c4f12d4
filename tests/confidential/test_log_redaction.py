"""Values opened from encrypted fields are redacted from log lines, however they get there."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from kindred.confidential.logging import (
    REDACTED,
    RedactConfidentialFilter,
    forget_plaintexts,
)
from tests.confidential.testapp.models import Note

pytestmark = pytest.mark.django_db

SECRET_TEXT = "the participant said something confidential"
SECRET_NAME = "Participant Fullname"
SECRET_DETAIL = "confidential detail in a nested value"


@pytest.fixture
def opened_note() -> Note:
    """A note loaded from the database with its encrypted values opened, as a view would."""
    note = Note.objects.create(
        title="logged",
        secret_text=SECRET_TEXT,
        secret_name=SECRET_NAME,
        secret_data={"details": [SECRET_DETAIL]},
    )
    # What is remembered for redaction comes from opening, not from writing.
    forget_plaintexts()
    fresh = Note.objects.get(pk=note.pk)
    assert fresh.secret_text == SECRET_TEXT
    assert fresh.secret_name == SECRET_NAME
    assert fresh.secret_data == {"details": [SECRET_DETAIL]}
    return fresh


@pytest.fixture
def filtered_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose only handler carries the redaction filter, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactConfidentialFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("kindred.tests.leaky")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def try_to_leak(logger: logging.Logger, note: Note) -> None:
    """Every way a careless line of code might put an opened value into the log."""
    logger.warning("with %%s arguments: %s / %s", note.secret_text, note.secret_name)
    logger.warning("with a mapping argument: %(text)s", {"text": note.secret_text})
    logger.warning(f"in an f-string: {note.secret_text} ({note.secret_name})")
    logger.warning("a JSON value: %s", note.secret_data)
    logger.warning("as a repr: %r", note.secret_text)
    try:
        raise ValueError(f"could not handle {note.secret_text}")
    except ValueError:
        logger.exception("inside a traceback, for %s", note.secret_name)
    logger.warning("with the stack", stack_info=True)


def assert_nothing_leaked(output: str) -> None:
    assert output.strip()
    for secret in (SECRET_TEXT, SECRET_NAME, SECRET_DETAIL):
        assert secret not in output
    assert REDACTED in output
    # The lines themselves survive around the redaction.
    assert "in an f-string: [redacted] ([redacted])" in output
    assert "Traceback (most recent call last)" in output
    assert "ValueError: could not handle [redacted]" in output


def test_a_filtered_handler_redacts_every_way_of_logging_a_value(
    opened_note: Note, filtered_log: tuple[logging.Logger, io.StringIO]
) -> None:
    logger, stream = filtered_log

    try_to_leak(logger, opened_note)

    assert_nothing_leaked(stream.getvalue())


def test_the_configured_root_handler_redacts(
    opened_note: Note, caplog: pytest.LogCaptureFixture
) -> None:
    # Given the console handler that settings.LOGGING puts on the root logger
    configured = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactConfidentialFilter) for f in handler.filters)
    ]
    assert len(configured) == 1, "settings.LOGGING must put the filter on the root handler"
    console = configured[0]
    assert isinstance(console, logging.StreamHandler)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        # When application code logs opened values through any logger
        try_to_leak(logging.getLogger("kindred.programs.somewhere"), opened_note)
    finally:
        console.setStream(previous)

    # Then the console shows none of them, nor do later handlers (the record was redacted)
    assert_nothing_leaked(stream.getvalue())
    assert_nothing_leaked(caplog.text)


def test_values_that_were_never_opened_are_left_alone(
    filtered_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = filtered_log
    forget_plaintexts()

    logger.warning("an ordinary line about %s", "scheduling")

    assert (
        stream.getvalue().strip() == "WARNING kindred.tests.leaky an ordinary line about scheduling"
    )


def test_a_broken_format_string_still_logs_and_is_redacted(
    opened_note: Note, filtered_log: tuple[logging.Logger, io.StringIO]
) -> None:
    logger, stream = filtered_log

    logger.warning(f"{opened_note.secret_text} %s %s", "only one argument")

    assert SECRET_TEXT not in stream.getvalue()
    assert REDACTED in stream.getvalue()


def test_a_value_being_written_is_redacted_too(
    filtered_log: tuple[logging.Logger, io.StringIO],
) -> None:
    # Given a value that was written through an encrypted field but never read back
    forget_plaintexts()
    Note.objects.create(title="written", secret_text=SECRET_TEXT)

    # When careless code logs it (say, in an error about the save)
    logger, stream = filtered_log
    logger.error("could not finish saving %s", SECRET_TEXT)

    # Then the log holds no trace of it
    output = stream.getvalue()
    assert SECRET_TEXT not in output
    assert output.strip() == "ERROR kindred.tests.leaky could not finish saving [redacted]"
