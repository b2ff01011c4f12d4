"""Fixtures shared with the match lifecycle's tests: a waiting request, matchable volunteers."""

from tests.support.conftest import (  # noqa: F401  (fixtures, found by name)
    coordinator,
    other_volunteer,
    volunteer,
    waiting,
)
