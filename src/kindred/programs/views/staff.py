"""Staff pages of a program: its summary, and what the public sees of it (its own crisis lines
and how to reach it). Coordinators see them; only the program's Executive Director changes them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.accounts.queries import programs_directed_by, programs_run_by
from kindred.confidential import audit
from kindred.confidential.access import allow, get_for, roles
from kindred.programs.actions import (
    add_crisis_line,
    move_crisis_line,
    remove_crisis_line,
    update_crisis_line,
    update_public_contact,
)
from kindred.programs.forms import CrisisLineForm, PublicContactForm
from kindred.programs.models import CrisisLine, Program


def can_edit(request: AuthenticatedRequest, program: Program) -> bool:
    return programs_directed_by(request).filter(pk=program.pk).exists()


@allow(roles(*PROGRAM_STAFF_ROLES))
def program_detail(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = get_for(request, programs_run_by, object_type="program", pk=program_id)
    counts = Program.objects.filter(pk=program.pk).aggregate(
        volunteers=Count("memberships", filter=Q(memberships__role=Role.VOLUNTEER)),
        coordinators=Count("memberships", filter=Q(memberships__role=Role.COORDINATOR)),
    )
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "counts": counts,
            "crisis_lines": list(program.crisis_lines.all()),
            "can_edit": can_edit(request, program),
        },
    )


@allow(roles(*PROGRAM_STAFF_ROLES))
def crisis_lines(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    """The program's own lines, in the order every crisis box shows them (after 9-8-8 and 9-1-1)."""
    program = get_for(request, programs_run_by, object_type="program", pk=program_id)
    return render(
        request,
        "programs/staff/crisis_lines.html",
        {
            "program": program,
            "lines": list(program.crisis_lines.all()),
            "can_edit": can_edit(request, program),
        },
    )


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def crisis_line_new(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = get_for(request, programs_directed_by, object_type="program", pk=program_id)
    form = CrisisLineForm(request.POST or None, instance=CrisisLine(program=program))
    if request.method == "POST" and form.is_valid():
        add_crisis_line(form.instance, actor=audit.user_actor(request.user))
        messages.success(request, _("Added. Every crisis box of the program now shows this line."))
        return redirect("programs:crisis_lines", program_id=program.pk)
    return render(
        request, "programs/staff/crisis_line_form.html", {"program": program, "form": form}
    )


def _line_directed_by(request: AuthenticatedRequest, program_id: int, line_id: int) -> CrisisLine:
    """A line of a program this person directs, or the same 404 for any other."""
    return get_for(
        request,
        lambda request: CrisisLine.objects.filter(
            program__in=programs_directed_by(request), program_id=program_id
        ).select_related("program"),
        object_type="crisis_line",
        pk=line_id,
    )


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def crisis_line_edit(request: AuthenticatedRequest, program_id: int, line_id: int) -> HttpResponse:
    line = _line_directed_by(request, program_id, line_id)
    heading = line.name  # before the form writes the submitted name onto the instance
    form = CrisisLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        update_crisis_line(form.instance, actor=audit.user_actor(request.user))
        messages.success(request, _("Saved. Every crisis box of the program shows the change."))
        return redirect("programs:crisis_lines", program_id=line.program_id)
    return render(
        request,
        "programs/staff/crisis_line_form.html",
        {"program": line.program, "form": form, "line": line, "heading": heading},
    )


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def crisis_line_remove(
    request: AuthenticatedRequest, program_id: int, line_id: int
) -> HttpResponse:
    """Asks first (GET), removes on the confirming POST."""
    line = _line_directed_by(request, program_id, line_id)
    if request.method == "POST":
        remove_crisis_line(line, actor=audit.user_actor(request.user))
        messages.success(request, _("Removed. Crisis boxes no longer show that line."))
        return redirect("programs:crisis_lines", program_id=program_id)
    return render(
        request, "programs/staff/crisis_line_remove.html", {"program": line.program, "line": line}
    )


@require_POST
@allow(roles(Role.EXECUTIVE_DIRECTOR))
def crisis_line_move(request: AuthenticatedRequest, program_id: int, line_id: int) -> HttpResponse:
    line = _line_directed_by(request, program_id, line_id)
    move_crisis_line(
        line, earlier=request.POST.get("to") == "earlier", actor=audit.user_actor(request.user)
    )
    return redirect("programs:crisis_lines", program_id=program_id)


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def contact_edit(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    """How the public reaches the program (its coordinators see it on the program's page)."""
    program = get_for(request, programs_directed_by, object_type="program", pk=program_id)
    form = PublicContactForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        update_public_contact(form.instance, actor=audit.user_actor(request.user))
        messages.success(request, _("Saved. The Contact us page shows the change."))
        return redirect("programs:detail", program_id=program.pk)
    return render(request, "programs/staff/contact_form.html", {"program": program, "form": form})
