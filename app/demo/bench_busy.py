"""The counter's foreground while something else works on the same file: a cashier recording
payments and the landing page's KPI header, timed until the background job says it is done.

The caller runs the background (a sync in the client's case) on its own thread and its own
Database, as the desktop client does; this side is the window's Database.
"""

import os
import random
import time
from collections.abc import Callable
from typing import Any

from app.db.database import Database
from app.demo.benchmark import full_months, payment_request, percentile
from app.services.kpis import collection_kpis
from app.services.record_payment import record_payment

# Between a cashier's actions (a payment and a look at the KPIs): far busier than a real
# counter (a payment every half minute or so), and idle time is what a polite sync uses.
PAUSE_S = 0.25


def measure_while(
    db: Database,
    busy: Callable[[], bool],
    bills: list[tuple[str, str, int]],
    *,
    at_least: int = 20,
    phase: Callable[[], str] = lambda: "busy",
    pause_s: float = PAUSE_S,
) -> dict[str, Any]:
    """Record a payment, then read the KPI header, again and again while `busy()` (and at
    least `at_least` times); p50/p95/max in ms of each, overall and by the background's
    `phase` when each sample started, and the load average meanwhile."""
    rng = random.Random(len(bills))
    month = full_months(db, 0)[0]
    collection_kpis(db.read(), month)  # warm: the first read of a cold file is not the budget
    payments: list[float] = []
    kpis: list[float] = []
    loads: list[float] = []
    by_phase: dict[str, list[float]] = {}
    for bill in bills:
        if len(payments) >= at_least and not busy():
            break
        during = phase()
        started = time.perf_counter()
        record_payment(db.unit_of_work(), payment_request(bill, rng))
        payments.append((time.perf_counter() - started) * 1000)
        by_phase.setdefault(during, []).append(payments[-1])
        started = time.perf_counter()
        collection_kpis(db.read(), month)
        kpis.append((time.perf_counter() - started) * 1000)
        loads.append(os.getloadavg()[0])
        time.sleep(pause_s)
    return {
        "record_payment": _figures(payments),
        "kpis": _figures(kpis),
        "record_payment_by_phase": {name: _figures(spent) for name, spent in by_phase.items()},
        "samples": len(payments),
        "load_average": {"max": max(loads), "end": loads[-1]},
    }


def _figures(spent: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(spent, 50), 2),
        "p95": round(percentile(spent, 95), 2),
        "max": round(max(spent), 2),
    }
