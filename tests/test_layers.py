"""Layers that point one way (docs/architecture.md, "Layers"), enforced by import-linter.

The real configuration (`.importlinter` at the repository root) is run against the real code,
and the same configuration is run against a throwaway copy of the package's shape (every module,
empty) to prove that each contract breaks when a lower layer imports a higher one, when
anything but a page imports a page, when a page imports another app's page, and when `web`
imports a domain app, and that the exemption for pages covers page modules only.
"""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from importlinter import api  # noqa: F401  (configures import-linter before its use cases)
from importlinter.application import use_cases

import kindred

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / ".importlinter"
SOURCE = Path(kindred.__file__).resolve().parent

# Imports that break a contract while other work is in progress, each as (contract id, importer,
# imported): add one only with its owner's promise to remove it. None today.
PENDING: frozenset[tuple[str, str, str]] = frozenset()

Broken = set[tuple[str, str, str]]


def _links(metadata: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every direct import named in a broken contract's report, whatever its type."""
    for dependency in metadata.get("invalid_dependencies", []):  # layers
        for route in dependency["routes"]:
            for link in [*route["chain"], *route["extra_firsts"], *route["extra_lasts"]]:
                yield link["importer"], link["imported"]
    for chains in metadata.get("invalid_chains", []):  # forbidden
        for chain in chains["chains"]:
            for link in chain:
                yield link["importer"], link["imported"]
    for item in metadata.get("refused", []):  # pages (tools/importlinter_contracts.py)
        yield item["importer"], item["imported"]


def broken_imports(config: Path) -> Broken:
    """Run import-linter with `config` (no cache) and return what it refuses."""
    options = use_cases.read_user_options(str(config))
    # What `lint-imports` does before reading contracts (no public function does it alone).
    use_cases._register_built_in_contract_types()
    report = use_cases.create_report(options, cache_dir=None)
    assert not report.could_not_run
    assert not report.invalid_contract_options, report.invalid_contract_options
    assert report.contracts, "no contract was checked"
    broken: Broken = set()
    for contract, check in report.get_contracts_and_checks():
        key = str(contract.contract_options["id"])  # the section: [importlinter:contract:<id>]
        if not check.kept:
            found = set(_links(check.metadata))
            assert found, f"{key} is broken but names no import"
            broken |= {(key, importer, imported) for importer, imported in found}
    return broken


def test_the_code_keeps_every_layer_contract_except_work_in_progress() -> None:
    broken = broken_imports(CONFIG)
    assert broken <= PENDING, sorted(broken - PENDING)


# --- The contracts break when they should: a throwaway package of the same shape -------------


@pytest.fixture
def shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Shape:
    return Shape(tmp_path, monkeypatch)


class Shape:
    """Every module of kindred, empty, under another name, checked by the real configuration
    with only the package name changed."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.name = f"shape_{uuid.uuid4().hex[:12]}"
        self.package = root / self.name
        for source in SOURCE.rglob("*.py"):
            copy = self.package / source.relative_to(SOURCE)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text("")
        self.config = root / "importlinter.ini"
        self.config.write_text(CONFIG.read_text().replace("kindred", self.name))
        monkeypatch.syspath_prepend(str(root))
        monkeypatch.syspath_prepend(str(REPO))  # tools.importlinter_contracts

    def add(self, module: str, line: str) -> None:
        """Append `line` (with "pkg" standing for the package) to a module, creating it."""
        path = self.package.joinpath(*module.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("")
        path.write_text(path.read_text() + line.replace("pkg", self.name) + "\n")

    def broken(self) -> set[tuple[str, str, str]]:
        prefix = f"{self.name}."
        return {
            (key, importer.replace(prefix, ""), imported.replace(prefix, ""))
            for key, importer, imported in broken_imports(self.config)
        }


def test_the_empty_shape_keeps_every_contract(shape: Shape) -> None:
    assert shape.broken() == set()


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers(shape: Shape) -> None:
    shape.add("intake.actions", "from pkg.support import actions")
    assert shape.broken() == {("layers", "intake.actions", "support.actions")}


def test_an_import_inside_a_function_counts_too(shape: Shape) -> None:
    shape.add("programs.actions", "def create():\n    from pkg.volunteers import actions")
    assert shape.broken() == {("layers", "programs.actions", "volunteers.actions")}


def test_intake_and_volunteers_are_independent(shape: Shape) -> None:
    shape.add("intake.queries", "from pkg.volunteers import models")
    assert shape.broken() == {("layers", "intake.queries", "volunteers.models")}


def test_the_confidential_core_imports_no_app(shape: Shape) -> None:
    shape.add("confidential.queries", "from pkg.accounts import models")
    assert shape.broken() == {("layers", "confidential.queries", "accounts.models")}


def test_pages_may_import_any_app(shape: Shape) -> None:
    # Pages are the top layer wherever they live: intake's staff page reads support's queries,
    # its form uses topics, and the root URLconf (an entry point) imports pages.
    shape.add("intake.views.staff", "from pkg.support import staff_queries")
    shape.add("intake.forms.staff", "from pkg.volunteers import models")
    shape.add("intake.urls", "from pkg.intake.views import staff")
    shape.add("programs.views.staff", "from pkg.web import form_fields")
    shape.add("urls", "from pkg.support.views import staff_home")
    assert shape.broken() == set()


def test_only_modules_named_as_pages_are_exempt(shape: Shape) -> None:
    # "views" must be a whole name part: a module merely named like one is held to the layers.
    shape.add("intake.previews", "from pkg.support import actions")
    shape.add("intake.views_helpers", "from pkg.support import queries")
    assert shape.broken() == {
        ("layers", "intake.previews", "support.actions"),
        ("layers", "intake.views_helpers", "support.queries"),
    }


def test_nothing_but_a_page_imports_a_page(shape: Shape) -> None:
    shape.add("support.queries", "from pkg.support.views import staff")
    assert shape.broken() == {("pages", "support.queries", "support.views.staff")}


def test_a_lower_module_importing_a_higher_page_breaks_both_contracts(shape: Shape) -> None:
    shape.add("volunteers.queries", "from pkg.support.views import staff")
    assert shape.broken() == {
        ("layers", "volunteers.queries", "support.views.staff"),
        ("pages", "volunteers.queries", "support.views.staff"),
    }


def test_a_page_never_imports_another_apps_page(shape: Shape) -> None:
    shape.add("matching.views", "from pkg.intake.views import staff")
    shape.add("support.views.participant", "from pkg.intake.views.participant import own")
    assert shape.broken() == {
        ("pages", "matching.views", "intake.views.staff"),
        ("pages", "support.views.participant", "intake.views.participant"),
    }


def test_a_page_may_import_its_own_apps_pages_and_the_shared_furniture(shape: Shape) -> None:
    shape.add("support.views.staff", "from pkg.support.forms import CloseForm")
    shape.add("support.urls", "from pkg.support.views import staff")
    shape.add("intake.forms.public", "from pkg.web import forms")
    shape.add("volunteers.views.public", "from pkg.web.templatetags import kindred_forms")
    assert shape.broken() == set()


def test_web_imports_no_domain_app(shape: Shape) -> None:
    shape.add("web.public_forms", "from pkg.confidential import access")
    assert ("web", "web.public_forms", "confidential.access") in shape.broken()


def test_web_is_above_the_domain(shape: Shape) -> None:
    # Furniture is for pages: no domain module depends on it.
    shape.add("programs.actions", "from pkg.web import form_fields")
    assert shape.broken() == {("layers", "programs.actions", "web.form_fields")}


# --- No import hides inside a function -------------------------------------------------------


def _function_level_imports(path: Path) -> Iterator[tuple[str, int]]:
    """Imports of kindred inside a function body, except in an AppConfig's `ready` (Django
    connects receivers there, once the app registry is ready)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and function.name == "ready":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["kindred (relative)"]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("kindred"):
                    yield name, node.lineno


def test_no_module_imports_kindred_inside_a_function() -> None:
    found = [
        f"{path.relative_to(SOURCE)}:{line} {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for name, line in _function_level_imports(path)
    ]
    assert found == []


def test_a_function_level_import_is_found(tmp_path: Path) -> None:
    module = tmp_path / "actions.py"
    module.write_text("def withdraw():\n    from kindred.support import actions\n")
    apps = tmp_path / "apps.py"
    apps.write_text(
        "class Config:\n    def ready(self):\n        from kindred.support import signals\n"
    )
    assert list(_function_level_imports(module)) == [("kindred.support", 2)]
    assert list(_function_level_imports(apps)) == []
