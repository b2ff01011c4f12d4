"""The volunteer's own portal: every page, every change (each audited), and nobody else's data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.confidential.models import AuditEntry
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import actions
from kindred.volunteers.models import (
    AgreementSignature,
    DebriefRequest,
    ScreeningItem,
    TrainingModule,
    VolunteerProfile,
    WellbeingCheck,
)
from kindred.volunteers.queries import is_matchable
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 4, 15, 10, 0, tzinfo=timezone.get_default_timezone())
SCOPE = "Your role:</strong> listen and share your experience."
PAGES = ("home", "profile", "agreement", "debrief", "wellbeing")
POST_ONLY = ("capacity", "pause", "resume")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    # Autouse, so it starts before the personas: every record and session begins at NOW.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def volunteer(personas: dict[str, User | None]) -> VolunteerProfile:
    return VolunteerProfile.objects.get(user=personas["volunteer"])


@pytest.fixture
def coordinator(personas: dict[str, User | None]) -> User:
    user = personas["coordinator"]
    assert user is not None
    return user


@pytest.fixture
def matchable(volunteer: VolunteerProfile, coordinator: User) -> VolunteerProfile:
    """The volunteer persona screened, trained (valid until 2028-01-15) and signed: matchable."""
    for item in ScreeningItem.objects.filter(program=volunteer.program):
        actions.record_screening(volunteer, item, completed_on=date(2026, 1, 5), by=coordinator)
    for module in TrainingModule.objects.filter(program=volunteer.program):
        actions.record_training(volunteer, module, completed_on=date(2026, 1, 15), by=coordinator)
    assert volunteer.user is not None
    actions.sign_agreement(volunteer, by=volunteer.user)
    volunteer = reloaded(volunteer)
    assert is_matchable(volunteer).ok
    return volunteer


@pytest.fixture
def as_volunteer(client_as: Callable[[str], Client]) -> Client:
    return client_as("volunteer")


def reloaded(volunteer: VolunteerProfile) -> VolunteerProfile:
    return VolunteerProfile.objects.get(pk=volunteer.pk)


def url(name: str) -> str:
    return reverse(f"volunteers:{name}")


def page(client: Client, name: str = "home") -> str:
    response = client.get(url(name))
    assert response.status_code == 200
    return response.content.decode()


def audit_purposes(volunteer: VolunteerProfile) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="volunteer", object_id=str(volunteer.pk))
        .order_by("seq")
        .values_list("purpose", flat=True)
    )


# --- Who gets in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders_with_the_scope_reminder(as_volunteer: Client, name: str) -> None:
    body = page(as_volunteer, name)

    assert SCOPE in body
    assert "No legal, medical or financial advice" in body
    # The scope reminder comes before anything else the page says.
    assert body.index(SCOPE) < body.index("<h1>")


@pytest.mark.parametrize("name", POST_ONLY)
def test_the_post_only_addresses_send_a_visitor_home(as_volunteer: Client, name: str) -> None:
    response = as_volunteer.get(url(name))

    assert response.status_code == 302
    assert response["Location"] == url("home")


@pytest.mark.parametrize("name", PAGES + POST_ONLY)
def test_people_without_the_volunteer_role_are_refused(
    client_as: Callable[[str], Client], volunteer: VolunteerProfile, name: str
) -> None:
    before = (reloaded(volunteer).capacity, audit_purposes(volunteer))

    assert client_as("coordinator").post(url(name), {"capacity": "1"}).status_code == 403
    assert client_as("executive_director").get(url(name)).status_code == 403
    response = client_as("anonymous").get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    # Nothing about the volunteer changed
    assert (reloaded(volunteer).capacity, audit_purposes(volunteer)) == before


@pytest.mark.parametrize("name", PAGES + POST_ONLY)
def test_a_volunteer_without_a_profile_gets_a_calm_not_found(program: Program, name: str) -> None:
    # Given someone given the volunteer role before the coordinator set up their profile
    user = account_actions.create_account(email="new.volunteer@example.org", full_name="New")
    account_actions.grant_role(user, Role.VOLUNTEER, program)
    client = Client()
    client.force_login(user)

    # When they open a page of the portal
    response = client.post(url(name)) if name in POST_ONLY else client.get(url(name))

    # Then they are told, calmly, that it is not ready yet
    assert response.status_code == 404
    assert "Your volunteer profile is not ready yet" in response.content.decode()


def test_pages_never_show_another_volunteers_data(
    client_as: Callable[[str], Client], personas: dict[str, User | None], coordinator: User
) -> None:
    # Given another volunteer of the same program, with details of their own
    other = VolunteerProfile.objects.get(user=personas["other_volunteer"])
    actions.update_profile(
        other,
        by=coordinator,
        full_name="Quillon Marsh",
        about_me="Twenty years of tax practice and a long road back from gambling.",
        availability_note="Tuesdays after the school run",
        region="Yellowknife",
        languages=["Tagalog"],
    )
    actions.request_debrief(other, note="Rough call with a client", by=coordinator)
    actions.record_wellbeing(other, 1, by=coordinator)

    # When the volunteer opens every page of their portal
    bodies = [page(client_as("volunteer"), name) for name in PAGES]

    # Then none of the other volunteer's details appear anywhere
    for body in bodies:
        for detail in ("Quillon", "Marsh", "tax practice", "school run", "Yellowknife", "Tagalog"):
            assert detail not in body
    assert "Hello, Juniper" in bodies[0]
    # And the other volunteer sees their own name, not the first volunteer's data
    assert "Hello, Quillon" in page(client_as("other_volunteer"))


# --- Home ----------------------------------------------------------------------------------------


def test_home_greets_them_and_says_they_can_be_matched(
    matchable: VolunteerProfile, as_volunteer: Client
) -> None:
    body = page(as_volunteer)

    assert "Hello, Juniper" in body
    assert "You are an active volunteer." in body
    assert "You can be matched." in body
    assert "When the program proposes a match, you will see it here." in body
    assert "you have signed the current version" in body


def test_home_explains_in_plain_words_why_they_cannot_be_matched(
    matchable: VolunteerProfile,
    client_as: Callable[[str], Client],
    clock: time_machine.Traveller,
) -> None:
    # Given training done on 2026-01-15, valid for 24 months, and a day past it
    clock.move_to(datetime(2028, 1, 16, 9, 0, tzinfo=timezone.get_default_timezone()))

    body = page(client_as("volunteer"))  # a fresh sign-in: the old session has timed out

    assert (
        "You can't be matched right now:</strong> training &#x27;Orientation&#x27; expired "
        "on 2028-01-15. Your coordinator can help."
    ) in body


def test_a_volunteer_still_applying_reads_where_they_are(
    volunteer: VolunteerProfile, as_volunteer: Client
) -> None:
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(status="training")

    body = page(as_volunteer)

    assert "You are in training." in body
    assert "status is training, not active. Your coordinator can help." in body
    # Pausing is for active volunteers
    assert 'action="/volunteer/pause/"' not in body


def test_two_step_sign_in_is_suggested_only_to_those_without_it(
    program: Program, as_volunteer: Client
) -> None:
    assert "Turn on two-step sign-in" not in page(as_volunteer)

    user = make_person("no.factor@example.org", Role.VOLUNTEER, program, second_factor=False)
    client = Client()
    client.force_login(user)
    assert "Turn on two-step sign-in" in page(client)


# --- Capacity -----------------------------------------------------------------------------------


def test_capacity_is_saved(volunteer: VolunteerProfile, as_volunteer: Client) -> None:
    response = as_volunteer.post(url("capacity"), {"capacity": "1"}, follow=True)

    assert response.redirect_chain == [(url("home"), 302)]
    assert "Saved. You can support up to 1 person at once." in response.content.decode()
    assert reloaded(volunteer).capacity == 1
    assert audit_purposes(volunteer)[-1] == "capacity set to 1"


def test_capacity_above_the_program_cap_is_refused_next_to_the_field(
    volunteer: VolunteerProfile, program: Program, as_volunteer: Client
) -> None:
    # Given a program that lets a volunteer support at most 2 people
    program.capacity_cap = 2
    program.save()
    before = audit_purposes(volunteer)

    # When the volunteer asks for 3 (by hand: the list only offers 1 and 2)
    response = as_volunteer.post(url("capacity"), {"capacity": "3"})

    # Then the action's refusal is shown next to the field, and nothing changed
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'id="id_capacity_error"' in body
    assert "Choose between 1 and 2 people." in body
    assert '<option value="3"' not in body
    assert reloaded(volunteer).capacity == 2
    assert audit_purposes(volunteer) == before


def test_capacity_that_is_not_a_number_is_refused(
    volunteer: VolunteerProfile, as_volunteer: Client
) -> None:
    response = as_volunteer.post(url("capacity"), {"capacity": "lots"})

    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert reloaded(volunteer).capacity == 2


# --- Pause and resume ---------------------------------------------------------------------------


def test_pause_makes_them_unmatchable_and_resume_brings_them_back(
    matchable: VolunteerProfile, as_volunteer: Client
) -> None:
    # Given a matchable volunteer, the pause date offered is four weeks ahead
    assert 'value="2026-05-13"' in page(as_volunteer)

    # When they pause until then
    response = as_volunteer.post(
        url("pause"), {"until": "2026-05-13", "reason": "Trial in May"}, follow=True
    )

    # Then the home page says so, and they cannot be matched
    body = response.content.decode()
    assert response.redirect_chain == [(url("home"), 302)]
    assert "Your pause is set until 13 May 2026." in body
    assert "be matched right now:</strong> paused until 2026-05-13." in body
    assert "Your coordinator can help." not in body  # they can end it themselves
    assert "Resume now" in body
    volunteer = reloaded(matchable)
    assert is_matchable(volunteer).reason == "paused until 2026-05-13"
    assert volunteer.pause_reason == "Trial in May"

    # When they resume
    body = as_volunteer.post(url("resume"), follow=True).content.decode()

    # Then they can be matched again
    assert "Welcome back. Your pause has ended." in body
    assert "You can be matched." in body
    volunteer = reloaded(matchable)
    assert is_matchable(volunteer).ok
    assert volunteer.pause_reason == ""
    assert audit_purposes(volunteer)[-2:] == ["paused", "pause ended"]


@pytest.mark.parametrize(
    ("until", "error"),
    [
        ("2026-04-15", "Choose a date after today."),  # today: the action refuses it
        ("2026-04-01", "Choose a date after today."),
        ("", "Choose the date your pause ends."),
        ("next spring", "Enter a date, for example 2026-05-31."),
    ],
)
def test_a_pause_date_that_is_not_in_the_future_is_refused_and_what_was_typed_kept(
    matchable: VolunteerProfile, as_volunteer: Client, until: str, error: str
) -> None:
    response = as_volunteer.post(url("pause"), {"until": until, "reason": "Moving house"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_until_error"' in body
    assert error in body
    assert f'name="until" value="{until}"' in body or not until
    assert "Moving house</textarea>" in body
    assert reloaded(matchable).paused_until is None


# --- Agreement ----------------------------------------------------------------------------------


def test_signing_the_agreement(volunteer: VolunteerProfile, as_volunteer: Client) -> None:
    # Given a volunteer who has not signed the agreement
    assert "please read and sign it" in page(as_volunteer)
    body = page(as_volunteer, "agreement")
    assert "Please read the agreement and sign it." in body
    assert "1. Keep confidential everything a participant shares" in body
    assert "I have read and agree" in body

    # When they press Sign without ticking the box
    response = as_volunteer.post(url("agreement"), {"version": "1"})
    # Then they are asked to tick it
    assert "Tick the box to say you have read and agree." in response.content.decode()
    assert not AgreementSignature.objects.filter(volunteer=volunteer).exists()

    # When they tick it and sign
    response = as_volunteer.post(url("agreement"), {"version": "1", "agree": "on"}, follow=True)

    # Then it is signed, audited, and the agreement page says when
    assert "Thank you. You signed version 1 of the agreement." in response.content.decode()
    assert AgreementSignature.objects.filter(volunteer=volunteer, agreement__version=1).exists()
    assert audit_purposes(volunteer)[-1] == "signed agreement v1"
    body = page(as_volunteer, "agreement")
    assert "You signed this version (version 1) on 15 April 2026." in body
    assert "I have read and agree" not in body


def test_a_new_agreement_version_must_be_signed_before_matching_again(
    matchable: VolunteerProfile, program: Program, coordinator: User, as_volunteer: Client
) -> None:
    # Given the Executive Director publishes a new version
    actions.publish_agreement(program, "Version two.\nWith <b>new</b> terms.", by=coordinator)

    # Then home asks them to sign the new version, and they cannot be matched until they do
    body = page(as_volunteer)
    assert "please sign the new version" in body
    assert "the current agreement (version 2) is not signed." in body
    assert "Your coordinator can help." not in body
    assert not is_matchable(reloaded(matchable))
    # And the agreement page shows the new text, escaped, with its line breaks
    body = page(as_volunteer, "agreement")
    assert "Please read it and sign the new version." in body
    assert "<p>Version two.<br>With &lt;b&gt;new&lt;/b&gt; terms.</p>" in body

    # When they sign it
    as_volunteer.post(url("agreement"), {"version": "2", "agree": "on"})

    # Then they can be matched again
    assert is_matchable(reloaded(matchable)).ok


def test_a_version_published_while_they_read_is_not_signed_in_their_name(
    volunteer: VolunteerProfile, program: Program, coordinator: User, as_volunteer: Client
) -> None:
    # Given the volunteer opened version 1, and version 2 is published while they read
    page(as_volunteer, "agreement")
    actions.publish_agreement(program, "Version two.", by=coordinator)

    # When they sign what they read
    response = as_volunteer.post(url("agreement"), {"version": "1", "agree": "on"}, follow=True)

    # Then nothing is signed, and they are shown the new version
    assert response.redirect_chain == [(url("agreement"), 302)]
    assert "The agreement changed while you were reading it." in response.content.decode()
    assert "Version two." in response.content.decode()
    assert not AgreementSignature.objects.filter(volunteer=volunteer).exists()


# --- Debrief and well-being ---------------------------------------------------------------------


def test_asking_for_a_debrief(volunteer: VolunteerProfile, as_volunteer: Client) -> None:
    body = page(as_volunteer, "debrief")
    assert "Only your coordinator sees this." in body
    assert "leave out participants&#x27; names" in body  # help text is escaped

    response = as_volunteer.post(
        url("debrief"), {"note": "A hard call about a suicide risk"}, follow=True
    )

    assert "Your coordinator has your request" in response.content.decode()
    debrief = DebriefRequest.objects.get(volunteer=volunteer)
    assert debrief.note == "A hard call about a suicide risk"
    assert debrief.resolved_at is None
    assert audit_purposes(volunteer)[-1] == "debrief requested"
    # The note never goes into the audit log
    assert not AuditEntry.objects.filter(purpose__icontains="suicide").exists()
    assert "You asked for a debrief on 15 April 2026." in page(as_volunteer, "debrief")


def test_a_debrief_needs_no_note(volunteer: VolunteerProfile, as_volunteer: Client) -> None:
    as_volunteer.post(url("debrief"), {"note": ""})

    assert DebriefRequest.objects.get(volunteer=volunteer).note == ""


def test_wellbeing_is_answered_once_a_month_and_a_second_answer_updates_it(
    volunteer: VolunteerProfile,
    as_volunteer: Client,
    client_as: Callable[[str], Client],
    clock: time_machine.Traveller,
) -> None:
    # Given this month's check-in is not answered yet, home offers it
    assert "How are you doing this month?" in page(as_volunteer)
    body = page(as_volunteer, "wellbeing")
    assert "only your coordinator sees your answer" in body
    assert "1 — Struggling" in body
    assert "5 — Doing well" in body

    # When they answer without choosing
    response = as_volunteer.post(url("wellbeing"), {})
    assert "Choose the answer closest to how you are doing." in response.content.decode()

    # When they answer
    response = as_volunteer.post(url("wellbeing"), {"score": "2"}, follow=True)
    assert "Thank you for telling us how you are doing." in response.content.decode()
    # Then home no longer asks this month, and the page shows their answer to change
    assert "How are you doing this month?" not in page(as_volunteer)
    body = page(as_volunteer, "wellbeing")
    assert "You have answered this month." in body
    assert 'value="2" required id="id_score_1" checked' in body

    # When they answer again the same month, the answer is updated, not added
    as_volunteer.post(url("wellbeing"), {"score": "4"})
    assert [check.score for check in WellbeingCheck.objects.filter(volunteer=volunteer)] == [4]

    # And next month, home asks again
    clock.move_to(datetime(2026, 5, 2, 9, 0, tzinfo=timezone.get_default_timezone()))
    client = client_as("volunteer")
    assert "How are you doing this month?" in page(client)
    client.post(url("wellbeing"), {"score": "5"})
    months = [(c.month, c.score) for c in WellbeingCheck.objects.filter(volunteer=volunteer)]
    assert sorted(months) == [(date(2026, 4, 1), 4), (date(2026, 5, 1), 5)]
    assert audit_purposes(volunteer)[-3:] == ["well-being check answered"] * 3


def test_a_wellbeing_score_outside_one_to_five_is_refused(
    volunteer: VolunteerProfile, as_volunteer: Client
) -> None:
    response = as_volunteer.post(url("wellbeing"), {"score": "9"})

    assert response.status_code == 200
    assert not WellbeingCheck.objects.filter(volunteer=volunteer).exists()


# --- Profile ------------------------------------------------------------------------------------


def test_the_profile_form_shows_what_they_have(as_volunteer: Client) -> None:
    body = page(as_volunteer, "profile")

    assert "<legend>Topics you can support people with" in body
    assert "checked" in body
    assert "I practised family law for ten years" in body
    assert 'value="English"' in body
    assert 'value="Calgary"' in body
    assert 'value="family"' in body
    assert "Years in recovery, if you chose Alcohol use" in body


def test_editing_the_profile(volunteer: VolunteerProfile, as_volunteer: Client) -> None:
    topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
    form = {
        "topics": [topics["anxiety"], topics["alcohol-use"]],
        "about_me": "Twelve years sober; I know the first year is the hardest.",
        "availability_note": "Weekday evenings",
        "languages": "English, French, english",
        "region": "Edmonton",
        "practice_areas": "criminal, , employment",
    }

    # When they tick a topic that requires years in recovery but leave the years out
    response = as_volunteer.post(url("profile"), form)

    # Then they are asked for them, and everything they typed is still there
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_recovery_alcohol-use_error"' in body
    assert "Say how many whole years you have been in recovery, or untick Alcohol use." in body
    assert "Twelve years sober; I know the first year is the hardest.</textarea>" in body
    assert 'value="English, French, english"' in body
    assert reloaded(volunteer).region == "Calgary"

    # When they add the years
    response = as_volunteer.post(
        url("profile"), {**form, "recovery_alcohol-use": "12"}, follow=True
    )

    # Then everything is saved, and audited
    assert "Your profile is saved." in response.content.decode()
    volunteer = reloaded(volunteer)
    assert volunteer.topic_slugs == ["alcohol-use", "anxiety"]
    assert volunteer.recovery_years == {"alcohol-use": 12}
    assert volunteer.about_me == "Twelve years sober; I know the first year is the hardest."
    assert volunteer.availability_note == "Weekday evenings"
    assert volunteer.languages == ["English", "French"]
    assert volunteer.region == "Edmonton"
    assert volunteer.practice_areas == ["criminal", "employment"]
    # A new recovery claim sends recovery time back to the coordinator to confirm
    assert audit_purposes(volunteer)[-2:] == ["profile updated", "recovery screening to redo"]
    assert "Weekday evenings" in page(as_volunteer)

    # When they untick the topic, its years go too
    as_volunteer.post(
        url("profile"), {**form, "topics": [topics["anxiety"]], "recovery_alcohol-use": ""}
    )
    assert reloaded(volunteer).recovery_years == {}


def test_a_retired_topic_on_the_profile_is_not_offered_and_not_lost(
    volunteer: VolunteerProfile, as_volunteer: Client
) -> None:
    grief = Topic.objects.get(slug="grief-and-loss")
    Topic.objects.filter(pk=grief.pk).update(is_active=False)
    stress = Topic.objects.get(slug="stress-and-burnout")

    assert "Grief and loss" not in page(as_volunteer, "profile")
    as_volunteer.post(
        url("profile"),
        {"topics": [stress.pk], "languages": "English", "region": "Calgary"},
    )

    assert reloaded(volunteer).topic_slugs == ["grief-and-loss", "stress-and-burnout"]


def test_the_profile_needs_a_topic_a_language_and_a_region(
    volunteer: VolunteerProfile, as_volunteer: Client
) -> None:
    response = as_volunteer.post(url("profile"), {"languages": " , ", "region": ""})

    body = response.content.decode()
    assert "Choose at least one topic." in body
    assert "Name at least one language." in body
    assert "Enter your region." in body
    assert reloaded(volunteer).region == "Calgary"


# --- Every write is audited ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "purpose"),
    [
        ("capacity", {"capacity": "3"}, "capacity set to 3"),
        ("pause", {"until": "2026-06-01"}, "paused"),
        ("resume", {}, "pause ended"),
        ("agreement", {"version": "1", "agree": "on"}, "signed agreement v1"),
        ("debrief", {"note": ""}, "debrief requested"),
        ("wellbeing", {"score": "3"}, "well-being check answered"),
        (
            "profile",
            {"topics": "anxiety", "languages": "English", "region": "Calgary"},
            "profile updated",
        ),
    ],
)
def test_every_write_is_audited_with_ids_only(
    volunteer: VolunteerProfile, as_volunteer: Client, name: str, data: dict[str, str], purpose: str
) -> None:
    if "topics" in data:
        data = {**data, "topics": str(Topic.objects.get(slug=data["topics"]).pk)}
    before = AuditEntry.objects.count()

    response = as_volunteer.post(url(name), data)

    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("seq").last()
    assert entry is not None
    assert (entry.object_type, entry.object_id, entry.purpose) == (
        "volunteer",
        str(volunteer.pk),
        purpose,
    )
    assert entry.actor_id == str(volunteer.user_id)
