"""What the record-payment summary and the review panel say about a checked draft."""

from collections.abc import Callable
from datetime import date
from html import escape

from ui.screens.record_payment_draft import Draft, DraftCheck, Extra

Money = Callable[[int], str]
Line = tuple[str, str, str]  # key, caption, value


def summary_lines(draft: Draft, check: DraftCheck, money: Money) -> list[str]:
    """Outstanding, then what becomes of the amount: exact, still owed, or the extra (HTML)."""
    is_cash = draft.method is not None and draft.method.is_cash
    outstanding, typed, extra = check.outstanding_minor, check.typed_minor, check.extra_minor
    lines = [f"Outstanding on the selected items: <b>{money(outstanding)}</b>"]
    if typed is None or typed <= 0 or "amount" in check.errors:
        return lines
    if typed == outstanding:
        lines[0] += "  ·  exact payment"
    elif typed < outstanding:
        lines.append(f"Still outstanding after this payment: <b>{money(outstanding - typed)}</b>")
    elif not is_cash:
        lines.append(
            f"Extra <b>{money(extra)}</b> is kept as a credit note automatically "
            "(change is given for cash only)."
        )
    elif draft.extra is Extra.CHANGE:
        lines.append(f"Extra <b>{money(extra)}</b> goes back as change.")
    elif draft.extra is Extra.CREDIT:
        lines.append(f"Extra <b>{money(extra)}</b> is kept as a credit note.")
    # else the choice row under the summary asks what to do with the extra
    if check.settlement is not None and len(draft.items) > 1:
        references = {i.item_id: i.reference for i in draft.items}
        split = ", ".join(
            f"{escape(references[a.item_id])} {money(a.amount_minor)}"
            for a in check.settlement.allocations
        )
        lines.append(f"Applied oldest first: {split}")
    return lines


def review_lines(
    draft: Draft,
    check: DraftCheck,
    money: Money,
    recorded_by: str,
    day: Callable[[date], str] = date.isoformat,
) -> tuple[list[Line], list[Line]]:
    """The account summary and the payment summary, as the spec's review step lists them."""
    account, settlement = draft.account, check.settlement
    if account is None or settlement is None or draft.method is None:
        raise ValueError("Only a valid draft can be reviewed.")
    balance = money(account.balance_minor) + ("  (provisional)" if account.provisional else "")
    account_lines = [
        ("name", "Consumer name", account.name),
        ("account", "Account number", account.account_number),
        ("balance", "Current balance (outstanding)", balance),
    ]
    payment = [
        ("date", "Payment date", day(draft.paid_on) if draft.paid_on else "Today"),
        ("type", "Payment type", draft.payment_type.value),
        ("items", "Paying", ", ".join(i.reference for i in draft.items)),
        ("channel", "Payment channel", draft.channel),
        ("method", "Payment method", draft.method.name),
        ("total", "Total amount", money(settlement.amount_minor)),
    ]
    if draft.method.is_cash:
        payment.append(("received", "Amount received", money(settlement.tendered_minor)))
        payment.append(("change", "Change to give", money(settlement.change_minor)))
    if settlement.overpaid_minor:
        payment.append(("credit", "Kept as credit note", money(settlement.overpaid_minor)))
    left = settlement.outstanding_minor - settlement.amount_minor
    if left > 0:
        payment.append(("remaining", "Still outstanding after", money(left)))
    if draft.notes.strip():
        payment.append(("notes", "Notes", draft.notes.strip()))
    payment.append(("recorded_by", "Recorded by", recorded_by))
    return account_lines, payment
