"""Regressions from the security review of the volunteers feature, one test each."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kindred.accounts.actions import grant_role
from kindred.accounts.models import User
from kindred.confidential import audit
from kindred.programs.models import Program
from kindred.topics.actions import save_topic
from kindred.topics.models import Topic
from kindred.volunteers import actions
from tests.conftest import make_volunteer

pytestmark = pytest.mark.django_db


def test_an_invitation_never_attaches_an_existing_account(
    program: Program, other_program: Program, personas: dict[str, User | None]
) -> None:
    # Given someone who applied with the address of another program's coordinator
    coordinator, stranger = personas["coordinator"], personas["other_coordinator"]
    assert coordinator is not None
    assert stranger is not None
    applicant = make_volunteer(program, email=stranger.email, status="training")

    # When the coordinator invites the applicant
    with pytest.raises(ValidationError, match="already exists"):
        actions.invite(applicant, by=coordinator, base_url="https://kindred.example.org")

    # Then that account got neither the profile nor a volunteer role
    stranger = User.objects.get(pk=stranger.pk)
    assert not stranger.has_role("volunteer")
    applicant.refresh_from_db()
    assert applicant.user is None


def test_a_topic_name_is_never_html_on_the_public_form(
    program: Program, personas: dict[str, User | None]
) -> None:
    # Given a recovery topic whose name carries markup
    director = personas["executive_director"]
    assert director is not None
    save_topic(
        Topic(
            name='Sleep <meta http-equiv="refresh" content="0;url=https://example.net">',
            reporting_category="health",
            requires_recovery_time=True,
        ),
        actor=audit.user_actor(director),
    )

    # When the application form is shown
    body = Client().get(reverse("volunteers:apply")).content.decode()

    # Then the name appears escaped, never as a tag
    assert "<meta http-equiv" not in body
    assert "&lt;meta http-equiv" in body


def test_every_director_sees_changes_to_the_shared_taxonomy(
    client_as: Callable[[str], Client],
    other_program: Program,
    personas: dict[str, User | None],
) -> None:
    # Given another program's director, who edits a topic every program uses
    other_director = User.objects.create_user(email="other.director@example.org")
    grant_role(other_director, "executive_director", other_program)
    topic = Topic.objects.get(slug="anxiety")
    topic.requires_recovery_time = True
    save_topic(topic, actor=audit.user_actor(other_director))

    # When this program's director reads the audit log
    response = client_as("executive_director").get(reverse("audit_log"))

    # Then the change is there
    shown = [(entry.object_type, entry.object_id) for entry in response.context["page"]]
    assert ("topic", str(topic.pk)) in shown
