"""Contract types for import-linter that its built-in types cannot say exactly.

Kindred keeps each app's pages (views, forms, urls, template tags) in the app's own folder, so a
newcomer finds a feature by its folder. The pages are nevertheless one layer, the top one. The
`layers` contract exempts page modules from the order of the apps (`ignore_imports`), and this
contract says the rest about them:

* nothing that is not a page imports a page (except the entry points above everything, such as
  the root URLconf), so a page is never a dependency of the domain;
* a page never imports another app's page (the shared piece belongs in a domain module, a query
  or an action, of the app that owns it), except the shared page furniture (`shared`).

Only direct imports are checked, and that is exact: any chain of imports from a non-page to a
page contains one direct import from a non-page to a page, and any page importing another app's
page does so directly by definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules
from importlinter.domain.imports import Module, ModuleExpression


@dataclass(frozen=True, order=True)
class PageImport:
    """One direct import the contract refuses, and why."""

    importer: str
    imported: str
    line_numbers: tuple[int, ...]
    reason: str


NOT_A_PAGE = "a module that is not a page imports a page"
OTHER_APPS_PAGE = "a page imports another app's page"


def app_of(module: str, depth: int) -> str:
    """The app a module belongs to: its first `depth` name parts (kindred.intake for
    kindred.intake.views.staff when depth is 2)."""
    return ".".join(module.split(".")[:depth])


def is_within(module: str, packages: set[str]) -> bool:
    """True if `module` is one of `packages` or inside one of them."""
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def refused_page_imports(
    graph: ImportGraph,
    pages: set[str],
    *,
    entry_points: set[str],
    shared: set[str],
    app_depth: int,
) -> list[PageImport]:
    """Every direct import that breaks the two rules, in a stable order.

    `pages` is the set of page module names; importers inside `entry_points` may import any
    page; pages inside `shared` may be imported by any page."""
    refused: list[PageImport] = []
    for page in pages:
        for importer in graph.find_modules_that_directly_import(page):
            if is_within(importer, entry_points):
                continue
            if importer not in pages:
                reason = NOT_A_PAGE
            elif app_of(importer, app_depth) != app_of(page, app_depth) and not is_within(
                page, shared
            ):
                reason = OTHER_APPS_PAGE
            else:
                continue
            details = graph.get_import_details(importer=importer, imported=page)
            lines = tuple(sorted(int(detail["line_number"]) for detail in details))
            refused.append(PageImport(importer, page, lines, reason))
    return sorted(refused)


class PagesContract(Contract):
    """Pages are the top layer wherever they live: nothing below imports them, and no page
    imports another app's pages.

    Configuration options:

        - pages:         module expressions naming the page modules (wildcards allowed,
                         e.g. kindred.*.views and kindred.*.views.**).
        - entry_points:  modules (and their descendants) above everything, which may import
                         any page: the root URLconf, say. (Optional.)
        - shared:        packages of shared page furniture any page may import. (Optional.)
        - app_depth:     how many name parts make an app (2: kindred.intake). (Optional.)
    """

    type_name = "pages"

    pages = fields.SetField(subfield=fields.ModuleExpressionField())
    entry_points = fields.SetField(subfield=fields.ModuleField(), required=False, default=set())
    shared = fields.SetField(subfield=fields.ModuleField(), required=False, default=set())
    app_depth = fields.IntegerField(required=False, default=2)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        expressions: set[ModuleExpression] = self.pages  # type: ignore[assignment]
        pages = {
            module.name
            for module in module_expressions_to_modules(graph, expressions, raise_if_unmatched=True)
        }
        entry_points: set[Module] = self.entry_points  # type: ignore[assignment]
        shared: set[Module] = self.shared  # type: ignore[assignment]
        refused = refused_page_imports(
            graph,
            pages,
            entry_points={module.name for module in entry_points},
            shared={module.name for module in shared},
            app_depth=int(self.app_depth),  # type: ignore[call-overload]
        )
        output.verbose_print(verbose, f"{len(pages)} page modules, {len(refused)} refused.")
        return ContractCheck(
            kept=not refused,
            metadata={
                "refused": [
                    {
                        "importer": item.importer,
                        "imported": item.imported,
                        "line_numbers": list(item.line_numbers),
                        "reason": item.reason,
                    }
                    for item in refused
                ]
            },
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for reason in (NOT_A_PAGE, OTHER_APPS_PAGE):
            items = [item for item in check.metadata["refused"] if item["reason"] == reason]
            if not items:
                continue
            output.print(f"{reason[0].upper()}{reason[1:]}:")
            output.new_line()
            for item in items:
                lines = ", ".join(f"l.{number}" for number in item["line_numbers"])
                output.print_error(f"- {item['importer']} -> {item['imported']} ({lines})")
            output.new_line()
