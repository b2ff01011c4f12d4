"""The Executive Director edits the shared topic taxonomy. Every write goes through
`kindred.topics.actions.save_topic`, which audits it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from kindred.accounts.models import AuthenticatedRequest, Role
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.topics.actions import save_topic
from kindred.topics.forms import TopicForm
from kindred.topics.models import Topic


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def topic_list(request: AuthenticatedRequest) -> HttpResponse:
    # Counts across every program would tell one program's director about another's volunteers;
    # the taxonomy page shows the topics only.
    topics = Topic.objects.order_by("position", "name")
    return render(request, "topics/list.html", {"topics": topics})


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def topic_edit(request: AuthenticatedRequest, topic_id: int | None = None) -> HttpResponse:
    topic = (
        Topic()
        if topic_id is None
        else get_for(request, all_topics, object_type="topic", pk=topic_id)
    )
    heading = topic.name  # before the form writes the submitted name onto the instance
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        try:
            save_topic(form.instance, actor=audit.user_actor(request.user))
        except ValidationError as error:
            # The form checks every field it shows; what is left is the slug made from a new
            # name, which another topic may already have ("Anxiety" and "Anxiety!").
            if "slug" in getattr(error, "error_dict", {}):
                form.add_error("name", "Another topic already has a name too close to this one.")
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"Saved: {form.instance.name}.")
            return redirect("topics:list")
    return render(request, "topics/edit.html", {"form": form, "topic": topic, "heading": heading})


def all_topics(request: AuthenticatedRequest) -> QuerySet[Topic]:
    """Topics are shared by every program: nothing to narrow, but a missing one is refused
    (and audited) the same way as any other look-up."""
    return Topic.objects.all()
