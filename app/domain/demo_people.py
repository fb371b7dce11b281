"""Made-up consumers for demos: names, e-mails, addresses and phones from given word lists.

Shared by the counter's demo (app.demo.demo_data) and the central server's (`tilldesk server
demo`), so both invent people the same way. The words come in as data (`DemoWords`); reading
them from resources/demo is app.demo.words' job, so the domain touches no files.
"""

import random
from dataclasses import dataclass

STREET_KINDS = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place")
SUFFIXES = ("LLC", "Inc.", "& Sons", "Co.", "Ltd.", "")
# segment, weight, monthly bill range in minor units
SEGMENTS = (
    ("Residential", 82, (5_500, 24_000)),
    ("Commercial", 11, (40_000, 260_000)),
    ("Industrial", 3, (300_000, 1_800_000)),
    ("Government", 4, (80_000, 600_000)),
)


@dataclass(frozen=True)
class DemoWords:
    """The word lists people are made of; a city is "name|state|zip prefix|area code|zone"."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    offices: tuple[str, ...]
    businesses: tuple[str, ...]
    industries: tuple[str, ...]


def pick_segment(rng: random.Random) -> tuple[str, tuple[int, int]]:
    segment = rng.choices(SEGMENTS, [s[1] for s in SEGMENTS])[0]
    return segment[0], segment[2]


def pick_city(rng: random.Random, words: DemoWords) -> list[str]:
    return rng.choice(words.cities).split("|")


def name_and_email(
    rng: random.Random, words: DemoWords, segment: str, city: str
) -> tuple[str, str | None]:
    first, last = rng.choice(words.first_names), rng.choice(words.last_names)
    domain = rng.choice(("example.com", "example.net", "example.org"))
    if segment == "Residential":
        name, email = f"{first} {last}", f"{first}.{last}{rng.randint(1, 99)}@{domain}"
    elif segment == "Government":
        name = f"{city} {rng.choice(words.offices)}"
        email = f"facilities@{city.replace(' ', '')}.example.gov"
    else:
        trade = rng.choice(words.businesses if segment == "Commercial" else words.industries)
        owner = rng.choice((last, city, f"{last} & {rng.choice(words.last_names)}"))
        name = f"{owner} {trade} {rng.choice(SUFFIXES)}".strip()
        email = f"billing@{''.join(ch for ch in owner + trade if ch.isalnum())}.{domain}"
    return name, None if rng.random() < 0.08 else email.lower()


def address(rng: random.Random, words: DemoWords, city: list[str]) -> str:
    street = f"{rng.randint(1, 9899)} {rng.choice(words.streets)} {rng.choice(STREET_KINDS)}"
    return f"{street}, {city[0]}, {city[1]} {city[2]}{rng.randint(0, 99):02d}"


def phone(rng: random.Random, area: str) -> str:
    return f"({area}) 555-{rng.randint(200, 9999):04d}"
