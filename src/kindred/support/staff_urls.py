"""Staff pages for matches: a match's file (close, withdraw), and the coordinator's tasks."""

from django.urls import URLPattern

app_name = "support_staff"
urlpatterns: list[URLPattern] = []
