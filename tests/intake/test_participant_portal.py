"""The participant's own request at /my/: what they see, what they can change (each change
audited), copies of their data (audited as exports), and never anyone else's request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from html import unescape
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kindred.accounts.models import Role, User
from kindred.confidential import audit
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake import actions
from kindred.intake.models import RequestStatusChange, SupportRequest, TriageStatus
from kindred.intake.views.participant import (
    DELETION_ANSWER_DAYS,
    DOWNLOAD_NAME,
    PEER_WAITING_IN_WORDS,
    PEER_WAITING_LABEL,
    STATUS_IN_WORDS,
)
from kindred.programs.models import Program
from kindred.support import actions as support_actions
from kindred.support.models import CoordinatorTask, TaskKind
from kindred.topics.actions import ensure_seed_topics
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_matchable, make_person
from tests.support.test_volunteer_pages import propose, text_of, volunteer_says_yes

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 3, 14, 5, tzinfo=timezone.get_default_timezone())
HOME = reverse("intake:my_home")
SIGN_IN = reverse("intake:my_sign_in")
FREE_TEXT = "Since the merger I dread Mondays <and> I cannot sleep."
OTHER_TEXT = "Caring for my father while running a two-person practice."
PAGES = ("my_home", "my_contact", "my_email", "my_withdraw", "my_copy", "my_delete")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def submit(program: Program, free_text: str, email: str, **fields: object) -> actions.Submitted:
    ensure_seed_topics()
    return actions.submit_request(
        program,
        asker_kind="lawyer",
        topics=["stress-and-burnout"],
        free_text=free_text,
        risk_answer="no",
        contact={
            "methods": ["email"],
            "email": email,
            "safe_times": "Weekday evenings",
            "leave_message": False,
            "personal_email_only": True,
        },
        **fields,
    )


@pytest.fixture
def submitted(program: Program) -> actions.Submitted:
    return submit(
        program,
        FREE_TEXT,
        "robin.personal@example.org",
        call_me="Robin",
        preferences={
            "gender": {"value": "woman", "strength": "nice"},
            "identity": {"value": ["indigenous", "caregiver"], "strength": "must"},
            "city": "different",
            "region": "Lethbridge",
        },
        avoid=["Hollowmere LLP"],
    )


@pytest.fixture
def other(program: Program) -> actions.Submitted:
    return submit(program, OTHER_TEXT, "sasha.home@example.org", call_me="Sasha")


def signed_in(submitted: actions.Submitted) -> Client:
    client = Client()
    response = client.post(
        SIGN_IN,
        {"reference": submitted.request.reference, "passphrase": submitted.passphrase},
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def participant(submitted: actions.Submitted) -> Client:
    return signed_in(submitted)


def page(client: Client, name: str) -> str:
    response = client.get(reverse(f"intake:{name}"))
    assert response.status_code == 200, name
    return response.content.decode()


def reloaded(submitted: actions.Submitted) -> SupportRequest:
    return SupportRequest.objects.get(pk=submitted.request.pk)


def exports(submitted: actions.Submitted) -> int:
    return AuditEntry.objects.filter(
        action=AuditAction.EXPORT, object_id=str(submitted.request.pk), actor_type="participant"
    ).count()


# Neutral (nothing about support or a program, since titles stay in the browser's history) but
# distinct, so a screen reader user knows which page they are on.
TITLES = {
    "my_home": "Your request",
    "my_contact": "Contact preferences",
    "my_email": "Sign-in email",
    "my_withdraw": "Withdraw your request",
    "my_copy": "Your copy",
    "my_delete": "Delete your information",
}


def test_every_page_is_discreet(participant: Client) -> None:
    assert set(TITLES) == set(PAGES)
    for name in PAGES:
        html = page(participant, name)
        assert f"<title>{TITLES[name]}</title>" in html, name
        assert "data-quick-exit" in html, name


def test_home_says_where_things_stand_and_what_they_asked_for(
    participant: Client, submitted: actions.Submitted
) -> None:
    html = page(participant, "my_home")

    assert submitted.request.reference in html
    assert STATUS_IN_WORDS[TriageStatus.NEW] in html
    assert "A coordinator will contact you within 2 working days." in html
    assert "When a peer is proposed, you will see them here." in html
    assert "Stress and burnout" in html
    assert "Your peer&#x27;s gender: woman (if possible)" in html
    assert "shares this with you: Indigenous, Parent or caregiver (this matters to you)" in html
    assert "A peer somewhere else, not in your city or region (Lethbridge)" in html
    assert "Hollowmere LLP" in html
    assert "robin.personal@example.org" in html
    assert "No one on the staff has opened your file yet." in html
    for name in ("my_contact", "my_email", "my_withdraw", "my_copy", "my_delete"):
        assert f'href="{reverse(f"intake:{name}")}"' in html
    assert f'action="{reverse("intake:my_sign_out")}"' in html
    # The download is a form (POST): no link from elsewhere can drop the file on a computer
    assert f'action="{reverse("intake:my_download")}"' in html


def test_every_status_reads_in_plain_words(
    participant: Client, submitted: actions.Submitted
) -> None:
    for status in TriageStatus:
        actions.change_status(submitted.request, status)
        html = page(participant, "my_home")
        # While a volunteer decides, the participant reads "awaiting a match".
        seen = TriageStatus.AWAITING_MATCH if status == TriageStatus.PROPOSED else status
        assert escape(STATUS_IN_WORDS[seen]) in html, status
    actions.change_status(submitted.request, TriageStatus.AWAITING_MATCH)
    assert "We are finding a peer who fits" in page(participant, "my_home")


def test_staff_openings_show_role_and_date_never_the_person(
    participant: Client, submitted: actions.Submitted, program: Program
) -> None:
    # Given a coordinator who opened the file at 14:05 on 3 March 2027
    coordinator = make_person("ash.coordinator@example.org", Role.COORDINATOR, program)
    audit.record(
        AuditAction.VIEW,
        actor=audit.user_actor(coordinator, role=Role.COORDINATOR),
        object_type="support_request",
        object_id=str(submitted.request.pk),
        program_id=program.pk,
    )

    # Then the participant sees the role and the time, and nothing about who it was
    for name in ("my_home", "my_copy"):
        html = page(participant, name)
        assert "Coordinator, 3 March 2027 14:05" in html
        assert "ash.coordinator@example.org" not in html
        assert coordinator.full_name not in html
    data = json.loads(participant.post(reverse("intake:my_download")).content)
    on = timezone.localtime(NOW).isoformat(timespec="minutes")
    assert data["staff_openings"] == [{"role": "Coordinator", "on": on}]


def test_contact_preferences_are_prefilled_and_updated(
    participant: Client, submitted: actions.Submitted
) -> None:
    url = reverse("intake:my_contact")
    html = page(participant, "my_contact")
    assert 'value="robin.personal@example.org"' in html
    assert "Weekday evenings" in html

    # A phone call needs a number: refused, next to the field
    refused = participant.post(url, {"methods": ["phone"], "leave_message": "no"})
    assert refused.status_code == 200
    assert "Enter a phone number" in refused.content.decode()

    # A number without its area code is refused with what to fix (checked with phonenumbers)
    no_area_code = participant.post(
        url, {"methods": ["phone"], "phone": "555-0199", "leave_message": "no"}
    )
    assert no_area_code.status_code == 200
    assert "Add the area code to your phone number, like 403-555-0123." in (
        no_area_code.content.decode()
    )
    assert "<title>Error: Contact preferences</title>" in no_area_code.content.decode()

    response = participant.post(
        url,
        {
            "methods": ["phone", "text"],
            "phone": "(403) 555 0199",
            "safe_times": "Saturday mornings",
            "leave_message": "yes",
        },
        follow=True,
    )

    assert response.redirect_chain == [(HOME, 302)]
    assert "Saved. We will contact you the way you chose." in response.content.decode()
    contact = reloaded(submitted).contact
    assert contact["methods"] == ["phone", "text"]
    assert contact["phone"] == "+1 403-555-0199"  # one format on every page
    assert contact["safe_times"] == "Saturday mornings"
    assert contact["leave_message"] is True
    assert contact["personal_email_only"] is False
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE,
        object_id=str(submitted.request.pk),
        purpose="contact preferences updated",
    ).exists()


def test_sign_in_email_is_added_changed_and_removed(
    participant: Client, submitted: actions.Submitted
) -> None:
    url = reverse("intake:my_email")
    html = page(participant, "my_email")
    assert "Please don't use a work address." in html

    participant.post(url, {"email": "robin.new@example.org"})
    assert reloaded(submitted).sign_in_email == "robin.new@example.org"
    assert reloaded(submitted).sign_in_email_index

    participant.post(url, {"remove": "1"})
    assert reloaded(submitted).sign_in_email == ""
    assert reloaded(submitted).sign_in_email_index == ""
    assert (
        AuditEntry.objects.filter(
            object_id=str(submitted.request.pk), purpose="sign-in email updated"
        ).count()
        == 2
    )


def test_withdrawing_changes_the_status_and_says_they_can_ask_again(
    participant: Client, submitted: actions.Submitted
) -> None:
    url = reverse("intake:my_withdraw")
    confirm = page(participant, "my_withdraw")
    assert "9-8-8" in confirm  # crisis lines on the page itself
    assert "You can ask for support again at any time" in confirm

    response = participant.post(url, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "Your request is withdrawn" in response.content.decode()
    assert reloaded(submitted).status == TriageStatus.WITHDRAWN
    change = RequestStatusChange.objects.filter(request=submitted.request).last()
    assert change is not None
    assert change.to_status == TriageStatus.WITHDRAWN
    assert change.by_participant is True
    assert change.changed_by is None
    assert STATUS_IN_WORDS[TriageStatus.WITHDRAWN] in response.content.decode()


def test_the_copy_shows_everything_they_told_us_escaped_and_is_audited(
    participant: Client, submitted: actions.Submitted
) -> None:
    html = page(participant, "my_copy")

    assert escape(FREE_TEXT) in html
    assert "<and>" not in html
    assert "Robin" in html
    assert "Weekday evenings" in html
    assert "New (you)" in html  # the status history, in their words
    assert exports(submitted) == 1


def test_the_download_is_a_json_file_of_their_data_audited_as_an_export(
    participant: Client, submitted: actions.Submitted
) -> None:
    response = participant.post(reverse("intake:my_download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{DOWNLOAD_NAME}"'
    assert submitted.request.reference not in disposition
    data = json.loads(response.content)
    assert data["reference"] == submitted.request.reference
    assert data["what_you_told_us"] == FREE_TEXT
    assert data["topics"] == ["Stress and burnout"]
    assert data["contact"]["email"] == "robin.personal@example.org"
    assert data["status_history"][0]["by"] == "You"
    assert "passphrase" not in json.dumps(data).lower().replace("passphrase_hash", "")
    assert submitted.request.passphrase_hash not in response.content.decode()
    assert exports(submitted) == 1


def test_asking_for_deletion_says_what_happens_and_by_when_and_makes_a_task(
    participant: Client, submitted: actions.Submitted, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the page that explains deletion
    explained = text_of(participant.get(reverse("intake:my_delete")))

    # Then it says who deletes, how (by hand: no automatic purge is promised) and by when
    assert "We keep only what the law requires us to keep" in explained
    assert "goes straight onto the task list of the program's coordinators" in explained
    assert "A coordinator deletes your information by hand. This is not automatic" in explained
    assert f"within {DELETION_ANSWER_DAYS} days of the day you ask" in explained
    assert "Alberta's privacy law (PIPA)" in explained
    assert "If you gave us a way to reach you, the coordinator will tell you" in explained
    assert "automatically" not in explained

    # When they ask
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.post(reverse("intake:my_delete"), follow=True)

    # Then it is recorded, said back to them with the same promise, and a coordinator has a task
    assert response.redirect_chain == [(HOME, 302)]
    assert reloaded(submitted).deletion_requested_at == NOW
    home = text_of(response)
    assert "You asked us to delete your information on 3 March 2027." in home
    assert f"A coordinator will delete it within {DELETION_ANSWER_DAYS} days." in home
    after = text_of(participant.get(reverse("intake:my_delete")))
    assert "You asked us to delete your information on 3 March 2027" in after
    assert f"delete it by hand within {DELETION_ANSWER_DAYS} days" in after
    assert AuditEntry.objects.filter(
        object_id=str(submitted.request.pk), purpose="deletion requested"
    ).exists()
    task = CoordinatorTask.objects.get(request=submitted.request)
    assert task.kind == TaskKind.DELETION_REQUESTED
    assert task.resolved_at is None


# --- One status at a time ----------------------------------------------------------------------

# Every sentence the home page may use for where things stand.
EVERY_STATUS = [str(words) for words in STATUS_IN_WORDS.values()] + [str(PEER_WAITING_IN_WORDS)]


def where_things_stand(html: str) -> str:
    found = re.search(
        r'<section class="hero" aria-labelledby="where-things-stand">.*?</section>', html, re.DOTALL
    )
    assert found is not None, "no 'Where things stand' on the page"
    return unescape(found.group(0))


def statuses_in(section: str) -> list[str]:
    return [words for words in EVERY_STATUS if words in section]


def key_action(section: str) -> list[str]:
    """The labels of what is shown as a button in the section."""
    return re.findall(r'<a href="[^"]*" role="button">([^<]*)</a>', section)


@pytest.fixture
def matchable(personas: dict[str, User | None]) -> tuple[VolunteerProfile, User]:
    coordinator = personas["coordinator"]
    assert coordinator is not None
    volunteer = VolunteerProfile.objects.get(user=personas["volunteer"])
    return make_matchable(volunteer, coordinator), coordinator


def test_each_status_alone_is_shown_with_no_peer(
    participant: Client, submitted: actions.Submitted
) -> None:
    for status in TriageStatus:
        actions.change_status(submitted.request, status)
        section = where_things_stand(page(participant, "my_home"))
        seen = TriageStatus.AWAITING_MATCH if status == TriageStatus.PROPOSED else status
        assert statuses_in(section) == [str(STATUS_IN_WORDS[seen])], status
        if not submitted.request.is_open:
            assert key_action(section) == ["Ask for support again"], status


def test_a_peer_who_said_yes_replaces_finding_a_peer_and_the_answer_is_the_button(
    client_as: Callable[[str], Client],
    participant_request: SupportRequest,
    matchable: tuple[VolunteerProfile, User],
) -> None:
    # Given a request awaiting a match, proposed to a volunteer
    volunteer, coordinator = matchable
    actions.change_status(participant_request, TriageStatus.AWAITING_MATCH, by=coordinator)
    participant_request.refresh_from_db()
    match = propose(participant_request, volunteer, coordinator)
    participant = client_as("participant")

    # While the volunteer decides, the participant reads only that we are finding a peer
    section = where_things_stand(page(participant, "my_home"))
    assert statuses_in(section) == [str(STATUS_IN_WORDS[TriageStatus.AWAITING_MATCH])]
    assert key_action(section) == []

    # When the volunteer says yes
    volunteer_says_yes(match, volunteer)

    # Then "we have found a peer" is the one status, never below "finding a peer", and seeing
    # the peer to answer is the button
    section = where_things_stand(page(participant, "my_home"))
    assert statuses_in(section) == [str(PEER_WAITING_IN_WORDS)]
    assert "We are finding a peer" not in section
    assert "When a peer is proposed" not in section
    assert key_action(section) == ["See your peer and answer"]
    # And their copy of their data says the same (its history still shows the earlier wait)
    copy = text_of(participant.get(reverse("intake:my_copy")))
    assert f"Status: {PEER_WAITING_LABEL}," in copy

    # When the participant says yes too, the match is the one status, and reaching the peer
    # is the button
    support_actions.answer_as_participant(
        match, accept=True, shares={"methods": ["email"], "leave_message": False}
    )
    section = where_things_stand(page(participant, "my_home"))
    assert statuses_in(section) == [str(STATUS_IN_WORDS[TriageStatus.MATCHED])]
    assert key_action(section) == ["See how to reach your peer"]


def test_a_participant_never_sees_anyone_elses_request(
    submitted: actions.Submitted, other: actions.Submitted
) -> None:
    client = signed_in(submitted)
    theirs = (other.request.reference, OTHER_TEXT, "sasha.home@example.org", "Sasha")
    for name in (*PAGES, "my_download"):
        content = client.get(reverse(f"intake:{name}")).content.decode()
        for value in theirs:
            assert value not in content, (name, value)

    # Changes reach only their own request
    client.post(reverse("intake:my_withdraw"))
    client.post(reverse("intake:my_delete"))
    assert reloaded(other).status == TriageStatus.NEW
    assert reloaded(other).deletion_requested_at is None
    assert reloaded(submitted).status == TriageStatus.WITHDRAWN


def test_no_participant_url_carries_an_id(participant: Client) -> None:
    html = page(participant, "my_home")
    for href in re.findall(r'(?:href|action)="(/my/[^"]*)"', html):
        assert re.fullmatch(r"/my/[a-z-]+/(?:[a-z-]+/)?", href), href


def test_staff_user_signed_in_has_no_participant_pages(
    submitted: actions.Submitted, program: Program
) -> None:
    staff: User = make_person("lee.coordinator@example.org", Role.COORDINATOR, program)
    client = Client()
    client.force_login(staff)
    for name in PAGES:
        response = client.get(reverse(f"intake:{name}"))
        assert response["Location"] == SIGN_IN
