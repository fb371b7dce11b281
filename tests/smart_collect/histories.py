"""Credit histories with known paydays, drawn by the simulated world's own payday rules."""

import random
from datetime import date, timedelta

from app.recovery.smart_collect.income import Credit
from sync.simulation.behaviour import PaySchedule, is_payday


def credits(
    pay: PaySchedule, first: date, days: int, amount: int = 250_000, seed: int = 1
) -> list[Credit]:
    """Salary credits on the schedule's paydays, amounts within ±2 %."""
    rng = random.Random(seed)
    found = []
    for n in range(days):
        day = first + timedelta(days=n)
        if is_payday(pay, day):
            found.append(Credit(day, amount + rng.randint(-amount // 50, amount // 50), "bank"))
    return found
