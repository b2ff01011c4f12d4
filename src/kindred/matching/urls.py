"""Coordinator pages for matching: candidates for one request, the plan for everyone waiting,
and the program's weights."""

from django.urls import URLPattern

app_name = "matching"
urlpatterns: list[URLPattern] = []
