"""Build the printable receipt and credit note from what the database holds."""

from datetime import datetime

from app.db.tables import Consumer, CreditNote
from app.domain import credit_notes as rules
from app.domain.credit_notes import CreditNoteStatus
from app.domain.documents import (
    CreditNoteDocument,
    Formats,
    ReceiptDocument,
    Row,
    Section,
    copy_mark,
    header_lines,
    qr_payload,
    verification_code,
)
from app.domain.settings import Settings
from app.services.consumers import consumer_account
from app.services.payment_details import SYSTEM, PaidItem, PaymentDetails, payment_details
from app.services.unit_of_work import UnitOfWork

GENERATOR = "Tilldesk"
# A note that is not usable credit says so where a copy mark would, so nobody takes it as one.
NOT_VALID = {
    CreditNoteStatus.PENDING_APPROVAL.value: "PENDING APPROVAL - NOT VALID",
    CreditNoteStatus.REJECTED.value: "REJECTED - NOT VALID",
    CreditNoteStatus.CANCELLED.value: "CANCELLED - NOT VALID",
}


def receipt_document(uow: UnitOfWork, receipt_number: str, *, reprint: int = 0) -> ReceiptDocument:
    """The receipt of one payment (by receipt, payment or transaction number)."""
    with uow:
        details = payment_details(uow, receipt_number)
        account = consumer_account(uow, details.account_number)
        return compose_receipt(
            details,
            settings=uow.settings(),
            balance_minor=account.balance_minor,
            credit_available_minor=account.credit_available_minor,
            provisional=account.provisional,
            printed_at=uow.now(),
            reprint=reprint,
        )


def compose_receipt(
    details: PaymentDetails,
    *,
    settings: Settings,
    balance_minor: int,
    credit_available_minor: int,
    provisional: bool,
    printed_at: datetime,
    reprint: int = 0,
) -> ReceiptDocument:
    """Decide every line of the receipt, in order, from plain values."""
    f = Formats(details.currency, settings.locale, settings.timezone)
    code = verification_code(details.payment_id, details.receipt_number, details.amount_minor)
    return ReceiptDocument(
        title="PAYMENT RECEIPT",
        number=details.receipt_number,
        header=header_lines(settings.receipt_header),
        logo=settings.receipt_logo or None,
        copy_mark=copy_mark(reprint),
        sections=tuple(
            s
            for s in (
                _transaction(details, f),
                _consumer(details),
                _paid(details, f),
                _method(details, f),
                _credit_notes(details, f),
                _balance(balance_minor, credit_available_minor, provisional, reprint, f),
                Section("Notes", (Row(details.notes),)) if details.notes else None,
            )
            if s is not None
        ),
        notices=_receipt_notices(details, provisional, reprint, printed_at, f),
        footer=header_lines(settings.receipt_footer),
        qr_payload=qr_payload(details.receipt_number, code),
        barcode_data=details.receipt_number,
        verification_caption=f"Verification code {code}",
        open_drawer=details.is_cash and reprint == 0,  # a reprint never pops the drawer
        receipt_number=details.receipt_number,
        payment_number=details.payment_number,
        transaction_number=details.transaction_number,
        currency=details.currency,
        amount_minor=details.amount_minor,
        is_cash=details.is_cash,
        verification_code=code,
        reprint=reprint,
        balance_after_minor=balance_minor,
        provisional_balance=provisional,
    )


def _transaction(d: PaymentDetails, f: Formats) -> Section:
    return Section(
        "Payment",
        (
            Row("Receipt No.", d.receipt_number, strong=True),
            Row("Payment ID", d.payment_number),
            Row("Transaction ID", d.transaction_number),
            *_when(d, f),
            Row("Terminal", d.terminal_code),
            Row("Cashier", d.received_by),
            Row("Status", d.status),
            Row("Processing time", d.processing_time),
            Row("Verification", d.verification),
        ),
    )


def _consumer(d: PaymentDetails) -> Section:
    rows = [
        Row("Name", d.consumer_name),
        Row("Account No.", d.account_number),
        Row("Service address", d.service_address),
    ]
    if d.phone:
        rows.append(Row("Phone", d.phone))
    return Section("Consumer", tuple(rows))


def _when(d: PaymentDetails, f: Formats) -> tuple[Row, ...]:
    """The payment date, and when it was keyed in if that was another day (mail, drop box)."""
    if f.local_date(d.recorded_at) == f.date(d.payment_date):
        return (Row("Date", f.date(d.payment_date)), Row("Time", f.time(d.recorded_at)))
    return (Row("Date", f.date(d.payment_date)), Row("Recorded", f.moment(d.recorded_at)))


def _paid(d: PaymentDetails, f: Formats) -> Section:
    rows = [_item_row(item, f) for item in d.items]
    rows.append(Row("Total paid", f.money(d.amount_minor), strong=True))
    return Section(f"{d.payment_type} payment", tuple(rows))


def _item_row(item: PaidItem, f: Formats) -> Row:
    """Invoice and period / service and date / plan and installment, with the amount paid."""
    if item.kind == "bill":
        label, detail = item.reference, f"Billing period {item.description}"
    elif item.kind == "service":
        label, detail = item.reference, f"{item.description}, {f.date(item.item_date)}"
    else:
        plan, _, number = item.reference.partition("/")
        label, detail = plan, f"Installment {number}, due {f.date(item.item_date)}"
    if item.paid_minor != item.item_amount_minor:
        detail += f" (of {f.money(item.item_amount_minor)})"
    return Row(label, f.money(item.paid_minor), detail=detail)


