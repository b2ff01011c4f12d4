"""The coordinator matches in a real browser: from a request's file to its ranked candidates and
a proposal, then the plan for everyone waiting, sent in one go. Each page is checked with
axe-core and under the Content-Security-Policy, and photographed for a person to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from kindred.accounts.models import Role, User
from kindred.intake.models import SupportRequest
from kindred.programs.models import Program
from kindred.support.models import Match
from kindred.volunteers.models import VolunteerProfile
from tests.browser.conftest import (
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.pages import KindredPage, LoginPage, TwoFactorPage
from tests.conftest import PASSWORD, make_matchable, make_person, make_volunteer, totp_now
from tests.support.conftest import another_waiting_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator@example.org"
NOTE = "Synthetic note: a first-year associate hoping to talk about long hours."


class CandidatesPage(KindredPage):
    def candidate(self, first_name: str) -> Locator:
        return self.page.locator("li.candidate").filter(
            has=self.page.get_by_role("heading", name=re.compile(rf"^{first_name}\b"))
        )

    @property
    def left_out(self) -> Locator:
        return self.page.locator("ul.left-out")

    def propose(self, first_name: str, note: str) -> None:
        card = self.candidate(first_name)
        card.get_by_text("Add a note for the volunteer").click()
        card.get_by_label("Note for the volunteer").fill(note)
        card.get_by_role("button", name=f"Propose {first_name}").click()


class PlanPage(KindredPage):
    path = "/staff/matching/plan/"

    def choice_for(self, reference: str) -> Locator:
        return self.page.get_by_label(f"Peer to propose for {reference}")

    def send(self) -> None:
        self.page.get_by_role("button", name="Send these proposals").click()


def sign_in_with_code(page: Page, email: str) -> None:
    LoginPage(page).open().sign_in(email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
    TwoFactorPage(page).enter_code(totp_now())
    expect(page).to_have_url(re.compile(r"/staff/$"))


def ready(program: Program, coordinator: User, name: str, **fields: object) -> VolunteerProfile:
    email = name.lower().replace(" ", ".") + "@example.org"
    volunteer = make_volunteer(program, email=email, full_name=name, status="active", **fields)
    return make_matchable(volunteer, coordinator)


def test_the_coordinator_finds_a_peer_then_sends_the_plan_for_everyone_waiting(
    page: Page, page_problems: PageProblems, program: Program
) -> None:
    # Given a coordinator, four volunteers (one the participant named, one not yet trained)
    # and three requests waiting for a peer
    coordinator = make_person(COORDINATOR, Role.COORDINATOR, program)
    ready(program, coordinator, "Juniper Ambervale", region="Calgary")
    ready(
        program,
        coordinator,
        "Marlowe Stenhouse",
        region="Edmonton",
        topics=["stress-and-burnout"],
        member_type="judge",
    )
    ready(program, coordinator, "Rowan Quillby", region="Calgary")
    make_volunteer(program, email="tamsin@example.org", full_name="Tamsin Orchard", status="active")
    first: SupportRequest = another_waiting_request(
        program,
        coordinator,
        topics=["stress-and-burnout", "grief-and-loss"],
        avoid=["Rowan Quillby"],
        preferences={"city": "either", "career_stage": True},
    )
    second = another_waiting_request(program, coordinator, topics=["grief-and-loss"])
    third = another_waiting_request(program, coordinator, topics=["stress-and-burnout"])

    # When the coordinator signs in, opens the first request and asks to find a peer
    sign_in_with_code(page, COORDINATOR)
    page.goto(f"/staff/requests/{first.pk}/")
    page.get_by_role("link", name="Find a peer").click()

    # Then the candidates are ranked with their reasons, and who was left out says why
    candidates = CandidatesPage(page)
    expect(candidates.heading).to_have_text(f"Find a peer for {first.reference}")
    juniper = candidates.candidate("Juniper")
    expect(juniper).to_contain_text("Both have lived experience of Stress and burnout")
    expect(juniper.get_by_label(re.compile(r"\d+ of \d+ points"))).to_be_visible()
    expect(candidates.left_out).to_contain_text("a person the participant asked to avoid")
    expect(candidates.left_out).to_contain_text("Tamsin")
    assert_accessible(page)
    save_screenshots(page, "matching-candidates")

    # When they propose Juniper with a note
    candidates.propose("Juniper", NOTE)

    # Then they are back on the request's file, told what happens next
    expect(page).to_have_url(re.compile(rf"/staff/requests/{first.pk}/#peer$"))
    expect(KindredPage(page).messages).to_contain_text(
        "Proposal sent. The volunteer has 3 days to answer."
    )
    assert Match.objects.get(request=first).note_for_volunteer == NOTE

    # When they open the plan for everyone else waiting from the staff home
    page.goto("/staff/")
    page.get_by_role("link", name="suggest a peer for everyone waiting").click()

    # Then each waiting request has a suggested peer, and the plan is proven optimal
    plan = PlanPage(page)
    expect(plan.heading).to_have_text("Suggest a peer for everyone waiting")
    expect(page.get_by_text("This plan is proven optimal")).to_be_visible()
    expect(plan.choice_for(second.reference)).to_be_visible()
    expect(plan.choice_for(third.reference)).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "matching-plan")

    # When they keep the suggestion for one request, hold the other back, and send
    plan.choice_for(third.reference).select_option(label="Don't propose now")
    plan.send()

    # Then one proposal is sent, the page says so row by row
    expect(plan.messages).to_contain_text("1 proposal sent.")
    report = page.locator("section.plan-report")
    expect(report).to_contain_text(f"{second.reference}: proposal sent")
    expect(report).to_contain_text(f"{third.reference}: not proposed now")
    assert Match.objects.filter(request=second).count() == 1
    assert not Match.objects.filter(request=third).exists()
    assert_accessible(page)
    save_screenshots(page, "matching-plan-sent")

    # And the weights page explains each weight
    page.get_by_role("link", name="Matching weights").click()
    lived = page.get_by_label("Shared lived experience, per topic")
    expect(lived).to_have_value("5")
    assert_accessible(page)
    save_screenshots(page, "matching-settings")

    # When a weight out of range is typed, the error is beside it and the summary has focus
    lived.fill("25")
    page.get_by_role("button", name="Save").click()
    weights = KindredPage(page)
    expect(weights.error_summary).to_be_focused()
    expect(weights.error_summary).to_contain_text("Enter a whole number from 0 to 20.")
    expect(lived).to_have_value("25")
    assert_accessible(page)
    assert_page_loaded_cleanly(page_problems)
