"""Reads of matches as their two people see them, scoped to who is asking.

A volunteer reaches only their own matches (`matches_of_volunteer`): another volunteer's match
is the same 404 as one that does not exist. A participant reaches only the matches of their own
request (`matches_of_participant`), and no page of theirs takes a match id in its URL.

What each side may see of the other is decided here, once, for every page that shows a match:
before both accepted, neither sees the other's contact details; the participant never sees the
volunteer's last name; the volunteer never sees what the participant wrote or asked to avoid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import HttpRequest

from kindred.accounts.models import AuthenticatedRequest
from kindred.intake.models import AskerKind, HowSoon, SupportRequest
from kindred.programs.models import CrisisLine
from kindred.programs.queries import crisis_lines_for
from kindred.support.lapsing import lapse_overdue_proposals
from kindred.support.models import (
    OPEN_MATCH_STATUSES,
    PROPOSED_STATUSES,
    Checkin,
    ContactLog,
    Match,
    MatchStatus,
    Side,
)
from kindred.topics.models import Topic
from kindred.volunteers.models import VolunteerProfile

# How the participant's ways of being reached read, in the volunteer's words.
METHOD_WORDS = {"phone": "a phone call", "text": "a text message", "email": "an email"}


# --- Who may see which match -------------------------------------------------------------------


def matches_of_volunteer(request: HttpRequest) -> QuerySet[Match]:
    """The signed-in volunteer's own matches, in any state; nobody else's."""
    user = request.user
    if not user.is_authenticated:
        return Match.objects.none()
    return Match.objects.filter(volunteer__user=user).select_related(
        "request", "volunteer", "program"
    )


def matches_of_participant(support_request: SupportRequest) -> QuerySet[Match]:
    """Every match of the participant's own request, newest first."""
    return (
        Match.objects.filter(request=support_request)
        .select_related("volunteer", "program")
        .order_by("-proposed_at", "pk")
    )


def match_of_participant(support_request: SupportRequest) -> Match | None:
    """The request's current match: its open one (a proposal or an active match), or else the
    one that ended last. A proposal that has lapsed is lapsed first, so it never shows as open
    (and the request, sent back to the queue, is read again)."""
    open_matches = matches_of_participant(support_request).filter(status__in=OPEN_MATCH_STATUSES)
    if lapse_overdue(list(open_matches)):
        support_request.refresh_from_db()
    return matches_of_participant(support_request).first()


def peer_on_participant_home(support_request: SupportRequest) -> str:
    """ "waiting" (a volunteer said yes; the participant's answer is awaited), "active", or ""
    (nothing to show: a proposal still with the volunteer is not mentioned)."""
    match = match_of_participant(support_request)
    if match is None:
        return ""
    return {MatchStatus.AWAITING_PARTICIPANT: "waiting", MatchStatus.ACTIVE: "active"}.get(
        MatchStatus(match.status), ""
    )


def lapse_overdue(matches: list[Match]) -> bool:
    """Lapse these proposals if their time to answer has passed (and only these: a page view
    does not write to anyone else's match). True if any lapsed; they are then read again."""
    if not lapse_overdue_proposals([m for m in matches if m.status in PROPOSED_STATUSES]):
        return False
    for match in matches:
        match.refresh_from_db(fields=["status", "ended_at"])
    return True


# --- What each side sees -----------------------------------------------------------------------


def topic_names(slugs: list[str]) -> list[str]:
    names = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [names.get(slug, slug.replace("-", " ").capitalize()) for slug in slugs]


def _wished(value: Any) -> str:
    """A preference stored as {"value": …, "strength": …} or as a plain value."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value if item)
    return str(value).strip() if value not in (None, False, True) else ""


@dataclass(frozen=True)
class Proposal:
    """What a volunteer needs to decide, and no more: never the participant's name, contact,
    words, people to avoid or other preferences."""

    topics: list[str]
    asker_kind: str
    language: str
    how_soon: str
    note: str


def proposal_for_volunteer(match: Match) -> Proposal:
    support_request = match.request
    kinds = dict(AskerKind.choices)
    return Proposal(
        topics=topic_names([str(slug) for slug in support_request.topics or []]),
        asker_kind=str(kinds.get(support_request.asker_kind, "")),
        language=_wished((support_request.preferences or {}).get("language")),
        how_soon=str(dict(HowSoon.choices).get(support_request.how_soon, "")),
        note=match.note_for_volunteer,
    )


@dataclass(frozen=True)
class ShareChoice:
    key: str
    label: str


def volunteer_share_choices(profile: VolunteerProfile) -> list[ShareChoice]:
    """The volunteer's own contact details they may choose to share, from their profile."""
    choices = []
    if profile.email:
        choices.append(ShareChoice("email", f"My email ({profile.email})"))
    if profile.phone:
        choices.append(ShareChoice("phone", f"My phone ({profile.phone})"))
    return choices


def volunteer_shares_from(profile: VolunteerProfile, chosen: list[str]) -> dict[str, str]:
    return {
        key: str(value)
        for key, value in (("email", profile.email), ("phone", profile.phone))
        if key in chosen and value
    }


