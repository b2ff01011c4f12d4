"""From the database to the engine and back (kindred.matching.pool and queries.rank_for): every
hard constraint of DESIGN.md §5 is honoured for volunteers and requests as they are stored,
encrypted, and a volunteer who is ruled out is listed with the reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.accounts.models import Role, User
from kindred.intake.models import SupportRequest
from kindred.matching.engine import DEFAULT_WEIGHTS
from kindred.matching.queries import Ranking, rank_for
from kindred.programs.models import Program
from kindred.topics.models import Topic
from kindred.volunteers import actions as volunteer_actions
from kindred.volunteers import pool as kept_pool
from kindred.volunteers.models import VolunteerProfile
from kindred.volunteers.queries import is_matchable
from tests.conftest import make_matchable, make_person, make_support_request, make_volunteer

pytestmark = pytest.mark.django_db

SAME_FIRM = "same firm as a person to avoid"
NAMED_PERSON = "a person the participant asked to avoid"


@pytest.fixture
def coordinator(program: Program) -> User:
    """Only a coordinator (shadowing tests/matching/conftest.py's): the personas behind that one
    add two active, unscreened volunteers to the pool, and these tests name everyone in it."""
    return make_person("coordinator@example.org", Role.COORDINATOR, program)


def matchable(program: Program, coordinator: User, name: str, **fields: Any) -> VolunteerProfile:
    """A synthetic, matchable volunteer; `fields` go through update_profile, as staff edit them."""
    email = name.lower().replace(" ", ".") + "@example.org"
    volunteer = make_matchable(
        make_volunteer(program, email=email, full_name=name, status="active"), coordinator
    )
    if fields:
        volunteer_actions.update_profile(volunteer, by=coordinator, **fields)
    return VolunteerProfile.objects.get(pk=volunteer.pk)


def candidates(ranking: Ranking) -> list[UUID]:
    return [c.volunteer.pk for c in ranking.candidates]


def left_out(ranking: Ranking) -> dict[UUID, str]:
    return {o.volunteer.pk: o.reason for o in ranking.left_out}


def sentences(ranking: Ranking, volunteer: VolunteerProfile) -> list[str]:
    (found,) = [c for c in ranking.candidates if c.volunteer.pk == volunteer.pk]
    return [reason.sentence for reason in found.reasons]


# --- Conflicts of interest ---------------------------------------------------------------------


def test_a_person_named_to_avoid_is_left_out(program: Program, coordinator: User) -> None:
    named = matchable(program, coordinator, "Juniper Ambervale")
    other = matchable(program, coordinator, "Rowan Tillbury")
    # Typed in another case and spacing than the volunteer's own profile.
    request = make_support_request(program, avoid=["juniper   AMBERVALE"])

    ranking = rank_for(request)

    assert candidates(ranking) == [other.pk]
    assert left_out(ranking) == {named.pk: NAMED_PERSON}


def test_a_firm_to_avoid_leaves_out_everyone_at_that_firm(
    program: Program, coordinator: User
) -> None:
    at_firm = matchable(program, coordinator, "Juniper Ambervale", firm="Smith & Jones LLP")
    elsewhere = matchable(program, coordinator, "Rowan Tillbury", firm="Baker Hollis LLP")
    no_firm = matchable(program, coordinator, "Odalys Hazelwick")
    request = make_support_request(program, avoid=["smith and jones"])

    ranking = rank_for(request)

    assert sorted(candidates(ranking)) == sorted([elsewhere.pk, no_firm.pk])
    assert left_out(ranking) == {at_firm.pk: SAME_FIRM}


def test_a_firm_changed_later_is_checked_against_its_new_name(
    program: Program, coordinator: User
) -> None:
    volunteer = matchable(program, coordinator, "Juniper Ambervale", firm="Baker Hollis LLP")
    request = make_support_request(program, avoid=["Smith & Jones"])
    assert candidates(rank_for(request)) == [volunteer.pk]

    volunteer_actions.update_profile(volunteer, by=coordinator, firm="SMITH & JONES LLP")

    assert left_out(rank_for(request)) == {volunteer.pk: SAME_FIRM}


# --- Language, city, identity and gender, from the database ------------------------------------


def test_the_language_the_participant_needs(program: Program, coordinator: User) -> None:
    english = matchable(program, coordinator, "Juniper Ambervale")
    bilingual = matchable(program, coordinator, "Rowan Tillbury", languages=["English", "French"])
    request = make_support_request(program, preferences={"language": "french"})

    ranking = rank_for(request)

    assert candidates(ranking) == [bilingual.pk]
    assert left_out(ranking) == {english.pk: "does not speak French"}


def test_a_different_city(program: Program, coordinator: User) -> None:
    same_city = matchable(program, coordinator, "Juniper Ambervale", region="Calgary")
    elsewhere = matchable(program, coordinator, "Rowan Tillbury", region="Red Deer")
    request = make_support_request(
        program, preferences={"city": "different", "region": " calgary "}
    )

    ranking = rank_for(request)

    assert candidates(ranking) == [elsewhere.pk]
    assert left_out(ranking) == {
        same_city.pk: "lives in the same city, and the participant asked for a different city"
    }


def test_the_same_city_is_a_preference_not_a_rule(program: Program, coordinator: User) -> None:
    same_city = matchable(program, coordinator, "Juniper Ambervale", region="Calgary")
    elsewhere = matchable(program, coordinator, "Rowan Tillbury", region="Red Deer")
    request = make_support_request(program, preferences={"city": "same", "region": "Calgary"})

    ranking = rank_for(request)

    assert candidates(ranking) == [same_city.pk, elsewhere.pk]
    assert "Lives in the same city, as the participant asked" in sentences(ranking, same_city)
    assert ranking.candidates[0].score == ranking.candidates[1].score + DEFAULT_WEIGHTS.same_city


def test_an_identity_the_participant_requires(program: Program, coordinator: User) -> None:
    shares = matchable(
        program,
        coordinator,
        "Juniper Ambervale",
        identity_consent=True,
        identity={"lgbtq": True},
    )
    # The same answer without consent to use it for matching counts for nothing.
    no_consent = matchable(
        program,
        coordinator,
        "Rowan Tillbury",
        identity_consent=False,
        identity={"lgbtq": True},
    )
    other = matchable(
        program,
        coordinator,
        "Odalys Hazelwick",
        identity_consent=True,
        identity={"caregiver": True},
    )
    request = make_support_request(
        program, preferences={"identity": {"value": ["lgbtq"], "strength": "must"}}
    )

    ranking = rank_for(request)

    assert candidates(ranking) == [shares.pk]
    reason = "does not share an identity the participant requires: 2SLGBTQ+"
    assert left_out(ranking) == {no_consent.pk: reason, other.pk: reason}


def test_a_gender_the_participant_requires(program: Program, coordinator: User) -> None:
    woman = matchable(
        program,
        coordinator,
        "Juniper Ambervale",
        identity_consent=True,
        identity={"gender": "Woman"},
    )
    man = matchable(
        program, coordinator, "Rowan Tillbury", identity_consent=True, identity={"gender": "man"}
    )
    no_consent = matchable(
        program,
        coordinator,
        "Odalys Hazelwick",
        identity_consent=False,
        identity={"gender": "woman"},
    )
    request = make_support_request(
        program, preferences={"gender": {"value": "a woman", "strength": "must"}}
    )

    ranking = rank_for(request)

    assert candidates(ranking) == [woman.pk]
    reason = "is not woman, which the participant requires"
    assert left_out(ranking) == {man.pk: reason, no_consent.pk: reason}


def test_identity_without_consent_never_scores(program: Program, coordinator: User) -> None:
    with_consent = matchable(
        program,
        coordinator,
        "Juniper Ambervale",
        identity_consent=True,
        identity={"lgbtq": True, "caregiver": True, "gender": "woman"},
    )
    without = matchable(
        program,
        coordinator,
        "Rowan Tillbury",
        identity_consent=False,
        identity={"lgbtq": True, "caregiver": True, "gender": "woman"},
    )
    request = make_support_request(
        program,
        preferences={
            "identity": {"value": ["lgbtq", "caregiver"], "strength": "nice"},
            "gender": {"value": "woman", "strength": "nice"},
        },
    )

    ranking = rank_for(request)

    assert candidates(ranking) == [with_consent.pk, without.pk]
    scores = {c.volunteer.pk: c.score for c in ranking.candidates}
    w = DEFAULT_WEIGHTS
    assert scores[with_consent.pk] == scores[without.pk] + 2 * w.identity + w.gender
    assert {
        "Shares an identity the participant would like: 2SLGBTQ+",
        "Shares an identity the participant would like: Parent or caregiver",
        "Is woman, as the participant would like",
    } <= set(sentences(ranking, with_consent))
    assert not any(
        "identity" in sentence or "woman" in sentence for sentence in sentences(ranking, without)
    )


# --- Volunteers who cannot be matched now ------------------------------------------------------


def test_a_paused_or_unscreened_volunteer_is_left_out_with_is_matchables_reason(
    program: Program, coordinator: User
) -> None:
    ready = matchable(program, coordinator, "Juniper Ambervale")
    paused = matchable(program, coordinator, "Rowan Tillbury")
    until = timezone.localdate() + timedelta(days=30)
    volunteer_actions.pause(paused, until=until, reason="Synthetic.", by=coordinator)
    unscreened = make_volunteer(
        program, email="odalys@example.org", full_name="Odalys Hazelwick", status="active"
    )
    # make_volunteer sets the status with a bare UPDATE, past the actions that keep the pool.
    kept_pool.refresh(unscreened)
    request = make_support_request(program)

    ranking = rank_for(request)

    assert candidates(ranking) == [ready.pk]
    reasons = left_out(ranking)
    assert reasons == {
        paused.pk: is_matchable(VolunteerProfile.objects.get(pk=paused.pk)).reason,
        unscreened.pk: is_matchable(VolunteerProfile.objects.get(pk=unscreened.pk)).reason,
    }
    assert reasons[paused.pk] == f"paused until {until.isoformat()}"
    assert reasons[unscreened.pk].startswith("screening ")


# --- Property: what rank_for returns never breaks a hard constraint ----------------------------

TOPICS = ("stress-and-burnout", "anxiety", "grief-and-loss")  # none needs recovery time
NAMES = (
    "Juniper Ambervale",
    "Rowan Tillbury",
    "Odalys Hazelwick",
    "Marlowe Fernsby",
    "Ione Castellan",
    "Tobiah Wrenfield",
)
FIRMS = (None, "Smith & Jones LLP", "Baker Hollis Law Office")
FIRM_TYPED = ("smith and jones", "SMITH & JONES")  # how a participant may type the first firm
WANTED_GENDER = {"woman": "woman", "a woman": "woman", "Man": "man"}


def mostly(value: object, other: object) -> st.SearchStrategy[Any]:
    """`value` three times in four: each rule then decides alone often enough to be seen."""
    return st.sampled_from([value, value, value, other])


volunteer_facts = st.fixed_dictionaries(
    {
        "topics": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3, unique=True),
        "languages": st.sampled_from([["English"], ["French"], ["English", "French"]]),
        "region": st.sampled_from(["Calgary", "Edmonton"]),
        "firm": st.sampled_from(FIRMS),
        "identity_consent": st.booleans(),
        "identity": st.fixed_dictionaries(
            {
                "lgbtq": st.booleans(),
                "caregiver": st.booleans(),
                "gender": st.sampled_from(["woman", "man", None]),
            }
        ).map(lambda found: {key: value for key, value in found.items() if value}),
        "paused": mostly(False, True),
    }
)
preferences = st.fixed_dictionaries(
    {
        "language": st.sampled_from([None, "English", "french"]),
        "city": st.sampled_from(["same", "different", "either"]),
        "region": st.sampled_from(["Calgary", "edmonton"]),
        "identity": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "value": st.sampled_from([["lgbtq"], ["caregiver"], ["lgbtq", "caregiver"]]),
                    "strength": st.sampled_from(["must", "nice"]),
                }
            ),
        ),
        "gender": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "value": st.sampled_from(sorted(WANTED_GENDER)),
                    "strength": st.sampled_from(["must", "nice"]),
                }
            ),
        ),
    }
).map(lambda wants: {key: value for key, value in wants.items() if value is not None})
requests = st.fixed_dictionaries(
    {
        "topics": st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2, unique=True),
        "preferences": preferences,
        # Lines as a participant types them: a volunteer's name in capitals, the firm spelled
        # two ways, or someone who is not a volunteer at all.
        "avoid": st.lists(
            st.one_of(
                st.sampled_from(NAMES).map(str.upper),
                st.sampled_from([*FIRM_TYPED, "Someone Unrelated"]),
            ),
            max_size=2,
            unique=True,
        ),
    }
)


def first_broken_rule(facts: dict[str, Any], name: str, wish: dict[str, Any]) -> str | None:
    """DESIGN.md §5's hard constraints, restated over the raw facts of one volunteer: how the
    reason for the first one broken begins (in the order the coordinator is told), or None."""
    wants = wish["preferences"]
    identity = facts["identity"] if facts["identity_consent"] else {}
    avoid = {line.casefold() for line in wish["avoid"]}
    region = wants.get("region", "").casefold()
    rules = [
        ("paused until", not facts["paused"]),
        (NAMED_PERSON, name.casefold() not in avoid),
        (
            SAME_FIRM,
            facts["firm"] != FIRMS[1] or not any(typed.casefold() in avoid for typed in FIRM_TYPED),
        ),
        ("does not support", wish["topics"][0] in facts["topics"]),
        (
            "does not speak",
            "language" not in wants
            or wants["language"].casefold() in {lang.casefold() for lang in facts["languages"]},
        ),
        (
            "lives in the same city",
            wants.get("city") != "different" or facts["region"].casefold() != region,
        ),
        (
            "does not share an identity",
            "identity" not in wants
            or wants["identity"]["strength"] == "nice"
            or all(identity.get(flag) is True for flag in wants["identity"]["value"]),
        ),
        (
            "is not ",
            "gender" not in wants
            or wants["gender"]["strength"] == "nice"
            or identity.get("gender") == WANTED_GENDER[wants["gender"]["value"]],
        ),
    ]
    return next((reason for reason, kept in rules if not kept), None)


@pytest.fixture
def base(program: Program, coordinator: User) -> tuple[list[VolunteerProfile], SupportRequest]:
    volunteers = [matchable(program, coordinator, name) for name in NAMES]
    return volunteers, make_support_request(program)


# Each example changes the base data inside a savepoint and rolls it back at the end, so the
# function-scoped fixtures are the same for every example.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(volunteer_facts, min_size=len(NAMES), max_size=len(NAMES)), requests)
def test_rank_for_never_proposes_a_volunteer_breaking_a_hard_constraint(
    base: tuple[list[VolunteerProfile], SupportRequest],
    coordinator: User,
    facts: list[dict[str, Any]],
    wish: dict[str, Any],
) -> None:
    # Fresh rows: an instance changed in an earlier, rolled-back example would save its old
    # values back.
    volunteers = [VolunteerProfile.objects.get(pk=v.pk) for v in base[0]]
    request = SupportRequest.objects.get(pk=base[1].pk)
    topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in=TOPICS)}
    with transaction.atomic():
        for volunteer, fact in zip(volunteers, facts, strict=True):
            volunteer_actions.update_profile(
                volunteer,
                by=coordinator,
                topics=[topics[slug] for slug in fact["topics"]],
                languages=fact["languages"],
                region=fact["region"],
                firm=fact["firm"],
                identity_consent=fact["identity_consent"],
                identity=fact["identity"],
            )
            if fact["paused"]:
                volunteer_actions.pause(
                    volunteer, until=timezone.localdate() + timedelta(days=7), by=coordinator
                )
        request.topics = wish["topics"]
        request.preferences = wish["preferences"]
        request.avoid = wish["avoid"]
        request.save(update_fields=["topics", "preferences", "avoid"])

        ranking = rank_for(request, k=len(NAMES), near=len(NAMES))

        broken = {
            v.pk: first_broken_rule(fact, name, wish)
            for v, fact, name in zip(volunteers, facts, NAMES, strict=True)
        }
        # Every candidate obeys every hard constraint, and nobody was ruled out wrongly: each
        # volunteer is either a candidate or left out, with the first rule they break.
        assert set(candidates(ranking)) == {pk for pk, rule in broken.items() if rule is None}
        assert set(left_out(ranking)) == {pk for pk, rule in broken.items() if rule is not None}
        for pk, reason in left_out(ranking).items():
            assert reason.startswith(str(broken[pk])), (reason, broken[pk])
        for candidate in ranking.candidates:
            assert candidate.score == sum(reason.points for reason in candidate.reasons)
            fact = facts[[v.pk for v in volunteers].index(candidate.volunteer.pk)]
            if not fact["identity_consent"]:
                assert not any(
                    "identity" in r.sentence or r.sentence.startswith("Is ")
                    for r in candidate.reasons
                )
        transaction.set_rollback(True)


def test_columns_patched_after_a_write_equal_columns_built_whole(
    program: Program, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import fields

    from kindred.matching import pool as matching_pool
    from kindred.matching.engine import Population

    # Given a process that built the engine's columns for twelve volunteers
    volunteers = [matchable(program, coordinator, f"Perrin Colewood{n:02d}") for n in range(12)]
    matching_pool.load_pool(program)
    # When one volunteer's capacity and another's pause change (other processes' writes)
    volunteer_actions.set_capacity(volunteers[2], 1, by=coordinator)
    volunteer_actions.pause(
        VolunteerProfile.objects.get(pk=volunteers[5].pk),
        until=timezone.localdate() + timedelta(days=10),
        reason="",
        by=coordinator,
    )
    built_whole: list[object] = []
    real_columns = matching_pool._columns

    def counting_columns(*args: Any) -> matching_pool.Pool:
        built_whole.append(args)
        return real_columns(*args)

    monkeypatch.setattr(matching_pool, "_columns", counting_columns)
    patched = matching_pool.load_pool(program)
    # Then only the two rows were recomputed (nothing was built whole)
    assert built_whole == []
    # And the patched columns are those a new process would build
    kept_pool.clear_cache()
    matching_pool.clear_cache()
    whole = matching_pool.load_pool(program)
    assert patched.population is not whole.population
    for column in fields(Population):
        assert (
            getattr(patched.population, column.name) == getattr(whole.population, column.name)
        ).all(), column.name
    assert patched.unmatchable == whole.unmatchable
    assert patched.volunteer_ids == whole.volunteer_ids
    assert patched.row_of[volunteers[5].pk] in patched.unmatchable
