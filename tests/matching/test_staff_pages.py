"""The coordinator's matching pages: the candidates for one request and the proposal, the plan
for everyone waiting, and the program's weights. Who may open each, what they show, that
every write goes through an action (audited), and that refusals are shown, not crashed on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.matching import pool as matching_pool
from kindred.matching.models import settings_for
from kindred.matching.queries import plan_for_waiting, rank_for
from kindred.programs.models import Program
from kindred.support.actions import propose_match
from kindred.support.match_facts import waiting_for_a_plan
from kindred.support.models import Match, MatchStatus
from kindred.volunteers import pool as kept_pool
from kindred.volunteers.models import VolunteerProfile
from tests.conftest import make_matchable, make_volunteer
from tests.support.conftest import another_waiting_request

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
NOTE = "Synthetic note: hoping for someone who has been through a hard first year."
PLAN_URL = "/staff/matching/plan/"
SETTINGS_URL = "/staff/matching/settings/"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    # Training recorded on 2026-01-15 (make_matchable) is current; sessions stay still.
    with time_machine.travel(NOW, tick=False):
        yield


def candidates_url(support_request: SupportRequest) -> str:
    return reverse("matching:candidates", kwargs={"request_id": support_request.pk})


def propose_url(support_request: SupportRequest) -> str:
    return reverse("matching:propose", kwargs={"request_id": support_request.pk})


def peer(
    program: Program,
    coordinator: User,
    name: str,
    *,
    topics: list[str] | None = None,
    capacity: int = 2,
) -> VolunteerProfile:
    """A matchable volunteer with a name of their own (the personas share one)."""
    email = name.lower().replace(" ", ".") + "@example.org"
    volunteer = make_volunteer(
        program,
        email=email,
        full_name=name,
        topics=topics,
        status="active",
        capacity=capacity,
    )
    return make_matchable(volunteer, coordinator)


def page_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def shown_messages(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


# --- The candidates for one request ----------------------------------------------------------


def test_the_candidates_are_ranked_explained_and_the_left_out_say_why(
    client_as: Callable[[str], Client],
    program: Program,
    coordinator: User,
    volunteer: VolunteerProfile,
) -> None:
    # Given a waiting request whose participant asked never to meet one named volunteer
    support_request = another_waiting_request(program, coordinator, avoid=["Rowan Quillby"])
    avoided = peer(program, coordinator, "Rowan Quillby")

    # When the coordinator opens the candidates
    response = client_as("coordinator").get(candidates_url(support_request))

    # Then the matchable volunteer is listed, with sentences that add up to the score
    assert response.status_code == 200
    ranking = response.context["ranking"]
    assert [c.volunteer.pk for c in ranking.candidates] == [volunteer.pk]
    best = ranking.candidates[0]
    assert best.score == sum(reason.points for reason in best.reasons) > 0
    page = page_of(response)
    assert f"{best.score} of {ranking.best_possible} points" in page
    assert f'<meter id="score-1" min="0" max="{ranking.best_possible}" value="{best.score}">' in (
        page
    )
    for reason in best.reasons:
        assert reason.sentence in page
    assert "Both have lived experience of Stress and burnout" in page
    assert reverse("volunteers:staff_detail", kwargs={"volunteer_id": volunteer.pk}) in page
    assert "Propose Juniper" in page
    # And the volunteer the participant named is left out, with the reason
    assert (avoided.pk, "a person the participant asked to avoid") in [
        (left.volunteer.pk, left.reason) for left in ranking.left_out
    ]
    assert "Rowan</a>" in page
    assert "a person the participant asked to avoid" in page
    assert "Quillby" not in page  # first names only on this page
    assert "is recorded in the audit log" in page


def test_opening_the_candidates_records_the_request_and_every_volunteer_shown(
    client_as: Callable[[str], Client],
    program: Program,
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    avoided = peer(program, coordinator, "Rowan Quillby", topics=["anxiety"])

    client_as("coordinator").get(candidates_url(waiting))

    entries = AuditEntry.objects.filter(
        action=AuditAction.VIEW, actor_id=str(coordinator.pk), purpose="candidates"
    )
    seen = {(entry.object_type, entry.object_id) for entry in entries}
    assert ("support_request", str(waiting.pk)) in seen
    assert ("volunteer", str(volunteer.pk)) in seen
    assert ("volunteer", str(avoided.pk)) in seen  # left out (another topic), still shown
    assert {entry.program_id for entry in entries} == {program.pk}
    # The participant is told a coordinator opened their file
    request_entry = entries.get(object_type="support_request")
    assert request_entry.actor_role == Role.COORDINATOR


def test_a_request_without_a_topic_asks_for_one(
    client_as: Callable[[str], Client], waiting: SupportRequest, volunteer: VolunteerProfile
) -> None:
    waiting.topics = []
    waiting.save()
    page = page_of(client_as("coordinator").get(candidates_url(waiting)))
    assert "Add a topic to this request before looking for a peer." in page
    assert "Propose" not in page


def test_proposing_creates_a_match_and_goes_back_to_the_request(
    client_as: Callable[[str], Client],
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    client = client_as("coordinator")

    response = client.post(
        propose_url(waiting), {"volunteer": str(volunteer.pk), "note_for_volunteer": NOTE}
    )

    detail = reverse("intake:staff_detail", kwargs={"request_id": waiting.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{detail}#peer"
    match = Match.objects.get(request=waiting)
    assert match.volunteer_id == volunteer.pk
    assert match.status == MatchStatus.AWAITING_VOLUNTEER
    assert match.note_for_volunteer == NOTE
    assert match.proposed_by_id == coordinator.pk
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.PROPOSED
    followed = client.get(response["Location"])
    assert "Proposal sent. The volunteer has 3 days to answer." in shown_messages(followed)
    # The program's own number of days is the one announced
    other = another_waiting_request(waiting.program, coordinator)
    settings = settings_for(waiting.program)
    settings.proposal_days = 5
    settings.save()
    response = client.post(propose_url(other), {"volunteer": str(volunteer.pk)}, follow=True)
    assert "Proposal sent. The volunteer has 5 days to answer." in shown_messages(response)


def test_once_proposed_the_candidates_page_shows_the_proposal_and_no_propose_button(
    client_as: Callable[[str], Client],
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    other_volunteer: VolunteerProfile,
) -> None:
    match = propose_match(waiting, volunteer, by=coordinator)
    page = page_of(client_as("coordinator").get(candidates_url(waiting)))
    assert "This request already has a peer proposed or matched" in page
    assert "Waiting for the volunteer" in page
    assert "Propose Juniper" not in page
    assert f'href="/staff/matches/{match.pk}/"' in page  # the match's own staff page


def test_a_get_to_propose_proposes_nothing(
    client_as: Callable[[str], Client], waiting: SupportRequest
) -> None:
    response = client_as("coordinator").get(propose_url(waiting))
    assert response.status_code == 405
    assert not Match.objects.exists()


def test_a_volunteer_at_capacity_is_refused_with_the_reason_and_nothing_is_written(
    client_as: Callable[[str], Client],
    program: Program,
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    # Given the volunteer's two places are taken by proposals for two other requests
    for _ in range(2):
        propose_match(another_waiting_request(program, coordinator), volunteer, by=coordinator)
    client = client_as("coordinator")
    entries_before = AuditEntry.objects.exclude(action=AuditAction.VIEW).count()

    # When the coordinator proposes them anyway (a page left open, say)
    response = client.post(
        propose_url(waiting), {"volunteer": str(volunteer.pk), "note_for_volunteer": NOTE}
    )

    # Then the page says why, keeps the note, and nothing is written
    assert response.status_code == 409
    page = page_of(response)
    assert "Nothing was sent" in page
    assert "no capacity left" in page
    assert NOTE in page
    assert not Match.objects.filter(request=waiting).exists()
    waiting.refresh_from_db()
    assert waiting.status == TriageStatus.AWAITING_MATCH
    assert AuditEntry.objects.exclude(action=AuditAction.VIEW).count() == entries_before


def test_a_refusal_for_a_listed_candidate_keeps_the_note_in_their_form(
    client_as: Callable[[str], Client],
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    # The request was closed in another tab: the candidate is still listed, the proposal is not
    # possible.
    from kindred.intake.actions import change_status

    change_status(waiting, TriageStatus.CLOSED, by=coordinator)
    response = client_as("coordinator").post(
        propose_url(waiting), {"volunteer": str(volunteer.pk), "note_for_volunteer": NOTE}
    )
    assert response.status_code == 409
    page = page_of(response)
    assert "This request is not waiting for a peer." in page
    assert page.count(NOTE) == 1
    assert not Match.objects.exists()


def test_a_volunteer_of_another_program_cannot_be_proposed(
    client_as: Callable[[str], Client],
    other_program: Program,
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    stranger = make_volunteer(other_program, email="stranger@example.org", status="active")
    for value in (str(stranger.pk), "not-an-id", ""):
        response = client_as("coordinator").post(propose_url(waiting), {"volunteer": value})
        assert response.status_code == 200
        assert "This volunteer cannot be proposed from here." in page_of(response)
    assert not Match.objects.exists()


def test_a_note_that_is_too_long_is_an_error_beside_it(
    client_as: Callable[[str], Client], waiting: SupportRequest, volunteer: VolunteerProfile
) -> None:
    response = client_as("coordinator").post(
        propose_url(waiting), {"volunteer": str(volunteer.pk), "note_for_volunteer": "x" * 2001}
    )
    assert response.status_code == 200
    assert "Shorten the note to 2000 characters or fewer" in page_of(response)
    assert not Match.objects.exists()


def test_an_error_for_a_volunteer_no_longer_listed_is_in_the_page_summary(
    client_as: Callable[[str], Client],
    program: Program,
    coordinator: User,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    # The volunteer's places were taken since the page was drawn: no longer a candidate
    for _ in range(2):
        propose_match(another_waiting_request(program, coordinator), volunteer, by=coordinator)
    response = client_as("coordinator").post(
        propose_url(waiting), {"volunteer": str(volunteer.pk), "note_for_volunteer": "y" * 2001}
    )
    assert response.status_code == 200
    page = page_of(response)
    assert "Nothing was sent" in page
    assert "Shorten the note to 2000 characters or fewer" in page
    assert "y" * 2001 in page  # kept, to copy


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("other_coordinator", 404),
        ("volunteer", 403),
        ("reporting_viewer", 403),
        ("operator", 403),
        ("executive_director", 200),
    ],
)
def test_who_may_open_the_candidates(
    client_as: Callable[[str], Client],
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
    persona: str,
    expected: int,
) -> None:
    assert client_as(persona).get(candidates_url(waiting)).status_code == expected


def test_strangers_cannot_propose(
    client_as: Callable[[str], Client], waiting: SupportRequest, volunteer: VolunteerProfile
) -> None:
    data = {"volunteer": str(volunteer.pk)}
    assert client_as("other_coordinator").post(propose_url(waiting), data).status_code == 404
    assert client_as("volunteer").post(propose_url(waiting), data).status_code == 403
    anonymous = client_as("anonymous").post(propose_url(waiting), data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/account/login/")
    participant = client_as("participant").get(candidates_url(waiting))
    assert participant.status_code == 302
    assert participant["Location"].startswith("/account/login/")
    assert not Match.objects.exists()
    # The other program's coordinator's attempt is on record
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_type="support_request", object_id=str(waiting.pk)
    ).exists()


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def measured(client: Client, url: str, *, cold: bool) -> int:
    """The page's queries; `cold` as in a process that has not read the pool yet."""
    if cold:
        kept_pool.clear_cache()
        matching_pool.clear_cache()
    return queries_for(client, url)


