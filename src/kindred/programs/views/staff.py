from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from kindred.accounts.models import PROGRAM_STAFF_ROLES, AuthenticatedRequest, Role
from kindred.confidential.access import allow, get_for, roles
from kindred.programs.models import Program


def programs_run_by(request: AuthenticatedRequest) -> QuerySet[Program]:
    """The programs this person coordinates or directs; nothing of any other program."""
    return request.user.programs_with_role(*PROGRAM_STAFF_ROLES)


@allow(roles(*PROGRAM_STAFF_ROLES))
def program_detail(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = get_for(request, programs_run_by, object_type="program", pk=program_id)
    counts = Program.objects.filter(pk=program.pk).aggregate(
        volunteers=Count("memberships", filter=Q(memberships__role=Role.VOLUNTEER)),
        coordinators=Count("memberships", filter=Q(memberships__role=Role.COORDINATOR)),
    )
    return render(request, "programs/detail.html", {"program": program, "counts": counts})
