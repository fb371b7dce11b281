"""The record-payment form as plain values, checked with the domain rules as the cashier types."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, parse_amount
from app.domain.payments import (
    Due,
    PaymentType,
    Settlement,
    backdating_needs_approval,
    check_notes,
    check_payment_date,
    settle,
)
from app.domain.settings import PaymentMethod, Settings
from app.services.consumers import ConsumerAccount, UnpaidItem
from app.services.record_payment import PaymentRequest

NO_ITEMS = "Select at least one unpaid item to pay."
NO_CONSUMER = "Find and choose the consumer first."


class Extra(StrEnum):
    """What happens to cash paid beyond what the chosen items owe."""

    CHANGE = "change"
    CREDIT = "credit"


@dataclass(frozen=True)
class Draft:
    account: ConsumerAccount | None
    payment_type: PaymentType
    channel: str
    items: tuple[UnpaidItem, ...]  # the checked ones
    method: PaymentMethod | None
    amount_text: str
    received_text: str = ""
    extra: Extra | None = None
    notes: str = ""
    paid_on: date | None = None  # the payment date field; None is today


@dataclass(frozen=True)
class DraftCheck:
    """Why the draft cannot be confirmed (by field), and how it would settle if it can."""

    errors: dict[str, str] = field(default_factory=dict)
    outstanding_minor: int = 0
    typed_minor: int | None = None  # the amount field as typed
    extra_minor: int = 0  # typed amount beyond the outstanding
    settlement: Settlement | None = None  # what the service will record
    keeps_credit: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors and self.settlement is not None


def check_draft(draft: Draft, settings: Settings, today: date) -> DraftCheck:
    """Every reason the payment cannot be recorded yet, keyed by the field that shows it."""
    errors: dict[str, str] = {}
    outstanding = sum(i.outstanding_minor for i in draft.items)
    if draft.account is None:
        errors["consumer"] = NO_CONSUMER
    if not draft.items:
        errors["items"] = NO_ITEMS
    if draft.method is None:
        errors["method"] = "Choose the payment method."
    try:
        check_notes(draft.notes, settings.notes_max_length)
    except UserFacingError as error:
        errors["notes"] = error.message
    try:
        check_payment_date(draft.paid_on or today, today)
    except UserFacingError as error:
        errors["date"] = error.message
    typed = _amount(draft.amount_text, settings, "Amount", errors, "amount")
    if typed is None or not draft.items or draft.method is None:
        return DraftCheck(errors, outstanding, typed)
    is_cash = draft.method.is_cash
    dues = [
        Due(i.item_id, i.reference, i.outstanding_minor, i.due_date, i.item_date)
        for i in draft.items
    ]

    def settled(amount: int, tendered: int | None, where: str) -> Settlement | None:
        try:
            return settle(
                amount_minor=amount,
                tendered_minor=tendered,
                is_cash=is_cash,
                dues=dues,
                paid_on=today,
                overpayment_threshold_minor=settings.overpayment_threshold_minor,
                currency=settings.currency,
                locale=settings.locale,
                account_balance_minor=draft.account.balance_minor if draft.account else None,
            )
        except UserFacingError as error:
            errors[where] = error.message
            return None

    if settled(typed, None, "amount") is None:
        return DraftCheck(errors, outstanding, typed)
    extra = max(0, typed - outstanding)
    amount, tendered = typed, None
    if extra and is_cash:
        if draft.extra is None:
            errors["extra"] = "Choose: return the extra as change, or keep it as a credit note."
        elif draft.extra is Extra.CHANGE:
            amount, tendered = outstanding, typed
    if is_cash and draft.received_text.strip():
        tendered = _amount(draft.received_text, settings, "Amount received", errors, "received")
        if tendered is None:
            return DraftCheck(errors, outstanding, typed, extra)
    settlement = settled(amount, tendered, "received")
    if errors:
        return DraftCheck(errors, outstanding, typed, extra)
    assert settlement is not None
    return DraftCheck(
        errors, outstanding, typed, extra, settlement, keeps_credit=settlement.overpaid_minor > 0
    )


def _amount(
    text: str, settings: Settings, label: str, errors: dict[str, str], where: str
) -> int | None:
    try:
        return parse_amount(text, settings.currency, field=label)
    except UserFacingError as error:
        errors[where] = error.message
        return None


def payment_request(
    draft: Draft, check: DraftCheck, settings: Settings, username: str | None
) -> PaymentRequest:
    """What the service is asked to record: exactly the settlement the screen showed."""
    settlement = check.settlement
    if draft.account is None or draft.method is None or settlement is None:
        raise UserFacingError("The payment is not complete yet.")
    currency = settings.currency
    tendered = decimal_text(settlement.tendered_minor, currency) if draft.method.is_cash else None
    return PaymentRequest(
        account_number=draft.account.account_number,
        payment_type=draft.payment_type.value,
        items=tuple(i.reference for i in draft.items),
        method=draft.method.name,
        amount=decimal_text(settlement.amount_minor, currency),
        tendered=tendered,
        channel=draft.channel,
        notes=draft.notes.strip() or None,
        username=username,
        paid_on=draft.paid_on,
    )


def needs_supervisor_for_date(draft: Draft, settings: Settings, today: date) -> bool:
    """The date field says so before review: a supervisor will be asked at confirm."""
    paid_on = draft.paid_on or today
    return backdating_needs_approval(paid_on, today, settings.backdate_days_without_approval)
