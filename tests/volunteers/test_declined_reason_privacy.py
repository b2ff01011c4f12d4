"""A declined volunteer never sees why: the reason is for staff only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.volunteers import actions
from kindred.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db

REASON = "Synthetic staff-only note about the references"
PORTAL = ("home", "profile", "agreement", "debrief", "wellbeing")


def test_the_volunteer_never_sees_the_declined_reason(
    client_as: Callable[[str], Client], personas: dict[str, User | None]
) -> None:
    # Given a volunteer with an account, declined while in training, with a staff-only reason
    volunteer_user, coordinator = personas["volunteer"], personas["coordinator"]
    assert volunteer_user is not None
    assert coordinator is not None
    profile = VolunteerProfile.objects.get(user=volunteer_user)
    VolunteerProfile.objects.filter(pk=profile.pk).update(status="training")
    profile.refresh_from_db()
    actions.change_status(profile, "declined", by=coordinator, declined_reason=REASON)

    # When they open every page of their portal
    client = client_as("volunteer")
    pages = {name: client.get(reverse(f"volunteers:{name}")) for name in PORTAL}

    # Then none of them shows the reason (and none fails)
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert REASON not in response.content.decode(), name
    # While the coordinator's file does show it
    detail = client_as("coordinator").get(
        reverse("volunteers:staff_detail", kwargs={"volunteer_id": profile.pk})
    )
    assert REASON in detail.content.decode()
