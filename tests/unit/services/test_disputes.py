"""Disputes and special circumstances on a fake unit of work: what is recorded, who may settle
a dispute, and what is audited and sent to the server."""

import pytest

from app.domain.errors import NotFound, PermissionDenied, UserFacingError
from app.services.circumstances import (
    CircumstancesRequest,
    circumstances_of,
    set_circumstances,
)
from app.services.disputes import (
    dispute_subjects,
    disputes_of,
    disputes_on_payment,
    open_dispute,
    update_dispute,
)
from app.services.record_payment import PaymentRequest, record_payment
from tests.support.counter import Counter


def open_on_bill(counter: Counter, reason: str = "Meter read twice") -> str:
    view = open_dispute(
        counter.uow, account_number="ACC-1001", subject="bill", number="INV-2026-000001",
        reason=reason, username="cashier",
    )  # fmt: skip
    return view.short_id


def test_a_dispute_on_a_bill_is_recorded_audited_and_sent(counter: Counter) -> None:
    view = open_dispute(
        counter.uow, account_number=" ACC-1001 ", subject="bill", number="INV-2026-000001",
        reason="  Meter read twice ", owner="Billing desk", username="cashier",
    )  # fmt: skip

    assert (view.status_words, view.subject_number, view.reason, view.owner) == (
        "Open",
        "INV-2026-000001",
        "Meter read twice",
        "Billing desk",
    )
    assert view.active and view.opened_by == "cashier"
    assert counter.uow.actions() == ["dispute.opened"]
    [sent] = counter.store.outbox
    assert (sent.entity, sent.entity_id) == ("dispute", view.id)
    assert (sent.payload["status"], sent.payload["version"]) == ("open", 1)
    assert sent.payload["bill_id"] == str(counter.bill.item_id)


def test_one_open_dispute_per_bill(counter: Counter) -> None:
    first = open_on_bill(counter)

    with pytest.raises(UserFacingError, match=f"already has an open dispute \\({first}\\)"):
        open_on_bill(counter, "Again")

    assert len(counter.store.disputes) == 1 and len(counter.store.outbox) == 1


def test_a_bill_that_is_not_there_or_not_theirs_is_refused(counter: Counter) -> None:
    with pytest.raises(NotFound, match="INV-2026-999999"):
        open_dispute(
            counter.uow, account_number="ACC-1001", subject="bill", number="INV-2026-999999",
            reason="Never billed", username="cashier",
        )  # fmt: skip
    with pytest.raises(UserFacingError, match="the reason"):
        open_dispute(
            counter.uow, account_number="ACC-1001", subject="bill", number="INV-2026-000001",
            reason="  ", username="cashier",
        )  # fmt: skip

    assert counter.store.disputes == [] and counter.store.outbox == []


def test_a_dispute_moves_on_and_only_a_supervisor_settles_it(counter: Counter) -> None:
    ref = open_on_bill(counter)

    reviewed = update_dispute(
        counter.uow, dispute_ref=ref, status="Under review", owner="Maya", username="cashier"
    )
    assert (reviewed.status, reviewed.owner) == ("under_review", "Maya")
    with pytest.raises(PermissionDenied):
        update_dispute(
            counter.uow, dispute_ref=ref, status="resolved", resolution="Refund", username="cashier"
        )
    with pytest.raises(UserFacingError, match="needs a resolution"):
        update_dispute(counter.uow, dispute_ref=ref, status="resolved", username="manager")

    settled = update_dispute(
        counter.uow, dispute_ref=ref.upper(), status="resolved",
        resolution="Read again: 40.00 credited", username="manager",
    )  # fmt: skip

    assert settled.resolved_at is not None and not settled.active
    assert counter.uow.actions() == ["dispute.opened", "dispute.under_review", "dispute.resolved"]
    last = counter.store.outbox[-1].payload
    assert (last["status"], last["version"], last["updated_by"]) == ("resolved", 3, "manager")
    assert counter.store.audit[-1].before is not None
    assert counter.store.audit[-1].before["status"] == "under_review"
    with pytest.raises(UserFacingError, match="open a new dispute instead"):
        update_dispute(counter.uow, dispute_ref=ref, owner="Someone", username="manager")


def test_a_dispute_is_found_by_the_start_of_its_id_only(counter: Counter) -> None:
    open_on_bill(counter)

    with pytest.raises(UserFacingError, match="at least its first 4"):
        update_dispute(counter.uow, dispute_ref="ab", owner="X", username="cashier")
    with pytest.raises(NotFound):
        other = "0000" if not counter.store.disputes[0].id.hex.startswith("0000") else "ffff"
        update_dispute(counter.uow, dispute_ref=other, owner="X", username="cashier")
    with pytest.raises(UserFacingError, match="Nothing to change"):
        ref = counter.store.disputes[0].id.hex[:6]
        update_dispute(counter.uow, dispute_ref=ref, status="open", username="cashier")


def test_a_dispute_on_a_payment_shows_on_the_payment(open_counter: Counter) -> None:
    request = PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "120.00")
    paid = record_payment(open_counter.uow, request)

    view = open_dispute(
        open_counter.uow, account_number="ACC-1001", subject="payment",
        number=paid.receipt_number, reason="Paid twice", username="cashier",
    )  # fmt: skip

    assert view.subject_number == paid.payment_number
    assert [d.id for d in disputes_on_payment(open_counter.uow, paid.payment_id)] == [view.id]
    assert [d.id for d in disputes_of(open_counter.uow, "ACC-1001")] == [view.id]
    subjects = dispute_subjects(open_counter.uow, "ACC-1001")
    assert (subjects.bills, subjects.payments) == (("INV-2026-000001",), (paid.receipt_number,))


def test_circumstances_are_recorded_and_replaced(counter: Counter) -> None:
    assert circumstances_of(counter.uow, "ACC-1001").words == "None recorded"
    request = CircumstancesRequest(
        "ACC-1001", ["Medical", "hardship", "medical"], note=" Dialysis on Tuesdays ",
        preferred_channel="SMS", preferred_from="09:00", preferred_until="12:00", language="es",
    )  # fmt: skip

    view = set_circumstances(counter.uow, request, username="cashier")

    assert (view.words, view.note, view.preferred_channel) == (
        "Medical, Financial hardship",
        "Dialysis on Tuesdays",
        "sms",
    )
    assert view.needs_review and view.set_by == "cashier"
    assert counter.store.outbox[-1].entity == "consumer_circumstances"
    assert counter.store.outbox[-1].payload["version"] == 1

    later = CircumstancesRequest("ACC-1001", ["bereavement"])
    again = set_circumstances(counter.uow, later, username="manager")

    assert circumstances_of(counter.uow, "acc-1001").circumstances == ("bereavement",)
    assert again.set_by == "manager"
    assert counter.uow.actions() == ["consumer.circumstances_set"] * 2
    assert counter.store.audit[-1].before is not None
    assert counter.store.audit[-1].before["circumstances"] == ["medical", "hardship"]
    assert counter.store.outbox[-1].payload["version"] == 2


def test_wrong_circumstances_write_nothing(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="Unknown circumstance 'poorly'"):
        set_circumstances(
            counter.uow, CircumstancesRequest("ACC-1001", ["poorly"]), username="cashier"
        )
    with pytest.raises(UserFacingError, match="preferred time"):
        bad_window = CircumstancesRequest("ACC-1001", preferred_from="9am", preferred_until="")
        set_circumstances(counter.uow, bad_window, username="cashier")

    assert counter.store.circumstances == [] and counter.store.outbox == []
