"""Who may open what: every URL pattern, for every persona, and the answer they get.

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
from django.utils import timezone

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake.actions import change_status, submit_concern
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.programs.actions import add_crisis_line
from kindred.programs.models import CrisisLine, Program
from kindred.support.actions import (
    answer_as_participant,
    answer_as_volunteer,
    flag_match,
    propose_match,
)
from kindred.support.models import TaskKind
from kindred.topics.actions import ensure_seed_topics
from kindred.topics.models import Topic
from kindred.volunteers.models import DebriefRequest, VolunteerProfile
from tests.accounts.urlnames import url_for, url_names
from tests.conftest import PERSONAS, make_matchable, make_support_request

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class To:
    """A redirect (302) to this path; the query string (e.g. ?next=) is not compared."""

    path: str

    def __repr__(self) -> str:
        return f"302→{self.path}"


Expected = int | To

# A word in the table is a redirect (302) to that page.
REDIRECTS = {
    "login": To("/account/login/"),  # sign in first (with ?next= back here)
    "start": To("/start/"),  # already signed in: on to one's own home
    "home": To("/"),
    # allauth asks for the password again before a factor changes; these clients were signed in
    # without allauth's record of when, so it always asks.
    "reauth": To("/account/reauthenticate/"),
    "chpw": To("/account/password/change/"),  # they already have a password to change
    "staff": To("/staff/"),
    "vol": To("/volunteer/"),
    "report": To("/reports/"),
    "oper": To("/operator/"),
    "my": To("/my/"),  # a participant's pages: sign in to your own request first
    "myhome": To("/my/request/"),  # already signed in to your own request
    "mycopy": To("/my/copy/"),  # the download is a POST; a GET shows the readable copy
    "mypeer": To("/my/peer/"),  # a peer form's endpoint is a POST; a GET shows the peer page
}

# Columns, in the order of PERSONAS: anonymous, volunteer, other_volunteer, coordinator (of the
# program in the URL), other_coordinator (of another program), executive_director,
# reporting_viewer, operator, participant (signed in at /my/ to their own request, no
# account). Numbers are status codes: 403 is a refusal by the access policy
# (audited), 404 is "not found", the same for what exists but is not theirs (audited).
TABLE = """
#                                    anon   vol    vol2   coord  coord2 direct board  oper   part
# Public pages
home                                 200    200    200    200    200    200    200    200    200
contact                              200    200    200    200    200    200    200    200    200
privacy                              200    200    200    200    200    200    200    200    200
accessibility                        200    200    200    200    200    200    200    200    200
leave_safely                         200    200    200    200    200    200    200    200    200
programs:contact_edit                login  403    403    403    403    200    403    403    login
programs:crisis_lines                login  403    403    200    404    200    403    403    login
programs:crisis_line_new             login  403    403    403    403    200    403    403    login
programs:crisis_line_edit            login  403    403    403    403    200    403    403    login
programs:crisis_line_remove          login  403    403    403    403    200    403    403    login
programs:crisis_line_move            login  403    403    403    403    405    403    403    login
healthz                              200    200    200    200    200    200    200    200    200
# Sign-in router and one's own account
start                                login  vol    vol    staff  staff  staff  report oper   login
account_security                     login  200    200    200    200    200    200    200    login
# allauth: signing in and out (sign-up answers, calmly, that it is closed)
account_login                        200    start  start  start  start  start  start  start  200
account_logout                       home   200    200    200    200    200    200    200    home
account_inactive                     200    200    200    200    200    200    200    200    200
account_signup                       200    start  start  start  start  start  start  start  200
account_reauthenticate               login  200    200    200    200    200    200    200    login
account_confirm_login_code           login  start  start  start  start  start  start  start  login
mfa_authenticate                     login  start  start  start  start  start  start  start  login
mfa_reauthenticate                   login  200    200    200    200    200    200    200    login
# allauth: e-mail addresses and passwords (links with a wrong key get a calm page)
account_email                        login  200    200    200    200    200    200    200    login
account_email_verification_sent      200    200    200    200    200    200    200    200    200
account_confirm_email                200    200    200    200    200    200    200    200    200
account_change_password              login  200    200    200    200    200    200    200    login
account_set_password                 login  chpw   chpw   chpw   chpw   chpw   chpw   chpw   login
account_reset_password               200    200    200    200    200    200    200    200    200
account_reset_password_done          200    200    200    200    200    200    200    200    200
account_reset_password_from_key      200    200    200    200    200    200    200    200    200
account_reset_password_from_key_done 200    200    200    200    200    200    200    200    200
# allauth: two-step sign-in (every persona has an authenticator app, no recovery codes yet)
mfa_index                            login  200    200    200    200    200    200    200    login
mfa_activate_totp                    login  reauth reauth reauth reauth reauth reauth reauth login
mfa_deactivate_totp                  login  reauth reauth reauth reauth reauth reauth reauth login
mfa_view_recovery_codes              login  404    404    404    404    404    404    404    login
mfa_generate_recovery_codes          login  reauth reauth reauth reauth reauth reauth reauth login
mfa_download_recovery_codes          login  404    404    404    404    404    404    404    login
mfa_list_webauthn                    login  200    200    200    200    200    200    200    login
mfa_add_webauthn                     login  reauth reauth reauth reauth reauth reauth reauth login
mfa_reauthenticate_webauthn          login  reauth reauth reauth reauth reauth reauth reauth login
mfa_remove_webauthn                  login  reauth reauth reauth reauth reauth reauth reauth login
mfa_edit_webauthn                    login  reauth reauth reauth reauth reauth reauth reauth login
# allauth: one's own sessions
usersessions_list                    login  200    200    200    200    200    200    200    login
# Staff (programs:detail shows the coordinator's program, which is not coord2's)
staff_home                           login  403    403    200    200    200    403    403    login
programs:detail                      login  403    403    200    404    200    403    403    login
audit_log                            login  403    403    403    403    200    403    403    login
reports_home                         login  403    403    403    403    200    200    403    login
operator_status                      login  403    403    403    403    403    403    200    login
# Volunteers: the public application
volunteers:apply                     200    200    200    200    200    200    200    200    200
volunteers:applied                   200    200    200    200    200    200    200    200    200
# Volunteers: one's own portal (never anyone else's: no URL carries an id)
volunteers:home                      login  200    200    403    403    403    403    403    login
volunteers:profile                   login  200    200    403    403    403    403    403    login
volunteers:agreement                 login  200    200    403    403    403    403    403    login
volunteers:debrief                   login  200    200    403    403    403    403    403    login
volunteers:wellbeing                 login  200    200    403    403    403    403    403    login
volunteers:capacity                  login  vol    vol    403    403    403    403    403    login
volunteers:pause                     login  vol    vol    403    403    403    403    403    login
volunteers:resume                    login  vol    vol    403    403    403    403    403    login
# Volunteers: staff pages, about the volunteer persona of the coordinator's program (the POST
# endpoints answer 405 to a GET)
volunteers:staff_list                login  403    403    200    200    200    403    403    login
volunteers:staff_detail              login  403    403    200    404    200    403    403    login
volunteers:staff_status              login  403    403    405    405    405    403    403    login
volunteers:staff_screening           login  403    403    405    405    405    403    403    login
volunteers:staff_training            login  403    403    405    405    405    403    403    login
volunteers:staff_invite              login  403    403    405    405    405    403    403    login
volunteers:staff_debrief             login  403    403    405    405    405    403    403    login
volunteers:staff_agreement           login  403    403    403    403    200    403    403    login
# The topic taxonomy: the Executive Director's
topics:list                          login  403    403    403    403    200    403    403    login
topics:new                           login  403    403    403    403    200    403    403    login
topics:edit                          login  403    403    403    403    200    403    403    login
# Intake: public forms (no account)
intake:ask                           200    200    200    200    200    200    200    200    200
intake:submitted                     200    200    200    200    200    200    200    200    200
intake:concern                       200    200    200    200    200    200    200    200    200
intake:concern_sent                  200    200    200    200    200    200    200    200    200
# Intake: the participant's own request (/my/): only a participant session, never an account
intake:my_sign_in                    200    200    200    200    200    200    200    200    myhome
intake:my_code                       200    200    200    200    200    200    200    200    myhome
intake:my_code_enter                 200    200    200    200    200    200    200    200    myhome
intake:my_home                       my     my     my     my     my     my     my     my     200
intake:my_contact                    my     my     my     my     my     my     my     my     200
intake:my_email                      my     my     my     my     my     my     my     my     200
intake:my_withdraw                   my     my     my     my     my     my     my     my     200
intake:my_copy                       my     my     my     my     my     my     my     my     200
intake:my_download                   my     my     my     my     my     my     my     my     mycopy
intake:my_delete                     my     my     my     my     my     my     my     my     200
intake:my_sign_out                   my     my     my     my     my     my     my     my     myhome
# Intake: staff (the request and concern are of the coordinator's program)
intake:staff_queue                   login  403    403    200    200    200    403    403    login
intake:staff_new                     login  403    403    200    200    200    403    403    login
intake:staff_detail                  login  403    403    200    404    200    403    403    login
intake:staff_status                  login  403    403    405    405    405    403    403    login
intake:staff_concerns                login  403    403    200    200    200    403    403    login
intake:staff_concern                 login  403    403    200    404    200    403    403    login
intake:staff_concern_status          login  403    403    405    405    405    403    403    login
# Matching: a request's candidates, the plan for everyone waiting, the program's weights
matching:candidates                  login  403    403    200    404    200    403    403    login
matching:propose                     login  403    403    405    405    405    403    403    login
matching:plan                        login  403    403    200    200    200    403    403    login
matching:settings                    login  403    403    200    200    200    403    403    login
# A match (the sample is the volunteer persona's active match with the participant persona):
# only its volunteer and its participant see it, each from their own side; staff see its file
support:volunteer_match              login  200    404    403    403    403    403    403    login
support:volunteer_answer             login  vol    vol    403    403    403    403    403    login
support:volunteer_contact            login  vol    vol    403    403    403    403    403    login
support:volunteer_checkin            login  vol    vol    403    403    403    403    403    login
support:volunteer_flag               login  vol    vol    403    403    403    403    403    login
support:volunteer_change             login  vol    vol    403    403    403    403    403    login
support:my_peer                      my     my     my     my     my     my     my     my     200
support:my_peer_answer               my     my     my     my     my     my     my     my     mypeer
support:my_peer_checkin              my     my     my     my     my     my     my     my     mypeer
support:my_peer_change               my     my     my     my     my     my     my     my     mypeer
support_staff:match                  login  403    403    200    404    200    403    403    login
support_staff:match_withdraw         login  403    403    405    405    405    403    403    login
support_staff:match_close            login  403    403    405    405    405    403    403    login
support_staff:tasks                  login  403    403    200    200    200    403    403    login
support_staff:task_resolve           login  403    403    405    405    405    403    403    login
"""


def parse_table(text: str) -> dict[str, tuple[Expected, ...]]:
    rows: dict[str, tuple[Expected, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *cells = line.split()
        assert name not in rows, f"two rows for {name}"
        assert len(cells) == len(PERSONAS), f"row {name} needs one cell per persona"
        rows[name] = tuple(int(cell) if cell.isdigit() else REDIRECTS[cell] for cell in cells)
    return rows


MATRIX = parse_table(TABLE)
LOGIN = REDIRECTS["login"]


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


@pytest.fixture
def samples(
    personas: dict[str, User | None], participant_request: SupportRequest
) -> dict[str, str]:
    """Real objects of the coordinator's program for the URLs that name one."""
    volunteer, coordinator = personas["volunteer"], personas["coordinator"]
    assert volunteer is not None
    assert coordinator is not None
    profile = make_matchable(VolunteerProfile.objects.get(user=volunteer), coordinator)
    # The volunteer persona's active match with the participant persona, and a task it raised.
    change_status(participant_request, TriageStatus.AWAITING_MATCH, by=coordinator)
    match = propose_match(participant_request, profile, by=coordinator)
    answer_as_volunteer(match, accept=True, by=volunteer, shares={"email": "peer@example.org"})
    answer_as_participant(match, accept=True, shares={"methods": ["phone"], "phone": "555-0100"})
    task = flag_match(match, kind=TaskKind.BEYOND_COMPETENCY, by=volunteer)
    debrief = DebriefRequest.objects.create(volunteer=profile, note="", requested_at=timezone.now())
    ensure_seed_topics()
    topic = Topic.objects.order_by("pk").first()
    assert topic is not None
    support_request = make_support_request(profile.program)
    concern = submit_concern(
        profile.program,
        caller_contact="555-0142",
        about="Who: a colleague\n\nWhat worries the caller: synthetic",
        urgency="not_urgent",
    )
    return {
        "volunteer": str(profile.pk),
        "debrief": str(debrief.pk),
        "topic": str(topic.pk),
        "request": str(support_request.pk),
        "concern": str(concern.pk),
        "match": str(match.pk),
        "task": str(task.pk),
        "line": str(
            add_crisis_line(
                CrisisLine(program=profile.program, name="Evening line", number="403-555-0142")
            ).pk
        ),
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(
    name: str, client_as: Callable[[str], Client], program: Program, samples: dict[str, str]
) -> None:
    url = url_for(name, program_id=program.pk, samples=samples)
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
