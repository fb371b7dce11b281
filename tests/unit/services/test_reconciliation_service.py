"""Bank reconciliation on a fake unit of work: a statement imported once, a transfer matched to
its bank line, and a billing manager's decision."""

import pytest

from app.domain.errors import UserFacingError
from app.services.reconciliation import Decision, decide_match, run_reconciliation
from app.services.reconciliation_items import counter_items
from app.services.record_payment import PaymentRequest, record_payment
from app.services.statement_import import import_statement
from tests.support.counter import Counter

STATEMENT = (
    b"Date,Amount,Reference,Description\n"
    b"2026-03-11,120.00,,TRANSFER ACC-1001 JANE DOE\n"
    b"2026-03-11,77.77,,UNKNOWN CREDIT\n"
)


@pytest.fixture
def transferred(open_counter: Counter) -> Counter:
    """The bill paid by bank transfer on 10 March, and the bank's statement of the 11th."""
    request = PaymentRequest(
        "ACC-1001", "Bill", ("INV-2026-000001",), "Bank Transfer", "120.00", username="cashier"
    )
    record_payment(open_counter.uow, request)
    import_statement(open_counter.uow, STATEMENT, fmt="csv", username="manager")
    return open_counter


def test_a_statement_is_stored_once_in_minor_units(transferred: Counter) -> None:
    again = import_statement(transferred.uow, STATEMENT, fmt="csv", username="manager")

    assert (again.lines_added, again.lines_known) == (0, 2)
    assert sorted(ln.amount_minor for ln in transferred.store.bank_lines) == [7_777, 12_000]
    assert transferred.uow.actions().count("bank_statement.imported") == 1


def test_a_statement_in_another_currency_is_refused_whole(open_counter: Counter) -> None:
    euros = b"Date,Amount,Currency,Reference,Description\n2026-03-11,5.00,EUR,,X\n"

    with pytest.raises(UserFacingError, match="EUR"):
        import_statement(open_counter.uow, euros, fmt="csv", username="manager")

    assert open_counter.store.bank_lines == []


def test_the_transfer_is_expected_at_the_bank(transferred: Counter) -> None:
    with transferred.uow:
        [item] = counter_items(transferred.uow, *(2 * [transferred.uow.today()]))

    assert (item.amount_minor, item.label) == (12_000, "Bank Transfer R-T01-0001 (ACC-1001)")


def test_the_transfer_matches_its_line_and_the_unknown_credit_stays(transferred: Counter) -> None:
    result = run_reconciliation(transferred.uow, username="manager")

    assert (result.matched, result.unmatched_lines, result.unmatched_items) == (1, 1, 0)
    [match] = transferred.store.matches
    assert (match.number, match.item_amount_minor, match.status) == (1, 12_000, "proposed")


def test_a_confirmed_match_cannot_be_confirmed_again(transferred: Counter) -> None:
    run_reconciliation(transferred.uow, username="manager")

    decided = decide_match(transferred.uow, 1, Decision.CONFIRM, username="manager")

    assert decided.status == "confirmed"
    with pytest.raises(UserFacingError, match="Match 1 is confirmed"):
        decide_match(transferred.uow, 1, Decision.CONFIRM, username="manager")


def test_running_again_keeps_the_numbers_people_noted(transferred: Counter) -> None:
    run_reconciliation(transferred.uow, username="manager")
    decide_match(transferred.uow, 1, Decision.REJECT, username="manager")

    again = run_reconciliation(transferred.uow, username="manager")

    assert again.matched == 0  # a rejected pair is never proposed again
    assert [(m.number, m.status) for m in transferred.store.matches] == [(1, "rejected")]
