"""Staff must use two-step sign-in; the secrets behind it are sealed by the keyring."""

from __future__ import annotations

import pyotp
import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.utils import timezone

from kindred.accounts.actions import grant_role
from kindred.accounts.middleware import StaffTwoFactorMiddleware
from kindred.accounts.models import Role, User
from kindred.confidential import crypto
from kindred.confidential.models import DataKey
from kindred.programs.models import Program
from tests.accounts.conftest import MFA_URL, sign_in_with_password
from tests.accounts.urlnames import url_for, url_names
from tests.conftest import PASSWORD, TOTP_SECRET, make_person, totp_now

pytestmark = pytest.mark.django_db

SET_UP_URL = "/account/2fa/totp/activate/"
STAFF_ROLES = [Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR, Role.REPORTING_VIEWER, Role.OPERATOR]


def person_without_second_factor(role: str, program: Program) -> User:
    return make_person(
        f"new.{role}@example.org",
        role,
        None if role == Role.OPERATOR else program,
        second_factor=False,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def raw_authenticator_data(user: User, kind: str) -> str:
    """The authenticator's data column exactly as the database holds it."""
    authenticator = Authenticator.objects.get(user=user, type=kind)
    table = connection.ops.quote_name(Authenticator._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {table} WHERE id = %s", [authenticator.pk])  # noqa: S608
        [(raw,)] = cursor.fetchall()
    return str(raw)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_a_second_factor_are_sent_to_set_one_up(role: str, program: Program) -> None:
    client = signed_in(person_without_second_factor(role, program))

    for page in ("/", "/start/", "/account/", "/staff/", "/operator/", "/account/sessions/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == SET_UP_URL, page
    # Posting is stopped too: nothing can be changed before the second factor exists.
    assert client.post("/account/password/change/")["Location"] == SET_UP_URL


def test_every_page_but_set_up_and_sign_out_is_closed_to_staff_without_a_second_factor(
    program: Program,
) -> None:
    client = signed_in(person_without_second_factor(Role.COORDINATOR, program))
    allowed = set(StaffTwoFactorMiddleware.ALLOWED_URL_NAMES)

    for name in url_names():
        response = client.get(url_for(name, program_id=program.pk))
        sent_to_set_up = response.status_code == 302 and response["Location"] == SET_UP_URL
        if name in allowed:
            assert not sent_to_set_up, f"{name} must stay open to set up a second factor"
        else:
            assert sent_to_set_up, f"{name} opened before a second factor was set up"


def test_the_reason_is_said_in_plain_words(program: Program) -> None:
    client = signed_in(person_without_second_factor(Role.COORDINATOR, program))

    response = client.get("/staff/")

    [message] = list(get_messages(response.wsgi_request))
    assert "Staff accounts must use two-step sign-in" in str(message)


def test_signing_out_stays_possible_without_a_second_factor(program: Program) -> None:
    client = signed_in(person_without_second_factor(Role.COORDINATOR, program))

    response = client.post("/account/logout/")

    assert response.status_code == 302
    assert response["Location"] != SET_UP_URL
    assert not client.get("/account/").wsgi_request.user.is_authenticated


def set_up_authenticator(client: Client) -> str:
    """From any page to a working authenticator app, as a staff member without one goes: sent to
    set-up, asked by allauth to confirm their password (as before any change of factor), then
    entering the code their app shows for the secret on the page. Returns that secret."""
    response = client.get("/start/", follow=True)
    assert [url.split("?")[0] for url, _ in response.redirect_chain] == [
        SET_UP_URL,
        "/account/reauthenticate/",
    ]
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == SET_UP_URL
    secret: str = response.context["form"].secret
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(SET_UP_URL, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response["Location"] != SET_UP_URL
    return secret


def test_a_new_coordinator_sets_up_an_authenticator_and_then_reaches_their_work(
    program: Program,
) -> None:
    # Given a coordinator whose account has no second factor yet, signed in with their password
    user = person_without_second_factor(Role.COORDINATOR, program)
    client = Client()
    response = sign_in_with_password(client, user.email)
    assert response["Location"] == "/start/"
    assert client.get("/staff/")["Location"] == SET_UP_URL

    # When they set up an authenticator app
    secret = set_up_authenticator(client)

    # Then the staff pages open, and the secret is stored sealed
    assert client.get("/staff/").status_code == 200
    assert secret not in raw_authenticator_data(user, Authenticator.Type.TOTP)


def test_a_volunteer_made_coordinator_can_set_up_an_authenticator(program: Program) -> None:
    # Given a volunteer whose address allauth lists as unverified (as its own e-mail page used
    # to record; Kindred has no sign-up, so an unverified address is no risk here)
    volunteer = make_person(
        "new.volunteer@example.org", Role.VOLUNTEER, program, second_factor=False
    )
    EmailAddress.objects.create(user=volunteer, email=volunteer.email, verified=False, primary=True)
    client = Client()
    sign_in_with_password(client, volunteer.email)

    # When they are made a coordinator, they must set up a second factor, and can
    grant_role(volunteer, Role.COORDINATOR, program)
    set_up_authenticator(client)

    # Then the staff pages open (they were locked out of every page before the fix)
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("second_factor", [False, True], ids=["without", "with"])
def test_volunteers_are_not_forced_to_use_a_second_factor(
    second_factor: bool, program: Program
) -> None:
    volunteer = make_person(
        "new.volunteer@example.org", Role.VOLUNTEER, program, second_factor=second_factor
    )
    client = signed_in(volunteer)

    assert client.get("/volunteer/").status_code == 200
    assert client.get("/account/").status_code == 200
    assert client.get("/start/")["Location"] == "/volunteer/"


def test_a_volunteer_without_a_second_factor_signs_in_with_a_password_alone(
    program: Program,
) -> None:
    volunteer = make_person(
        "new.volunteer@example.org", Role.VOLUNTEER, program, second_factor=False
    )
    client = Client()

    response = sign_in_with_password(client, volunteer.email)

    assert response["Location"] == "/start/"
    assert client.get("/start/")["Location"] == "/volunteer/"


def test_totp_secrets_are_not_stored_in_plaintext(personas: dict[str, User | None]) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None

    raw = raw_authenticator_data(coordinator, Authenticator.Type.TOTP)

    assert TOTP_SECRET not in raw
    assert TOTP_SECRET.lower() not in raw
    assert "kd1:" in raw  # sealed by Kindred's MFA adapter, under a data key of its own
    data_key_id = raw.split("kd1:", 1)[1].split(":", 1)[0]
    assert DataKey.objects.filter(pk=data_key_id, wrapped__isnull=False).exists()


def test_allauth_still_validates_codes_from_the_sealed_secret(
    personas: dict[str, User | None],
) -> None:
    coordinator = personas["coordinator"]
    assert coordinator is not None
    authenticator = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)

    with time_machine.travel(timezone.now(), tick=False):  # one code for the whole test
        code = totp_now()
        assert not authenticator.wrap().validate_code(str((int(code) + 1) % 10**6).zfill(6))
        assert authenticator.wrap().validate_code(code)
        # A code that has been used once does not open a second sign-in.
        client = Client()
        sign_in_with_password(client, coordinator.email)
        response = client.post(MFA_URL, {"code": code})
        assert response.status_code == 200
        assert "Incorrect code." in response.content.decode()


def test_a_secret_not_sealed_by_kindred_is_refused() -> None:
    with pytest.raises(crypto.DecryptionError):
        get_mfa_adapter().decrypt(TOTP_SECRET)