def matching_queries(work: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured.captured_queries)


def add_peers(program: Program, coordinator: User, numbers: range) -> None:
    for number in numbers:
        peer(program, coordinator, f"Sky Rankwell{number:02d}")


def test_the_candidates_page_costs_the_same_queries_for_5_and_60_volunteers(
    client_as: Callable[[str], Client],
    program: Program,
    coordinator: User,
    waiting: SupportRequest,
) -> None:
    client = client_as("coordinator")
    url = candidates_url(waiting)
    add_peers(program, coordinator, range(5))
    client.get(url)  # warm up: session, settings row, audit head

    few = (measured(client, url, cold=True), measured(client, url, cold=False))
    ranked_few = matching_queries(lambda: rank_for(waiting))
    add_peers(program, coordinator, range(5, 60))
    many = (measured(client, url, cold=True), measured(client, url, cold=False))
    kept_pool.clear_cache()
    ranked_many = matching_queries(lambda: rank_for(waiting))

    # The same number cold and warm, whatever the pool's size; a cold read costs one query
    # more (the pool's entries), a warm one reads only the version.
    assert few == many
    assert many[0] == many[1] + 1
    # Ranking itself: the settings, the pool version (and entries, cold), the topics and the
    # profiles shown. The rest of the page is sign-in, the request and the audit entries.
    assert ranked_few == ranked_many <= 6
    assert many[0] <= 30, "the candidates page has grown expensive"
    assert len(client.get(url).context["ranking"].candidates) == 10


