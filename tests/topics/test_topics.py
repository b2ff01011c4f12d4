"""The Executive Director edits the shared topic taxonomy; nobody else may."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from kindred.accounts.models import User
from kindred.confidential.models import AuditAction, AuditEntry
from kindred.topics.actions import ensure_seed_topics
from kindred.topics.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def anxiety(db: None) -> Topic:
    ensure_seed_topics()
    return Topic.objects.get(slug="anxiety")


def edit_url(topic: Topic) -> str:
    return reverse("topics:edit", kwargs={"topic_id": topic.pk})


def fields_of(topic: Topic, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": topic.name,
        "reporting_category": topic.reporting_category,
        "position": topic.position,
    }
    if topic.requires_recovery_time:
        values["requires_recovery_time"] = "on"
    if topic.is_active:
        values["is_active"] = "on"
    values.update(changes)
    return {key: value for key, value in values.items() if value is not False}


def test_the_director_sees_every_topic(client_as: Callable[[str], Client], anxiety: Topic) -> None:
    response = client_as("executive_director").get(reverse("topics:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anxiety" in page
    assert "Alcohol use" in page
    assert edit_url(anxiety) in page


def test_the_director_edits_a_topic_and_the_change_is_audited(
    client_as: Callable[[str], Client], anxiety: Topic, personas: dict[str, User | None]
) -> None:
    client = client_as("executive_director")
    assert client.get(edit_url(anxiety)).status_code == 200

    response = client.post(
        edit_url(anxiety),
        fields_of(
            anxiety,
            name="Anxiety and panic",
            reporting_category="other",
            requires_recovery_time="on",
            is_active=False,
            position=40,
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("topics:list")
    anxiety.refresh_from_db()
    assert anxiety.name == "Anxiety and panic"
    assert anxiety.slug == "anxiety"  # kept: records refer to it
    assert anxiety.reporting_category == "other"
    assert anxiety.requires_recovery_time is True
    assert anxiety.is_active is False
    assert anxiety.position == 40
    director = personas["executive_director"]
    assert director is not None
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE,
        object_type="topic",
        object_id=str(anxiety.pk),
        actor_id=str(director.pk),
    ).exists()


def test_the_director_adds_a_topic(client_as: Callable[[str], Client], anxiety: Topic) -> None:
    response = client_as("executive_director").post(
        reverse("topics:new"),
        {"name": "Imposter feelings", "reporting_category": "mental_health", "position": 19},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(name="Imposter feelings")
    assert topic.slug == "imposter-feelings"
    assert topic.is_active is False  # an unticked box is "not offered"
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="topic", object_id=str(topic.pk)
    ).exists()


def test_a_name_already_taken_is_an_error_beside_the_field(
    client_as: Callable[[str], Client], anxiety: Topic
) -> None:
    client = client_as("executive_director")
    same_name = client.post(
        reverse("topics:new"),
        {"name": "Anxiety", "reporting_category": "mental_health", "position": 1},
    )
    same_slug = client.post(
        reverse("topics:new"),
        {"name": "Anxiety!", "reporting_category": "mental_health", "position": 1},
    )
    assert same_name.status_code == same_slug.status_code == 200
    assert same_name.context["form"].errors["name"]
    assert same_slug.context["form"].errors["name"]
    assert Topic.objects.filter(name__startswith="Anxiety").count() == 1


def test_a_topic_that_does_not_exist_is_a_404(
    client_as: Callable[[str], Client], anxiety: Topic
) -> None:
    url = reverse("topics:edit", kwargs={"topic_id": 999_999})
    assert client_as("executive_director").get(url).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.ACCESS_DENIED, object_type="topic", object_id="999999"
    ).exists()


@pytest.mark.parametrize("persona", ["coordinator", "other_coordinator", "volunteer"])
def test_only_the_director_may_edit_topics(
    persona: str, client_as: Callable[[str], Client], anxiety: Topic
) -> None:
    client = client_as(persona)
    assert client.get(reverse("topics:list")).status_code == 403
    assert client.get(reverse("topics:new")).status_code == 403
    assert client.get(edit_url(anxiety)).status_code == 403
    response = client.post(edit_url(anxiety), fields_of(anxiety, name="Changed"))
    assert response.status_code == 403
    anxiety.refresh_from_db()
    assert anxiety.name == "Anxiety"
