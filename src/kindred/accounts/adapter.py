"""allauth adapter: no self sign-up, sign-in throttling nobody can aim at someone else, and
flash messages that never repeat an address or anything typed."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import gettext as _

# allauth's messages that name a person or an address ("Successfully signed in as {email}.",
# "Confirmation email sent to {email}."), said here without the name. A message stored for the
# next page sits in the session table in the clear and is shown to whoever holds the screen.
_WITHOUT_NAMES = {
    "account/messages/logged_in.txt": lambda: _("You are signed in."),
    "account/messages/email_confirmation_sent.txt": lambda: _("We sent a confirmation email."),
    "account/messages/email_confirmed.txt": lambda: _("The email address is confirmed."),
    "account/messages/email_deleted.txt": lambda: _("The email address is removed."),
    "account/messages/cannot_delete_primary_email.txt": lambda: _(
        "You cannot remove your primary email address."
    ),
    "account/messages/email_confirmation_failed.txt": lambda: _(
        "That address could not be confirmed: another account already uses it."
    ),
}

# Templates whose values are settings, not people: shown as allauth words them.
_VALUES_ARE_SETTINGS = frozenset({"mfa/messages/recovery_codes_generated.txt"})


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

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """allauth's messages, minus every name, address, phone number or code it would show.

        A message built from a template with values (the person, an address, a phone number)
        is replaced by a fixed one, or dropped when there is none (better no message than one
        that tells something the system did not do). Fixed texts pass through unchanged."""
        if (
            message is None
            and message_template
            and message_context
            and message_template not in _VALUES_ARE_SETTINGS
        ):
            replacement = _WITHOUT_NAMES.get(message_template)
            if replacement is None:
                return
            message, message_template, message_context = replacement(), None, None
        if message is not None and "@" in message:
            return
        super().add_message(
            request,
            level,
            message_template=message_template,
            message_context=message_context,
            extra_tags=extra_tags,
            message=message,
        )
