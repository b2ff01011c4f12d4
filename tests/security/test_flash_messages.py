"""Hardening: flash messages never carry an email address or anything a person typed.

A message waits in the session table (in the clear) for the next page and is shown to whoever
holds the screen. So its words are the program's own: never a value from the request or a form,
never an address. The first test reads every `messages.<level>(…)` call in src/kindred; the others
go through allauth's own flows, whose stock messages name the person ("Successfully signed in as
{email}.").
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.contrib import messages
from django.test import Client, RequestFactory
from django.utils import timezone

from kindred.accounts.adapter import KindredAccountAdapter
from kindred.accounts.models import User
from tests.conftest import PASSWORD, totp_now

SOURCE = Path(__file__).resolve().parents[2] / "src" / "kindred"
LEVELS = {"debug", "info", "success", "warning", "error"}
# Where typed data comes from: the request's data, a form's data, what a form saved.
REQUEST_DATA = {"POST", "GET", "body", "FILES", "COOKIES", "META", "headers"}
FORM_DATA = {"cleaned_data", "data", "instance", "changed_data"}
# Calls whose result is never the typed value itself: a count, a number, or a choices class
# (`TriageStatus(to).label` is one of the program's own labels, or an error).
LAUNDERING_CALLS = {"len", "int", "float", "bool"}
# Calls that make text out of their arguments, typed data included.
TEXT_CALLS = {"str", "repr", "format", "escape", "conditional_escape", "mark_safe", "_", "gettext"}
TEXT_METHODS = {"join", "format", "format_map"}

# Reviewed exceptions, by file and the message's source text, each with its reason.
REVIEWED = {
    ("volunteers/views/staff.py", "f\"Recorded: {form.cleaned_data['item'].name}.\""): (
        "a screening item chosen from the program's list: its configured name, not typed text"
    ),
    ("volunteers/views/staff.py", "f\"Recorded: {form.cleaned_data['module'].name}.\""): (
        "a training module chosen from the program's list: its configured name, not typed text"
    ),
    ("topics/views.py", "f'Saved: {form.instance.name}.'"): (
        "a topic's public label, typed by staff configuring the program; never a participant's "
        "or volunteer's words (flagged to the lead: 'Saved.' alone would do)"
    ),
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _is_typed_source(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        base = node.value
        if node.attr in REQUEST_DATA and isinstance(base, ast.Name) and "request" in base.id:
            return True
        if node.attr in FORM_DATA and isinstance(base, ast.Name) and "form" in base.id:
            return True
        if "email" in node.attr.lower():
            return True
    return isinstance(node, ast.Name) and "email" in node.id.lower()


def _call_taints(call: ast.Call, tainted: set[str]) -> bool:
    """A call passes typed data on when it is a method of typed data (`name.strip()`), or text
    built from its arguments (`str(x)`, `", ".join(xs)`, `"{}".format(x)`). Other calls (an
    action given a form's data, a choices class, `len`) return something of the program's."""
    func = call.func
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    if isinstance(func, ast.Name):
        if func.id in LAUNDERING_CALLS or func.id[:1].isupper():
            return False
        if func.id in TEXT_CALLS:
            return any(_taints(argument, tainted) for argument in arguments)
        return False
    if isinstance(func, ast.Attribute):
        if _taints(func.value, tainted):
            return True
        if func.attr in TEXT_METHODS:
            return any(_taints(argument, tainted) for argument in arguments)
    return False


def _taints(node: ast.AST, tainted: set[str]) -> bool:
    """Whether `node` is built from typed data, directly or through a tainted local name."""
    if isinstance(node, ast.Call):
        return _call_taints(node, tainted)
    if _is_typed_source(node):
        return True
    if isinstance(node, ast.Name) and node.id in tainted:
        return True
    return any(_taints(child, tainted) for child in ast.iter_child_nodes(node))


def _tainted_names(function: ast.AST) -> set[str]:
    """Local names assigned (anywhere in the function) from typed data, to a fixed point."""
    tainted: set[str] = set()
    while True:
        before = len(tainted)
        for node in ast.walk(function):
            targets: list[ast.AST] = []
            value: ast.AST | None = None
            if isinstance(node, ast.Assign):
                targets, value = list(node.targets), node.value
            elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            elif isinstance(node, ast.For):
                targets, value = [node.target], node.iter
            if value is not None and _taints(value, tainted):
                for target in targets:
                    tainted.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        if len(tainted) == before:
            return tainted


def _message_argument(call: ast.Call) -> ast.AST | None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    if func.value.id != "messages":
        return None
    if func.attr in LEVELS:
        position = 1
    elif func.attr == "add_message":
        position = 2
    else:
        return None
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def flash_messages_built_from_typed_data(root: Path = SOURCE) -> list[Finding]:
    findings: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for function in _functions(tree):
            tainted = _tainted_names(function)
            # A parameter that carries an address is typed data too (`def _sent(email: str)`).
            tainted.update(arg.arg for arg in function.args.args if "email" in arg.arg.lower())
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                argument = _message_argument(node)
                if argument is None or not _taints(argument, tainted):
                    continue
                text = ast.unparse(argument)
                if (relative, text) not in REVIEWED:
                    findings.append(Finding(relative, node.lineno, text))
    return sorted(set(findings), key=str)


def test_no_flash_message_is_built_from_request_or_form_data() -> None:
    findings = flash_messages_built_from_typed_data()

    assert not findings, "flash messages built from typed data:\n" + "\n".join(map(str, findings))


def test_the_scan_finds_what_it_is_meant_to(tmp_path: Path) -> None:
    # Given views that echo what was typed, in each of the ways the scan looks for
    (tmp_path / "views.py").write_text(
        "def a(request, form):\n"
        "    messages.success(request, f\"Sent to {form.cleaned_data['email']}.\")\n"
        "def b(request):\n"
        "    name = request.POST.get('name', '')\n"
        "    note = 'Thanks, ' + name\n"
        "    messages.info(request, note)\n"
        "def c(request, user):\n"
        "    messages.add_message(request, messages.INFO, f'Hello {user.email}')\n"
        "def d(request, form):\n"
        "    to = form.cleaned_data['to_status']\n"
        "    messages.success(request, f'Now {Status(to).label}, {len(to)} letters.')\n",
        encoding="utf-8",
    )

    findings = flash_messages_built_from_typed_data(tmp_path)

    # Then the three that echo typed data are found, and the choices label is not
    assert [finding.line for finding in findings] == [2, 6, 8]


# --- allauth's own messages -----------------------------------------------------------------


def _texts(client: Client) -> list[str]:
    """The flash messages waiting in the client's session, read as the next page would."""
    request = RequestFactory().get("/")
    request.session = client.session
    return [str(message) for message in messages.storage.default_storage(request)]


@pytest.mark.django_db
def test_signing_in_and_out_says_so_without_the_address(personas: dict[str, User | None]) -> None:
    client = Client()
    # When a coordinator signs in (password, then authenticator code)
    client.post("/account/login/", {"login": "coordinator@example.org", "password": PASSWORD})
    with time_machine.travel(timezone.now(), tick=False):
        client.post("/account/2fa/authenticate/", {"code": totp_now()})
    shown = _texts(client)

    # Then the message says they are signed in, and does not name them
    assert shown == ["You are signed in."]
    assert not any("@" in text or "coordinator" in text for text in shown)


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("account/messages/logged_in.txt", {"user": "u"}, ["You are signed in."]),
        ("account/messages/email_confirmation_sent.txt", {"email": "x@example.org"},
         ["We sent a confirmation email."]),
        ("account/messages/email_deleted.txt", {"email": "x@example.org"},
         ["The email address is removed."]),
        # No wording of our own: better no message than the address.
        ("account/messages/login_code_sent.txt", {"recipient": "x@example.org"}, []),
        ("account/messages/phone_verified.txt", {"phone": "+1 403-555-0100"}, []),
        # Fixed texts pass through as allauth words them.
        ("account/messages/logged_out.txt", None, ["You have signed out."]),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_allauth_messages_never_name_an_address_or_number(
    template: str, context: dict[str, object] | None, expected: list[str], client: Client
) -> None:
    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = messages.storage.default_storage(request)  # type: ignore[attr-defined]

    KindredAccountAdapter(request).add_message(request, messages.INFO, template, context)

    assert [str(message) for message in request._messages] == expected  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_ready_made_message_with_an_address_is_dropped(client: Client) -> None:
    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = messages.storage.default_storage(request)  # type: ignore[attr-defined]

    KindredAccountAdapter(request).add_message(
        request, messages.ERROR, message="Nothing sent to someone@example.org."
    )

    assert list(request._messages) == []  # type: ignore[attr-defined]