def test_the_plan_costs_the_same_queries_for_5_and_60_volunteers(
    client_as: Callable[[str], Client],
    program: Program,
    coordinator: User,
    waiting: SupportRequest,
) -> None:
    client = client_as("coordinator")
    another_waiting_request(program, coordinator)
    add_peers(program, coordinator, range(5))
    client.get(PLAN_URL)

    few = (measured(client, PLAN_URL, cold=True), measured(client, PLAN_URL, cold=False))
    add_peers(program, coordinator, range(5, 60))
    many = (measured(client, PLAN_URL, cold=True), measured(client, PLAN_URL, cold=False))
    waiting_now = list(waiting_for_a_plan(program))
    kept_pool.clear_cache()
    planned = matching_queries(lambda: plan_for_waiting(program, waiting_now))

    assert few == many
    assert many[0] == many[1] + 1
    assert planned <= 6
    assert len(client.get(PLAN_URL).context["rows"]) == 2


def test_the_request_file_links_to_the_candidates(
    client_as: Callable[[str], Client], waiting: SupportRequest
) -> None:
    detail = reverse("intake:staff_detail", kwargs={"request_id": waiting.pk})
    page = page_of(client_as("coordinator").get(detail))
    assert f'href="{candidates_url(waiting)}"' in page
    assert "Find a peer" in page


