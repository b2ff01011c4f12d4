"""Ending a session from "Where you are signed in" is a sign-out, so it is audited like one."""

from __future__ import annotations

from collections.abc import Iterable

from allauth.core import context
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from allauth.usersessions.models import UserSession

from kindred.confidential import audit
from kindred.confidential.models import AuditAction


class KindredUserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions: Iterable[UserSession]) -> None:
        ended = list(sessions)
        super().end_sessions(ended)
        actor = audit.actor_for(context.request)
        for session in ended:
            audit.record(
                AuditAction.SIGN_OUT,
                actor=actor,
                object_type="account",
                object_id=session.user_id,
                purpose="session ended from another session",
            )
