"""A participant session ends 12 hours after sign-in, whatever the activity: a session that is
kept alive (a page left open and refreshing, a copied cookie) still ends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.intake import actions
from kindred.intake.participant_access import PARTICIPANT_MAX_HOURS, SESSION_KEY
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("intake:my_sign_in")
HOME = reverse("intake:my_home")
NOW = datetime(2027, 3, 3, 8, 0, tzinfo=timezone.get_default_timezone())


def test_the_limit_is_twelve_hours() -> None:
    assert PARTICIPANT_MAX_HOURS == 12


def test_a_session_ends_at_twelve_hours_even_with_activity_every_ten_minutes(
    program: Program,
) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        ensure_seed_topics()
        submitted = actions.submit_request(
            program, asker_kind="lawyer", topics=["stress-and-burnout"], risk_answer="no"
        )
        # Given a participant who signs in
        client = Client()
        response = client.post(
            SIGN_IN,
            {"reference": submitted.request.reference, "passphrase": submitted.passphrase},
        )
        assert response.status_code == 302

        # When they (or someone with their cookie) open a page every ten minutes for 12 hours
        for _ in range(PARTICIPANT_MAX_HOURS * 6 - 1):
            clock.shift(timedelta(minutes=10))
            assert client.get(HOME).status_code == 200
        # (11 hours 50 minutes in: still signed in)

        # Then at 12 hours and a moment the session is over: back to sign-in, nothing shown
        clock.shift(timedelta(minutes=10, seconds=1))
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"] == SIGN_IN
        assert client.session.get(SESSION_KEY) is None
        assert client.get(HOME)["Location"] == SIGN_IN