def _method(d: PaymentDetails, f: Formats) -> Section:
    rows = [Row("Method", d.method), Row("Channel", d.channel)]
    if d.is_cash:
        rows.append(Row("Amount received", f.money(d.tendered_minor)))
        rows.append(Row("Change", f.money(d.change_minor), strong=True))
    return Section("Paid by", tuple(rows))


def _credit_notes(d: PaymentDetails, f: Formats) -> Section | None:
    if not d.credit_notes:
        return None
    rows = tuple(Row(n.number, f.money(n.amount_minor), detail=n.reason) for n in d.credit_notes)
    return Section("Credit note issued", rows)


def _balance(
    balance_minor: int, credit_minor: int, provisional: bool, reprint: int, f: Formats
) -> Section:
    label = "Balance after payment" if reprint == 0 else "Current balance"
    value = f.money(balance_minor) + (" *" if provisional else "")
    rows = [Row(label, value, strong=True)]
    if credit_minor:
        rows.append(Row("Credit available", f.money(credit_minor)))
    return Section("Account", tuple(rows))


def _receipt_notices(
    d: PaymentDetails, provisional: bool, reprint: int, printed_at: datetime, f: Formats
) -> tuple[str, ...]:
    notices = []
    if provisional:
        notices.append("* Provisional balance: not yet confirmed by the central office.")
    if d.voided_at is not None:
        notices.append(
            f"VOIDED {f.moment(d.voided_at)} by {d.voided_by or SYSTEM}: {d.void_reason or ''}"
        )
    if reprint:
        notices.append(f"Reprinted {f.moment(printed_at)}")
    return tuple(notices)


def credit_note_document(uow: UnitOfWork, number: str, *, reprint: int = 0) -> CreditNoteDocument:
    """The printable credit note with its system stamp."""
    with uow:
        settings = uow.settings()
        note = uow.credit_notes.by_number(number)
        consumer = uow.consumers.get(note.consumer_id)
        payment = uow.payments.get(note.payment_id)
        creator = uow.users.get(note.created_by) if note.created_by else None
        assert consumer is not None and payment is not None
        applied = uow.credit_notes.applied_minor(note.id)
        status = rules.status_of(
            amount_minor=note.amount_minor,
            applied_minor=applied,
            expires_on=note.expires_on,
            today=uow.today(),
            stored=note.status,  # pending, rejected and cancelled notes say so
        )
        return _compose_credit_note(
            note,
            settings=settings,
            consumer=consumer,
            receipt_number=payment.receipt_number,
            terminal_code=uow.terminals.code_of(note.terminal_id),
            created_by=creator.full_name if creator else SYSTEM,
            applied=applied,
            status=status.value,
            printed_at=uow.now(),
            reprint=reprint,
        )


def _compose_credit_note(
    note: CreditNote,
    *,
    settings: Settings,
    consumer: Consumer,
    receipt_number: str,
    terminal_code: str,
    created_by: str,
    applied: int,
    status: str,
    printed_at: datetime,
    reprint: int,
) -> CreditNoteDocument:
    f = Formats(note.currency, settings.locale, settings.timezone)
    code = verification_code(note.id, note.number, note.amount_minor)
    remaining = note.amount_minor - applied
    usage = rules.usage_percent(applied, note.amount_minor)
    details = [
        Row("Credit note No.", note.number, strong=True),
        Row("Status", status),
        Row("Reason", note.reason),
        Row("Created", f.moment(note.created_at)),
        Row("Expires", f.date(note.expires_on)),
        Row("Created by", created_by),
        Row("Linked receipt", receipt_number),
    ]
    if note.remarks:
        details.append(Row("Remarks", note.remarks))
    return CreditNoteDocument(
        title="CREDIT NOTE",
        number=note.number,
        header=header_lines(settings.receipt_header),
        logo=settings.receipt_logo or None,
        copy_mark=NOT_VALID.get(status) or copy_mark(reprint),
        sections=(
            Section("Credit note", tuple(details)),
            Section(
                "Consumer",
                (Row("Name", consumer.name), Row("Account No.", consumer.account_number)),
            ),
            Section(
                "Amounts",
                (
                    Row("Credit amount", f.money(note.amount_minor), strong=True),
                    Row("Applied", f.money(applied)),
                    Row("Remaining", f.money(remaining), strong=True),
                    Row("Usage", f"{usage}%"),
                ),
            ),
            Section(
                "System stamp",
                (
                    Row("Generated by", GENERATOR),
                    Row("Terminal", terminal_code),
                    Row("Printed", f.moment(printed_at)),
                    Row("Verification code", code),
                ),
            ),
        ),
        notices=_credit_note_notices(status, reprint, printed_at, f),
        footer=header_lines(settings.receipt_footer),
        qr_payload=qr_payload(note.number, code),
        barcode_data=note.number,
        credit_note_number=note.number,
        linked_receipt=receipt_number,
        currency=note.currency,
        amount_minor=note.amount_minor,
        applied_minor=applied,
        remaining_minor=remaining,
        status=status,
        verification_code=code,
        reprint=reprint,
    )


def _credit_note_notices(
    status: str, reprint: int, printed_at: datetime, f: Formats
) -> tuple[str, ...]:
    notices = []
    if status in NOT_VALID:
        notices.append(f"{NOT_VALID[status]}: this credit note cannot be used.")
    if reprint:
        notices.append(f"Reprinted {f.moment(printed_at)}")
    return tuple(notices)