def test_the_staff_home_links_to_matching(client_as: Callable[[str], Client]) -> None:
    page = page_of(client_as("coordinator").get(reverse("staff_home")))
    assert f'href="{PLAN_URL}"' in page
    assert f'href="{SETTINGS_URL}"' in page


# --- The plan for everyone waiting -----------------------------------------------------------


@pytest.fixture
def two_and_two(
    program: Program, coordinator: User
) -> tuple[SupportRequest, SupportRequest, VolunteerProfile, VolunteerProfile]:
    """Two waiting requests and two volunteers with one place each, where taking the first
    request's best volunteer would leave the second with nobody: only one plan serves both.

    A (older) is about stress and burnout; B is about grief, then stress. Only Ash supports
    grief, so B must have Ash, and A must have Bay, although Ash also suits A."""
    first = another_waiting_request(
        program, coordinator, topics=["stress-and-burnout"], at=NOW - timedelta(days=2)
    )
    second = another_waiting_request(
        program,
        coordinator,
        topics=["grief-and-loss", "stress-and-burnout"],
        at=NOW - timedelta(days=1),
    )
    ash = peer(
        program,
        coordinator,
        "Ash Plancroft",
        topics=["stress-and-burnout", "grief-and-loss"],
        capacity=1,
    )
    bay = peer(program, coordinator, "Bay Plancroft", topics=["stress-and-burnout"], capacity=1)
    return first, second, ash, bay


