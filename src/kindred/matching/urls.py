"""Coordinator pages for matching: candidates for one request, the plan for everyone waiting,
and the program's weights."""

from django.urls import path

from kindred.matching import views

app_name = "matching"
urlpatterns = [
    path("staff/requests/<uuid:request_id>/candidates/", views.candidates, name="candidates"),
    path("staff/requests/<uuid:request_id>/propose/", views.propose, name="propose"),
    path("staff/matching/plan/", views.plan, name="plan"),
    path("staff/matching/settings/", views.matching_settings, name="settings"),
]
