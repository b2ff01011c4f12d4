"""Wrong emailed codes are counted per (client address, email): guesses from somewhere else can
never lock a participant out of signing in with the code sent to them."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kindred.intake import actions, participant_access
from kindred.intake.participant_access import CODE_ATTEMPTS, SESSION_KEY
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics

pytestmark = pytest.mark.django_db

CODE = reverse("intake:my_code")
CODE_ENTER = reverse("intake:my_code_enter")
EMAIL = "wren.synthetic@example.org"
PERSON = "198.51.100.4"
GUESSER = "203.0.113.9"


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


def the_code() -> str:
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def a_wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def test_wrong_codes_from_elsewhere_do_not_lock_the_participant_out(
    submitted: actions.Submitted,
) -> None:
    # Given the participant asked for a code from their own connection
    person = Client(REMOTE_ADDR=PERSON)
    person.post(CODE, {"email": EMAIL})
    code = the_code()

    # When someone elsewhere types many wrong codes for the same address
    guesser = Client(REMOTE_ADDR=GUESSER)
    for _ in range(CODE_ATTEMPTS + 5):
        guesser.post(CODE_ENTER, {"email": EMAIL, "code": a_wrong_code(code)})

    # Then the guesser's own connection is stopped, even with the right code
    stopped = guesser.post(CODE_ENTER, {"email": EMAIL, "code": code})
    assert stopped.status_code in (200, 429)
    assert guesser.session.get(SESSION_KEY) is None

    # And the participant, at their own address, still signs in with the code sent to them
    response = person.post(CODE_ENTER, {"email": EMAIL, "code": code})
    assert response.status_code == 302
    assert person.session.get(SESSION_KEY) == str(submitted.request.pk)


def test_the_count_itself_is_per_client_address_not_per_email(
    submitted: actions.Submitted,
) -> None:
    # The view's limiter aside, the code check counts per (client address, email) too
    participant_access.send_sign_in_code(EMAIL)
    code = the_code()
    wrong = a_wrong_code(code)
    for _ in range(CODE_ATTEMPTS):
        assert participant_access.sign_in_with_code(EMAIL, wrong, client=GUESSER) is None

    # Past the limit, the right code no longer works from the guesser's address...
    assert participant_access.sign_in_with_code(EMAIL, code, client=GUESSER) is None
    # ...but it still does from the participant's own
    assert participant_access.sign_in_with_code(EMAIL, code, client=PERSON) == submitted.request
