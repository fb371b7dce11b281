"""Demo people are made from word lists handed in as data: the domain reads no files."""

import random

from app.domain.demo_people import DemoWords, address, name_and_email, pick_city

WORDS = DemoWords(
    first_names=("Ada",),
    last_names=("Lovelace",),
    streets=("Analytical",),
    cities=("Springfield|IL|627|217|America/Chicago",),
    offices=("Water Board",),
    businesses=("Bakery",),
    industries=("Foundry",),
)


def test_a_residential_consumer_is_named_from_the_given_words() -> None:
    rng = random.Random(1)
    city = pick_city(rng, WORDS)
    name, _ = name_and_email(rng, WORDS, "Residential", city[0])
    assert name == "Ada Lovelace"
    street = address(rng, WORDS, city)
    assert "Analytical" in street
    assert ", Springfield, IL 627" in street
