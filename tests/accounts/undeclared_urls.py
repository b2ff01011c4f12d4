"""A URLconf with one view that forgot its access declaration (tests the policy fails closed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kindred.confidential.access import PUBLIC, allow
from kindred.urls import urlpatterns as kindred_urlpatterns


def undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("this page should never be shown")


@allow(PUBLIC)
def declared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("declared")


urlpatterns = [
    path("undeclared/", undeclared, name="undeclared"),
    path("declared/", declared, name="declared"),
    # The project's own pages, so sign-in, the refusal page and staff checks still resolve.
    *kindred_urlpatterns,
]
