"""Plain public pages about the program: how to reach it, what is kept and why, accessibility,
and how to leave this site safely. No account, no cookie needed, nothing typed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindred.confidential.access import PUBLIC, allow
from kindred.programs.models import CrisisLine, Program
from kindred.programs.queries import crisis_lines_for
from kindred.web.form_fields import phone_tel_uri


@dataclass(frozen=True)
class PublicContact:
    """One program as the Contact us page shows it."""

    program: Program
    tel: str  # the phone number's digits for the tel: link, or "" when it has no phone
    lines: list[CrisisLine]


def programs_with_public_contact() -> list[PublicContact]:
    """Programs that published a way to reach them or a line of their own; the others have
    nothing to show, and the page never fills a gap with a placeholder."""
    has_contact = ~Q(contact_phone="") | ~Q(contact_email="") | ~Q(contact_address="")
    programs = (
        Program.objects.filter(has_contact | Q(crisis_lines__isnull=False))
        .distinct()
        .prefetch_related(Prefetch("crisis_lines", queryset=CrisisLine.objects.all()))
        .order_by("name")
    )
    return [
        PublicContact(
            program=program,
            tel=phone_tel_uri(program.contact_phone) if program.contact_phone else "",
            lines=list(program.crisis_lines.all()),
        )
        for program in programs
    ]


@allow(PUBLIC)
def contact(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/public/contact.html",
        {"crisis_lines": crisis_lines_for(None), "programs": programs_with_public_contact()},
    )


@allow(PUBLIC)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/public/privacy.html")


@allow(PUBLIC)
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/public/accessibility.html",
        {"programs": programs_with_public_contact()},
    )


@allow(PUBLIC)
def leave_safely(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/public/leave_safely.html")
