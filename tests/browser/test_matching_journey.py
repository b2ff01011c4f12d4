"""A match from proposal to active, in three real browsers: the coordinator proposes a peer, the
volunteer (signed in with two-step sign-in) and then the participant say yes, each sees how to
reach the other, the volunteer logs a contact; the participant asks for a different peer,
confirms it, and is matched again. And a volunteer without two-step sign-in is told to set it up
before saying yes, can still decline, and is then never shown to the participant and left out
when the coordinator looks again."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.intake.actions import change_status, submit_request
from kindred.intake.models import SupportRequest, TriageStatus
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from kindred.volunteers.models import VolunteerProfile
from tests.browser.conftest import (
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.pages import (
    CandidatesPage,
    KindredPage,
    LoginPage,
    MyHomePage,
    MyPeerPage,
    MySignInPage,
    TwoFactorPage,
    VolunteerHomePage,
    VolunteerMatchPage,
)
from tests.conftest import PASSWORD, make_matchable, make_person, make_volunteer, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator@example.org"
FIRST_PEER = "Juniper Ambervale"
FIRST_EMAIL = "juniper.ambervale@example.org"
SECOND_PEER = "Marlowe Stenhouse"
SECOND_EMAIL = "marlowe.stenhouse@example.org"
# Synthetic, and unlike the volunteers' own number (555-0100).
PARTICIPANT_PHONE = "555-0173"
CHANGE_REASON = "Synthetic reason: we found it hard to find times that suit us both."
LEFT_EARLIER_PEER = "an earlier peer the participant left or declined"
VOLUNTEER_DECLINED = "the volunteer asked not to be matched with this participant"


def sign_in_with_code(page: Page, email: str) -> None:
    """Staff sign in with their password, then the code their authenticator shows now."""
    LoginPage(page).open().sign_in(email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
    TwoFactorPage(page).enter_code(totp_now())
    expect(page).to_have_url(re.compile(r"/staff/$"))


def volunteer_with_account(
    program: Program,
    coordinator: User,
    full_name: str,
    email: str,
    *,
    second_factor: bool = True,
) -> VolunteerProfile:
    """A matchable volunteer with their own name and a portal account; with an authenticator
    app unless told otherwise (saying yes to a proposal needs two-step sign-in)."""
    user = make_person(email, None, program, second_factor=second_factor)
    account_actions.grant_role(user, Role.VOLUNTEER, program)
    volunteer = make_volunteer(
        program, email=email, full_name=full_name, status="active", user=user
    )
    return make_matchable(volunteer, coordinator)


def waiting_request(program: Program, coordinator: User) -> tuple[SupportRequest, str]:
    """A request for support with a phone number, triaged as awaiting a match, and the
    passphrase only its participant knows."""
    submitted = submit_request(
        program,
        asker_kind="lawyer",
        topics=["stress-and-burnout"],
        free_text="Synthetic words about a hard month at work.",
        risk_answer="no",
        contact={"methods": ["phone"], "phone": PARTICIPANT_PHONE, "leave_message": False},
    )
    change_status(submitted.request, TriageStatus.AWAITING_MATCH, by=coordinator)
    submitted.request.refresh_from_db()
    return submitted.request, submitted.passphrase


def volunteer_signs_in(page: Page, email: str, *, with_code: bool = True) -> VolunteerHomePage:
    LoginPage(page).open().sign_in(email, PASSWORD)
    if with_code:
        expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
        TwoFactorPage(page).enter_code(totp_now())
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    return VolunteerHomePage(page)


def participant_signs_in(page: Page, reference: str, passphrase: str) -> MyHomePage:
    MySignInPage(page).open().sign_in(reference, passphrase)
    expect(page).to_have_url(re.compile(r"/my/request/$"))
    return MyHomePage(page)


def open_the_proposal(page: Page) -> VolunteerMatchPage:
    """From the volunteer's portal home, the proposal waiting for their answer."""
    VolunteerHomePage(page).open()
    page.get_by_role("region", name="Your matches").get_by_role(
        "link", name="A proposed match"
    ).click()
    proposal = VolunteerMatchPage(page)
    expect(proposal.heading).to_have_text("A proposed match")
    return proposal


def open_candidates(page: Page, support_request: SupportRequest) -> CandidatesPage:
    page.goto(f"/staff/requests/{support_request.pk}/candidates/")
    candidates = CandidatesPage(page)
    expect(candidates.heading).to_have_text(f"Find a peer for {support_request.reference}")
    return candidates


def propose(candidates: CandidatesPage, first_name: str, support_request: SupportRequest) -> None:
    candidates.propose(first_name)
    expect(candidates.page).to_have_url(re.compile(rf"/staff/requests/{support_request.pk}/#peer$"))
    expect(KindredPage(candidates.page).messages).to_contain_text(
        "Proposal sent. The volunteer has 3 days to answer."
    )


