"""Plain public pages about the program: how to reach it, what is kept and why, accessibility,
and how to leave this site safely. No account, no cookie needed, nothing typed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindred.confidential.access import PUBLIC, allow


@allow(PUBLIC)
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/public/contact.html")


@allow(PUBLIC)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/public/privacy.html")


@allow(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/public/accessibility.html")


@allow(PUBLIC)
def leave_safely(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/public/leave_safely.html")
