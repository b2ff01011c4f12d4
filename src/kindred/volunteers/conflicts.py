"""Conflicts of interest, checked without decrypting anyone: a participant's "never match me
with" lines and each volunteer's name and firm are compared through blind indexes of a
normalised form ("Smith & Jones LLP" and "smith and jones" are the same firm).

The volunteers' actions keep each profile's indexes, and matching compares a request's lines
with them: the code lives here, in the lower of the two layers (docs/architecture.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kindred.confidential import keys

NAME_PURPOSE = "conflict-name"
FIRM_PURPOSE = "conflict-firm"
_LEGAL_SUFFIXES = re.compile(
    r"\b(llp|lp|llc|ltd|limited|inc|incorporated|corp|corporation|professional corporation|"
    r"pc|p c|law office|law offices|law firm|barristers and solicitors|barristers|solicitors)$"
)


def conflict_key(text: str) -> str:
    """Lower case, "&" as "and", no punctuation, no trailing legal form, single spaces."""
    # "L.L.P." is "llp": dots join letters rather than separate words.
    words = text.casefold().replace(".", "").replace("&", " and ")
    words = re.sub(r"[^\w\s]", " ", words)
    words = " ".join(words.split())
    previous = None
    while previous != words:
        previous = words
        words = _LEGAL_SUFFIXES.sub("", words).strip()
    return words


def name_index(full_name: str) -> str:
    key = conflict_key(full_name)
    return keys.blind_index(NAME_PURPOSE, key) if key else ""


def firm_index(firm: str) -> str:
    key = conflict_key(firm)
    return keys.blind_index(FIRM_PURPOSE, key) if key else ""


def avoid_indexes(lines: Iterable[str]) -> tuple[set[str], set[str]]:
    """(name indexes, firm indexes) of what a participant asked to avoid: each line may be a
    person or a firm, so it is looked up as both."""
    names, firms = set(), set()
    for line in lines:
        if not isinstance(line, str) or not conflict_key(line):
            continue
        names.add(name_index(line))
        firms.add(firm_index(line))
    return names, firms