def test_the_plan_is_the_optimal_one_and_sending_it_proposes_both(
    client_as: Callable[[str], Client],
    program: Program,
    two_and_two: tuple[SupportRequest, SupportRequest, VolunteerProfile, VolunteerProfile],
) -> None:
    first, second, ash, bay = two_and_two
    client = client_as("coordinator")

    # When the coordinator asks for a suggestion for everyone waiting
    response = client.get(PLAN_URL)

    # Then each request has the volunteer of the only plan that serves both, proven optimal
    assert response.status_code == 200
    plan = response.context["plan"]
    chosen = {row.request.pk: row.chosen.volunteer.pk for row in plan.rows}
    assert chosen == {first.pk: bay.pk, second.pk: ash.pk}
    assert plan.certified
    page = page_of(response)
    assert f"Total: {plan.total_score} points." in page
    assert "waiting 2 days" in page
    assert "This plan is proven optimal" in page
    assert first.reference in page
    assert second.reference in page
    assert "Both have lived experience of Grief and loss" in page
    assert "Don&#x27;t propose now" in page
    # And every request and volunteer on the page is recorded as seen
    seen = set(
        AuditEntry.objects.filter(action=AuditAction.VIEW, purpose="matching plan").values_list(
            "object_type", "object_id"
        )
    )
    assert {("support_request", str(first.pk)), ("support_request", str(second.pk))} <= seen
    assert {("volunteer", str(ash.pk)), ("volunteer", str(bay.pk))} <= seen

    # When they send the plan as suggested
    form = {row.field_name: row.options[0].value for row in response.context["rows"]}
    sent = client.post(f"{PLAN_URL}?program={program.pk}", form)

    # Then both proposals exist and the page (after a redirect) says what was sent
    assert sent.status_code == 302
    assert sent["Location"] == f"{PLAN_URL}?program={program.pk}"
    assert set(Match.objects.values_list("request_id", "volunteer_id")) == {
        (first.pk, bay.pk),
        (second.pk, ash.pk),
    }
    after = client.get(sent["Location"])
    assert "2 proposals sent." in shown_messages(after)
    report = page_of(after)
    assert "What was sent" in report
    assert report.count("proposal sent</strong>") == 2
    # And nobody is left waiting for a plan; the report is shown once only
    assert after.context["rows"] == []
    assert "What was sent" not in page_of(client.get(sent["Location"]))


def test_dont_propose_now_sends_nothing_for_that_row(
    client_as: Callable[[str], Client],
    program: Program,
    two_and_two: tuple[SupportRequest, SupportRequest, VolunteerProfile, VolunteerProfile],
) -> None:
    first, second, ash, _ = two_and_two
    client = client_as("coordinator")
    rows = client.get(PLAN_URL).context["rows"]
    form = {row.field_name: row.options[0].value for row in rows}
    form[f"volunteer-{first.pk}"] = ""

    response = client.post(f"{PLAN_URL}?program={program.pk}", form, follow=True)

    assert list(Match.objects.values_list("request_id", "volunteer_id")) == [(second.pk, ash.pk)]
    assert "1 proposal sent." in shown_messages(response)
    assert f"{first.reference}</span>: not proposed now" in page_of(response)


