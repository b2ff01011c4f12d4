"""Page objects: what a person can see and do on each page, in their words, not selectors."""

from __future__ import annotations

from typing import Self

from playwright.sync_api import Locator, Page


class KindredPage:
    """What every page shares: the skip link, the main heading, messages and the error summary."""

    path = "/"

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> Self:
        self.page.goto(self.path)
        return self

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def skip_link(self) -> Locator:
        return self.page.get_by_role("link", name="Skip to main content")

    @property
    def main(self) -> Locator:
        return self.page.locator("main")

    @property
    def messages(self) -> Locator:
        return self.page.locator(".messages")

    @property
    def error_summary(self) -> Locator:
        return self.page.get_by_role("alert").filter(has_text="There is a problem")


class HomePage(KindredPage):
    path = "/"

    @property
    def quick_exit(self) -> Locator:
        return self.page.get_by_role("link", name="Quick exit")

    def leave_quickly(self) -> None:
        self.quick_exit.click()

    def ask_for_support(self) -> None:
        self.main.get_by_role("link", name="Ask for support", exact=True).click()


class LoginPage(KindredPage):
    path = "/account/login/"

    def sign_in(self, email: str, password: str) -> None:
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()


class TwoFactorPage(KindredPage):
    path = "/account/2fa/authenticate/"

    @property
    def code_field(self) -> Locator:
        return self.page.get_by_label("Code", exact=False)

    @property
    def code_error(self) -> Locator:
        return self.page.locator(".field-error")

    def enter_code(self, code: str) -> None:
        self.code_field.fill(code)
        self.page.get_by_role("button", name="Sign in").click()


class StaffHomePage(KindredPage):
    path = "/staff/"

    def open_account(self) -> None:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()


class AccountPage(KindredPage):
    path = "/account/"


class ConfirmAccessPage(KindredPage):
    """allauth asks for the password again before a second factor is added or changed."""

    path = "/account/reauthenticate/"

    def confirm(self, password: str) -> None:
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Confirm").click()


class TotpSetUpPage(KindredPage):
    path = "/account/2fa/totp/activate/"

    @property
    def qr_code(self) -> Locator:
        return self.main.get_by_role("img")

    @property
    def code_field(self) -> Locator:
        return self.page.get_by_label("Authenticator code")


# --- Volunteers ------------------------------------------------------------------------------


class VolunteerApplicationPage(KindredPage):
    """The public "Volunteer with us" form: questions grouped under headings, no account."""

    path = "/volunteer-with-us/"

    def question(self, legend: str) -> Locator:
        """A question with several answers (a fieldset), found by its legend."""
        return self.page.get_by_role("group", name=legend)

    def give_contact_details(self, full_name: str, email: str) -> None:
        self.page.get_by_label("Your full name").fill(full_name)
        self.page.get_by_label("Email address").fill(email)

    def describe_work(
        self, *, member_type: str, year_of_call: int, practice_setting: str, region: str
    ) -> None:
        self.question("Which best describes you?").get_by_label(member_type, exact=True).check()
        self.page.get_by_label("Year you were called to the bar").fill(str(year_of_call))
        self.question("Where do you practise?").get_by_label(practice_setting, exact=True).check()
        self.page.get_by_label("City or region").fill(region)

    def choose_languages(self, *languages: str) -> None:
        group = self.question("Which languages could you offer support in?")
        for language in languages:
            group.get_by_label(language, exact=True).check()

    def choose_topics(self, *topics: str) -> None:
        group = self.question("Which topics could you support someone with?")
        for topic in topics:
            group.get_by_label(topic, exact=True).check()

    def give_reference(self, which: str, name: str, contact: str) -> None:
        """`which` is "first" or "second"."""
        self.page.get_by_label(f"Name of your {which} reference").fill(name)
        self.page.get_by_label(f"Email or phone number of your {which} reference").fill(contact)

    def choose_capacity(self, answer: str) -> None:
        group = self.question("How many people could you support at the same time?")
        group.get_by_label(answer, exact=True).check()

    def send(self) -> None:
        self.page.get_by_role("button", name="Send my application").click()


class ApplicationSentPage(KindredPage):
    path = "/volunteer-with-us/thank-you/"


class StaffVolunteerListPage(KindredPage):
    """Every volunteer of the coordinator's programs, one row each."""

    path = "/staff/volunteers/"

    def row(self, full_name: str) -> Locator:
        return self.main.get_by_role("row").filter(
            has=self.page.get_by_role("link", name=full_name, exact=True)
        )

    def cell(self, full_name: str, column: str) -> Locator:
        """A volunteer's value in a column (each cell is labelled with its column's heading,
        which is also how the table reads as cards on a narrow screen)."""
        return self.row(full_name).locator(f'td[data-label="{column}"]')

    def open_volunteer(self, full_name: str) -> None:
        self.main.get_by_role("link", name=full_name, exact=True).click()


