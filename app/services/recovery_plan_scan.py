"""The daily plan scan: payments on plan cases reach the installments, missed installments come
back as recovery cases (exactly once each, through intake), a plan missed too often is broken."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from app.db.recovery_tables import recovery_cases
from app.recovery.plans import PlanRules, installment_status, is_missed
from app.services.recovery_intake import Failure, intake
from app.services.recovery_plan_offers import expire_lapsed_offers
from app.services.recovery_plans import (
    DEFAULT_RULES,
    apply_payment,
    case_event,
    close_plan,
    finish_if_paid,
    installments,
    payments,
    plans,
)
from app.services.recovery_portfolio import CaseRow

SOURCE = "plan"  # intake's source for cases opened by a missed installment
DEFAULT_GRACE_DAYS = 3
MISSED_CODE = "missed_installment"
BALANCE = "balance"  # the key suffix of a broken plan's balance case: RP-2026-0001/balance


@dataclass
class ScanReport:
    paid: list[str] = field(default_factory=list)  # RP-2026-0001/2 paid from a case
    missed: list[str] = field(default_factory=list)  # RP-2026-0001/2 marked missed now
    cases_opened: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)


def scan_missed_installments(engine: Engine, now: datetime) -> ScanReport:
    """The recovery service's daily round, with the default grace and rules; then the plan
    offers not accepted by their first due date expire."""
    report = missed_installments(engine, now, DEFAULT_GRACE_DAYS)
    expire_lapsed_offers(engine, now)
    return report


def missed_installments(
    engine: Engine,
    now: datetime,
    grace_days: int = DEFAULT_GRACE_DAYS,
    rules: PlanRules = DEFAULT_RULES,
) -> ScanReport:
    """Safe to run any number of times: each missed installment opens one case, ever."""
    report = ScanReport()
    apply_case_payments(engine, now, report)
    with engine.begin() as connection:
        _mark(connection, now, grace_days, report)
    for plan, row in _missed_without_case(engine):
        key = f"{plan['plan_number']}/{row['number']}"
        amount = row["amount_minor"] - row["paid_minor"]
        failure = _failure(engine, plan, key, amount, row["due_date"], now)
        added = intake(engine, SOURCE, [failure]).added
        report.cases_opened += added
        with engine.begin() as connection:
            case_id = _case_for(connection, key)
            connection.execute(
                update(installments)
                .where(installments.c.plan_id == plan["id"], installments.c.number == row["number"])
                .values(missed_case_id=case_id)
            )
    with engine.begin() as connection:
        _break(connection, now, rules, report)
    _open_balances(engine, now, report)
    return report


def _open_balances(engine: Engine, now: datetime, report: ScanReport) -> None:
    """A broken plan's installments not yet missed come back as one case for the balance
    (the missed ones have their own), so nothing the consumer owes is left unchased."""
    with engine.connect() as connection:
        due = []
        for plan in _plans(connection, ("broken",)):
            key = f"{plan['plan_number']}/{BALANCE}"
            rows = _balance_rows(connection, plan["id"])
            amount = sum(r["amount_minor"] - r["paid_minor"] for r in rows)
            if amount > 0 and _case_for(connection, key) is None:
                due.append((plan, key, amount, rows[0]["due_date"]))
    for plan, key, amount, first_due in due:
        failure = _failure(engine, plan, key, amount, first_due, now)
        report.cases_opened += intake(engine, SOURCE, [failure]).added


def apply_case_payments(engine: Engine, now: datetime, report: ScanReport | None = None) -> None:
    """What cases recovered for a plan (a missed installment's case charged again, a link paid
    on the planned case) goes to the installments; keyed by the case's running total, so a
    repeat or a second scanner books nothing twice."""
    report = report if report is not None else ScanReport()
    with engine.begin() as connection:
        for plan in _plans(connection, ("accepted", "broken")):
            for row in _rows(connection, plan["id"]):
                if row["missed_case_id"]:
                    fresh = _fresh(connection, plan, row["missed_case_id"], 0)
                    _book(connection, plan, [row], fresh, row["missed_case_id"], now, report)
            if plan["status"] == "accepted":
                fresh = _fresh(connection, plan, plan["case_id"], plan["base_recovered_minor"])
                owing = [
                    r for r in _rows(connection, plan["id"]) if r["paid_minor"] < r["amount_minor"]
                ]
                _book(connection, plan, owing, fresh, plan["case_id"], now, report)
            balance = _case_for(connection, f"{plan['plan_number']}/{BALANCE}")
            if balance is not None:
                fresh = _fresh(connection, plan, balance, 0)
                _book(connection, plan, _balance_rows(connection, plan["id"]), fresh, balance,
                      now, report)  # fmt: skip
            if finish_if_paid(connection, plan, now):
                report.completed.append(plan["plan_number"])


def _fresh(
    connection: Connection, plan: dict[str, Any], case_id: str, base: int
) -> tuple[int, int]:
    """(recovered by the case beyond `base`, the part not yet booked on this plan)."""
    recovered = (
        connection.execute(
            select(recovery_cases.c.recovered_minor).where(recovery_cases.c.id == case_id)
        ).scalar_one_or_none()
        or 0
    )
    booked = connection.execute(
        select(func.coalesce(func.sum(payments.c.amount_minor), 0)).where(
            payments.c.plan_id == plan["id"], payments.c.reference.like(f"case:{case_id}:%")
        )
    ).scalar_one()
    total = max(recovered - base, 0)
    return total, total - int(booked)


def _book(
    connection: Connection,
    plan: dict[str, Any],
    rows: list[dict[str, Any]],
    fresh: tuple[int, int],
    case_id: str,
    now: datetime,
    report: ScanReport,
) -> None:
    total, left = fresh
    reference = f"case:{case_id}:{total}"  # the running total: a second booking collides
    for row in rows:
        if left <= 0:
            return
        amount = min(left, row["amount_minor"] - row["paid_minor"])
        if amount <= 0:
            continue
        apply_payment(connection, plan, row["number"], amount, "case", reference, "recovery", now)
        left -= amount
        report.paid.append(f"{plan['plan_number']}/{row['number']}")


def _mark(connection: Connection, now: datetime, grace_days: int, report: ScanReport) -> None:
    today = now.date()
    for plan in _plans(connection, ("accepted",)):
        for row in _rows(connection, plan["id"]):
            if row["status"] in ("paid", "missed"):
                continue
            if is_missed(row["due_date"], today, grace_days):
                status = "missed"
                report.missed.append(f"{plan['plan_number']}/{row['number']}")
            else:
                status = installment_status(
                    row["amount_minor"], row["paid_minor"], row["due_date"], today
                )
            if status != row["status"]:
                connection.execute(
                    update(installments)
                    .where(
                        installments.c.plan_id == plan["id"], installments.c.number == row["number"]
                    )
                    .values(status=status, missed_at=now if status == "missed" else None)
                )


def _break(connection: Connection, now: datetime, rules: PlanRules, report: ScanReport) -> None:
    for plan in _plans(connection, ("accepted",)):
        missed = [r for r in _rows(connection, plan["id"]) if r["status"] == "missed"]
        if len(missed) < rules.broken_after_missed:
            continue
        reason = f"{len(missed)} installments missed"
        close_plan(connection, plan, "broken", reason, now)
        case_event(
            connection, plan["case_id"], now, "plan_broken", 0, plan["plan_number"], "recovery"
        )
        report.broken.append(plan["plan_number"])


def _missed_without_case(engine: Engine) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Missed installments whose case is not recorded yet (also after a crash mid-scan)."""
    with engine.connect() as connection:
        query = (
            select(plans, installments.c.number)
            .join(installments, installments.c.plan_id == plans.c.id)
            .where(installments.c.status == "missed", installments.c.missed_case_id.is_(None))
            .order_by(plans.c.plan_number, installments.c.number)
        )
        found = []
        for r in connection.execute(query):
            plan = {k: v for k, v in r._mapping.items() if k != "number"}
            row = next(x for x in _rows(connection, plan["id"]) if x["number"] == r.number)
            found.append((plan, row))
        return found