def test_a_volunteer_chosen_beyond_capacity_is_refused_for_that_row_only(
    client_as: Callable[[str], Client],
    program: Program,
    two_and_two: tuple[SupportRequest, SupportRequest, VolunteerProfile, VolunteerProfile],
) -> None:
    first, second, ash, _ = two_and_two
    client = client_as("coordinator")
    client.get(PLAN_URL)
    # Ash (one place) chosen for both rows: the first in the queue gets Ash, the second cannot.
    form = {f"volunteer-{first.pk}": str(ash.pk), f"volunteer-{second.pk}": str(ash.pk)}

    response = client.post(f"{PLAN_URL}?program={program.pk}", form, follow=True)

    assert response.status_code == 200
    assert list(Match.objects.values_list("request_id", "volunteer_id")) == [(first.pk, ash.pk)]
    assert "1 proposal sent. 1 could not be sent: the reasons are below." in shown_messages(
        response
    )
    page = page_of(response)
    assert f"{second.reference}</span>: <strong>not sent.</strong>" in page
    assert "no capacity left" in page
    second.refresh_from_db()
    assert second.status == TriageStatus.AWAITING_MATCH


def test_a_tampered_plan_sends_nothing(
    client_as: Callable[[str], Client],
    program: Program,
    other_program: Program,
    two_and_two: tuple[SupportRequest, SupportRequest, VolunteerProfile, VolunteerProfile],
) -> None:
    first, _, ash, _ = two_and_two
    stranger = make_volunteer(other_program, email="stranger@example.org", status="active")
    client = client_as("coordinator")
    for form in (
        {f"volunteer-{first.pk}": str(stranger.pk)},
        {f"volunteer-{first.pk}": "nonsense"},
        {"volunteer-nonsense": str(ash.pk)},
        {},
    ):
        response = client.post(f"{PLAN_URL}?program={program.pk}", form, follow=True)
        assert response.status_code == 200
        assert any("Nothing was sent." in text for text in shown_messages(response))
    assert not Match.objects.exists()


def test_the_plan_says_when_nobody_is_waiting(client_as: Callable[[str], Client]) -> None:
    page = page_of(client_as("coordinator").get(PLAN_URL))
    assert "Nobody is waiting for a peer in this program." in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", 200),
        ("other_coordinator", 200),  # their own program's plan
        ("executive_director", 200),
        ("volunteer", 403),
        ("reporting_viewer", 403),
        ("operator", 403),
    ],
)
def test_who_may_open_the_plan_and_the_settings(
    client_as: Callable[[str], Client], persona: str, expected: int
) -> None:
    assert client_as(persona).get(PLAN_URL).status_code == expected
    assert client_as(persona).get(SETTINGS_URL).status_code == expected


def test_another_programs_plan_and_settings_are_a_404(
    client_as: Callable[[str], Client], program: Program, coordinator: User
) -> None:
    client = client_as("other_coordinator")
    for url in (PLAN_URL, SETTINGS_URL):
        assert client.get(f"{url}?program={program.pk}").status_code == 404
        assert client.get(f"{url}?program=not-a-number").status_code == 404
        assert client.get(f"{url}?program={'9' * 30}").status_code == 404
    before = settings_for(program).lived_experience
    response = client.post(f"{SETTINGS_URL}?program={program.pk}", {"restore": "1"})
    assert response.status_code == 404
    assert settings_for(program).lived_experience == before


def test_a_coordinator_of_two_programs_chooses_one(
    client_as: Callable[[str], Client],
    program: Program,
    other_program: Program,
    coordinator: User,
) -> None:
    account_actions.grant_role(coordinator, Role.COORDINATOR, other_program)
    client = client_as("coordinator")
    page = page_of(client.get(PLAN_URL))
    assert '<select id="program-choice" name="program">' in page
    assert other_program.name in page
    chosen = client.get(f"{PLAN_URL}?program={other_program.pk}")
    assert chosen.context["choice"].program == other_program


# --- The program's weights -------------------------------------------------------------------


def settings_form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "lived_experience": 5,
        "career_stage": 3,
        "practice_setting": 2,
        "practice_area": 2,
        "identity": 2,
        "gender": 2,
        "same_city": 1,
        "load_balance": 1,
        "load_steps": 3,
        "proposal_days": 3,
        "checkin_days": 14,
    }
    values.update(changes)
    return values


