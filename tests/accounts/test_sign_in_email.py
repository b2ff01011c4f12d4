"""A signed-in session cannot change its own sign-in address (no verification emails exist)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from kindred.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_email_page_explains_and_changes_nothing(client_as, personas) -> None:
    # Given a signed-in coordinator
    client = client_as("coordinator")
    # When they (or someone at their unlocked computer) try to add a new sign-in address
    page = client.get("/account/email/")
    response = client.post(
        "/account/email/", {"action_add": "", "email": "attacker@example.net"}, follow=True
    )
    # Then the page explains how to change it, and no address was added or changed
    assert page.status_code == 200
    assert "ask your program coordinator" in page.content.decode()
    assert response.status_code == 200
    assert not EmailAddress.objects.filter(email="attacker@example.net").exists()
    assert User.objects.get(pk=personas["coordinator"].pk).email == "coordinator@example.org"
