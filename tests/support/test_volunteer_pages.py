"""A match as the volunteer sees it: the proposal (only what they need to decide), the answer,
the active match (how to reach the participant, the contact log, the check-in, flags, a change
of peer) and its end. Every page and POST is tried by the people who must be refused too."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake import actions as intake_actions
from kindred.intake.models import SupportRequest
from kindred.support import actions
from kindred.support.forms import participant_share_form, volunteer_share_form
from kindred.support.models import (
    Checkin,
    ContactLog,
    CoordinatorTask,
    Match,
    MatchStatus,
    Side,
    TaskKind,
)
from kindred.support.queries import ShareChoice
from kindred.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 14, 5, tzinfo=timezone.get_default_timezone())
MISSING = "00000000-0000-4000-8000-000000000000"

# The participant's synthetic details: none may reach the volunteer before both said yes, and
# some never (their words, the people they avoid, their wishes about a peer).
CALL_ME = "Marisol"
PARTICIPANT_PHONE = "555-0199"
PARTICIPANT_EMAIL = "marisol.synthetic@example.org"
SAFE_TIMES = "Weekday evenings after six"
FREE_TEXT = "Synthetic words about a hard month at work."
AVOID = "Hollowmere LLP"
GENDER_WISH = "nonbinary"
# The volunteer's: the participant never sees the last name, nor contact details before both
# said yes.
FIRST_NAME = "Juniper"
LAST_NAME = "Ambervale"
VOLUNTEER_EMAIL = "volunteer@example.org"
VOLUNTEER_PHONE = "555-0177"
NOTE = "They would value someone who has been through a merger."


# --- Shared set-up (also used by the participant and privacy tests) -----------------------------


def set_the_scene(support_request: SupportRequest, volunteer: VolunteerProfile) -> None:
    """Distinct synthetic details on both sides, so a leak is found by a plain search."""
    support_request.call_me = CALL_ME
    support_request.avoid = [AVOID]
    support_request.preferences = {
        "language": {"value": "English", "strength": "nice"},
        "gender": {"value": GENDER_WISH, "strength": "nice"},
    }
    support_request.save()
    intake_actions.update_contact(
        support_request,
        {
            "methods": ["phone", "text", "email"],
            "phone": PARTICIPANT_PHONE,
            "email": PARTICIPANT_EMAIL,
            "safe_times": SAFE_TIMES,
            "leave_message": False,
        },
    )
    volunteer.phone = VOLUNTEER_PHONE
    volunteer.save()


def propose(
    waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User, **kwargs: object
) -> Match:
    set_the_scene(waiting, volunteer)
    return actions.propose_match(
        waiting, volunteer, by=coordinator, note_for_volunteer=NOTE, **kwargs
    )


def volunteer_says_yes(match: Match, volunteer: VolunteerProfile) -> Match:
    assert volunteer.user is not None
    return actions.answer_as_volunteer(
        match, accept=True, by=volunteer.user, shares={"email": VOLUNTEER_EMAIL}
    )


def both_say_yes(match: Match, volunteer: VolunteerProfile) -> Match:
    volunteer_says_yes(match, volunteer)
    return actions.answer_as_participant(
        match,
        accept=True,
        shares={
            "methods": ["phone", "text"],
            "phone": PARTICIPANT_PHONE,
            "safe_times": SAFE_TIMES,
            "leave_message": False,
        },
    )


def text_of(response: object) -> str:
    """The page as a person reads it: entities such as ' turned back into characters."""
    return unescape(response.content.decode())  # type: ignore[attr-defined]