def test_the_settings_page_explains_each_weight_and_its_default(
    client_as: Callable[[str], Client],
) -> None:
    page = page_of(client_as("coordinator").get(SETTINGS_URL))
    assert "Shared lived experience, per topic" in page
    assert "Default 5; from 0 to 20." in page
    assert "Default 3; from 1 to 14." in page  # proposal days
    assert "Default 14; from 1 to 90." in page  # check-in days
    assert "never traded for points" in page
    assert "These are the defaults." in page


def test_saving_the_weights_changes_them_and_records_which(
    client_as: Callable[[str], Client], program: Program, coordinator: User
) -> None:
    client = client_as("coordinator")

    response = client.post(
        f"{SETTINGS_URL}?program={program.pk}",
        settings_form(lived_experience=8, proposal_days=5),
    )

    assert response.status_code == 302
    saved = settings_for(program)
    assert (saved.lived_experience, saved.proposal_days, saved.career_stage) == (8, 5, 3)
    assert saved.updated_at == NOW
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="matching_settings")
    assert entry.purpose == "changed: lived_experience, proposal_days"
    assert entry.actor_id == str(coordinator.pk)
    assert entry.program_id == program.pk
    assert "Saved." in shown_messages(client.get(response["Location"]))
    # Saving the same values again changes and records nothing
    client.post(SETTINGS_URL, settings_form(lived_experience=8, proposal_days=5))
    assert AuditEntry.objects.filter(object_type="matching_settings").count() == 1


@pytest.mark.parametrize("typed", ["-1", "21", "five"])
def test_a_weight_out_of_range_is_an_error_beside_it_and_nothing_is_saved(
    client_as: Callable[[str], Client], program: Program, typed: str
) -> None:
    response = client_as("coordinator").post(
        SETTINGS_URL, settings_form(lived_experience=typed, career_stage=4)
    )

    assert response.status_code == 200
    page = page_of(response)
    assert "There is a problem" in page
    assert 'href="#id_lived_experience"' in page  # the summary links to the field
    assert '<p class="field-error" id="id_lived_experience_error">' in page
    assert "Enter a whole number from 0 to 20." in page
    assert f'value="{typed}"' in page  # what was typed is kept
    assert 'value="4"' in page
    assert settings_for(program).lived_experience == 5
    assert settings_for(program).career_stage == 3
    assert not AuditEntry.objects.filter(object_type="matching_settings").exists()


def test_restoring_the_defaults(
    client_as: Callable[[str], Client], program: Program, coordinator: User
) -> None:
    client = client_as("executive_director")
    client.post(SETTINGS_URL, settings_form(lived_experience=9, checkin_days=30))
    assert "Restore the defaults</button>" in page_of(client.get(SETTINGS_URL))

    response = client.post(SETTINGS_URL, {"restore": "1"}, follow=True)

    assert "The defaults are restored." in shown_messages(response)
    saved = settings_for(program)
    assert (saved.lived_experience, saved.checkin_days) == (5, 14)
    purposes = list(
        AuditEntry.objects.filter(object_type="matching_settings")
        .order_by("seq")
        .values_list("purpose", flat=True)
    )
    assert purposes == [
        "changed: lived_experience, checkin_days",
        "changed: lived_experience, checkin_days",
    ]


def test_new_weights_change_the_scores_shown(
    client_as: Callable[[str], Client],
    program: Program,
    waiting: SupportRequest,
    volunteer: VolunteerProfile,
) -> None:
    client = client_as("coordinator")
    before = client.get(candidates_url(waiting)).context["ranking"].candidates[0].score
    client.post(SETTINGS_URL, settings_form(lived_experience=10))
    after = client.get(candidates_url(waiting)).context["ranking"].candidates[0].score
    assert after == before + 5  # one shared topic, 5 more points each
