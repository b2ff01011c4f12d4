"""A match as its two people see it: the volunteer's proposals and matches, and the
participant's proposal and peer under /my/."""

from django.urls import URLPattern

app_name = "support"
urlpatterns: list[URLPattern] = []
