"""A volunteer's way in, in a real browser: the public application, the coordinator's pipeline,
the invitation, the portal, and what stops matching later (expired training, a pause)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role
from kindred.programs.models import Program
from kindred.topics.actions import ensure_seed_topics
from kindred.volunteers import actions as volunteer_actions
from kindred.volunteers.actions import DEFAULT_SCREENING, DEFAULT_TRAINING
from kindred.volunteers.forms.volunteer import PAUSE_WEEKS
from kindred.volunteers.matchability import add_months
from kindred.volunteers.models import ScreeningItem, TrainingModule
from kindred.volunteers.pipeline import Status
from tests.browser.conftest import (
    PageProblems,
    assert_accessible,
    assert_page_loaded_cleanly,
    save_screenshots,
)
from tests.browser.pages import (
    ApplicationSentPage,
    LoginPage,
    SetPasswordPage,
    StaffVolunteerListPage,
    StaffVolunteerPage,
    TwoFactorPage,
    VolunteerAgreementPage,
    VolunteerApplicationPage,
    VolunteerHomePage,
)
from tests.conftest import PASSWORD, make_person, make_volunteer, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator@example.org"
APPLICANT = "Rowan Thistlewood"
APPLICANT_EMAIL = "rowan.thistlewood@example.org"
# At least 12 characters, not a common password, nothing like the name or the address.
NEW_PASSWORD = "quiet harbour lanterns 47"
FIRST_MODULE = DEFAULT_TRAINING[0]
NEEDED_SCREENING = [name for name, recovery_only in DEFAULT_SCREENING if not recovery_only]
RECOVERY_SCREENING = next(name for name, recovery_only in DEFAULT_SCREENING if recovery_only)
TRAINING_VALID_MONTHS = 24


def sign_in_with_code(page: Page, email: str) -> None:
    """Staff sign in with their password, then the code their authenticator shows now."""
    LoginPage(page).open().sign_in(email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/2fa/authenticate/"))
    TwoFactorPage(page).enter_code(totp_now())
    expect(page).to_have_url(re.compile(r"/staff/$"))


def set_up_link(message: EmailMessage) -> str:
    found = re.search(r"https?://\S+/account/password/reset/key/\S+", str(message.body))
    assert found, message.body
    return found.group(0)


def test_an_applicant_becomes_a_volunteer_who_can_be_matched(
    page: Page,
    another_person: Callable[[], Page],
    page_problems: PageProblems,
    program: Program,
    mailoutbox: list[EmailMessage],
) -> None:
    # Given the program's topics, and a coordinator whose account has an authenticator app
    ensure_seed_topics()
    make_person(COORDINATOR, Role.COORDINATOR, program)
    today = timezone.localdate().isoformat()
    today_shown = date_format(timezone.localdate(), "j M Y", use_l10n=False)

    # When someone opens "Volunteer with us" and answers every question that needs an answer
    application = VolunteerApplicationPage(page).open()
    expect(application.heading).to_have_text("Volunteer with us")
    assert_accessible(page)
    application.give_contact_details(APPLICANT, APPLICANT_EMAIL)
    application.describe_work(
        member_type="Lawyer",
        year_of_call=2009,
        practice_setting="Sole practice",
        region="Lethbridge",
    )
    application.choose_languages("English")
    application.choose_topics("Stress and burnout", "Grief and loss")
    application.give_reference("first", "Marlowe Fernsby", "marlowe@example.org")
    application.give_reference("second", "Odalys Hazelwick", "555-0101")
    application.choose_capacity("1 person")
    save_screenshots(page, "volunteer-application")
    application.send()

    # Then they are thanked and told what happens next
    thanks = ApplicationSentPage(page)
    expect(page).to_have_url(re.compile(r"/volunteer-with-us/thank-you/$"))
    expect(thanks.heading).to_have_text("Thank you for offering to volunteer")
    expect(thanks.main).to_contain_text("What happens next")
    save_screenshots(page, "volunteer-application-sent")

    # When the coordinator signs in with a password and a code, and opens the volunteers
    coordinator = another_person()
    sign_in_with_code(coordinator, COORDINATOR)
    coordinator.get_by_role("link", name="All volunteers").click()

    # Then the applicant is listed, not yet matchable because they have only applied
    volunteers = StaffVolunteerListPage(coordinator)
    expect(volunteers.heading).to_have_text("Volunteers")
    expect(volunteers.cell(APPLICANT, "Status")).to_have_text("Applied")
    expect(volunteers.cell(APPLICANT, "Region")).to_have_text("Lethbridge")
    expect(volunteers.cell(APPLICANT, "Matchable")).to_have_text(
        "No: status is applied, not active"
    )
    expect(volunteers.cell(APPLICANT, "Training expires")).to_have_text("Not trained yet")
    assert_accessible(coordinator)
    save_screenshots(coordinator, "staff-volunteer-list")

    # When they open the applicant's file and move them to screening
    volunteers.open_volunteer(APPLICANT)
    file = StaffVolunteerPage(coordinator)
    expect(file.heading).to_have_text(APPLICANT)
    expect(file.section("Profile")).to_contain_text(APPLICANT_EMAIL)
    expect(file.summary).to_contain_text("Cannot be matched yet: status is applied, not active")
    file.move_to("Screening")
    expect(file.messages).to_contain_text("Status changed to screening.")

    # And record every screening step this applicant needs, done today
    for item in NEEDED_SCREENING:
        file.record_screening(item, today)
        expect(file.messages).to_contain_text(f"Recorded: {item}.")
        expect(file.step_row("Screening", item)).to_contain_text(f"✓ {today_shown}")

    # Then the recovery-time step is not needed: they chose no topic that asks for it
    expect(file.step_row("Screening", RECOVERY_SCREENING)).to_contain_text("Not needed")

    # When they move them to training and record every module, completed today
    file.move_to("Training")
    expect(file.messages).to_contain_text("Status changed to training.")
    valid_until = date_format(
        add_months(timezone.localdate(), TRAINING_VALID_MONTHS), "j M Y", use_l10n=False
    )
    for module in DEFAULT_TRAINING:
        file.record_training(module, today)
        expect(file.messages).to_contain_text(f"Recorded: {module}.")
        expect(file.step_row("Training", module)).to_contain_text(valid_until)

    # And make them active
    file.move_to("Active")
    expect(file.messages).to_contain_text("Status changed to active.")

    # Then the one thing left before matching is the agreement, which only they can sign
    expect(file.summary).to_contain_text("Active")
    expect(file.summary).to_contain_text(
        "Cannot be matched yet: the current agreement (version 1) is not signed"
    )

    # When the coordinator invites them to set up an account
    file.invite()

    # Then the file says a link was sent and no password is set yet
    expect(file.messages).to_contain_text("Invitation sent.")
    expect(file.section("Account")).to_contain_text("they have not set a password yet")
    assert_accessible(coordinator)
    save_screenshots(coordinator, "staff-volunteer-file")

    # And the volunteer has an email with a one-time link to choose a password
    assert len(mailoutbox) == 1
    invitation = mailoutbox[0]
    assert invitation.to == [APPLICANT_EMAIL]
    assert "Hello Rowan" in invitation.body
    link = set_up_link(invitation)

    # When they open the link and choose a password
    page.goto(link)
    set_password = SetPasswordPage(page)
    expect(set_password.heading).to_have_text("Change Password")
    assert_accessible(page)
    save_screenshots(page, "set-password")
    set_password.choose_password(NEW_PASSWORD)
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    # And sign in with it (volunteers are not asked for a code)
    LoginPage(page).open().sign_in(APPLICANT_EMAIL, NEW_PASSWORD)

    # Then they reach their portal, which says what stands between them and a match
    home = VolunteerHomePage(page)
    expect(page).to_have_url(re.compile(r"/volunteer/$"))
    expect(home.heading).to_have_text("Hello, Rowan")
    expect(home.where_things_stand).to_contain_text(
        "You can't be matched right now: the current agreement (version 1) is not signed."
    )

    # When they read and sign the agreement
    home.open_agreement()
    agreement = VolunteerAgreementPage(page)
    expect(agreement.heading).to_have_text("The volunteer agreement")
    expect(agreement.agreement_text).to_contain_text("As a peer support volunteer I agree to")
    save_screenshots(page, "volunteer-agreement")
    agreement.sign()
    expect(home.messages).to_contain_text("You signed version 1 of the agreement.")

    # And say they can support two people at once
    home.set_capacity(2)
    expect(home.messages).to_contain_text("You can support up to 2 people at once.")

    # Then their home says they can be matched
    expect(home.where_things_stand).to_contain_text("You can be matched.")
    assert_accessible(page)
    save_screenshots(page, "volunteer-home")

    # And so does their file, for the coordinator
    coordinator.reload()
    expect(file.summary).to_contain_text("Can be matched")
    expect(file.section("Account")).to_contain_text("Has an account and can sign in.")
    expect(file.section("Confidentiality and ethics agreement")).to_contain_text(
        "Signed the current version (1)"
    )
    assert_page_loaded_cleanly(page_problems)


def a_matchable_volunteer(program: Program) -> None:
    """Screened and trained today, active, with an account and the agreement signed: set up
    through the actions, as the journey above does through the pages."""
    coordinator = make_person(COORDINATOR, Role.COORDINATOR, program)
    volunteer = make_volunteer(program, email=APPLICANT_EMAIL, full_name=APPLICANT)
    volunteer_actions.change_status(volunteer, Status.SCREENING, by=coordinator)
    today = timezone.localdate()
    for item in ScreeningItem.objects.filter(program=program, only_with_recovery_topics=False):
        volunteer_actions.record_screening(volunteer, item, completed_on=today, by=coordinator)
    volunteer_actions.change_status(volunteer, Status.TRAINING, by=coordinator)
    for module in TrainingModule.objects.filter(program=program):
        volunteer_actions.record_training(volunteer, module, completed_on=today, by=coordinator)
    volunteer_actions.change_status(volunteer, Status.ACTIVE, by=coordinator)
    user = account_actions.create_account(
        email=APPLICANT_EMAIL, full_name=APPLICANT, password=PASSWORD
    )
    account_actions.grant_role(user, Role.VOLUNTEER, program)
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    volunteer_actions.sign_agreement(volunteer, by=user)


def test_expired_training_and_a_pause_stop_matching_and_say_why(
    page: Page,
    another_person: Callable[[], Page],
    page_problems: PageProblems,
    program: Program,
) -> None:
    # Given a volunteer who can be matched today, their training valid for 24 months
    a_matchable_volunteer(program)
    today = timezone.localdate()
    expired_on = add_months(today, TRAINING_VALID_MONTHS).isoformat()
    expired = f"training '{FIRST_MODULE}' expired on {expired_on}"
    LoginPage(page).open().sign_in(APPLICANT_EMAIL, PASSWORD)
    home = VolunteerHomePage(page)
    expect(home.where_things_stand).to_contain_text("You can be matched.")

    # When 25 months go by (the clock moves for the live server too)
    later = datetime.combine(
        add_months(today, TRAINING_VALID_MONTHS + 1), time(10), timezone.get_current_timezone()
    )
    with time_machine.travel(later, tick=True):
        # Then their session has long ended, and they sign in again
        page.goto(VolunteerHomePage.path)
        expect(page).to_have_url(re.compile(r"/account/login/"))
        LoginPage(page).sign_in(APPLICANT_EMAIL, PASSWORD)

        # And their home says they cannot be matched: the training module expired, on that date
        expect(page).to_have_url(re.compile(r"/volunteer/$"))
        expect(home.where_things_stand).to_contain_text(
            f"You can't be matched right now: {expired}. Your coordinator can help."
        )
        assert_accessible(page)
        save_screenshots(page, "volunteer-home-training-expired")

        # And the coordinator's list and file give the same reason
        coordinator = another_person()
        sign_in_with_code(coordinator, COORDINATOR)
        volunteers = StaffVolunteerListPage(coordinator).open()
        expect(volunteers.cell(APPLICANT, "Matchable")).to_have_text(f"No: {expired}")
        expect(volunteers.cell(APPLICANT, "Training expires")).to_contain_text(
            f"{expired_on} (expired)"
        )
        assert_accessible(coordinator)
        save_screenshots(coordinator, "staff-volunteer-list-training-expired")
        volunteers.open_volunteer(APPLICANT)
        file = StaffVolunteerPage(coordinator)
        expect(file.summary).to_contain_text(f"Cannot be matched yet: {expired}")
        expect(file.step_row("Training", FIRST_MODULE)).to_contain_text("(expired)")
        assert_accessible(coordinator)
        save_screenshots(coordinator, "staff-volunteer-file-training-expired")

    # Given the present again, and the volunteer signed in afresh
    page.context.clear_cookies()
    LoginPage(page).open().sign_in(APPLICANT_EMAIL, PASSWORD)
    expect(home.where_things_stand).to_contain_text("You can be matched.")

    # When they pause, keeping the date offered (four weeks from today)
    pause_ends = today + timedelta(weeks=PAUSE_WEEKS)
    expect(home.pause_until).to_have_value(pause_ends.isoformat())
    home.pause()

    # Then they cannot be matched until then, and the page says so, with how to come back
    expect(home.messages).to_contain_text(
        f"Your pause is set until {date_format(pause_ends, 'j F Y', use_l10n=False)}."
    )
    expect(home.where_things_stand).to_contain_text(
        f"You can't be matched right now: paused until {pause_ends.isoformat()}."
    )
    expect(home.where_things_stand).not_to_contain_text("Your coordinator can help")
    expect(home.main.get_by_role("button", name="Resume now")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "volunteer-home-paused")

    # When they resume
    home.resume()

    # Then they can be matched again
    expect(home.messages).to_contain_text("Welcome back. Your pause has ended.")
    expect(home.where_things_stand).to_contain_text("You can be matched.")
    assert_page_loaded_cleanly(page_problems)
