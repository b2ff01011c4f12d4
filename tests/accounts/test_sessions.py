"""How long a session lives: staff idle limit, absolute limit for everyone, and ending sessions.

The clock is time-machine's: SessionLifetimeMiddleware reads time.time(), which it moves.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from tests.accounts.conftest import LOGIN_URL, sign_in

pytestmark = pytest.mark.django_db

MONDAY_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDLE = timedelta(minutes=settings.STAFF_IDLE_MINUTES)
MAX_AGE = timedelta(hours=settings.SESSION_MAX_HOURS)
MINUTE = timedelta(minutes=1)


def signed_in(user: User | None) -> Client:
    assert user is not None
    client = Client()
    client.force_login(user)
    return client


def assert_signed_out_with(response: HttpResponse, client: Client, words: str) -> None:
    assert response.status_code == 302
    # Back to sign-in, and from there to the page they were on.
    assert response["Location"].startswith(LOGIN_URL + "?next=/")
    page = client.get(response["Location"])
    assert words in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated


def test_defaults_are_thirty_idle_minutes_for_staff_and_twelve_hours_for_everyone() -> None:
    assert settings.STAFF_IDLE_MINUTES == 30
    assert settings.SESSION_MAX_HOURS == 12
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_staff_idle_longer_than_the_limit_are_signed_out(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        # Given a coordinator who keeps working, with pauses just under the limit
        client = signed_in(personas["coordinator"])
        for _ in range(3):
            clock.shift(IDLE - MINUTE)
            assert client.get("/staff/").status_code == 200

        # When they leave the computer for longer than the limit
        clock.shift(IDLE + MINUTE)
        response = client.get("/staff/")

        # Then the next page signs them out, sends them to sign in and says why
        assert_signed_out_with(
            response, client, f"signed out after {settings.STAFF_IDLE_MINUTES} minutes"
        )
        assert client.get("/staff/")["Location"].startswith(LOGIN_URL)
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_OUT).count() == 1


@pytest.mark.parametrize("persona", ["executive_director", "reporting_viewer", "operator"])
def test_every_staff_role_has_the_idle_limit(
    persona: str, personas: dict[str, User | None]
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = signed_in(personas[persona])
        clock.shift(IDLE + MINUTE)
        assert client.get("/start/")["Location"] == LOGIN_URL + "?next=/start/"


def test_a_volunteer_idle_for_31_minutes_is_still_signed_in(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = signed_in(personas["volunteer"])
        clock.shift(timedelta(minutes=31))
        assert client.get("/volunteer/").status_code == 200
        clock.shift(timedelta(hours=3))
        assert client.get("/volunteer/").status_code == 200


def test_a_volunteer_session_ends_after_the_absolute_limit_even_when_active(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = signed_in(personas["volunteer"])
        for _ in range(4):  # active every three hours: 3, 6, 9, 12 hours in
            clock.shift(timedelta(hours=3))
            assert client.get("/volunteer/").status_code == 200

        clock.shift(MINUTE)
        response = client.get("/volunteer/")

        assert_signed_out_with(
            response, client, f"signed out after {settings.SESSION_MAX_HOURS} hours"
        )


def test_a_staff_session_ends_after_the_absolute_limit_even_when_active(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = signed_in(personas["coordinator"])
        step = timedelta(minutes=25)
        elapsed = timedelta()
        while elapsed + step <= MAX_AGE:
            clock.shift(step)
            elapsed += step
            assert client.get("/staff/").status_code == 200, elapsed

        clock.shift(MAX_AGE - elapsed + MINUTE)
        response = client.get("/staff/")

        assert_signed_out_with(
            response, client, f"signed out after {settings.SESSION_MAX_HOURS} hours"
        )


def test_people_see_their_sessions_and_can_end_the_others(
    personas: dict[str, User | None],
) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        # Given a coordinator signed in at the office and, later, at home
        office = Client(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Office browser")
        home = Client(REMOTE_ADDR="203.0.113.44", HTTP_USER_AGENT="Home browser")
        assert sign_in(office, coordinator.email)["Location"] == "/start/"
        clock.shift(timedelta(minutes=2))  # a new code from the app
        assert sign_in(home, coordinator.email)["Location"] == "/start/"

        # When they look at their sessions from home
        page = home.get("/account/sessions/")

        # Then they see both
        assert page.status_code == 200
        body = page.content.decode()
        assert page.context["session_count"] == 2
        assert "Office browser" in body
        assert "198.51.100.20" in body
        assert "Home browser" in body

        # When they sign out the other sessions
        response = home.post("/account/sessions/")

        # Then the office session is over, and the one at home goes on
        assert response.status_code == 302
        assert office.get("/staff/")["Location"].startswith(LOGIN_URL)
        assert home.get("/staff/").status_code == 200
        assert UserSession.objects.filter(user=coordinator).count() == 1
        # And ending it was recorded as a sign-out
        assert AuditEntry.objects.filter(
            action=AuditAction.SIGN_OUT,
            object_id=str(coordinator.pk),
            purpose="session ended from another session",
        ).exists()


def test_the_sessions_page_shows_only_ones_own_sessions(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        director = Client(HTTP_USER_AGENT="Director browser")
        sign_in(director, "director@example.org")
        clock.shift(timedelta(minutes=2))
        coordinator = Client(HTTP_USER_AGENT="Coordinator browser")
        sign_in(coordinator, "coordinator@example.org")

        page = coordinator.get("/account/sessions/")

        assert page.context["session_count"] == 1
        assert "Director browser" not in page.content.decode()


def test_where_you_are_signed_in_is_kept_without_a_write_on_every_page(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        # Given a coordinator whose session is on the "Where you are signed in" list
        client = signed_in(personas["coordinator"])
        assert client.get("/staff/").status_code == 200
        session = UserSession.objects.get(user=personas["coordinator"])
        first_seen = session.last_seen_at

        # When they open pages within the same half-minute
        clock.shift(timedelta(seconds=20))
        assert client.get("/staff/").status_code == 200
        # Then the list's row is not rewritten
        session.refresh_from_db()
        assert session.last_seen_at == first_seen

        # And once the half-minute has passed, the next page updates it
        clock.shift(timedelta(seconds=20))
        assert client.get("/staff/").status_code == 200
        session.refresh_from_db()
        assert session.last_seen_at > first_seen


def test_a_staff_member_who_removes_their_last_second_factor_is_stopped_within_a_minute(
    personas: dict[str, User | None],
) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = signed_in(personas["coordinator"])
        assert client.get("/staff/").status_code == 200
        Authenticator.objects.filter(user=personas["coordinator"]).delete()
        clock.shift(timedelta(seconds=31))
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"] == "/account/2fa/totp/activate/"
