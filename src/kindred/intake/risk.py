"""Spotting risk in what someone wrote (plain Python, no Django).

This is a safety net under the direct question, never a replacement for it: any phrase here
makes the request urgent and shows crisis resources at once. False alarms cost a coordinator a
careful phone call; a missed one could cost a life, so the list errs wide.
"""

from __future__ import annotations

import re
import unicodedata

RISK_PHRASES = (
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my life",
    "take my own life",
    "suicide",
    "suicidal",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "don't want to live",
    "do not want to live",
    "don't want to be here",
    "can't go on",
    "cannot go on",
    "hurt myself",
    "harm myself",
    "self-harm",
    "self harm",
    "cut myself",
    "overdose",
    "hang myself",
    "jump off",
    "hurt someone",
    "harm someone",
    "kill someone",
    "kill him",
    "kill her",
    "kill them",
    "hurt my family",
    "hurt my kids",
    "not be around",
    "say goodbye",
    "goodbye letter",
    "have a plan to",
    "made a plan to",
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")  # curly apostrophes
    return _SPACES.sub(" ", text)


def mentions_risk(text: str) -> bool:
    """True when the text contains any risk phrase (case, accents of quotes and spacing aside)."""
    clean = normalise(text)
    return any(phrase in clean for phrase in RISK_PHRASES)
