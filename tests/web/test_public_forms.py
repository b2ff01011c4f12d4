"""The guard every public form shares (kindred.web.public_forms): no limit shared by everyone,
and a limiter whose cache fails is never mistaken for "too many"."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import OperationalError
from django.test import Client, RequestFactory

from kindred.intake.models import SupportRequest
from kindred.intake.views import public as intake_views
from kindred.volunteers.models import VolunteerProfile
from kindred.volunteers.views import public as volunteer_views
from kindred.web.public_forms import (
    CacheWriteFailed,
    PublicSubmission,
    SubmissionUnavailable,
    per_address_only,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_a_rate_shared_by_everyone_is_refused() -> None:
    with pytest.raises(ValueError, match="per address only"):
        per_address_only("5/10m/ip,500/1d/key")


@pytest.mark.parametrize(
    "rate",
    [intake_views.RATE, volunteer_views.APPLICATION_RATE],
    ids=["ask-and-concern", "volunteer-application"],
)
def test_every_public_form_limits_per_address_only(rate: str) -> None:
    assert per_address_only(rate) == rate
    assert "key" not in rate


def guard(client_address: str = "203.0.113.5") -> PublicSubmission:
    request = RequestFactory().post("/ask/", REMOTE_ADDR=client_address)
    return PublicSubmission(request, SupportRequest, "kindred.intake", "test", "2/10m/ip")


def test_the_limit_counts_per_address() -> None:
    assert guard().consume() is not None
    assert guard().consume() is not None
    assert guard().consume() is None  # this address is paused
    assert guard("198.51.100.7").consume() is not None  # nobody else is


def test_a_cache_that_raises_is_reported_as_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(type(caches["default"]), "get", broken)

    with pytest.raises(SubmissionUnavailable) as raised:
        guard().consume()
    assert isinstance(raised.value.__cause__, OperationalError)


def test_a_cache_that_silently_takes_no_write_is_reported_as_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from allauth.core.internal import ratelimit

    monkeypatch.setattr(type(caches["default"]), "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(ratelimit, "CACHE_LOCK_WAIT_TIMEOUT", 0)

    with pytest.raises(SubmissionUnavailable) as raised:
        guard().consume()
    assert isinstance(raised.value.__cause__, CacheWriteFailed)


def test_the_volunteer_application_gets_an_honest_503_when_storage_fails(
    client: Client, program: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from tests.volunteers.test_application import answers

    data = answers(client)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("disk full")

    monkeypatch.setattr(volunteer_views, "submit_application", broken)
    with caplog.at_level(logging.ERROR):
        response = client.post("/volunteer-with-us/", data)

    assert response.status_code == 503
    body = response.content.decode()
    assert "We could not save this" in body
    assert "wait about ten minutes" not in body
    assert "Ysolde Ferncastle" in body  # the answers as typed
    assert VolunteerProfile.objects.count() == 0
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("kindred.")]
    assert logged == ["volunteer application not saved (OperationalError)"]
