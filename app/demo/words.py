"""The demo word lists read from resources/demo, for app.domain.demo_people."""

import random
from dataclasses import fields
from functools import cache
from pathlib import Path

from app.domain.demo_people import DemoWords

WORDS = Path(__file__).resolve().parents[2] / "resources" / "demo"


def word_list(name: str) -> tuple[str, ...]:
    """One list (first_names, last_names, streets, cities ...), one entry a line."""
    lines = (WORDS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


@cache
def demo_words() -> DemoWords:
    """Every list DemoWords names, read once per process."""
    return DemoWords(**{f.name: word_list(f.name) for f in fields(DemoWords)})


def person_names(count: int, seed: int = 7) -> tuple[str, ...]:
    """`count` people's full names from the demo's lists, the same for the same seed."""
    words, rng = demo_words(), random.Random(seed)
    return tuple(
        f"{rng.choice(words.first_names)} {rng.choice(words.last_names)}" for _ in range(count)
    )
