"""Coordinators' and Executive Directors' pages about volunteers: who may open them, what they
show, and that every change goes through the actions (history, audit, messages)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import Role, User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import actions
from kindred.volunteers.models import (
    Agreement,
    DebriefRequest,
    ScreeningItem,
    ScreeningRecord,
    StatusChange,
    TrainingCompletion,
    TrainingModule,
    VolunteerProfile,
)
from tests.conftest import make_volunteer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
DECLINED_REASON = "Two references could not vouch for reliability."


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def applicant(program: Program) -> VolunteerProfile:
    return make_volunteer(
        program,
        email="wren.applicant@example.org",
        full_name="Wren Applicantsen",
        topics=["alcohol-use", "grief-and-loss"],
        recovery_years={"alcohol-use": 6},
        identity={"lgbtq": True, "gender": "non-binary"},
        identity_consent=True,
    )


def person(personas: dict[str, User | None], name: str) -> User:
    user = personas[name]
    assert user is not None
    return user


def detail_url(volunteer: VolunteerProfile) -> str:
    return reverse("volunteers:staff_detail", kwargs={"volunteer_id": volunteer.pk})


def post_url(name: str, volunteer: VolunteerProfile) -> str:
    return reverse(f"volunteers:{name}", kwargs={"volunteer_id": volunteer.pk})


def shown_messages(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


# --- Who may open a volunteer's file ---------------------------------------------------------


def test_the_coordinator_opens_the_file_and_the_view_is_audited(
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
    personas: dict[str, User | None],
) -> None:
    # When the program's coordinator opens the applicant's file
    response = client_as("coordinator").get(detail_url(applicant))

    # Then they see the profile, with the notice that opening it is recorded
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wren Applicantsen" in page
    assert "wren.applicant@example.org" in page
    assert "is recorded in the audit log" in page
    assert "Alcohol use: 6 years in recovery" in page
    assert "non-binary, 2SLGBTQ+" in page
    assert "Marlowe Fernsby" in page  # a reference
    assert "Cannot be matched yet: status is applied, not active" in page
    # And the audit log holds the view, by whom, for which program
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, object_type="volunteer")
    assert entry.object_id == str(applicant.pk)
    assert entry.actor_id == str(person(personas, "coordinator").pk)
    assert entry.program_id == applicant.program_id


def test_identity_is_shown_only_with_consent(
    client_as: Callable[[str], Client], program: Program
) -> None:
    volunteer = make_volunteer(
        program, identity={"lgbtq": True, "gender": "non-binary"}, identity_consent=False
    )
    page = client_as("coordinator").get(detail_url(volunteer)).content.decode()
    assert "non-binary" not in page
    assert "2SLGBTQ+" not in page


def test_the_executive_director_of_the_program_opens_the_file(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    assert client_as("executive_director").get(detail_url(applicant)).status_code == 200


def test_another_programs_coordinator_gets_the_same_404_as_for_nobody_and_it_is_audited(
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
    personas: dict[str, User | None],
) -> None:
    client = client_as("other_coordinator")
    missing = uuid.uuid4()

    refused = client.get(detail_url(applicant))
    absent = client.get(reverse("volunteers:staff_detail", kwargs={"volunteer_id": missing}))

    assert refused.status_code == absent.status_code == 404
    assert [t.name for t in refused.templates] == [t.name for t in absent.templates]
    denied = AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED,
        object_type="volunteer",
        actor_id=str(person(personas, "other_coordinator").pk),
    )
    assert sorted(entry.object_id for entry in denied) == sorted([str(applicant.pk), str(missing)])
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="volunteer").exists()


def test_another_programs_coordinator_cannot_change_anything_either(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    client = client_as("other_coordinator")
    item = ScreeningItem.objects.filter(program=applicant.program).first()
    assert item is not None
    answers = [
        client.post(post_url("staff_status", applicant), {"status-to_status": "screening"}),
        client.post(
            post_url("staff_screening", applicant),
            {"screening-item": item.pk, "screening-completed_on": "2026-05-30"},
        ),
        client.post(post_url("staff_invite", applicant)),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404]
    applicant.refresh_from_db()
    assert applicant.status == "applied"
    assert not ScreeningRecord.objects.filter(volunteer=applicant).exists()


@pytest.mark.parametrize("persona", ["volunteer", "other_volunteer", "reporting_viewer"])
def test_volunteers_and_board_members_are_refused_staff_pages(
    persona: str,
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
    program: Program,
) -> None:
    client = client_as(persona)
    urls = [
        reverse("volunteers:staff_list"),
        detail_url(applicant),
        reverse("volunteers:staff_agreement", kwargs={"program_id": program.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(post_url("staff_status", applicant), {"status-to_status": "screening"})
    assert response.status_code == 403
    applicant.refresh_from_db()
    assert applicant.status == "applied"


def test_staff_writes_answer_only_post(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    assert client_as("coordinator").get(post_url("staff_status", applicant)).status_code == 405


# --- Status ----------------------------------------------------------------------------------


def test_a_status_change_is_recorded_with_who_when_from_and_to(
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
    personas: dict[str, User | None],
) -> None:
    client = client_as("coordinator")

    response = client.post(post_url("staff_status", applicant), {"status-to_status": "screening"})

    assert response.status_code == 302
    assert response["Location"] == detail_url(applicant) + "#status"
    change = StatusChange.objects.filter(volunteer=applicant).last()
    assert change is not None
    assert (change.from_status, change.to_status) == ("applied", "screening")
    assert change.changed_by == person(personas, "coordinator")
    assert change.changed_at == NOW
    followed = client.get(response["Location"])
    assert "Status changed to screening." in shown_messages(followed)
    page = followed.content.decode()
    assert "coordinator@example.org" in page  # the history says who
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(applicant.pk), purpose="status applied → screening"
    ).exists()


def test_an_illegal_move_is_refused_with_a_message(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    client = client_as("coordinator")

    response = client.post(
        post_url("staff_status", applicant), {"status-to_status": "active"}, follow=True
    )

    assert response.status_code == 200
    assert "A volunteer cannot move from applied to active." in shown_messages(response)
    applicant.refresh_from_db()
    assert applicant.status == "applied"
    assert StatusChange.objects.filter(volunteer=applicant).count() == 1


def test_a_status_that_does_not_exist_is_an_error_beside_the_field(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    response = client_as("coordinator").post(
        post_url("staff_status", applicant), {"status-to_status": "promoted"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["status_form"].errors["to_status"]


def test_only_the_allowed_next_steps_are_offered(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    form = client_as("coordinator").get(detail_url(applicant)).context["status_form"]
    offered = [value for value, _ in form.fields["to_status"].widget.choices if value]
    assert offered == ["screening", "declined"]


def test_declining_needs_a_reason_that_only_staff_see(
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
) -> None:
    client = client_as("coordinator")

    # Without a reason: an error next to the field, and nothing changes
    response = client.post(post_url("staff_status", applicant), {"status-to_status": "declined"})
    assert response.status_code == 200
    assert response.context["status_form"].errors["declined_reason"]
    applicant.refresh_from_db()
    assert applicant.status == "applied"

    # With a reason: stored (encrypted) and shown on the staff file
    client.post(
        post_url("staff_status", applicant),
        {"status-to_status": "declined", "status-declined_reason": DECLINED_REASON},
    )
    applicant = VolunteerProfile.objects.get(pk=applicant.pk)
    assert applicant.status == "declined"
    assert applicant.declined_reason == DECLINED_REASON
    assert DECLINED_REASON in client.get(detail_url(applicant)).content.decode()
    assert (
        DECLINED_REASON
        in client_as("executive_director").get(detail_url(applicant)).content.decode()
    )

    # Nowhere else: not the list, not the audit log, not other people
    assert DECLINED_REASON not in client.get(reverse("volunteers:staff_list")).content.decode()
    assert not AuditEntry.objects.filter(purpose__icontains="reliab").exists()
    for persona in ("volunteer", "other_coordinator"):
        assert DECLINED_REASON not in client_as(persona).get(detail_url(applicant)).content.decode()


def test_a_reason_given_for_another_step_is_not_kept(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    client_as("coordinator").post(
        post_url("staff_status", applicant),
        {"status-to_status": "screening", "status-declined_reason": DECLINED_REASON},
    )
    assert VolunteerProfile.objects.get(pk=applicant.pk).declined_reason == ""


# --- Screening and training --------------------------------------------------------------------


def test_a_screening_step_is_recorded_with_its_date_and_who(
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
    personas: dict[str, User | None],
) -> None:
    client = client_as("coordinator")
    item = ScreeningItem.objects.get(program=applicant.program, name="Interview held")
    # The date offered is today's
    form = client.get(detail_url(applicant)).context["screening_form"]
    assert form["completed_on"].value() == date(2026, 6, 1)

    response = client.post(
        post_url("staff_screening", applicant),
        {"screening-item": item.pk, "screening-completed_on": "2026-05-28"},
    )

    assert response["Location"] == detail_url(applicant) + "#screening"
    record = ScreeningRecord.objects.get(volunteer=applicant)
    assert record.item == item
    assert record.completed_on == date(2026, 5, 28)
    assert record.recorded_by == person(personas, "coordinator")
    page = client.get(detail_url(applicant)).content.decode()
    assert "✓ 28 May 2026" in page


def test_a_screening_step_of_another_program_or_a_future_date_is_refused(
    client_as: Callable[[str], Client], applicant: VolunteerProfile, other_program: Program
) -> None:
    client = client_as("coordinator")
    foreign = ScreeningItem.objects.filter(program=other_program).first()
    assert foreign is not None
    own = ScreeningItem.objects.filter(program=applicant.program).first()
    assert own is not None

    wrong_item = client.post(
        post_url("staff_screening", applicant),
        {"screening-item": foreign.pk, "screening-completed_on": "2026-05-28"},
    )
    future = client.post(
        post_url("staff_screening", applicant),
        {"screening-item": own.pk, "screening-completed_on": "2026-07-01"},
    )

    assert wrong_item.status_code == future.status_code == 200
    assert wrong_item.context["screening_form"].errors["item"]
    assert future.context["screening_form"].errors["completed_on"]
    assert not ScreeningRecord.objects.filter(volunteer=applicant).exists()


def test_a_training_completion_is_recorded_and_its_expiry_shown(
    client_as: Callable[[str], Client],
    applicant: VolunteerProfile,
    personas: dict[str, User | None],
) -> None:
    client = client_as("coordinator")
    module = TrainingModule.objects.get(program=applicant.program, name="Orientation")

    response = client.post(
        post_url("staff_training", applicant),
        {"training-module": module.pk, "training-completed_on": "2024-06-15"},
    )

    assert response["Location"] == detail_url(applicant) + "#training"
    completion = TrainingCompletion.objects.get(volunteer=applicant)
    assert completion.module == module
    assert completion.recorded_by == person(personas, "coordinator")
    applicant.refresh_from_db()
    assert applicant.training_expires_on == date(2026, 6, 15)
    page = client.get(detail_url(applicant)).content.decode()
    assert "15 Jun 2026 (expires soon)" in page


# --- Invitation ----------------------------------------------------------------------------

HEALTH_WORDS = (
    "addiction",
    "alcohol",
    "substance",
    "recovery",
    "sober",
    "health",
    "mental",
    "depress",
    "anxiety",
    "burnout",
    "grief",
    "therapy",
    "crisis",
    "suicid",
    "gambl",
)


def test_an_invitation_sends_one_discreet_email_whose_link_sets_a_password(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    VolunteerProfile.objects.filter(pk=applicant.pk).update(status="training")
    coordinator = client_as("coordinator")
    assert "Invite to set up an account" in coordinator.get(detail_url(applicant)).content.decode()

    # When the coordinator invites the volunteer
    response = coordinator.post(post_url("staff_invite", applicant), follow=True)

    # Then exactly one email goes out, to them, and it says nothing about anyone's health
    assert response.status_code == 200
    assert "Invitation sent." in " ".join(shown_messages(response))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["wren.applicant@example.org"]
    text = f"{email.subject}\n{email.body}".lower()
    for word in HEALTH_WORDS:
        assert word not in text, word
    for topic in Topic.objects.all():
        assert topic.name.lower() not in text, topic.name

    # When the volunteer follows the link (a fresh browser) and chooses a password
    link = re.search(r"http://testserver(/account/password/reset/key/\S+)", email.body)
    assert link is not None
    browser = Client()
    opened = browser.get(link.group(1), follow=True)
    assert opened.status_code == 200
    set_password_url = opened.redirect_chain[-1][0] if opened.redirect_chain else link.group(1)
    chosen = "a long and private passphrase 42"
    done = browser.post(set_password_url, {"password1": chosen, "password2": chosen})
    assert done.status_code == 302

    # Then they have an account with that password and the volunteer role in the program
    user = User.objects.get(email="wren.applicant@example.org")
    assert user.check_password(chosen)
    assert user.has_role(Role.VOLUNTEER)
    assert user.memberships.filter(role=Role.VOLUNTEER, program=applicant.program).exists()
    applicant.refresh_from_db()
    assert applicant.user == user
    assert applicant.invited_at == NOW
    # And the link works only once
    assert Client().get(link.group(1), follow=True).context["token_fail"]

    # And the file now says they have an account; a second invitation is refused
    page = coordinator.get(detail_url(applicant)).content.decode()
    assert "Has an account and can sign in." in page
    assert "Invite to set up an account" not in page
    again = coordinator.post(post_url("staff_invite", applicant), follow=True)
    assert "cannot be invited" in " ".join(shown_messages(again))
    assert len(mail.outbox) == 1


def test_an_applicant_cannot_be_invited_yet(
    client_as: Callable[[str], Client], applicant: VolunteerProfile
) -> None:
    client = client_as("coordinator")
    assert "Invite to set up an account" not in client.get(detail_url(applicant)).content.decode()
    response = client.post(post_url("staff_invite", applicant), follow=True)
    assert "cannot be invited" in " ".join(shown_messages(response))
    assert mail.outbox == []
    assert not User.objects.filter(email="wren.applicant@example.org").exists()


# --- Agreement, well-being, debriefs ---------------------------------------------------------


def test_the_file_shows_whether_the_current_agreement_is_signed(
    client_as: Callable[[str], Client],
    program: Program,
    personas: dict[str, User | None],
) -> None:
    volunteer = VolunteerProfile.objects.get(user=person(personas, "volunteer"))
    client = client_as("coordinator")
    assert "Not signed yet." in client.get(detail_url(volunteer)).content.decode()
    actions.sign_agreement(volunteer, by=person(personas, "volunteer"))
    assert "✓ Signed the current version (1)" in client.get(detail_url(volunteer)).content.decode()


def test_a_drop_in_well_being_brings_a_gentle_prompt(
    client_as: Callable[[str], Client], personas: dict[str, User | None]
) -> None:
    volunteer_user = person(personas, "volunteer")
    volunteer = VolunteerProfile.objects.get(user=volunteer_user)
    actions.record_wellbeing(volunteer, 4, by=volunteer_user, at=datetime(2026, 4, 10, tzinfo=UTC))
    actions.record_wellbeing(volunteer, 2, by=volunteer_user, at=datetime(2026, 5, 10, tzinfo=UTC))
    client = client_as("coordinator")

    response = client.get(detail_url(volunteer))
    trend = [(check.month, check.score) for check in response.context["checks"]]
    assert trend == [(date(2026, 4, 1), 4), (date(2026, 5, 1), 2)]
    page = response.content.decode()
    assert 'data-label="Month">April 2026</td>' in page
    assert 'data-label="How they were doing">2 of 5</td>' in page
    assert "You might consider checking in with them" in page

    # The staff home lists them, gently, and that read of names is audited
    home = client.get(reverse("staff_home")).content.decode()
    assert "Consider checking in with" in home
    assert f"{detail_url(volunteer)}#wellbeing" in home
    assert AuditEntry.objects.filter(
        object_type="volunteer", object_id=str(volunteer.pk), purpose="check-in prompt"
    ).exists()


def test_a_debrief_request_is_shown_and_marked_held(
    client_as: Callable[[str], Client], personas: dict[str, User | None]
) -> None:
    volunteer_user = person(personas, "volunteer")
    volunteer = VolunteerProfile.objects.get(user=volunteer_user)
    debrief = actions.request_debrief(
        volunteer, note="A hard conversation last week.", by=volunteer_user
    )
    client = client_as("coordinator")
    assert "A hard conversation last week." in client.get(detail_url(volunteer)).content.decode()
    assert "1 open debrief request" in client.get(reverse("staff_home")).content.decode()

    url = reverse("volunteers:staff_debrief", kwargs={"debrief_id": debrief.pk})
    assert client_as("other_coordinator").post(url).status_code == 404
    response = client.post(url)

    assert response["Location"] == detail_url(volunteer) + "#debriefs"
    debrief = DebriefRequest.objects.get(pk=debrief.pk)
    assert debrief.resolved_at == NOW
    assert debrief.resolved_by == person(personas, "coordinator")
    page = client.get(detail_url(volunteer)).content.decode()
    assert "No open debrief requests." in page
    assert "1 earlier debrief held." in page
    again = client.post(url, follow=True)
    assert "That debrief was already marked as held." in shown_messages(again)


# --- The agreement (Executive Director) ------------------------------------------------------


def test_the_executive_director_publishes_a_new_agreement_version(
    client_as: Callable[[str], Client], program: Program, personas: dict[str, User | None]
) -> None:
    client = client_as("executive_director")
    url = reverse("volunteers:staff_agreement", kwargs={"program_id": program.pk})
    current = Agreement.objects.get(program=program)

    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Version 1 is in force" in body
    assert "Every volunteer must sign the new version again." in body
    assert page.context["form"]["text"].value() == current.text

    # Not without saying they understand, and not the same text again
    unconfirmed = client.post(url, {"text": "New text."})
    unchanged = client.post(url, {"text": current.text, "understood": "on"})
    assert unconfirmed.context["form"].errors["understood"]
    assert unchanged.context["form"].errors["text"]
    assert Agreement.objects.filter(program=program).count() == 1

    response = client.post(
        url, {"text": "As a volunteer I agree to…\r\nKeep confidences.", "understood": "on"}
    )

    assert response.status_code == 302
    latest = Agreement.objects.filter(program=program).order_by("-version").first()
    assert latest is not None
    assert latest.version == 2
    assert latest.text == "As a volunteer I agree to…\nKeep confidences.\n"
    assert latest.published_by == person(personas, "executive_director")
    assert "Version 2 is published." in " ".join(shown_messages(client.get(url)))


def test_a_coordinator_who_is_not_the_director_cannot_publish(
    client_as: Callable[[str], Client], program: Program
) -> None:
    client = client_as("coordinator")
    url = reverse("volunteers:staff_agreement", kwargs={"program_id": program.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "Changed.", "understood": "on"}).status_code == 403
    assert Agreement.objects.filter(program=program).count() == 1


def test_a_director_cannot_publish_for_a_program_they_do_not_direct(
    client_as: Callable[[str], Client], other_program: Program
) -> None:
    url = reverse("volunteers:staff_agreement", kwargs={"program_id": other_program.pk})
    assert client_as("executive_director").get(url).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_type="program", object_id=str(other_program.pk)
    ).exists()


# --- Staff home --------------------------------------------------------------------------------


def test_staff_home_links_to_volunteers_and_for_the_director_topics_and_agreements(
    client_as: Callable[[str], Client], program: Program
) -> None:
    agreement_url = reverse("volunteers:staff_agreement", kwargs={"program_id": program.pk})
    coordinator = client_as("coordinator").get(reverse("staff_home")).content.decode()
    director = client_as("executive_director").get(reverse("staff_home")).content.decode()

    assert reverse("volunteers:staff_list") in coordinator
    assert reverse("topics:list") not in coordinator
    assert agreement_url not in coordinator
    assert reverse("topics:list") in director
    assert agreement_url in director
    assert "No open debrief requests." in coordinator