def _failure(
    engine: Engine, plan: dict[str, Any], key: str, amount: int, due: Any, now: datetime
) -> Failure:
    """The missed installment as a failure of the settled case's payment method, so the engine
    chases it on the same card or mandate."""
    with engine.connect() as connection:
        case = (
            connection.execute(select(recovery_cases).where(recovery_cases.c.id == plan["case_id"]))
            .one()
            ._mapping
        )
    row = CaseRow(
        case_id=key, consumer_id=plan["consumer_id"], amount_minor=amount,
        currency=plan["currency"], method=case["method"], gateway=case["gateway"],
        network=case["card_network"], card_type=case["card_type"], failed_at=now,
        code=MISSED_CODE, advice_code="", product="installment", due_date=due,
    )  # fmt: skip
    return Failure(row, case["instrument"])  # no external id: the key is ('plan', key)


def _case_for(connection: Connection, key: str) -> str | None:
    c = recovery_cases.c
    query = select(c.id).where(c.source == SOURCE, c.external_id == key)
    return connection.execute(query).scalar_one_or_none()


def _plans(connection: Connection, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    query = select(plans).where(plans.c.status.in_(statuses)).order_by(plans.c.plan_number)
    return [dict(r._mapping) for r in connection.execute(query)]


def _rows(connection: Connection, plan_id: str) -> list[dict[str, Any]]:
    query = select(installments).where(installments.c.plan_id == plan_id)
    return [dict(r._mapping) for r in connection.execute(query.order_by(installments.c.number))]


def _balance_rows(connection: Connection, plan_id: str) -> list[dict[str, Any]]:
    """Installments neither paid nor missed: what a broken plan's balance case chases."""
    return [
        r for r in _rows(connection, plan_id)
        if r["status"] != "missed" and r["paid_minor"] < r["amount_minor"]
    ]  # fmt: skip
