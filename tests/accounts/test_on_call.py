"""Who can be reached when something is urgent."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kindred.accounts import actions as account_actions
from kindred.accounts.models import Role, User
from kindred.accounts.on_call import (
    installation_on_call_addresses,
    program_addresses,
    staffed_programs,
    unstaffed_programs,
    whom_to_call,
)
from kindred.programs import actions as program_actions
from kindred.programs.models import Program
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_a_program_is_staffed_only_by_an_active_coordinator_or_director_with_a_password(
    personas: dict[str, User | None], program: Program, other_program: Program
) -> None:
    quiet = program_actions.create_program(name="Quiet Harbour", eligible_groups=["lawyers"])
    # An invited coordinator who never set a password, and one who left
    invited = account_actions.create_account(email="invited@example.org", full_name="Invited")
    account_actions.grant_role(invited, Role.COORDINATOR, quiet)
    left = make_person("left@example.org", Role.COORDINATOR, quiet)
    User.objects.filter(pk=left.pk).update(is_active=False)
    make_person("volunteer.only@example.org", Role.VOLUNTEER, quiet)

    assert list(staffed_programs()) == [other_program, program]
    assert list(unstaffed_programs()) == [quiet]
    assert program_addresses(quiet) == []
    assert whom_to_call({quiet.pk, program.pk}) == {
        quiet.pk: [],
        program.pk: ["coordinator@example.org", "director@example.org"],
    }


@override_settings(ONCALL_EMAILS=["on.call@example.org"])
def test_the_installations_on_call_list_is_every_director_plus_the_setting(
    personas: dict[str, User | None],
) -> None:
    assert installation_on_call_addresses() == ["director@example.org", "on.call@example.org"]
