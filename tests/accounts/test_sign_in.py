"""Signing in and out through allauth's real views: two steps for staff, audited, throttled."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from tests.accounts.conftest import (
    LOGIN_URL,
    MFA_URL,
    enter_code,
    sign_in,
    sign_in_with_password,
)
from tests.conftest import totp_now

pytestmark = pytest.mark.django_db

COORDINATOR = "coordinator@example.org"
WRONG_PASSWORD = "not the right password at all"
THROTTLED = "Too many failed login attempts"
# "5/5m/key" in ACCOUNT_RATE_LIMITS: five wrong passwords per (address, account).
FAILURES_BEFORE_THROTTLE = 5


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def entry_text(entry: AuditEntry) -> str:
    return " ".join(str(getattr(entry, field.attname)) for field in AuditEntry._meta.get_fields())


def test_password_and_authenticator_code_land_staff_on_their_home(
    personas: dict[str, User | None],
) -> None:
    # Given a coordinator with an authenticator app
    client = Client()

    # When they give their password
    first = sign_in_with_password(client, COORDINATOR)

    # Then they are asked for a code, and are not signed in yet
    assert first.status_code == 302
    assert first["Location"] == MFA_URL
    assert client.get("/staff/")["Location"].startswith(LOGIN_URL)

    # When they give the code from their app
    second = enter_code(client)

    # Then they land on /start/, which takes them to the staff home
    assert second.status_code == 302
    assert second["Location"] == "/start/"
    home = client.get("/start/", follow=True)
    assert home.redirect_chain == [("/staff/", 302)]
    assert home.status_code == 200
    assert home.wsgi_request.user == personas["coordinator"]


def test_a_wrong_authenticator_code_is_refused_with_a_clear_message(
    personas: dict[str, User | None],
) -> None:
    client = Client()
    sign_in_with_password(client, COORDINATOR)

    response = client.post(MFA_URL, {"code": "000000" if totp_now() != "000000" else "111111"})

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/staff/")["Location"].startswith(LOGIN_URL)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    personas: dict[str, User | None],
) -> None:
    response = sign_in_with_password(Client(), COORDINATOR, WRONG_PASSWORD)

    assert response.status_code == 200
    assert "email address and/or password you specified are not correct" in (
        response.content.decode()
    )


def test_sign_in_and_sign_out_are_audited(personas: dict[str, User | None]) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None
    client = Client()

    sign_in(client, COORDINATOR)
    client.post("/account/logout/")

    [signed_in] = entries(AuditAction.SIGN_IN)
    [signed_out] = entries(AuditAction.SIGN_OUT)
    for entry in (signed_in, signed_out):
        assert entry.actor_type == "user"
        assert entry.actor_id == str(coordinator.pk)
        assert entry.object_type == "account"
        assert entry.object_id == str(coordinator.pk)
        assert entry.actor_role == "coordinator"
    assert signed_in.seq < signed_out.seq


@pytest.mark.parametrize(
    "email", [COORDINATOR, "Someone.Unknown@Example.org"], ids=["known", "unknown"]
)
def test_a_failed_sign_in_is_audited_without_the_address_typed(
    email: str, personas: dict[str, User | None]
) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None

    sign_in_with_password(Client(), email, WRONG_PASSWORD)

    [failed] = entries(AuditAction.SIGN_IN_FAILED)
    assert failed.actor_type == "anonymous"
    assert failed.actor_id == ""
    assert failed.object_id == (str(coordinator.pk) if email == COORDINATOR else "")
    text = entry_text(failed).lower()
    assert email.lower() not in text
    assert email.split("@")[0].lower() not in text
    assert not entries(AuditAction.SIGN_IN)


def test_the_session_id_changes_at_sign_in(personas: dict[str, User | None]) -> None:
    # Given a browser that already holds a session (e.g. planted by someone else)
    client = Client()
    client.session  # noqa: B018  (creates and stores an anonymous session)
    planted = session_cookie(client)

    # When the person signs in
    sign_in_with_password(client, COORDINATOR)
    between_steps = session_cookie(client)
    response = enter_code(client)

    # Then they hold a new session, and the planted one is not signed in
    assert response.status_code == 302
    signed_in = session_cookie(client)
    assert signed_in not in (planted, between_steps)
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert attacker.get("/staff/")["Location"].startswith(LOGIN_URL)


def test_signing_out_ends_the_session_on_the_server(personas: dict[str, User | None]) -> None:
    # Given a signed-in coordinator whose session cookie was copied
    client = Client()
    sign_in(client, COORDINATOR)
    old_cookie = session_cookie(client)
    assert client.get("/staff/").status_code == 200

    # When they sign out
    response = client.post("/account/logout/")
    assert response.status_code == 302

    # Then the copied cookie opens nothing
    assert not Session.objects.filter(session_key=old_cookie).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    page = replay.get("/staff/")
    assert page.status_code == 302
    assert page["Location"].startswith(LOGIN_URL)
    assert not replay.get("/account/").wsgi_request.user.is_authenticated


def test_repeated_wrong_passwords_throttle_that_address_but_not_the_real_person_elsewhere(
    personas: dict[str, User | None],
) -> None:
    # Given someone at one address typing wrong passwords for a coordinator's account
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(FAILURES_BEFORE_THROTTLE):
        response = sign_in_with_password(guesser, COORDINATOR, WRONG_PASSWORD)
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode()

    # When the next attempt from that address has the right password
    throttled = sign_in_with_password(guesser, COORDINATOR)

    # Then it is refused, and says why
    assert throttled.status_code == 200
    assert THROTTLED in throttled.content.decode()
    assert not throttled.wsgi_request.user.is_authenticated

    # And the coordinator, signing in from their own address, is not locked out
    coordinator = Client(REMOTE_ADDR="198.51.100.20")
    response = sign_in(coordinator, COORDINATOR)
    assert response.status_code == 302
    assert response["Location"] == "/start/"
    assert coordinator.get("/staff/").status_code == 200


def test_the_throttle_counts_each_account_separately_at_one_address(
    personas: dict[str, User | None],
) -> None:
    # A shared office address: one person's typos do not lock out a colleague.
    office = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(FAILURES_BEFORE_THROTTLE):
        sign_in_with_password(office, COORDINATOR, WRONG_PASSWORD)
    assert THROTTLED in sign_in_with_password(office, COORDINATOR).content.decode()

    colleague = Client(REMOTE_ADDR="192.0.2.10")
    response = sign_in_with_password(colleague, "director@example.org")
    assert response.status_code == 302
    assert response["Location"] == MFA_URL
