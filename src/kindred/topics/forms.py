"""The Executive Director's form for one topic of the shared taxonomy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

from kindred.topics.models import Topic

# django-stubs makes ModelForm generic for the type checker only; at run time it is not.
if TYPE_CHECKING:
    TopicModelForm = forms.ModelForm[Topic]
else:
    TopicModelForm = forms.ModelForm


class TopicForm(TopicModelForm):
    class Meta:
        model = Topic
        # The slug is set once, from the first name: volunteers' declared recovery years and
        # saved filters refer to it, so renaming a topic keeps it.
        fields = ["name", "reporting_category", "requires_recovery_time", "is_active", "position"]
        labels = {
            "reporting_category": "Reporting category",
            "requires_recovery_time": "Requires recovery time",
            "is_active": "Offered to volunteers and people asking for support",
            "position": "Position in lists",
        }
        help_texts = {
            "reporting_category": "Reports count requests by category, never by topic.",
            "position": "Lower numbers come first.",
        }
