"""The access policy: every view declares who may use it; anything undeclared is refused.

* `@allow(...)` on a view names the rule (PUBLIC, SIGNED_IN, or roles). The middleware refuses
  any view without a declaration, so a forgotten decorator fails closed, and the authorization
  matrix test (tests/test_authorization_matrix.py) fails for any URL without a row.
* Objects that belong to a program are fetched with `get_for(request, queryset, ...)`: the
  queryset is narrowed to what the person may see, so anyone not entitled gets the same 404
  whether the object exists or not. Every refusal is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver

from kindred.confidential import audit
from kindred.confidential.models import AuditAction

logger = logging.getLogger(__name__)

ViewFunc = Callable[..., HttpResponse]
PARTICIPANT_SIGN_IN = "intake:my_sign_in"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Rule:
    """Who may open a view: anyone, anyone signed in, or holders of one of `roles`."""

    public: bool = False
    roles: frozenset[str] = frozenset()
    participant: bool = False


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()
# A participant signed in (reference and passphrase, or emailed code) to their own request.
PARTICIPANT = Rule(participant=True)


def roles(*names: str) -> Rule:
    return Rule(roles=frozenset(names))


def allow(rule: Rule) -> Callable[[ViewFunc], ViewFunc]:
    """Declare who may use a view. The check itself runs in AccessPolicyMiddleware."""

    def declare(view: ViewFunc) -> ViewFunc:
        view.kindred_access = rule  # type: ignore[attr-defined]
        return view

    return declare


def allow_patterns(
    patterns: Iterable[URLPattern | URLResolver],
    rule: Rule,
    *,
    leave_out: frozenset[str] = frozenset(),
) -> list[Any]:
    """Declare a rule for a third-party URLconf (allauth), which enforces its own sign-in.

    Patterns named in `leave_out` are dropped, for pages Kindred replaces with its own.
    """
    declared: list[Any] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            pattern.url_patterns  # noqa: B018  (resolve lazily included modules)
            declared.append(
                URLResolver(
                    pattern.pattern,
                    allow_patterns(pattern.url_patterns, rule, leave_out=leave_out),
                    pattern.default_kwargs,
                    pattern.app_name,
                    pattern.namespace,
                )
            )
        elif pattern.name not in leave_out:
            view = pattern.callback

            def wrapped(request: HttpRequest, *args: Any, _view: ViewFunc = view, **kw: Any) -> Any:
                return _view(request, *args, **kw)

            wrapped.__name__ = getattr(view, "__name__", "view")
            wrapped.__module__ = getattr(view, "__module__", __name__)
            wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
            allow(rule)(wrapped)
            declared.append(
                URLPattern(pattern.pattern, wrapped, pattern.default_args, pattern.name)
            )
    return declared


def rule_for(view: Any) -> Rule | None:
    return getattr(view, "kindred_access", None)


def permits(rule: Rule, request: HttpRequest) -> bool:
    if rule.public:
        return True
    if rule.participant:
        # Only a participant session, never a staff or volunteer account (the sign-in at /my/
        # signs an account out first).
        return (
            getattr(request, "participant_access", None) is not None
            and not request.user.is_authenticated
        )
    user = request.user
    if not user.is_authenticated:
        return False
    return not rule.roles or bool(rule.roles & set(user.role_names()))


def refuse(request: HttpRequest, *, object_type: str = "view", object_id: str = "") -> HttpResponse:
    audit.record_request(
        request, AuditAction.ACCESS_DENIED, object_type=object_type, object_id=object_id
    )
    return render(request, "web/forbidden.html", status=403)


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        rule = rule_for(view)
        url_name = request.resolver_match.view_name if request.resolver_match else ""
        if rule is None:
            logger.error("view %s declares no access rule; refused", url_name)
            return refuse(request, object_id=url_name[:64])
        if permits(rule, request):
            return None
        if rule.participant:
            # Their own request is reached by signing in at /my/, never with a staff account.
            return redirect(PARTICIPANT_SIGN_IN)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return refuse(request, object_id=url_name[:64])


def get_for(
    request: HttpRequest,
    visible: Callable[[Any], QuerySet[M]],
    *,
    object_type: str,
    **lookup: Any,
) -> M:
    """The object matching `lookup` among those `visible(request)` lets this person see.

    Not found and not allowed look the same from outside: one 404, and an audit entry.
    """
    queryset = visible(request)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        identifier = str(next(iter(lookup.values()), ""))[:64]
        audit.record_request(
            request, AuditAction.ACCESS_DENIED, object_type=object_type, object_id=identifier
        )
        raise Http404 from None
