"""Property tests of the one matchability rule (pure: no database).

`evaluate` is true exactly when every condition holds, and when one fails, the reason names the
first failing condition in the documented order.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kindred.volunteers.matchability import (
    RecoveryFact,
    TrainingFact,
    VolunteerFacts,
    add_months,
    evaluate,
)
from kindred.volunteers.pipeline import Status

TODAY = date(2026, 11, 22)
MODULES = ("Orientation", "Confidentiality and ethics", "Suicide-risk awareness")

statuses = st.sampled_from(list(Status))
completion_dates = st.one_of(
    st.none(), st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 11, 22))
)
trainings = st.tuples(*[completion_dates for _ in MODULES]).map(
    lambda dates: tuple(
        TrainingFact(module, done, 24) for module, done in zip(MODULES, dates, strict=True)
    )
)
recoveries = st.lists(
    st.builds(
        RecoveryFact,
        topic=st.sampled_from(["Alcohol use", "Other substance use", "Gambling"]),
        declared_years=st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
    ),
    max_size=3,
    unique_by=lambda fact: fact.topic,
).map(tuple)
facts = st.builds(
    VolunteerFacts,
    status=statuses.map(str),
    missing_screening=st.lists(
        st.sampled_from(["Interview held", "Two references checked"]), unique=True, max_size=2
    ).map(tuple),
    recovery=recoveries,
    min_recovery_years=st.integers(min_value=0, max_value=5),
    training=trainings,
    current_agreement=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    signed_agreement=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
    paused_until=st.one_of(
        st.none(), st.dates(min_value=TODAY - timedelta(days=60), max_value=TODAY + timedelta(60))
    ),
    capacity=st.integers(min_value=1, max_value=3),
    open_matches=st.integers(min_value=0, max_value=4),
)


def failing_conditions(f: VolunteerFacts) -> list[str]:
    """Every condition that fails, in the documented order, written independently of evaluate."""
    failures = []
    if f.status != Status.ACTIVE:
        failures.append("status")
    if f.missing_screening:
        failures.append("screening")
    if any(r.declared_years is None or r.declared_years < f.min_recovery_years for r in f.recovery):
        failures.append("recovery")
    if any(t.completed_on is None or add_months(t.completed_on, 24) <= TODAY for t in f.training):
        failures.append("training")
    if f.current_agreement is not None and f.signed_agreement != f.current_agreement:
        failures.append("agreement")
    if f.paused_until is not None and f.paused_until > TODAY:
        failures.append("pause")
    if f.open_matches >= f.capacity:
        failures.append("capacity")
    return failures


REASON_WORDS = {
    "status": "status is",
    "screening": "screening",
    "recovery": "recovery",
    "training": "training",
    "agreement": "agreement",
    "pause": "paused until",
    "capacity": "capacity",
}


@given(facts)
def test_matchable_exactly_when_every_condition_holds(f: VolunteerFacts) -> None:
    verdict = evaluate(f, TODAY)
    failures = failing_conditions(f)

    assert verdict.ok == (not failures)
    if failures:
        assert REASON_WORDS[failures[0]] in verdict.reason
    else:
        assert verdict.reason == "matchable"


def test_the_reason_names_the_module_and_its_expiry_date() -> None:
    f = VolunteerFacts(
        status="active",
        missing_screening=(),
        recovery=(),
        min_recovery_years=2,
        training=(
            TrainingFact("Orientation", date(2026, 1, 10), 24),
            TrainingFact("Suicide-risk awareness", date(2024, 3, 1), 24),
        ),
        current_agreement=1,
        signed_agreement=1,
        paused_until=None,
        capacity=2,
        open_matches=0,
    )

    verdict = evaluate(f, TODAY)

    assert not verdict
    assert verdict.reason == "training 'Suicide-risk awareness' expired on 2026-03-01"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 60))
def test_add_months_lands_in_the_right_month_and_never_overflows(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day
