from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "PROGRAM_NAME": settings.PROGRAM_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
    }
