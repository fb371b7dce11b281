"""Intake: failed payments become recovery cases exactly once, keyed by (source, external id)."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.domain.errors import UserFacingError
from app.recovery.cases import HIGH_VALUE_FACTOR
from app.recovery.code_tables import DeclineCodes, load_decline_codes
from app.recovery.contacts import InvalidContact, checked_email, checked_phone
from app.services.recovery_portfolio import BadRow, CaseRow, Consumer, _case, _consumer, _read
from app.services.recovery_webhook_events import publish_cases_opened

CSV_SOURCE = "csv"


@dataclass
class IntakeReport:
    added: list[str] = field(default_factory=list)
    already_known: list[str] = field(default_factory=list)  # the same failure seen before
    refused: list[str] = field(default_factory=list)  # "file:line: reason"


@dataclass(frozen=True)
class Failure:
    """One failed payment as a source reports it."""

    row: CaseRow
    instrument: str = ""
    # The gateway's own id of the failed payment, when known: a webhook, a poll and an import
    # of the same failure then share the key (gateway, external_id) and open one case.
    external_id: str = ""

    def key(self, source: str) -> tuple[str, str]:
        if self.external_id:
            return self.row.gateway, self.external_id
        return source, self.row.case_id


def import_csv(engine: Engine, cases_csv: Path, consumers_csv: Path | None = None) -> IntakeReport:
    """cases.csv (the simulate protocol's columns, plus an optional `instrument`)."""
    if not cases_csv.exists():
        raise UserFacingError(f"There is no file {cases_csv}.")
    report = IntakeReport()
    consumers = _read(consumers_csv, _reachable_consumer, report.refused) if consumers_csv else []
    known = _known_consumers(engine) | {c.consumer_id for c in consumers}

    def parse(row: dict[str, str]) -> Failure:
        def check(consumer_id: str) -> str:
            if consumer_id not in known:
                raise BadRow(f"unknown consumer {consumer_id!r}")
            return consumer_id

        return Failure(
            _case(row, check),
            (row.get("instrument") or "").strip(),
            (row.get("external_id") or "").strip(),
        )

    failures = _read(cases_csv, parse, report.refused)
    save_consumers(engine, consumers)
    intake(engine, CSV_SOURCE, failures, report)
    return report


def _reachable_consumer(row: dict[str, str]) -> Consumer:
    """A consumer row whose phone and e-mail, when given, can reach someone: refused with the
    reason otherwise (the row, not the file); the phone kept in E.164."""
    consumer = _consumer(row)
    try:
        email = checked_email(consumer.email) if consumer.email else ""
        phone = checked_phone(consumer.phone, consumer.country) if consumer.phone else ""
    except InvalidContact as error:
        raise BadRow(error.message) from None
    return replace(consumer, email=email, phone=phone)


def intake(
    engine: Engine, source: str, failures: list[Failure], report: IntakeReport | None = None
) -> IntakeReport:
    """Open a case per failure not seen before from `source`; a repeat is a no-op."""
    report = report or IntakeReport()
    codes = load_decline_codes()
    for attempt in range(2):  # a concurrent intake of the same failure: read again, once
        try:
            with engine.begin() as connection:
                _insert_new(connection, source, failures, codes, report)
            return report
        except IntegrityError:
            if attempt:
                raise
            report.added.clear()
            report.already_known.clear()
    return report


def _insert_new(
    connection: Connection,
    source: str,
    failures: list[Failure],
    codes: DeclineCodes,
    report: IntakeReport,
) -> None:
    keys = {f.key(source) for f in failures}
    query = select(recovery_cases.c.source, recovery_cases.c.external_id).where(
        recovery_cases.c.external_id.in_(sorted({external_id for _, external_id in keys}))
    )
    seen = {(row.source, row.external_id) for row in connection.execute(query)} & keys
    ids = [f.row.case_id for f in failures]
    taken = set(
        connection.execute(
            select(recovery_cases.c.id).where(recovery_cases.c.id.in_(ids))
        ).scalars()
    )
    fresh: dict[tuple[str, str], Failure] = {}
    for failure in failures:
        key = failure.key(source)
        if key in seen or key in fresh:
            report.already_known.append(failure.row.case_id)
        else:
            fresh[key] = failure
    if not fresh:
        return
    medians = _medians(connection, [f.row for f in fresh.values()])
    vips = _vips(connection)
    rows = []
    for (key_source, external_id), failure in fresh.items():
        case = failure.row
        decline = codes.classify(
            gateway=case.gateway,
            method=case.method,
            network=case.network,
            code=case.code,
            advice_code=case.advice_code,
        )
        high = case.amount_minor >= HIGH_VALUE_FACTOR * medians[case.currency]
        segment = "high_value" if high else "vip" if vips.get(case.consumer_id) else "standard"
        # Another source may have used the id: the case gets one of its own, keyed by source.
        case_id = case.case_id if case.case_id not in taken else f"{key_source}:{case.case_id}"
        taken.add(case_id)
        rows.append(
            {
                "id": case_id,
                "consumer_id": case.consumer_id,
                "amount_minor": case.amount_minor,
                "currency": case.currency,
                "method": case.method,
                "gateway": case.gateway,
                "card_network": case.network,
                "card_type": case.card_type,
                "failed_at": case.failed_at,
                "code": case.code,
                "merchant_advice_code": case.advice_code,
                "category": decline.category.value,
                "product": case.product,
                "due_date": case.due_date.isoformat() if case.due_date else None,
                "segment": segment,
                "status": "open",
                "recovered_minor": 0,
                "source": key_source,
                "external_id": external_id,
                "instrument": failure.instrument,
                "next_at": case.failed_at,
            }
        )
        report.added.append(case_id)
    connection.execute(recovery_cases.insert(), rows)
    publish_cases_opened(connection, rows)


def save_consumers(engine: Engine, consumers: list[Consumer]) -> None:
    """Insert consumers not known yet (the first record of a consumer is kept; only a name
    it lacked is filled in from a later one)."""
    if not consumers:
        return
    with engine.begin() as connection:
        have = _known_consumers_in(connection)
        rows = [_consumer_row(c) for c in {c.consumer_id: c for c in consumers}.values()]
        new = [r for r in rows if r["id"] not in have]
        if new:
            connection.execute(recovery_consumers.insert(), new)
        named = [{"key": r["id"], "name": r["name"]} for r in rows if r["id"] in have and r["name"]]
        if named:
            connection.execute(
                update(recovery_consumers)
                .where(recovery_consumers.c.id == bindparam("key"), recovery_consumers.c.name == "")
                .values(name=bindparam("name")),
                named,
            )


def _consumer_row(consumer: Consumer) -> dict[str, Any]:
    return {
        "id": consumer.consumer_id,
        "name": consumer.name,
        "email": consumer.email,
        "phone": consumer.phone,
        "country": consumer.country,
        "subdivision": consumer.subdivision,
        "timezone": consumer.timezone,
        "language": consumer.language,
        "vip": consumer.vip,
    }


def _known_consumers(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return _known_consumers_in(connection)


def _known_consumers_in(connection: Connection) -> set[str]:
    return set(connection.execute(select(recovery_consumers.c.id)).scalars())


def _vips(connection: Connection) -> dict[str, bool]:
    query = select(recovery_consumers.c.id, recovery_consumers.c.vip)
    return {row.id: row.vip for row in connection.execute(query)}


def _medians(connection: Connection, new: list[CaseRow]) -> dict[str, float]:
    """Median case amount per currency, over the cases kept and the new ones."""
    amounts: dict[str, list[int]] = {}
    query = select(recovery_cases.c.currency, recovery_cases.c.amount_minor)
    for currency, amount in connection.execute(query):
        amounts.setdefault(currency, []).append(amount)
    for case in new:
        amounts.setdefault(case.currency, []).append(case.amount_minor)
    return {currency: median(values) for currency, values in amounts.items()}


# -- the demo ---------------------------------------------------------------------------------
DEMO_CASES = (
    # gateway, network, code, amount_minor, hours ago, product
    ("nmi", "visa", "202", 4_500, 30, "bill"),
    ("nmi", "mastercard", "202", 12_900, 52, "installment"),
    ("stripe", "visa", "insufficient_funds", 2_999, 75, "service"),
    ("stripe", "mastercard", "do_not_honor", 8_000, 26, "bill"),
    ("nmi", "visa", "223", 6_100, 40, "bill"),  # expired card: asks for a new one
    ("stripe", "visa", "stolen_card", 15_000, 28, "bill"),  # hard decline: never retried
    ("nmi", "visa", "301", 3_300, 49, "installment"),  # gateway trouble: retried soon
    ("stripe", "mastercard", "insufficient_funds", 250_000, 100, "installment"),
)


def demo_failures(
    now: datetime, prefix: str = "DEMO", names: Sequence[str] = ()
) -> tuple[list[Consumer], list[Failure]]:
    """A small portfolio of failed card payments, so a newcomer sees cases move; `names`
    (the demo's people) are given to its consumers in turn."""
    consumers, failures = [], []
    for i, (gateway, network, code, amount, hours, product) in enumerate(DEMO_CASES, start=1):
        name = names[(i - 1) % len(names)] if names else ""
        consumer = Consumer(
            f"DC{i:03d}", f"demo{i}@example.com", "", "US", "NY", "America/New_York", "en", i == 2,
            name,
        )  # fmt: skip
        consumers.append(consumer)
        failed = now - timedelta(hours=hours)
        row = CaseRow(
            case_id=f"{prefix}-{i:03d}",
            consumer_id=consumer.consumer_id,
            amount_minor=amount,
            currency="USD",
            method="card",
            gateway=gateway,
            network=network,
            card_type="debit",
            failed_at=failed,
            code=code,
            advice_code="",
            product=product,
            due_date=failed.date(),
        )
        failures.append(Failure(row, f"demo-token-{i:03d}"))
    return consumers, failures
