"""The synthetic population is deterministic and obviously fictional (no database)."""

from __future__ import annotations

from kindred.demo import generator


def test_same_seed_gives_the_same_people() -> None:
    assert list(generator.volunteers(11, 50)) == list(generator.volunteers(11, 50))
    assert list(generator.requests(11, 50)) == list(generator.requests(11, 50))


def test_a_person_depends_only_on_seed_and_position() -> None:
    # Growing the population must not change the people already generated.
    assert list(generator.volunteers(5, 10)) == list(generator.volunteers(5, 30))[:10]


def test_different_seeds_give_different_people() -> None:
    assert list(generator.volunteers(1, 20)) != list(generator.volunteers(2, 20))


def test_people_are_fictional_and_addresses_reserved() -> None:
    people = list(generator.volunteers(3, 500))
    assert len({person.email for person in people}) == 500
    for person in people:
        first, last = person.full_name.split(" ", 1)
        assert first in generator.FIRST_NAMES
        assert last in generator.LAST_NAMES
        assert person.email.endswith("@example.org")
        assert 1 <= person.capacity <= 3
        assert person.languages[0] == "English"
        assert set(person.topics) <= set(generator.TOPICS)
