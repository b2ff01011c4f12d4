"""Proposals past their time to answer lapse before a page reads them.

`kindred expire_proposals` lapses every overdue proposal on a schedule; between two runs, each
page that shows matches lapses the overdue ones among what it is about to show, through this
one call, so no page shows a lapsed proposal as open, counts it against a volunteer's capacity,
or waits for the next run to open its task. A page view never writes to matches it does not
show (another program's, another person's).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from kindred.intake.models import SupportRequest
from kindred.programs.models import Program
from kindred.support.actions import expire_overdue_proposals
from kindred.support.models import Match
from kindred.volunteers.models import VolunteerProfile

# What a page is about to show: one match, a request's matches, a volunteer's, one program's,
# several programs', or a list of matches.
LapseScope = (
    Match | SupportRequest | VolunteerProfile | Program | Iterable[Program] | Iterable[Match]
)


def matches_in(scope: LapseScope) -> QuerySet[Match]:
    """The matches a scope stands for."""
    if isinstance(scope, Match):
        return Match.objects.filter(pk=scope.pk)
    if isinstance(scope, SupportRequest):
        return Match.objects.filter(request=scope)
    if isinstance(scope, VolunteerProfile):
        return Match.objects.filter(volunteer=scope)
    if isinstance(scope, Program):
        return Match.objects.filter(program=scope)
    items = list(scope)
    if all(isinstance(item, Match) for item in items):
        return Match.objects.filter(pk__in=[item.pk for item in items])
    return Match.objects.filter(program__in=items)


def lapse_overdue_proposals(scope: LapseScope) -> bool:
    """Lapse the proposals past their time to answer among `scope`'s matches. True if any
    lapsed: the page then reads again what it shows."""
    return bool(expire_overdue_proposals(among=matches_in(scope)))
