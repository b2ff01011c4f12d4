"""allauth adapter: no self sign-up, and sign-in throttling nobody can aim at someone else."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class KindredAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Volunteers are invited and staff are added by the Executive Director or operator.
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins per account ("key") and per client address. A limit on
        # the account alone lets anyone, anywhere, lock a coordinator out by typing wrong
        # passwords for their address. Keying on (client address, account) keeps guessing
        # throttled from each address while the real person, elsewhere, still signs in.
        # Distributed guessing is left to the per-address limit, long passwords and, for staff,
        # the second factor (docs/threat-model.md).
        login = str(credentials.get("email", credentials.get("username", ""))).strip().lower()
        return f"{self.get_client_ip(request)}|{login}"
