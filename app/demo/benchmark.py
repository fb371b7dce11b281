"""The performance benchmark: build a large counter file, time the calls the budgets name.

Budgets (ARCHITECTURE.md, this 2-core machine): search p95 <= 20 ms, record payment p95
<= 15 ms, KPI header <= 150 ms, payments first page <= 100 ms, filter change <= 200 ms.
Each measurement runs once untimed first, so the numbers are for a warm file. The samples
(names, receipts, bills to pay) are picked with raw SQL: this is a builder, not a use case.
"""

import os
import random
import statistics
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from app.db.database import Database, open_database
from app.demo.bench_data import BenchSize, add_unpaid_bills, ensure_database
from app.domain.progress import Progress, no_progress
from app.services.consumers import search_consumers, search_consumers_like
from app.services.kpis import collection_kpis
from app.services.payments_list import PaymentQuery, list_payments
from app.services.record_payment import PaymentRequest, record_payment

LIKE_SAMPLES = 20  # the LIKE scan reads every row: a few runs give the ratio


def run_benchmark(
    path: Path,
    *,
    consumers: int,
    payments: int,
    samples: int = 200,
    progress: Progress = no_progress,
) -> dict[str, Any]:
    """Build (or reuse) the file at `path`, then p50/p95 in milliseconds of each operation."""
    if consumers < 1 or payments < 1 or samples < 1:
        raise ValueError("consumers, payments and samples must be at least 1")
    build_seconds = ensure_database(Path(path), BenchSize(consumers, payments), progress)
    load_before = os.getloadavg()[0]
    db = open_database(Path(path))
    try:
        rng = random.Random(samples)
        queries = search_queries(db, rng, samples)
        results: dict[str, Any] = {
            "search": _timed(lambda q: search_consumers(db.read(), q), queries),
            "search_like": _timed(
                lambda q: search_consumers_like(db.read(), q), queries[:LIKE_SAMPLES]
            ),
            "record_payment": _timed(
                lambda bill: record_payment(db.unit_of_work(), payment_request(bill, rng)),
                add_unpaid_bills(db, samples + 1),
            ),
            "kpis": _timed(
                lambda month: collection_kpis(db.read(), month), full_months(db, samples)
            ),
            "payments_first_page": _timed(
                lambda _: list_payments(db.read(), PaymentQuery()), range(samples + 1)
            ),
            "payments_filter": _timed(
                lambda query: list_payments(db.read(), query), filter_queries(db, rng, samples)
            ),
        }
        results["sizes"] = sizes(db)
    finally:
        db.close()
    results["build_seconds"] = round(build_seconds, 1)
    # Timings on a shared machine mean little without this: 2.0 is both cores busy.
    results["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    return results


def _timed(call: Callable[[Any], object], inputs: Iterable[Any]) -> dict[str, float]:
    """p50 and p95 in milliseconds; the first input is a warm-up and is not counted."""
    runs = list(inputs)
    call(runs[0])
    spent = []
    for value in runs[1:] or runs:
        started = time.perf_counter()
        call(value)
        spent.append((time.perf_counter() - started) * 1000)
    return {"p50": round(percentile(spent, 50), 2), "p95": round(percentile(spent, 95), 2)}


def percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def full_months(db: Database, count: int) -> list[str]:
    """Last month, whose KPIs read a full month and the one before it: the header's worst case."""
    with db.read() as uow:
        last_month = uow.today().replace(day=1) - timedelta(days=1)
    return [last_month.strftime("%Y-%m")] * (count + 1)


def search_queries(db: Database, rng: random.Random, count: int) -> list[str]:
    """What cashiers type: part of a first or last name, a name and initial, an account
    number or part of it, the last digits of a phone number. One extra for the warm-up."""
    with db.read() as uow:
        highest = uow.session.scalar(text("SELECT max(rowid) FROM consumers")) or 1
        picks = [
            uow.session.execute(
                text("SELECT name, account_number, phone FROM consumers WHERE rowid >= :r LIMIT 1"),
                {"r": rng.randint(1, highest)},
            ).one()
            for _ in range(count + 1)
        ]
    makers: list[Callable[[str, str, str], str]] = [
        lambda name, account, phone: name.split()[0][:4],
        lambda name, account, phone: name.split()[-1][1:6],
        lambda name, account, phone: f"{name.split()[0]} {name.split()[-1][:3]}",
        lambda name, account, phone: account,
        lambda name, account, phone: account[-5:],
        lambda name, account, phone: (phone or "555-0000")[-8:],
        lambda name, account, phone: name.lower()[:2],
    ]
    return [makers[i % len(makers)](*pick) for i, pick in enumerate(picks)]


def filter_queries(db: Database, rng: random.Random, count: int) -> list[PaymentQuery]:
    """Filter changes on the All Payments tab: method, status, dates, text, combinations."""
    with db.read() as uow:
        today = uow.today()
        methods = [m.name for m in uow.settings().methods]
        receipts = uow.session.scalars(
            text("SELECT receipt_number FROM payments ORDER BY random() LIMIT 20")
        ).all()
        names = uow.session.scalars(
            text("SELECT name FROM consumers ORDER BY random() LIMIT 20")
        ).all()
    month_ago = today - timedelta(days=30)
    makers: list[Callable[[], PaymentQuery]] = [
        lambda: PaymentQuery(method=rng.choice(methods)),
        lambda: PaymentQuery(status="Posted"),
        lambda: PaymentQuery(date_from=month_ago, date_to=today),
        lambda: PaymentQuery(method=rng.choice(methods), date_from=month_ago, date_to=today),
        lambda: PaymentQuery(payment_type="Bill", date_from=month_ago - timedelta(days=90)),
        lambda: PaymentQuery(search=rng.choice(receipts)[:-1]),
        lambda: PaymentQuery(search=rng.choice(names).split()[-1][:5]),
        lambda: PaymentQuery(status="Voided"),
    ]
    return [makers[i % len(makers)]() for i in range(count + 1)]


def payment_request(bill: tuple[str, str, int], rng: random.Random) -> PaymentRequest:
    account, invoice, amount_minor = bill
    method = rng.choice(("Cash", "Credit Card", "Debit Card", "Mobile Wallet"))
    amount = f"{amount_minor // 100}.{amount_minor % 100:02d}"
    return PaymentRequest(account, "Bill", (invoice,), method, amount, username="jsmith")


def sizes(db: Database) -> dict[str, int]:
    with db.read() as uow:
        counts = {
            table: uow.session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("consumers", "bills", "payments", "payment_allocations")
        }
    counts["file_mb"] = round(db.path.stat().st_size / 1_000_000)
    return counts
