"""Who may open what: every URL pattern × every persona → the answer they get.

A URL pattern with no row here fails the suite (test_every_url_pattern_has_a_row), so nobody adds a
page without deciding, in this one table, who may see it. Requests are GETs from a fresh client
signed in as the persona (with a second factor set up, as staff must have).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.programs.models import Program
from tests.accounts.urlnames import url_for, url_names
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class To:
    """A redirect (302) to this path; the query string (e.g. ?next=) is not compared."""

    path: str

    def __repr__(self) -> str:
        return f"302→{self.path}"


Expected = int | To

OK = 200
NO = 403  # refused by the access policy (and audited)
HIDDEN = 404  # not found, or not theirs: the same answer
LOGIN = To("/account/login/")
START = To("/start/")
HOME = To("/")
REAUTH = To("/account/reauthenticate/")
MFA = To("/account/2fa/")  # allauth's two-step page: they already have an authenticator
CHANGE_PW = To("/account/password/change/")  # they already have a password to change
STAFF = To("/staff/")
VOLUNTEER = To("/volunteer/")
REPORTS = To("/reports/")
OPERATOR = To("/operator/")

# fmt: off
MATRIX: dict[str, tuple[Expected, ...]] = {
    #                                     anonymous volunteer other_vol  coord     other_coord director reporting operator
    # Public pages
    "home":                              (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "healthz":                           (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),
    # Sign-in router and own account
    "start":                             (LOGIN,    VOLUNTEER, VOLUNTEER, STAFF,   STAFF,    STAFF,    REPORTS,  OPERATOR),
    "account_security":                  (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    # allauth: signing in and out
    "account_login":                     (OK,       START,    START,     START,    START,    START,    START,    START),
    "account_logout":                    (HOME,     OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_inactive":                  (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_signup":                    (OK,       START,    START,     START,    START,    START,    START,    START),  # says sign-up is closed
    "account_reauthenticate":            (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_confirm_login_code":        (LOGIN,    START,    START,     START,    START,    START,    START,    START),
    "mfa_authenticate":                  (LOGIN,    START,    START,     START,    START,    START,    START,    START),
    "mfa_reauthenticate":                (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    # allauth: e-mail addresses and passwords
    "account_email":                     (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_email_verification_sent":   (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_confirm_email":             (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),  # bad key: calm page
    "account_change_password":           (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_set_password":              (LOGIN,    CHANGE_PW, CHANGE_PW, CHANGE_PW, CHANGE_PW, CHANGE_PW, CHANGE_PW, CHANGE_PW),
    "account_reset_password":            (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_reset_password_done":       (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "account_reset_password_from_key":   (OK,       OK,       OK,        OK,       OK,       OK,       OK,       OK),  # bad key: calm page
    "account_reset_password_from_key_done": (OK,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    # allauth: two-step sign-in (every persona here already has an authenticator app)
    "mfa_index":                         (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "mfa_activate_totp":                 (LOGIN,    MFA,      MFA,       MFA,      MFA,      MFA,      MFA,      MFA),
    "mfa_deactivate_totp":               (LOGIN,    REAUTH,   REAUTH,    REAUTH,   REAUTH,   REAUTH,   REAUTH,   REAUTH),
    "mfa_view_recovery_codes":           (LOGIN,    HIDDEN,   HIDDEN,    HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN),  # none made yet
    "mfa_generate_recovery_codes":       (LOGIN,    REAUTH,   REAUTH,    REAUTH,   REAUTH,   REAUTH,   REAUTH,   REAUTH),
    "mfa_download_recovery_codes":       (LOGIN,    HIDDEN,   HIDDEN,    HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN,   HIDDEN),
    "mfa_list_webauthn":                 (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    "mfa_add_webauthn":                  (LOGIN,    MFA,      MFA,       MFA,      MFA,      MFA,      MFA,      MFA),
    "mfa_reauthenticate_webauthn":       (LOGIN,    REAUTH,   REAUTH,    REAUTH,   REAUTH,   REAUTH,   REAUTH,   REAUTH),
    "mfa_remove_webauthn":               (LOGIN,    REAUTH,   REAUTH,    REAUTH,   REAUTH,   REAUTH,   REAUTH,   REAUTH),
    "mfa_edit_webauthn":                 (LOGIN,    REAUTH,   REAUTH,    REAUTH,   REAUTH,   REAUTH,   REAUTH,   REAUTH),
    # allauth: one's own sessions
    "usersessions_list":                 (LOGIN,    OK,       OK,        OK,       OK,       OK,       OK,       OK),
    # Staff: "programs:detail" is the program the coordinator runs, not the other coordinator's
    "staff_home":                        (LOGIN,    NO,       NO,        OK,       OK,       OK,       NO,       NO),
    "programs:detail":                   (LOGIN,    NO,       NO,        OK,       HIDDEN,   OK,       NO,       NO),
    "audit_log":                         (LOGIN,    NO,       NO,        NO,       NO,       OK,       NO,       NO),
    "reports_home":                      (LOGIN,    NO,       NO,        NO,       NO,       OK,       OK,       NO),
    "operator_status":                   (LOGIN,    NO,       NO,        NO,       NO,       NO,       NO,       OK),
    # Volunteers
    "volunteer_home":                    (LOGIN,    OK,       OK,        NO,       NO,       NO,       NO,       NO),
}
# fmt: on


def answer(response: HttpResponse) -> Expected:
    if response.status_code in (301, 302):
        return To(urlsplit(response["Location"]).path)
    return response.status_code


def test_every_url_pattern_has_a_row() -> None:
    names = url_names()
    assert len(names) == len(set(names)), "two URL patterns share a name"
    missing = sorted(set(names) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(names))
    assert not missing, f"URL patterns with no row in the authorization matrix: {missing}"
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


def test_every_row_has_a_column_per_persona() -> None:
    assert {len(row) for row in MATRIX.values()} == {len(PERSONAS)}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(
    name: str, client_as: Callable[[str], Client], program: Program
) -> None:
    url = url_for(name, program_id=program.pk)
    expected = dict(zip(PERSONAS, MATRIX[name], strict=True))
    actual = {persona: answer(client_as(persona).get(url)) for persona in PERSONAS}
    assert actual == expected


def test_signed_in_pages_send_anonymous_visitors_to_sign_in_and_back(
    client: Client, program: Program
) -> None:
    for name, row in MATRIX.items():
        if row[0] == LOGIN and name not in ("account_confirm_login_code", "mfa_authenticate"):
            url = url_for(name, program_id=program.pk)
            response = client.get(url)
            # allauth quotes the path in ?next=; Django's own redirect does not.
            assert response.status_code == 302
            assert response["Location"].replace("%2F", "/").endswith(f"?next={url}"), name


def test_another_programs_coordinator_gets_the_same_404_and_it_is_audited(
    client_as: Callable[[str], Client],
    program: Program,
    personas: dict[str, User | None],
) -> None:
    # Given a coordinator of another program
    other_coordinator = personas["other_coordinator"]
    assert other_coordinator is not None
    client = client_as("other_coordinator")
    missing_id = Program.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    # When they open this program's page, and a program that does not exist
    refused = client.get(reverse("programs:detail", kwargs={"program_id": program.pk}))
    absent = client.get(reverse("programs:detail", kwargs={"program_id": missing_id}))

    # Then both are the same 404, and the refusal is in the audit log
    assert refused.status_code == absent.status_code == 404
    assert [t.name for t in refused.templates] == [t.name for t in absent.templates]
    entry = AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_type="program", object_id=str(program.pk)
    ).get()
    assert entry.actor_type == "user"
    assert entry.actor_id == str(other_coordinator.pk)


def test_a_volunteers_refusal_on_a_staff_page_is_audited(
    client_as: Callable[[str], Client], personas: dict[str, User | None]
) -> None:
    volunteer = personas["volunteer"]
    assert volunteer is not None
    response = client_as("volunteer").get(reverse("staff_home"))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED,
        actor_id=str(volunteer.pk),
        object_id="staff_home",
    ).exists()


@pytest.mark.urls("tests.accounts.undeclared_urls")
@pytest.mark.parametrize("persona", ["anonymous", "volunteer", "executive_director", "operator"])
def test_a_view_that_declares_no_access_is_refused(
    persona: str, client_as: Callable[[str], Client]
) -> None:
    client = client_as(persona)
    assert client.get("/declared/").status_code == 200  # the test URLconf itself works
    assert client.get("/undeclared/").status_code == 403
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_id="undeclared"
    ).exists()
