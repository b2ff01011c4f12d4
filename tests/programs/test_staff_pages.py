"""The Executive Director edits the program's own crisis lines and public contact; coordinators
see them; nobody else reaches them. Every change is audited, with ids and a purpose only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import Role, User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.programs.actions import add_crisis_line, crisis_line_tel
from kindred.programs.models import CrisisLine, Program
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

LINE = {
    "name": "After-hours support line",
    "number": "1-800-555-0199",
    "can_call": "on",
    "can_text": "on",
    "hours": "Any time, day or night",
}


def a_line(
    program: Program, name: str = "Evening line", number: str = "403-555-0142"
) -> CrisisLine:
    return add_crisis_line(CrisisLine(program=program, name=name, number=number))


def audit_entries(object_type: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=object_type)
        .exclude(action=AuditAction.ACCESS_DENIED)
        .order_by("seq")
    )


def assert_no_values_in_audit(*values: str) -> None:
    for entry in AuditEntry.objects.all():
        text = " ".join(str(v) for v in entry.__dict__.values())
        for value in values:
            assert value not in text


@pytest.fixture
def director(client_as: Callable[[str], Client]) -> Client:
    return client_as("executive_director")


@pytest.fixture
def other_director(other_program: Program) -> Client:
    client = Client()
    client.force_login(
        make_person("other.director@example.org", Role.EXECUTIVE_DIRECTOR, other_program)
    )
    return client


def urls(program: Program, line: CrisisLine | None = None) -> dict[str, str]:
    found = {
        "list": reverse("programs:crisis_lines", kwargs={"program_id": program.pk}),
        "new": reverse("programs:crisis_line_new", kwargs={"program_id": program.pk}),
        "contact": reverse("programs:contact_edit", kwargs={"program_id": program.pk}),
    }
    if line is not None:
        ids = {"program_id": program.pk, "line_id": line.pk}
        found["edit"] = reverse("programs:crisis_line_edit", kwargs=ids)
        found["remove"] = reverse("programs:crisis_line_remove", kwargs=ids)
        found["move"] = reverse("programs:crisis_line_move", kwargs=ids)
    return found


@pytest.mark.parametrize(
    ("number", "tel"),
    [
        ("1-800-555-0199", "+18005550199"),
        ("(403) 555-0142", "+14035550142"),
        ("+44 20 7946 0958", "+442079460958"),
        ("811", "811"),
        ("9-8-8", "988"),
    ],
)
def test_the_tel_link_is_made_from_the_number_as_people_read_it(number: str, tel: str) -> None:
    assert crisis_line_tel(number) == tel


def test_a_director_adds_a_line_and_it_is_audited(
    director: Client, program: Program, personas: dict[str, User | None]
) -> None:
    # Given the program's Executive Director, on the program's page
    detail = director.get(reverse("programs:detail", kwargs={"program_id": program.pk}))
    assert urls(program)["list"] in detail.content.decode()
    assert urls(program)["contact"] in detail.content.decode()

    # When they add a line people can call and text
    response = director.post(urls(program)["new"], LINE)

    # Then it is saved, with the tap-to-call digits made from the number, and audited
    assert response.status_code == 302
    line = CrisisLine.objects.get(program=program)
    assert (line.name, line.number, line.tel) == (LINE["name"], "1-800-555-0199", "+18005550199")
    assert line.can_call
    assert line.can_text
    [entry] = audit_entries("crisis_line")
    assert entry.action == AuditAction.CREATE
    assert entry.object_id == str(line.pk)
    assert entry.program_id == program.pk
    director_user = personas["executive_director"]
    assert director_user is not None
    assert entry.actor_id == str(director_user.pk)
    assert entry.purpose == "crisis line added"
    assert_no_values_in_audit("555-0199", "After-hours")

    # And the list shows it
    listing = director.get(urls(program)["list"]).content.decode()
    assert "After-hours support line" in listing
    assert "1-800-555-0199" in listing


def test_a_short_code_keeps_its_digits(director: Client, program: Program) -> None:
    director.post(urls(program)["new"], {**LINE, "name": "Health Link", "number": "811"})
    assert CrisisLine.objects.get(program=program).tel == "811"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"number": "12"}, "Enter the number with its digits"),
        ({"number": "555-0199"}, "area code"),
        ({"name": ""}, "Enter the name of the line."),
        ({"can_call": "", "can_text": ""}, "call this line, text it, or both"),
    ],
)
def test_a_line_that_would_not_work_is_refused_with_what_to_fix(
    director: Client, program: Program, changes: dict[str, str], error: str
) -> None:
    data = {key: value for key, value in {**LINE, **changes}.items() if value}
    response = director.post(urls(program)["new"], data)
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body
    assert "<title>Error: " in body
    assert not CrisisLine.objects.exists()


def test_a_director_changes_reorders_and_removes_lines_each_audited(
    director: Client, program: Program
) -> None:
    # Given two lines of the program
    first = a_line(program, "First line", "403-555-0111")
    second = a_line(program, "Second line", "403-555-0122")
    before = len(audit_entries("crisis_line"))

    # When the director changes the first one's number
    response = director.post(
        urls(program, first)["edit"],
        {"name": "First line", "number": "1-888-555-0133", "can_call": "on", "hours": ""},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.number, first.tel) == ("1-888-555-0133", "+18885550133")

    # And moves the second one up
    director.post(urls(program, second)["move"], {"to": "earlier"})
    assert list(CrisisLine.objects.filter(program=program)) == [second, first]

    # And removes the first, after a page that asks first
    confirm = director.get(urls(program, first)["remove"])
    assert confirm.status_code == 200
    assert "Remove “First line”?" in confirm.content.decode()
    assert CrisisLine.objects.filter(pk=first.pk).exists()
    director.post(urls(program, first)["remove"])

    # Then only the second is left, and each change is in the audit log
    assert list(CrisisLine.objects.filter(program=program)) == [second]
    purposes = [entry.purpose for entry in audit_entries("crisis_line")[before:]]
    assert purposes == ["crisis line changed", "crisis line moved up", "crisis line removed"]
    assert_no_values_in_audit("555-0133", "First line")


def test_moving_the_first_line_up_changes_nothing(director: Client, program: Program) -> None:
    only = a_line(program)
    before = AuditEntry.objects.count()
    director.post(urls(program, only)["move"], {"to": "earlier"})
    assert AuditEntry.objects.count() == before


def test_a_director_sets_the_public_contact_and_it_is_audited(
    director: Client, program: Program
) -> None:
    response = director.post(
        urls(program)["contact"],
        {
            "contact_phone": "(403) 555-0123",
            "contact_email": "program@example.org",
            "contact_hours": "Weekdays, 9 to 5",
            "contact_address": "100 Example Avenue\nCalgary",
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.contact_phone == "+1 403-555-0123"
    assert program.contact_email == "program@example.org"
    [entry] = audit_entries("program")[-1:]
    assert (entry.action, entry.purpose) == (AuditAction.UPDATE, "public contact changed")
    assert_no_values_in_audit("555-0123", "program@example.org", "Example Avenue")


def test_a_wrong_phone_number_says_what_to_fix(director: Client, program: Program) -> None:
    response = director.post(urls(program)["contact"], {"contact_phone": "555-0123"})
    assert response.status_code == 200
    assert "Add the area code to the program" in response.content.decode()
    program.refresh_from_db()
    assert program.contact_phone == ""


def test_a_coordinator_sees_the_lines_but_cannot_change_them(
    client_as: Callable[[str], Client], program: Program
) -> None:
    # Given a line of the program, and one of its coordinators
    line = a_line(program)
    coordinator = client_as("coordinator")

    # When they open the program's lines
    listing = coordinator.get(urls(program)["list"])

    # Then they see it, with no way to change it
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Evening line" in body
    assert urls(program, line)["edit"] not in body
    assert urls(program)["new"] not in body
    assert "Only the program’s Executive Director can change these." in body  # noqa: RUF001  (the page's own apostrophe)

    # And every way to change something is refused
    for name in ("new", "edit", "remove", "contact"):
        assert coordinator.get(urls(program, line)[name]).status_code == 403
    assert coordinator.post(urls(program)["new"], LINE).status_code == 403
    assert coordinator.post(urls(program, line)["remove"]).status_code == 403
    assert coordinator.post(urls(program, line)["move"], {"to": "later"}).status_code == 403
    assert (
        coordinator.post(urls(program)["contact"], {"contact_email": "x@example.org"}).status_code
        == 403
    )
    assert list(CrisisLine.objects.all()) == [line]
    program.refresh_from_db()
    assert program.contact_email == ""


def test_another_programs_director_gets_the_same_404_audited(
    other_director: Client, program: Program
) -> None:
    # Given a line of this program, and the director of another program
    line = a_line(program)
    missing = CrisisLine(pk=line.pk + 1000, program=program)

    # When they try each page of this program, for a line that exists and one that does not
    for name in ("list", "new", "edit", "remove", "contact"):
        assert other_director.get(urls(program, line)[name]).status_code == 404, name
    for name in ("edit", "remove"):
        assert other_director.get(urls(program, missing)[name]).status_code == 404
    assert other_director.post(urls(program, line)["remove"]).status_code == 404
    assert other_director.post(urls(program, line)["move"], {"to": "later"}).status_code == 404
    assert other_director.post(urls(program)["new"], LINE).status_code == 404

    # Then nothing changed, and the refusals are in the audit log
    assert list(CrisisLine.objects.all()) == [line]
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_type="crisis_line", object_id=str(line.pk)
    ).exists()


def test_a_line_is_reached_only_through_its_own_program(
    director: Client, program: Program, other_program: Program
) -> None:
    # A line of another program, asked for under the address of a program they do direct
    line_elsewhere = a_line(other_program)
    ids = {"program_id": program.pk, "line_id": line_elsewhere.pk}
    assert director.get(reverse("programs:crisis_line_edit", kwargs=ids)).status_code == 404