class StaffVolunteerPage(KindredPage):
    """One volunteer's file: profile, status, screening, training, agreement and account."""

    @property
    def summary(self) -> Locator:
        """The line under the name: status, program, and whether they can be matched."""
        return self.main.locator(".scope-reminder").first

    def section(self, title: str) -> Locator:
        return self.main.get_by_role("region", name=title, exact=True)

    def step_row(self, section: str, name: str) -> Locator:
        """A row of the screening or training table, found by the step's name."""
        return (
            self.section(section)
            .get_by_role("row")
            .filter(has=self.page.get_by_role("rowheader", name=name))
        )

    def move_to(self, status: str) -> None:
        status_section = self.section("Status")
        status_section.get_by_label("Move to").select_option(label=status)
        status_section.get_by_role("button", name="Change status").click()

    def record_screening(self, item: str, done_on: str) -> None:
        screening = self.section("Screening")
        screening.get_by_label("Screening step").select_option(label=item)
        screening.get_by_label("Done on").fill(done_on)
        screening.get_by_role("button", name="Record screening").click()

    def record_training(self, module: str, completed_on: str) -> None:
        training = self.section("Training")
        training.get_by_label("Training module").select_option(label=module)
        training.get_by_label("Completed on").fill(completed_on)
        training.get_by_role("button", name="Record training").click()

    def invite(self) -> None:
        self.section("Account").get_by_role("button", name="Invite to set up an account").click()


class SetPasswordPage(KindredPage):
    """Where the one-time link in the invitation leads: the volunteer chooses a password."""

    def choose_password(self, password: str) -> None:
        self.page.get_by_label("New Password", exact=True).fill(password)
        self.page.get_by_label("New Password (again)").fill(password)
        self.page.get_by_role("button", name="Change Password").click()


class VolunteerHomePage(KindredPage):
    """The volunteer's portal home: whether they can be matched, capacity, pause and resume."""

    path = "/volunteer/"

    @property
    def where_things_stand(self) -> Locator:
        return self.main.get_by_role("region", name="Where things stand")

    def open_agreement(self) -> None:
        self.main.get_by_role("link", name="The volunteer agreement").click()

    def set_capacity(self, people: int) -> None:
        form = self.main.get_by_role("article").filter(has_text="How many people, and when")
        form.get_by_label("How many people can you support at once?").select_option(str(people))
        form.get_by_role("button", name="Save").click()

    @property
    def pause_until(self) -> Locator:
        return self.main.get_by_label("Pause until")

    def pause(self) -> None:
        self.main.get_by_role("button", name="Pause", exact=True).click()

    def resume(self) -> None:
        self.main.get_by_role("button", name="Resume now").click()


class VolunteerAgreementPage(KindredPage):
    path = "/volunteer/agreement/"

    @property
    def agreement_text(self) -> Locator:
        return self.main.get_by_role("article")

    def sign(self) -> None:
        self.main.get_by_label("I have read and agree").check()
        self.main.get_by_role("button", name="Sign").click()


# --- Asking for support ----------------------------------------------------------------------


class AskPage(KindredPage):
    """The public "Ask for support" form: no account, questions grouped under headings."""

    path = "/ask/"

    def question(self, legend: str) -> Locator:
        """A question with several answers (a fieldset), found by its legend."""
        return self.page.get_by_role("group", name=legend)

    @property
    def crisis_help(self) -> Locator:
        return self.main.get_by_role("region", name="Help is there for you right now")

    def describe_self(self, kind: str) -> None:
        self.question("Which best describes you?").get_by_label(kind, exact=True).check()

    def choose_topics(self, *topics: str) -> None:
        group = self.question("What would you like support with?")
        for topic in topics:
            group.get_by_label(topic, exact=True).check()

    def tell_in_own_words(self, text: str) -> None:
        self.page.get_by_label("Anything you would like to tell us in your own words?").fill(text)

    def answer_safety_question(self, answer: str) -> None:
        """Step 1, the safety question alone: "Yes", "Not sure" or "No", then Continue. The
        next step is the full form ("No") or crisis help and a short form."""
        group = self.question(
            "Are you thinking about ending your life, or worried you may hurt someone?"
        )
        group.get_by_label(answer, exact=True).check()
        self.page.get_by_role("button", name="Continue").click()

    def choose_contact(self, *methods: str) -> None:
        group = self.question("How may a coordinator contact you?")
        for method in methods:
            group.get_by_label(method, exact=True).check()

    @property
    def phone_number(self) -> Locator:
        return self.page.get_by_label("Phone number", exact=True)

    def give_phone_number(self, number: str) -> None:
        self.phone_number.fill(number)

    def acknowledge(self) -> None:
        """Ticks both boxes under "Before you send": what peer support is, what confidential
        means here."""
        self.page.get_by_label("I understand that peer support is a conversation").check()
        self.page.get_by_label("I understand that what I share stays confidential").check()

    def send(self) -> None:
        self.page.get_by_role("button", name="Send my request").click()

    @property
    def first_content(self) -> Locator:
        """Whatever comes first inside <main>."""
        return self.main.locator(":scope > *").first

    @property
    def first_question(self) -> Locator:
        """The first form control on the page: nothing may come before crisis help."""
        return self.main.locator("form input:not([type=hidden]), form textarea").first


