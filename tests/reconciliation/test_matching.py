"""Reconciliation on a real counter: a generated statement whose answers are known."""

from sqlalchemy import update

from app.db.database import Database
from app.db.tables import OutboxRecord
from app.services.reconciliation import Decision, decide_match, run_reconciliation
from app.services.reconciliation_views import reconciliation_view
from app.services.shift_close import CloseRequest, close_shift
from app.services.statement_import import import_statement
from tests.reconciliation.counter import (
    MANAGER,
    add_online_payment,
    make_deposits,
    pay,
    statement_csv,
)


def reconciled(db: Database):
    deposits = make_deposits(db)
    import_statement(db.unit_of_work(), statement_csv(deposits), fmt="csv", username=MANAGER)
    result = run_reconciliation(db.unit_of_work(), username=MANAGER)
    return deposits, result, reconciliation_view(db.read(), username=MANAGER)


def test_each_pass_finds_its_known_answer(db: Database) -> None:
    deposits, result, view = reconciled(db)

    pairs = {(m.bank_amount_minor, m.match_pass, m.status, m.item_label) for m in view.matches}
    assert pairs == {
        (
            14550,
            "exact",
            "proposed",
            f"Bank Transfer {deposits.transfer_receipt} (WU-10001)",
        ),
        (10000, "window", "proposed", "Card settlement 2025-04-20 (2 payments)"),
        (15000, "suggested", "suggested", "Cash drop, shift SH-T01-0001: Bank drop"),
    }
    assert (result.matched, result.suggested) == (2, 1)
    # Both sides' leftovers: the unknown credit (and the drop's line until someone decides),
    # the cheque that never reached the bank and the drop itself.
    assert sorted(ln.amount_minor for ln in view.unmatched_lines) == [15000, 99999]
    assert sorted(i.label for i in view.unmatched_items) == [
        "Cash drop, shift SH-T01-0001: Bank drop",
        f"Cheque {deposits.cheque_receipt} (WU-10001)",
    ]
    assert (result.unmatched_lines, result.unmatched_items) == (2, 2)
    assert [ln.state for ln in view.lines if ln.amount_minor < 0] == ["debit"]


def test_a_confirmed_suggestion_leaves_only_the_real_leftovers(db: Database) -> None:
    _deposits, _result, view = reconciled(db)
    suggestion = next(m for m in view.matches if m.match_pass == "suggested")

    decide_match(db.unit_of_work(), suggestion.number, Decision.CONFIRM, username=MANAGER)

    after = reconciliation_view(db.read(), username=MANAGER)
    assert [ln.amount_minor for ln in after.unmatched_lines] == [99999]
    assert [i.kind for i in after.unmatched_items] == ["payment"]
    confirmed = next(m for m in after.matches if m.number == suggestion.number)
    assert (confirmed.status, confirmed.decided_by) == ("confirmed", "Michael Brown")


def test_a_second_run_keeps_the_numbers_and_finds_nothing_new(db: Database) -> None:
    _deposits, first, view = reconciled(db)

    again = run_reconciliation(db.unit_of_work(), username=MANAGER)

    assert again == first
    numbers = [m.number for m in reconciliation_view(db.read(), username=MANAGER).matches]
    assert numbers == [m.number for m in view.matches]


def test_a_rejected_match_is_not_proposed_again_and_undo_brings_it_back(db: Database) -> None:
    _deposits, _result, view = reconciled(db)
    window = next(m for m in view.matches if m.match_pass == "window")

    decide_match(db.unit_of_work(), window.number, Decision.REJECT, username=MANAGER)
    rerun = run_reconciliation(db.unit_of_work(), username=MANAGER)
    assert rerun.matched == 1
    assert 10000 in [
        ln.amount_minor for ln in reconciliation_view(db.read(), username=MANAGER).unmatched_lines
    ]

    decide_match(db.unit_of_work(), window.number, Decision.UNDO, username=MANAGER)
    assert run_reconciliation(db.unit_of_work(), username=MANAGER).matched == 2