def test_a_match_is_made_ended_by_the_participant_and_made_again_with_another_peer(
    page: Page,
    another_person: Callable[[], Page],
    page_problems: PageProblems,
    program: Program,
) -> None:
    # Given a coordinator, two matchable volunteers with accounts, and a request waiting for a
    # peer whose participant chose to be phoned; no sign-in tries counted from earlier tests
    ensure_seed_topics()
    cache.clear()
    coordinator = make_person(COORDINATOR, Role.COORDINATOR, program)
    volunteer_with_account(program, coordinator, FIRST_PEER, FIRST_EMAIL)
    volunteer_with_account(program, coordinator, SECOND_PEER, SECOND_EMAIL)
    support_request, passphrase = waiting_request(program, coordinator)

    # When the coordinator signs in, opens the request's candidates and proposes Juniper
    sign_in_with_code(page, COORDINATOR)
    candidates = open_candidates(page, support_request)
    expect(candidates.candidate("Juniper")).to_be_visible()
    propose(candidates, "Juniper", support_request)

    # And Juniper, in her own browser, signs in and opens the proposal from her portal
    juniper = another_person()
    volunteer_signs_in(juniper, FIRST_EMAIL)
    proposal = open_the_proposal(juniper)

    # Then she sees what they asked for, and nothing that says who they are
    expect(proposal.main).to_contain_text("Support with: Stress and burnout")
    expect(proposal.main).not_to_contain_text(PARTICIPANT_PHONE)
    expect(proposal.main).not_to_contain_text(support_request.reference)
    assert_accessible(juniper)
    save_screenshots(juniper, "match-volunteer-proposal")

    # When she says yes, choosing to share her email
    proposal.share_and_accept("My email")

    # Then she is thanked, and waits for the participant
    expect(proposal.messages).to_contain_text("Thank you for saying yes.")
    expect(proposal.heading).to_have_text("Waiting for them to say yes")
    expect(proposal.main).to_contain_text(f"Your email: {FIRST_EMAIL}")

    # When the participant, in their own browser, signs in and opens "Your peer"
    participant = another_person()
    home = participant_signs_in(participant, support_request.reference, passphrase)
    home.main.get_by_role("button", name="See your peer and answer").click()

    # Then they see Juniper by her first name, with their phone number offered to share but not
    # ticked, and nothing yet of how to reach her
    peer = MyPeerPage(participant)
    expect(participant).to_have_url(re.compile(r"/my/peer/$"))
    expect(peer.heading).to_have_text("A peer for you")
    expect(peer.main).to_contain_text("Juniper")
    expect(peer.main).not_to_contain_text("Ambervale")
    expect(peer.main).not_to_contain_text(FIRST_EMAIL)
    expect(peer.sharing("My phone number")).not_to_be_checked()
    assert_accessible(participant)
    save_screenshots(participant, "match-participant-proposal")

    # When they tick their phone and say yes
    peer.sharing("My phone number").check()
    peer.accept()

    # Then they are matched, and see Juniper's email
    expect(peer.messages).to_contain_text("You are matched with your peer.")
    expect(peer.heading).to_have_text("Your peer, Juniper")
    expect(peer.how_to_reach("Juniper")).to_contain_text(f"Email: {FIRST_EMAIL}")
    assert_accessible(participant)
    save_screenshots(participant, "match-participant-active")

    # And Juniper, looking again, sees the participant's phone
    juniper.reload()
    match_page = VolunteerMatchPage(juniper)
    expect(match_page.heading).to_have_text("Your match")
    expect(match_page.how_to_reach_them).to_contain_text(f"Phone: {PARTICIPANT_PHONE}")

    # When she logs a 45-minute phone call made today
    today = timezone.localdate()
    match_page.log_contact(on=today.isoformat(), mode="Phone", minutes=45)

    # Then she is thanked and the call is listed, with nothing of what was said
    expect(match_page.messages).to_contain_text("Saved. Thank you for the time you gave.")
    expect(match_page.contacts.get_by_role("listitem")).to_have_text(
        [f"{date_format(today, 'j F Y')}: Phone, 45 minutes"]
    )
    assert_accessible(juniper)
    save_screenshots(juniper, "match-volunteer-active")

    # When the participant asks for a different peer, saying why
    peer.ask_for_a_different_peer(CHANGE_REASON)

    # Then nothing has ended yet: they are shown what will happen, with their reason kept
    expect(peer.heading).to_have_text("Ask for a different peer?")
    expect(peer.main).to_contain_text("This cannot be undone.")
    expect(peer.main.get_by_label("Would you like to say why?")).to_have_value(CHANGE_REASON)
    expect(participant).to_have_url(re.compile(r"/my/peer/change/$"))
    assert_accessible(participant)
    save_screenshots(participant, "match-participant-confirm-change")

    # When they confirm
    peer.main.get_by_role("button", name="Yes, end this match").click()

    # Then they are told a new peer is being found, and Juniper's details are gone
    expect(peer.messages).to_contain_text("We are finding you a new peer.")
    expect(peer.heading).to_have_text("Your peer")
    expect(peer.main).to_contain_text("We are finding you a new peer.")
    expect(peer.main).not_to_contain_text(FIRST_EMAIL)

    # When the coordinator opens the request's candidates again
    candidates = open_candidates(page, support_request)

    # Then Juniper is left out, as an earlier peer, and Marlowe can be proposed
    expect(candidates.left_out_entry("Juniper")).to_contain_text(LEFT_EARLIER_PEER)
    expect(candidates.candidate("Juniper")).to_have_count(0)

    # When they propose Marlowe, and Marlowe says yes in his own browser, sharing his email
    propose(candidates, "Marlowe", support_request)
    marlowe = another_person()
    volunteer_signs_in(marlowe, SECOND_EMAIL)
    open_the_proposal(marlowe).share_and_accept("My email")
    expect(VolunteerMatchPage(marlowe).heading).to_have_text("Waiting for them to say yes")

    # And the participant, looking again, says yes to Marlowe
    peer.open()
    expect(peer.heading).to_have_text("A peer for you")
    expect(peer.main).to_contain_text("Marlowe")
    peer.sharing("My phone number").check()
    peer.accept()

    # Then the second match is active: the participant sees Marlowe and how to reach him
    expect(peer.heading).to_have_text("Your peer, Marlowe")
    expect(peer.how_to_reach("Marlowe")).to_contain_text(f"Email: {SECOND_EMAIL}")
    expect(peer.main).not_to_contain_text("Juniper")

    # And Marlowe, looking again, sees the participant's phone
    marlowe.reload()
    expect(VolunteerMatchPage(marlowe).how_to_reach_them).to_contain_text(
        f"Phone: {PARTICIPANT_PHONE}"
    )
    assert_page_loaded_cleanly(page_problems)