class AskedPage(KindredPage):
    """The page after "Send my request": the reference and passphrase, shown this once (and crisis
    help first, when the answers call for it)."""

    path = "/ask/next/"

    @property
    def crisis_help(self) -> Locator:
        return self.main.get_by_role("region", name="Help is there for you right now")

    @property
    def keep_these(self) -> Locator:
        return self.main.get_by_role("region", name="Keep these two somewhere private")

    @property
    def reference(self) -> Locator:
        return self.keep_these.locator("[data-reference]")

    @property
    def passphrase(self) -> Locator:
        return self.keep_these.locator("[data-passphrase]")

    @property
    def first_content(self) -> Locator:
        """Whatever comes first inside <main>."""
        return self.main.locator(":scope > *").first

    def check_on_request(self) -> None:
        self.main.get_by_role("link", name="check on your request").first.click()


class MySignInPage(KindredPage):
    """/my/: a participant, who has no account, signs in with their reference and passphrase."""

    path = "/my/"

    def sign_in(self, reference: str, passphrase: str) -> None:
        self.main.get_by_label("Your reference").fill(reference)
        self.main.get_by_label("Your passphrase").fill(passphrase)
        self.main.get_by_role("button", name="Sign in", exact=True).click()


class MyHomePage(KindredPage):
    """/my/request/: the participant's own request, where it stands, in plain words."""

    path = "/my/request/"

    @property
    def reference(self) -> Locator:
        return self.main.get_by_text("Your reference:")

    @property
    def where_things_stand(self) -> Locator:
        return self.main.get_by_role("region", name="Where things stand")

    def sign_out(self) -> None:
        self.main.get_by_role("button", name="Sign out").click()


# --- Matching and matches --------------------------------------------------------------------


class CandidatesPage(KindredPage):
    """/staff/requests/<id>/candidates/: the coordinator's ranked peers for one request, and who
    was left out by a hard rule, with the reason."""

    def candidate(self, first_name: str) -> Locator:
        return self.page.locator("li.candidate").filter(
            has=self.page.get_by_role("heading").get_by_role("link", name=first_name, exact=True)
        )

    @property
    def left_out(self) -> Locator:
        return self.page.locator("ul.left-out")

    def left_out_entry(self, first_name: str) -> Locator:
        return self.left_out.get_by_role("listitem").filter(
            has=self.page.get_by_role("link", name=first_name, exact=True)
        )

    def propose(self, first_name: str) -> None:
        self.candidate(first_name).get_by_role("button", name=f"Propose {first_name}").click()


class VolunteerMatchPage(KindredPage):
    """/volunteer/matches/<id>/: a proposal to answer, then the match: how to reach them and
    the contacts logged."""

    def share_and_accept(self, *details: str) -> None:
        """`details`: the start of each box's label, "My email" or "My phone"."""
        form = self.main.get_by_role("region", name="If you can support them")
        for detail in details:
            form.get_by_label(detail).check()
        form.get_by_role("button", name="Yes, I can support them").click()

    def decline(self) -> None:
        self.main.get_by_role("button", name="No, not this time").click()

    @property
    def how_to_reach_them(self) -> Locator:
        return self.main.get_by_role("region", name="How to reach them")

    @property
    def contacts(self) -> Locator:
        return self.main.get_by_role("region", name="Log a contact")

    def log_contact(self, *, on: str, mode: str, minutes: int) -> None:
        """`on` as the date field takes it (YYYY-MM-DD); `mode` as the radio reads, "Phone"."""
        self.contacts.get_by_label("Date").fill(on)
        self.contacts.get_by_label(mode, exact=True).check()
        self.contacts.get_by_label("How long, in minutes").fill(str(minutes))
        self.contacts.get_by_role("button", name="Save this contact").click()


class MyPeerPage(KindredPage):
    """/my/peer/: the participant's peer: a proposal to answer, then how to reach them."""

    path = "/my/peer/"

    def accept(self) -> None:
        """Yes, with the details ticked for them (all, until the participant unticks some)."""
        self.main.get_by_role("button", name="Yes, go ahead").click()

    def sharing(self, detail: str) -> Locator:
        """A box of "What your peer will see", by the start of its label ("My phone number")."""
        return self.main.get_by_label(detail)

    def how_to_reach(self, first_name: str) -> Locator:
        return self.main.get_by_role("region", name=f"How to reach {first_name}")

    def ask_for_a_different_peer(self, reason: str = "") -> None:
        change = self.main.get_by_role("region", name="Ask for a different peer")
        if reason:
            change.get_by_label("Would you like to say why?").fill(reason)
        change.get_by_role("button", name="Ask for a different peer").click()
