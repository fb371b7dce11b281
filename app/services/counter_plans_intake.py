"""Intake source "counter_plan": a missed installment of a plan the central server owns becomes
a recovery case, exactly once (keyed by PP-2026-0001/2), so the recovery service's messaging
reminds the consumer; the consumer is added to the recovery database with their contact."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Engine

from app.services.recovery_intake import Failure, IntakeReport, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer

SOURCE = "counter_plan"
MISSED_CODE = "missed_installment"
METHOD = "counter"  # paid in person: no saved instrument, so the engine reminds, never charges


class MissedInstallment(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def account_number(self) -> str: ...
    @property
    def consumer(self) -> Mapping[str, Any]: ...
    @property
    def amount_minor(self) -> int: ...
    @property
    def due_date(self) -> date: ...
    @property
    def currency(self) -> str: ...


def intake_missed_installments(
    recovery: Engine, missed: Sequence[MissedInstallment], now: datetime, country: str = "US"
) -> IntakeReport:
    """Open a case per missed installment not seen before; a repeat is a no-op."""
    owed = [m for m in missed if m.amount_minor > 0]
    if not owed:
        return IntakeReport()
    save_consumers(
        recovery, [recovery_consumer(m.account_number, m.consumer, country) for m in owed]
    )
    return intake(recovery, SOURCE, [_failure(m, now) for m in owed])


def recovery_consumer(account_number: str, row: Mapping[str, Any], country: str) -> Consumer:
    """The counter's consumer row as the recovery service keeps it (first record kept)."""
    return Consumer(
        consumer_id=account_number,  # recovery cases know consumers by account number
        email=str(row.get("email") or ""),
        phone=str(row.get("phone") or ""),
        country=country,
        subdivision="",
        timezone=str(row.get("timezone") or "UTC"),
        language=str(row.get("language") or "en"),
        vip=False,
        name=str(row.get("name") or ""),
    )


def _failure(missed: MissedInstallment, now: datetime) -> Failure:
    row = CaseRow(
        case_id=missed.key, consumer_id=missed.account_number, amount_minor=missed.amount_minor,
        currency=missed.currency, method=METHOD, gateway=METHOD, network="", card_type="",
        failed_at=now, code=MISSED_CODE, advice_code="", product="installment",
        due_date=missed.due_date,
    )  # fmt: skip
    return Failure(row)  # no external id: the key is (SOURCE, PP-2026-0001/2)