def without_csrf(html: str) -> str:
    """The page without its CSRF token, which differs on every response."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def page_url(match: Match, name: str = "volunteer_match") -> str:
    return reverse(f"support:{name}", kwargs={"match_id": match.pk})


POSTS = ("volunteer_answer", "volunteer_contact", "volunteer_checkin", "volunteer_flag")
POSTS += ("volunteer_change",)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def proposed(waiting: SupportRequest, volunteer: VolunteerProfile, coordinator: User) -> Match:
    return propose(waiting, volunteer, coordinator)


@pytest.fixture
def active(proposed: Match, volunteer: VolunteerProfile) -> Match:
    return both_say_yes(proposed, volunteer)


@pytest.fixture
def as_volunteer(client_as: Callable[[str], Client]) -> Client:
    return client_as("volunteer")


# --- The proposal ------------------------------------------------------------------------------


def test_the_proposal_shows_what_the_volunteer_needs_to_decide_and_nothing_more(
    proposed: Match, as_volunteer: Client
) -> None:
    # When the volunteer opens the proposal
    response = as_volunteer.get(page_url(proposed))
    html = text_of(response)
    # Then they see the topics, who is asking, the language, how soon and the coordinator's note
    assert response.status_code == 200
    assert "Stress and burnout" in html
    assert "They are: Lawyer" in html
    assert "Language they would like to talk in: English" in html
    assert "How soon: Whenever a good match is found" in html
    assert NOTE in html
    assert "Please answer by 25 November" in html
    # And the two ways to answer, declining without a reason and without judgment
    assert "My email (volunteer@example.org)" in html
    assert f"My phone ({VOLUNTEER_PHONE})" in html
    assert "checked" not in html  # nothing shared unless they tick it
    assert "Declining is fine. You don't need to give a reason" in html
    assert "carries no judgment" in html
    # And nothing else about the participant: no name, contact, words, avoid list or wishes
    for private in (CALL_ME, PARTICIPANT_PHONE, PARTICIPANT_EMAIL, SAFE_TIMES, FREE_TEXT):
        assert private not in html
    assert AVOID not in html
    assert GENDER_WISH not in html


def test_nothing_to_share_is_ticked_for_either_side() -> None:
    # Given both share forms, offered every detail there is
    choices = [
        ShareChoice(key="email", label="My email"),
        ShareChoice(key="phone", label="My phone"),
        ShareChoice(key="safe_times", label="When it is safe"),
    ]
    forms = [volunteer_share_form(choices), participant_share_form(choices, MISSING)]
    for form in forms:
        # When they are drawn, then every box is there and none is ticked
        html = str(form)
        assert html.count('type="checkbox"') == 3
        assert "checked" not in html


def test_opening_a_match_is_recorded_in_the_audit_log(
    proposed: Match, as_volunteer: Client, volunteer: VolunteerProfile
) -> None:
    as_volunteer.get(page_url(proposed))
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="match").get()
    assert entry.object_id == str(proposed.pk)
    assert entry.program_id == proposed.program_id
    assert volunteer.user is not None
    assert entry.actor_id == str(volunteer.user.pk)


def test_saying_yes_shares_what_was_ticked_and_waits_for_the_participant(
    proposed: Match, as_volunteer: Client
) -> None:
    # When the volunteer says yes, sharing only their email
    response = as_volunteer.post(
        page_url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]}
    )
    # Then they are back on the match page, which waits for the participant
    assert response.status_code == 302
    assert response["Location"] == page_url(proposed)
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_PARTICIPANT
    assert proposed.volunteer_shares == {"email": VOLUNTEER_EMAIL}
    page = text_of(as_volunteer.get(page_url(proposed)))
    assert "Thank you for saying yes." in page
    assert "Waiting for them to say yes." in page
    assert "Your email: volunteer@example.org" in page
    assert VOLUNTEER_PHONE not in page  # not shared, not listed as shared


def test_saying_yes_without_a_way_to_be_reached_is_refused_beside_the_question(
    proposed: Match, as_volunteer: Client
) -> None:
    response = as_volunteer.post(page_url(proposed, "volunteer_answer"), {"answer": "accept"})
    html = text_of(response)
    assert response.status_code == 200
    assert 'class="field-error" id="id_share_error"' in html
    assert "Choose at least one way they can reach you." in html
    assert "There is a problem" in html
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


def test_saying_no_needs_no_reason(proposed: Match, as_volunteer: Client) -> None:
    response = as_volunteer.post(
        page_url(proposed, "volunteer_answer"), {"answer": "decline"}, follow=True
    )
    html = text_of(response)
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.DECLINED_BY_VOLUNTEER
    assert "Saying no is fine" in html
    assert "You said no to this proposal." in html
    assert "Stress and burnout" not in html  # a closed proposal shows nothing of them


def test_an_answer_after_the_time_to_answer_is_refused(
    proposed: Match, client_as: Callable[[str], Client], clock: time_machine.Traveller
) -> None:
    # Given the time to answer has passed (and nobody has opened a page since)
    clock.move_to(proposed.answer_by + timedelta(minutes=1))
    as_volunteer = client_as("volunteer")
    # When the volunteer says yes
    response = as_volunteer.post(
        page_url(proposed, "volunteer_answer"),
        {"answer": "accept", "share": ["email"]},
        follow=True,
    )
    # Then they are told the time has passed, and the proposal has lapsed
    assert "The time to answer this proposal has passed." in text_of(response)
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.EXPIRED
    # And a second try says the same
    again = as_volunteer.post(
        page_url(proposed, "volunteer_answer"), {"answer": "decline"}, follow=True
    )
    assert "The time to answer this proposal has passed." in text_of(again)


def test_opening_a_lapsed_proposal_lapses_it_first(
    proposed: Match, client_as: Callable[[str], Client], clock: time_machine.Traveller
) -> None:
    clock.move_to(proposed.answer_by + timedelta(seconds=1))
    html = text_of(client_as("volunteer").get(page_url(proposed)))
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.EXPIRED
    assert "The time to answer this proposal has passed." in html
    assert "Yes, I can support them" not in html


def test_a_withdrawn_proposal_cannot_be_answered(
    proposed: Match, as_volunteer: Client, coordinator: User
) -> None:
    actions.withdraw_proposal(proposed, by=coordinator)
    response = as_volunteer.post(
        page_url(proposed, "volunteer_answer"), {"answer": "accept", "share": ["email"]}
    )
    assert response.status_code == 302
    page = text_of(as_volunteer.get(page_url(proposed)))
    assert "This proposal has already been answered or withdrawn." in page
    assert "This proposal did not go ahead." in page


# --- Who may open it ---------------------------------------------------------------------------


def test_another_volunteer_gets_the_same_404_as_for_a_missing_match(
    active: Match, client_as: Callable[[str], Client], other_volunteer: VolunteerProfile
) -> None:
    # Given another volunteer of the same program
    other = client_as("other_volunteer")
    # When they open this match, and a match that does not exist
    refused = other.get(page_url(active))
    missing = other.get(f"/volunteer/matches/{MISSING}/")
    # Then both are the same 404, and both refusals are audited
    assert refused.status_code == missing.status_code == 404
    assert without_csrf(text_of(refused)) == without_csrf(text_of(missing))
    denied = AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED, object_type="match")
    assert set(denied.values_list("object_id", flat=True)) == {str(active.pk), MISSING}
    # And every POST is a 404 for them too, and changes nothing
    for name in POSTS:
        assert other.post(page_url(active, name), {"answer": "decline"}).status_code == 404
    active.refresh_from_db()
    assert active.status == MatchStatus.ACTIVE


@pytest.mark.parametrize(
    "persona", ["coordinator", "other_coordinator", "executive_director", "reporting_viewer"]
)
def test_staff_are_refused_the_volunteers_pages(
    proposed: Match, client_as: Callable[[str], Client], persona: str
) -> None:
    client = client_as(persona)
    assert client.get(page_url(proposed)).status_code == 403
    for name in POSTS:
        assert client.post(page_url(proposed, name), {"answer": "accept"}).status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


@pytest.mark.parametrize("persona", ["anonymous", "participant"])
def test_people_without_a_volunteer_account_are_sent_to_sign_in(
    proposed: Match, client_as: Callable[[str], Client], persona: str
) -> None:
    client = client_as(persona)
    response = client.get(page_url(proposed))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    response = client.post(page_url(proposed, "volunteer_answer"), {"answer": "decline"})
    assert response["Location"].startswith("/account/login/")
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


def test_a_get_on_a_form_endpoint_changes_nothing_and_goes_home(
    proposed: Match, as_volunteer: Client
) -> None:
    for name in POSTS:
        response = as_volunteer.get(page_url(proposed, name))
        assert response.status_code == 302
        assert response["Location"] == reverse("volunteers:home")
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


def test_answers_need_the_csrf_token(proposed: Match, personas: dict[str, User | None]) -> None:
    client = Client(enforce_csrf_checks=True)
    user = personas["volunteer"]
    assert user is not None
    client.force_login(user)
    response = client.post(page_url(proposed, "volunteer_answer"), {"answer": "decline"})
    assert response.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.AWAITING_VOLUNTEER


# --- The active match --------------------------------------------------------------------------


def test_the_active_match_shows_what_the_participant_shared(
    active: Match, as_volunteer: Client
) -> None:
    html = text_of(as_volunteer.get(page_url(active)))
    assert f"They would like to be called <strong>{CALL_ME}</strong>" in html
    assert "They are happy to be contacted by a phone call, a text message." in html
    assert f'<a href="tel:{PARTICIPANT_PHONE}">{PARTICIPANT_PHONE}</a>' in html
    assert f"When it is safe to reach them: {SAFE_TIMES}" in html
    assert "<strong>Please don't leave a message</strong>" in html
    # Not shared, so not shown; and never their words or the people they avoid
    assert PARTICIPANT_EMAIL not in html
    assert FREE_TEXT not in html
    assert AVOID not in html
    # The check-in is not due yet
    assert "Is this working for you?" not in html


def test_raising_a_safety_concern_comes_first_with_the_crisis_lines_beside_it(
    active: Match, as_volunteer: Client
) -> None:
    html = text_of(as_volunteer.get(page_url(active)))
    main = html.split("<h1>Your match</h1>", 1)[1]
    # The safety section is the first section after the heading, before how to reach them
    sections = re.findall(r'<section[^>]*aria-labelledby="([^"]+)"', main)
    assert sections[0] == "safety-title"
    assert set(sections) >= {"reach-title", "contact-title", "coordinator-title", "change-title"}
    safety = main.split("</section>", 1)[0]
    assert "If anyone is in danger now, call 9-1-1." in safety
    assert 'href="tel:' in safety  # the crisis lines, tap to call
    assert f'action="{page_url(active, "volunteer_flag")}"' in safety
    assert 'name="kind" value="safety_concern"' in safety
    assert "Raise a safety concern</button>" in safety
    # And only once on the page: the coordinator section points up to it
    assert main.count('value="safety_concern"') == 1


def test_no_name_line_when_the_participant_gave_none(
    active: Match, as_volunteer: Client, waiting: SupportRequest
) -> None:
    waiting.call_me = ""
    waiting.save()
    html = text_of(as_volunteer.get(page_url(active)))
    assert "They would like to be called" not in html


def test_a_contact_is_logged_and_counted_in_hours(active: Match, as_volunteer: Client) -> None:
    # Given the contact form starts on today's date
    html = text_of(as_volunteer.get(page_url(active)))
    assert 'value="2026-11-22"' in html
    assert "No contacts logged yet." in html
    # When the volunteer logs two conversations
    for minutes in ("45", "45"):
        response = as_volunteer.post(
            page_url(active, "volunteer_contact"),
            {"on": "2026-11-22", "mode": "phone", "minutes": minutes},
        )
        assert response.status_code == 302
    # Then both are listed, with the total
    html = text_of(as_volunteer.get(page_url(active)))
    assert "Saved. Thank you for the time you gave." in html
    assert html.count("22 November 2026: Phone, 45 minutes") == 2
    assert "In all: <strong>1 hour 30 minutes</strong>" in html
    assert ContactLog.objects.filter(match=active).count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"on": "2026-11-23", "mode": "phone", "minutes": "30"},
            "on",
            "The date of a contact cannot be in the future.",
        ),
        (
            {"on": "2026-11-21", "mode": "phone", "minutes": "30"},
            "on",
            "The date is before this match began (22 November 2026).",
        ),
        (
            {"on": "not a date", "mode": "phone", "minutes": "30"},
            "on",
            "Enter a date, for example 2026-05-31.",
        ),
        (
            {"on": "2026-11-22", "mode": "phone", "minutes": "0"},
            "minutes",
            "Enter how long it lasted, from 1 to 600 minutes.",
        ),
        (
            {"on": "2026-11-22", "mode": "phone", "minutes": "601"},
            "minutes",
            "Enter how long it lasted, from 1 to 600 minutes.",
        ),
        (
            {"on": "2026-11-22", "mode": "carrier-pigeon", "minutes": "30"},
            "mode",
            "Choose how you were in touch from the answers shown.",
        ),
        ({"on": "2026-11-22", "minutes": "30"}, "mode", "Choose how you were in touch."),
    ],
)
def test_a_contact_with_a_mistake_keeps_what_was_typed_with_the_message_beside_it(
    active: Match, as_volunteer: Client, data: dict[str, str], field: str, message: str
) -> None:
    response = as_volunteer.post(page_url(active, "volunteer_contact"), data)
    html = text_of(response)
    assert response.status_code == 200
    error = re.search(rf'<p class="field-error" id="contact_{field}_error">(.*?)</p>', html, re.S)
    assert error is not None, html
    assert message in error.group(1)
    # What was typed is still there
    assert f'value="{data["on"]}"' in html
    assert f'value="{data["minutes"]}"' in html
    assert not ContactLog.objects.exists()


def test_the_check_in_appears_when_due_and_is_private(
    active: Match, client_as: Callable[[str], Client], clock: time_machine.Traveller
) -> None:
    # Given the check-in's day has come
    clock.move_to(NOW + timedelta(days=14))
    as_volunteer = client_as("volunteer")
    html = text_of(as_volunteer.get(page_url(active)))
    assert "Is this working for you?" in html
    assert "Only the program's staff see your answer" in html
    # When the volunteer answers "No" with a note
    response = as_volunteer.post(
        page_url(active, "volunteer_checkin"), {"answer": "no", "note": "Synthetic note."}
    )
    assert response.status_code == 302
    # Then the answer is kept, the coordinator gets a task, and the question is gone
    checkin = Checkin.objects.get(match=active, side=Side.VOLUNTEER)
    assert (checkin.answer, checkin.note) == ("no", "Synthetic note.")
    assert CoordinatorTask.objects.filter(kind=TaskKind.NOT_WORKING).count() == 1
    html = text_of(as_volunteer.get(page_url(active)))
    assert "Is this working for you?" not in html
    # And a second answer is refused
    again = as_volunteer.post(page_url(active, "volunteer_checkin"), {"answer": "yes"}, follow=True)
    assert "There is no check-in to answer for this match just now." in text_of(again)


def test_a_check_in_not_yet_due_cannot_be_answered(active: Match, as_volunteer: Client) -> None:
    as_volunteer.post(page_url(active, "volunteer_checkin"), {"answer": "yes"})
    assert not Checkin.objects.filter(answered_at__isnull=False).exists()


def test_a_check_in_without_an_answer_says_so_beside_the_question(
    active: Match, client_as: Callable[[str], Client], clock: time_machine.Traveller
) -> None:
    clock.move_to(NOW + timedelta(days=15))
    response = client_as("volunteer").post(page_url(active, "volunteer_checkin"), {"note": "x"})
    assert response.status_code == 200
    assert 'id="checkin_answer_error"' in text_of(response)
    assert "Choose an answer." in text_of(response)


@pytest.mark.parametrize(
    ("kind", "told"),
    [
        (TaskKind.BEYOND_COMPETENCY, "will talk with you about a referral"),
        (TaskKind.SAFETY_CONCERN, "If anyone is in danger now, call 9-1-1."),
    ],
)
def test_a_flag_becomes_a_task_for_the_coordinator(
    active: Match, as_volunteer: Client, kind: TaskKind, told: str
) -> None:
    page = text_of(as_volunteer.get(page_url(active)))
    assert "This is beyond my competency" in page
    assert "Raise a safety concern" in page
    assert "call 9-1-1" in page
    response = as_volunteer.post(
        page_url(active, "volunteer_flag"), {"kind": kind.value, "note": "Synthetic note."}
    )
    assert response.status_code == 302
    task = CoordinatorTask.objects.get(kind=kind)
    assert (task.match_id, task.note) == (active.pk, "Synthetic note.")
    assert told in text_of(as_volunteer.get(page_url(active)))


def test_a_flag_of_an_unknown_kind_is_refused(active: Match, as_volunteer: Client) -> None:
    response = as_volunteer.post(
        page_url(active, "volunteer_flag"), {"kind": "proposal_lapsed"}, follow=True
    )
    assert "Choose what you would like to tell the coordinator." in text_of(response)
    assert not CoordinatorTask.objects.filter(match=active).exists()


def test_a_flag_with_a_long_note_keeps_it_with_the_message_beside_it(
    active: Match, as_volunteer: Client
) -> None:
    response = as_volunteer.post(
        page_url(active, "volunteer_flag"), {"kind": "safety_concern", "note": "x" * 2001}
    )
    html = text_of(response)
    assert response.status_code == 200
    assert 'id="safety_concern_note_error"' in html
    assert "Shorten this to 2000 characters or fewer (it has 2001)." in html
    assert not CoordinatorTask.objects.filter(match=active).exists()


def test_a_change_of_peer_asks_first_then_ends_the_match_and_hides_the_contact_details(
    active: Match, as_volunteer: Client
) -> None:
    page = text_of(as_volunteer.get(page_url(active)))
    assert "free of judgment" in page
    assert "nothing is recorded against you" in page
    # When the volunteer asks for a change, saying why
    first = as_volunteer.post(page_url(active, "volunteer_change"), {"reason": "Synthetic reason."})
    # Then they are shown what will happen, with their reason kept in the form, and nothing ends
    html = text_of(first)
    assert first.status_code == 200
    assert "The match ends now." in html
    assert "They read only “We are finding you a new peer”." in html
    assert "This cannot be undone." in html
    assert re.search(r'<textarea name="reason"[^>]*>\s*Synthetic reason\.</textarea>', html)
    assert 'name="confirm" value="yes"' in html
    assert f'href="{page_url(active)}">No, keep this match and go back</a>' in html
    active.refresh_from_db()
    assert active.status == MatchStatus.ACTIVE
    assert not CoordinatorTask.objects.filter(kind=TaskKind.CHANGE_OF_PEER).exists()
    # When they confirm
    response = as_volunteer.post(
        page_url(active, "volunteer_change"),
        {"reason": "Synthetic reason.", "confirm": "yes"},
        follow=True,
    )
    html = text_of(response)
    active.refresh_from_db()
    assert active.status == MatchStatus.CHANGED
    assert (active.change_asked_by, active.change_reason) == (Side.VOLUNTEER, "Synthetic reason.")
    assert "This match has ended." in html
    assert "Nothing is recorded against you." in html
    for private in (CALL_ME, PARTICIPANT_PHONE, SAFE_TIMES):
        assert private not in html
    # And nothing more can be logged or flagged
    later = as_volunteer.post(
        page_url(active, "volunteer_contact"),
        {"on": "2026-11-22", "mode": "phone", "minutes": "30"},
        follow=True,
    )
    assert "This match is no longer active." in text_of(later)
    assert not ContactLog.objects.exists()


def test_after_closure_the_logged_hours_stay_and_the_contact_details_go(
    active: Match, as_volunteer: Client, coordinator: User
) -> None:
    as_volunteer.post(
        page_url(active, "volunteer_contact"),
        {"on": "2026-11-22", "mode": "video", "minutes": "60"},
    )
    actions.close_match(active, reason="completed", by=coordinator)  # type: ignore[arg-type]
    html = text_of(as_volunteer.get(page_url(active)))
    assert "This match has ended." in html
    assert "22 November 2026: Video call, 60 minutes" in html
    assert PARTICIPANT_PHONE not in html
    assert CALL_ME not in html


# --- The volunteer's home page -----------------------------------------------------------------


def test_the_home_page_lists_proposals_and_matches_without_naming_anyone(
    active: Match,
    as_volunteer: Client,
    coordinator: User,
    volunteer: VolunteerProfile,
) -> None:
    from tests.support.conftest import another_waiting_request

    # Given an active match and a new proposal
    second = actions.propose_match(
        another_waiting_request(volunteer.program, coordinator), volunteer, by=coordinator
    )
    # When the volunteer opens their home page
    html = text_of(as_volunteer.get(reverse("volunteers:home")))
    # Then both are listed, with links to their pages and nothing about the participants
    assert f'href="{page_url(second)}">A proposed match</a>: please answer by 25 November' in html
    assert f'href="{page_url(active)}">Your match since 22 November 2026</a>' in html
    assert "When the program proposes a match, you will see it here." not in html
    for private in (CALL_ME, PARTICIPANT_PHONE, "Stress and burnout"):
        assert private not in html


def test_the_home_page_says_when_a_proposal_waits_for_the_participant(
    proposed: Match, as_volunteer: Client, volunteer: VolunteerProfile
) -> None:
    volunteer_says_yes(proposed, volunteer)
    html = text_of(as_volunteer.get(reverse("volunteers:home")))
    assert "waiting for them to say yes" in html


def test_the_home_page_does_not_list_a_lapsed_proposal(
    proposed: Match, client_as: Callable[[str], Client], clock: time_machine.Traveller
) -> None:
    clock.move_to(proposed.answer_by + timedelta(minutes=5))
    html = text_of(client_as("volunteer").get(reverse("volunteers:home")))
    assert "A proposed match" not in html
    assert "When the program proposes a match, you will see it here." in html
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.EXPIRED
