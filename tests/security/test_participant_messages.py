"""Flash messages from the participant's pages never carry an email address or anything typed.
They wait in a cookie or the session until shown, and on a shared computer the next person may
see them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from kindred.intake import actions, participant_access
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics

pytestmark = pytest.mark.django_db

EMAIL = "alder.synthetic@example.org"
NEW_EMAIL = "alder.elsewhere@example.org"
CONTACT_EMAIL = "alder.contact@example.org"
PHONE = "403-555-0177"
SAFE_TIMES = "Thursdays after seven, synthetic"


@pytest.fixture(autouse=True)
def codes_sent_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(participant_access, "deliver_later", lambda send: send())


@pytest.fixture
def submitted(program: Program) -> actions.Submitted:
    ensure_seed_topics()
    return actions.submit_request(
        program,
        asker_kind="lawyer",
        topics=["stress-and-burnout"],
        risk_answer="no",
        contact={"methods": ["email"], "email": EMAIL, "leave_message": False},
        sign_in_email=EMAIL,
    )


def flashed(response: Any) -> list[str]:
    """The messages a response left for the next page (read, not shown, so none is lost)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_no_flash_message_holds_an_email_or_anything_typed(
    submitted: actions.Submitted,
) -> None:
    said: list[str] = []
    typed: list[str] = [EMAIL, NEW_EMAIL, CONTACT_EMAIL, PHONE, "+1 403-555-0177", SAFE_TIMES]
    client = Client()

    # Asking for a code, typing it wrong and then right
    said += flashed(client.post(reverse("intake:my_code"), {"email": EMAIL}))
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code is not None
    typed += [code.group(1), submitted.request.reference, submitted.passphrase]
    wrong = "000000" if code.group(1) != "000000" else "111111"
    enter = reverse("intake:my_code_enter")
    said += flashed(client.post(enter, {"email": EMAIL, "code": wrong}))
    said += flashed(client.post(enter, {"email": EMAIL, "code": code.group(1)}))

    # Changing how and when to be contacted, and the address for codes, then removing it
    said += flashed(
        client.post(
            reverse("intake:my_contact"),
            {
                "methods": ["phone", "email"],
                "phone": PHONE,
                "email": CONTACT_EMAIL,
                "safe_times": SAFE_TIMES,
                "leave_message": "no",
            },
        )
    )
    said += flashed(client.post(reverse("intake:my_email"), {"email": NEW_EMAIL}))
    said += flashed(client.post(reverse("intake:my_email"), {"remove": "1"}))

    # Withdrawing, asking for deletion, signing out; then signing in with the passphrase
    said += flashed(client.post(reverse("intake:my_withdraw")))
    said += flashed(client.post(reverse("intake:my_delete")))
    said += flashed(client.post(reverse("intake:my_sign_out")))
    said += flashed(
        client.post(
            reverse("intake:my_sign_in"),
            {"reference": submitted.request.reference, "passphrase": submitted.passphrase},
        )
    )

    # Then each step said something, and nothing said holds what was typed
    assert len(said) >= 7
    for message in said:
        for value in typed:
            assert value.lower() not in message.lower(), message
        assert "@" not in message, message
