"""Operator and Executive Director views of the confidential core. No confidential content:
key versions, counts and audit entries (which hold ids and categories only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindred.accounts.models import AuthenticatedRequest, Role
from kindred.accounts.queries import audit_entries_for_director
from kindred.confidential import audit, keys
from kindred.confidential.access import allow, roles
from kindred.confidential.checkpoints import latest_checkpoint
from kindred.confidential.models import AuditAction, AuditHead


@allow(roles(Role.OPERATOR))
def operator_status(request: HttpRequest) -> HttpResponse:
    ring = keys.current_keyring()
    head = AuditHead.objects.filter(pk=1).first()
    return render(
        request,
        "confidential/operator_status.html",
        {
            "active_version": ring.active_version,
            "versions": sorted(ring.keks),
            "in_use": keys.versions_in_use(),
            "pending": keys.pending_rewrap_count(),
            "audit_length": head.seq if head else 0,
            "checkpoint": latest_checkpoint(),
        },
    )


@allow(roles(Role.EXECUTIVE_DIRECTOR))
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    audit.record_request(
        request, AuditAction.VIEW, role=Role.EXECUTIVE_DIRECTOR, object_type="audit_log"
    )
    entries = audit_entries_for_director(request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "confidential/audit_log.html", {"page": page})