def test_a_volunteer_who_declines_is_never_shown_to_the_participant(
    page: Page,
    another_person: Callable[[], Page],
    page_problems: PageProblems,
    program: Program,
) -> None:
    # Given a coordinator, a matchable volunteer and a request waiting for a peer
    ensure_seed_topics()
    cache.clear()
    coordinator = make_person(COORDINATOR, Role.COORDINATOR, program)
    volunteer_with_account(program, coordinator, FIRST_PEER, FIRST_EMAIL, second_factor=False)
    support_request, passphrase = waiting_request(program, coordinator)

    # And the coordinator has proposed Juniper
    sign_in_with_code(page, COORDINATOR)
    propose(open_candidates(page, support_request), "Juniper", support_request)

    # When Juniper, who has not set up two-step sign-in, opens the proposal from her portal
    juniper = another_person()
    volunteer_signs_in(juniper, FIRST_EMAIL, with_code=False)
    proposal = open_the_proposal(juniper)

    # Then she is told why she cannot say yes yet, with a link to set it up, and no yes button
    expect(proposal.main).to_contain_text("First, set up two-step sign-in")
    expect(proposal.main.get_by_role("button", name="Set up two-step sign-in")).to_be_visible()
    expect(proposal.main.get_by_role("button", name="Yes, I can support them")).to_have_count(0)
    assert_accessible(juniper)
    save_screenshots(juniper, "match-volunteer-proposal-needs-two-step")

    # When she declines, which needs no second factor
    proposal.decline()

    # Then she is thanked, with no judgment, and the proposal is closed
    expect(proposal.messages).to_contain_text("Saying no is fine")
    expect(proposal.heading).to_have_text("This proposal is closed")
    expect(proposal.main).to_contain_text("You said no to this proposal.")

    # When the participant signs in and opens their peer page
    participant = another_person()
    participant_signs_in(participant, support_request.reference, passphrase)
    peer = MyPeerPage(participant).open()

    # Then they see that a peer is being looked for, and nothing of Juniper
    expect(peer.heading).to_have_text("Your peer")
    expect(peer.main).to_contain_text("We are looking for a peer for you.")
    expect(peer.main).not_to_contain_text("Juniper")

    # When the coordinator opens the request's candidates again
    candidates = open_candidates(page, support_request)

    # Then Juniper is left out, because she asked not to be matched with this participant
    expect(candidates.candidate("Juniper")).to_have_count(0)
    expect(candidates.left_out_entry("Juniper")).to_contain_text(VOLUNTEER_DECLINED)
    assert_accessible(page)
    save_screenshots(page, "match-candidates-after-decline")
    assert_page_loaded_cleanly(page_problems)