def participant_share_choices(contact: dict[str, Any]) -> list[ShareChoice]:
    """What the participant gave the program and may pass on to their peer."""
    choices = []
    if contact.get("phone"):
        choices.append(ShareChoice("phone", f"My phone number ({contact['phone']})"))
    if contact.get("email"):
        choices.append(ShareChoice("email", f"My email address ({contact['email']})"))
    if contact.get("safe_times"):
        choices.append(
            ShareChoice("safe_times", f"When it is safe to reach me ({contact['safe_times']})")
        )
    return choices


def participant_shares_from(contact: dict[str, Any], chosen: list[str]) -> dict[str, Any]:
    """The part of the request's contact details the participant chose to share. Whether a
    message may be left always goes with them: it only ever protects the participant."""
    shares: dict[str, Any] = {"leave_message": bool(contact.get("leave_message"))}
    methods = [str(method) for method in contact.get("methods") or []]
    kept: list[str] = []
    if "phone" in chosen and contact.get("phone"):
        shares["phone"] = str(contact["phone"])
        kept += [method for method in methods if method in ("phone", "text")] or ["phone"]
    if "email" in chosen and contact.get("email"):
        shares["email"] = str(contact["email"])
        kept.append("email")
    if "safe_times" in chosen and contact.get("safe_times"):
        shares["safe_times"] = str(contact["safe_times"])
    shares["methods"] = kept
    return shares


@dataclass(frozen=True)
class SharedContact:
    """One side's shared details, as the other side reads them."""

    methods: str
    phone: str
    email: str
    safe_times: str
    no_message: bool

    @property
    def is_empty(self) -> bool:
        return not (self.phone or self.email)


def shared_by_participant(match: Match) -> SharedContact:
    shares = match.participant_shares or {}
    methods = [METHOD_WORDS.get(str(m), str(m)) for m in shares.get("methods") or []]
    return SharedContact(
        methods=", ".join(methods),
        phone=str(shares.get("phone") or ""),
        email=str(shares.get("email") or ""),
        safe_times=str(shares.get("safe_times") or ""),
        no_message=shares.get("leave_message") is False,
    )


def shared_by_volunteer(match: Match) -> SharedContact:
    shares = match.volunteer_shares or {}
    return SharedContact(
        methods="",
        phone=str(shares.get("phone") or ""),
        email=str(shares.get("email") or ""),
        safe_times="",
        no_message=False,
    )


@dataclass(frozen=True)
class Peer:
    """The volunteer as the participant sees them: a first name, never a last name."""

    first_name: str
    about_me: str
    shared_experience: list[str]


def peer_for_participant(match: Match) -> Peer:
    volunteer = match.volunteer
    theirs = set(volunteer.topic_slugs or [])
    shared = [str(slug) for slug in match.request.topics or [] if slug in theirs]
    return Peer(
        first_name=volunteer.first_name,
        about_me=volunteer.about_me,
        shared_experience=topic_names(shared),
    )


def due_checkin(match: Match, side: Side, today: date) -> Checkin | None:
    """The side's "Is this working for you?", once its day has come and until it is answered."""
    if match.status != MatchStatus.ACTIVE:
        return None
    return (
        Checkin.objects.filter(match=match, side=side, due_on__lte=today, answered_at__isnull=True)
        .order_by("due_on")
        .first()
    )


@dataclass(frozen=True)
class ContactHistory:
    contacts: list[ContactLog]
    total_minutes: int

    @property
    def total_in_words(self) -> str:
        return duration_in_words(self.total_minutes)


def contact_history(match: Match) -> ContactHistory:
    contacts = ContactLog.objects.filter(match=match).order_by("-on", "-logged_at")
    total = contacts.aggregate(total=Sum("minutes"))["total"] or 0
    return ContactHistory(list(contacts), int(total))


def duration_in_words(minutes: int) -> str:
    """90 → "1 hour 30 minutes": minutes in words a coordinator reads at a glance."""
    hours, rest = divmod(max(minutes, 0), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def crisis_lines(match: Match) -> list[CrisisLine]:
    """The national crisis lines and the program's own."""
    return crisis_lines_for(match.program)


# --- The volunteer's home page -----------------------------------------------------------------


@dataclass(frozen=True)
class HomeMatches:
    to_answer: list[Match]
    waiting: list[Match]
    active: list[Match]

    @property
    def any(self) -> bool:
        return bool(self.to_answer or self.waiting or self.active)


def matches_on_volunteer_home(request: AuthenticatedRequest) -> HomeMatches:
    """The volunteer's proposals waiting for their answer or the participant's, and their
    active matches: statuses and dates only, nothing about the participant."""
    current = list(matches_of_volunteer(request).filter(status__in=OPEN_MATCH_STATUSES))
    lapse_overdue(current)
    return HomeMatches(
        to_answer=[m for m in current if m.status == MatchStatus.AWAITING_VOLUNTEER],
        waiting=[m for m in current if m.status == MatchStatus.AWAITING_PARTICIPANT],
        active=[m for m in current if m.status == MatchStatus.ACTIVE],
    )
