"""The participant's own request at /my/: what they see, what they can change (each change
audited), copies of their data (audited as exports), and never anyone else's request."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime

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
from kindred.intake.views.participant import DOWNLOAD_NAME, STATUS_IN_WORDS
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from tests.conftest import make_person

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


def test_every_page_is_discreet(participant: Client) -> None:
    for name in PAGES:
        html = page(participant, name)
        assert "<title>Information</title>" in html, name
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

    response = participant.post(
        url,
        {
            "methods": ["phone", "text"],
            "phone": "555-0199",
            "safe_times": "Saturday mornings",
            "leave_message": "yes",
        },
        follow=True,
    )

    assert response.redirect_chain == [(HOME, 302)]
    assert "Saved. We will contact you the way you chose." in response.content.decode()
    contact = reloaded(submitted).contact
    assert contact["methods"] == ["phone", "text"]
    assert contact["phone"] == "555-0199"
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


def test_asking_for_deletion_is_recorded_and_shown(
    participant: Client, submitted: actions.Submitted
) -> None:
    explained = page(participant, "my_delete")
    assert "We keep only what the law requires us to keep" in explained

    response = participant.post(reverse("intake:my_delete"), follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert reloaded(submitted).deletion_requested_at == NOW
    assert "You asked us to delete your information on 3 March 2027." in (response.content.decode())
    assert "You asked us to delete your information on 3 March 2027" in page(
        participant, "my_delete"
    )
    assert AuditEntry.objects.filter(
        object_id=str(submitted.request.pk), purpose="deletion requested"
    ).exists()


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