def test_a_wider_window_turns_the_drop_into_a_match(db: Database) -> None:
    deposits = make_deposits(db)
    import_statement(db.unit_of_work(), statement_csv(deposits), fmt="csv", username=MANAGER)

    result = run_reconciliation(db.unit_of_work(), username=MANAGER, window_days=7)

    assert (result.matched, result.suggested, result.unmatched_items) == (3, 0, 1)


def test_online_payments_stuck_past_the_threshold_are_exceptions(db: Database) -> None:
    stuck_pending = add_online_payment(db, status="Pending", hours_ago=30)
    stuck_failed = add_online_payment(db, status="Failed", hours_ago=48)
    add_online_payment(db, status="Pending", hours_ago=2)  # still within the 24 hours
    add_online_payment(db, status="Posted", hours_ago=72)

    view = reconciliation_view(db.read(), username=MANAGER)

    assert [(e.payment_number, e.status, e.hours) for e in view.exceptions] == [
        (stuck_failed, "Failed", 48),
        (stuck_pending, "Pending", 30),
    ]


def test_deposits_taken_after_the_statement_are_not_listed_as_missing(db: Database, clock) -> None:
    deposits = make_deposits(db)
    clock.advance(days=10)  # 30 April: after the statement's last line (27 April)
    pay(db, "INV-2025-001567", "Bill", "Bank Transfer", "152.25")
    import_statement(db.unit_of_work(), statement_csv(deposits), fmt="csv", username=MANAGER)

    result = run_reconciliation(db.unit_of_work(), username=MANAGER)

    assert result.unmatched_items == 2
    view = reconciliation_view(db.read(), username=MANAGER)
    assert sorted(i.kind for i in view.unmatched_items) == ["cash_drop", "payment"]
    assert 15225 in [i.amount_minor for i in view.items]  # known, just not missing yet


def test_a_closed_shifts_cash_above_its_float_matches_the_deposit_naming_it(
    db: Database,
) -> None:
    pay(db, "INV-2025-001234", "Bill", "Cash", "145.50")
    with db.unit_of_work() as uow:  # as after a sync: nothing waits for the server
        uow.session.execute(update(OutboxRecord).values(state="sent"))
        uow.commit()
    closed = close_shift(
        db.unit_of_work(),
        CloseRequest(
            cash_counts={10000: 3, 2000: 2, 500: 1, 25: 2}, totals={}, username="jsmith"
        ),  # $345.50: the $200.00 float stays, $145.50 goes to the bank
    )
    statement = f"date,amount,description\n2025-04-21,145.50,DEPOSIT {closed.number}\n"
    import_statement(db.unit_of_work(), statement.encode(), fmt="csv", username=MANAGER)

    run_reconciliation(db.unit_of_work(), username=MANAGER)

    (found,) = reconciliation_view(db.read(), username=MANAGER).matches
    assert (found.match_pass, found.item_label, found.item_amount_minor) == (
        "exact",
        f"Shift {closed.number} cash at close",
        14550,
    )


def test_card_payments_are_grouped_by_the_day_they_settle(db: Database) -> None:
    # Taken online on 15 April (42.00 each), settled by the gateway on the 17th and 18th.
    add_online_payment(db, status="Posted", hours_ago=5 * 24, settled_after_hours=48)
    add_online_payment(db, status="Posted", hours_ago=5 * 24 + 1, settled_after_hours=72)
    statement = b"date,amount\n2025-04-17,42.00\n2025-04-18,42.00\n"
    import_statement(db.unit_of_work(), statement, fmt="csv", username=MANAGER)

    run_reconciliation(db.unit_of_work(), username=MANAGER, window_days=0)

    view = reconciliation_view(db.read(), username=MANAGER)
    assert sorted((str(m.booked_on), m.item_label) for m in view.matches) == [
        ("2025-04-17", "Card settlement 2025-04-17 (1 payment)"),
        ("2025-04-18", "Card settlement 2025-04-18 (1 payment)"),
    ]
