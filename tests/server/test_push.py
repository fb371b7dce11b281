"""Push: idempotent by record id, one answer per record, a bad record never sinks the batch."""

import copy
import threading
import uuid

from sqlalchemy import func, select

from sync.server.tables import flags, payments
from tests.server.records import outcomes, payment, record


def _count_payments(server) -> int:
    with server.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(payments))


def _feed(counter, entity):
    return [c for c in counter.pull_all() if c["entity"] == entity]


def test_sending_the_same_batch_twice_stores_every_payment_once(server, sample):
    counter = server.register("T01")
    batch = [payment(counter, sample, 1, 10000), payment(counter, sample, 2, 4550)]

    first = counter.push(batch)
    second = counter.push(batch)

    assert outcomes(first) == ["stored", "stored"]
    assert outcomes(second) == ["duplicate_same", "duplicate_same"]
    assert _count_payments(server) == 2
    receipts = sorted(c["data"]["receipt_number"] for c in _feed(counter, "payment"))
    assert receipts == ["R-T01-0001", "R-T01-0002"]


def test_a_record_resent_with_other_content_is_flagged_and_the_first_version_kept(server, sample):
    counter = server.register("T01")
    original = payment(counter, sample, 1, 14550)
    counter.push([original])
    changed = copy.deepcopy(original)
    changed["payload"]["amount_minor"] = 99
    changed["payload"]["allocations"][0]["amount_minor"] = 99

    answer = counter.push([changed])

    assert outcomes(answer) == ["duplicate_different"]
    assert answer["results"][0]["flags"] == ["duplicate_different"]
    with server.engine.connect() as conn:
        assert conn.scalar(select(payments.c.amount_minor)) == 14550
        flag = conn.execute(select(flags)).one()
    assert flag.kind == "duplicate_different"
    assert flag.detail["entity_id"] == original["entity_id"]
    published = _feed(counter, "flag")
    assert [f["data"]["kind"] for f in published] == ["duplicate_different"]


def test_rejected_records_are_answered_with_a_reason_and_the_rest_of_the_batch_is_stored(
    server, sample
):
    counter = server.register("T01")
    good_first = payment(counter, sample, 1, 5000)
    stranger = payment(counter, sample, 2, 5000, consumer_id=uuid.uuid4())
    no_receipt = payment(counter, sample, 3, 5000)
    del no_receipt["payload"]["receipt_number"]
    unknown_entity = record("teleport", uuid.uuid4(), {"to": "Mars"})
    unknown_bill = payment(counter, sample, 4, 5000, bill_id=uuid.uuid4())
    good_last = payment(counter, sample, 5, 4550)

    answer = counter.push(
        [good_first, stranger, no_receipt, unknown_entity, unknown_bill, good_last]
    )

    assert outcomes(answer) == ["stored", "rejected", "rejected", "rejected", "rejected", "stored"]
    reasons = [r["reason"] for r in answer["results"]]
    assert "unknown consumer" in reasons[1]
    assert "receipt_number" in reasons[2]
    assert "unknown entity 'teleport'" in reasons[3]
    assert "unknown bill" in reasons[4]
    assert _count_payments(server) == 2


def test_a_number_already_used_by_another_terminal_is_rejected(server, sample):
    first, second = server.register("T01"), server.register("T02")
    taken = payment(first, sample, 1, 5000)
    clash = payment(second, sample, 7, 5000)
    clash["payload"]["receipt_number"] = taken["payload"]["receipt_number"]

    first.push([taken])
    answer = second.push([clash])

    assert outcomes(answer) == ["rejected"]
    assert answer["results"][0]["reason"].startswith("receipt number R-T01-0001")
    assert _count_payments(server) == 1


def test_a_bill_paid_at_two_counters_is_stored_twice_and_flagged_as_overpayment(server, sample):
    first, second = server.register("T01"), server.register("T02")

    one = first.push([payment(first, sample, 1, 14550)])
    two = second.push([payment(second, sample, 1, 14550)])

    assert outcomes(one) == outcomes(two) == ["stored"]
    assert one["results"][0]["flags"] == []
    assert two["results"][0]["flags"] == ["overpayment"]
    assert _count_payments(server) == 2
    published = _feed(first, "flag")
    assert len(published) == 1
    detail = published[0]["data"]["detail"]
    assert detail["invoice_number"] == "INV-2025-001234"
    assert (detail["amount_minor"], detail["paid_minor"], detail["overpaid_minor"]) == (
        14550,
        29100,
        14550,
    )
    assert sorted(p["receipt_number"] for p in detail["payments"]) == ["R-T01-0001", "R-T02-0001"]


def test_a_payment_claiming_another_terminal_is_rejected(server, sample):
    first, second = server.register("T01"), server.register("T02")
    forged = payment(first, sample, 1, 5000)

    answer = second.push([forged])

    assert outcomes(answer) == ["rejected"]
    assert "another terminal" in answer["results"][0]["reason"]


def test_a_void_reaches_the_other_counters_as_the_payment_with_status_voided(server, sample):
    counter = server.register("T01")
    paid = payment(counter, sample, 1, 14550)
    counter.push([paid])
    void = record(
        "payment_void",
        uuid.UUID(paid["entity_id"]),
        {
            "payment_id": paid["entity_id"],
            "status": "Voided",
            "reason": "wrong account",
            "voided_at": "2025-04-20T15:00:00+00:00",
            "voided_by": str(uuid.uuid4()),
        },
    )

    answer = counter.push([void])

    assert outcomes(answer) == ["stored"]
    latest = _feed(counter, "payment")[-1]["data"]
    assert (latest["receipt_number"], latest["status"]) == ("R-T01-0001", "Voided")
    assert latest["reason"] == "wrong account"


def test_two_counters_paying_the_same_bill_at_the_same_moment_raise_one_overpayment_flag(
    server, sample
):
    counters = [server.register(code) for code in ("T01", "T02", "T03")]
    answers: list[dict] = []
    start = threading.Barrier(len(counters))

    def pay(counter):
        start.wait()
        answers.append(counter.push([payment(counter, sample, 1, 14550)]))

    threads = [threading.Thread(target=pay, args=(c,)) for c in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes(a)[0] for a in answers) == ["stored"] * 3
    flagged = sorted(a["results"][0]["flags"] for a in answers)
    assert flagged == [[], ["overpayment"], ["overpayment"]]  # whoever came first paid it
    with server.engine.connect() as conn:
        flag = conn.execute(select(flags)).one()
    assert flag.detail["paid_minor"] == 3 * 14550


def test_a_credit_note_number_is_unique_across_terminals(server, sample):
    first, second = server.register("T01"), server.register("T02")
    paid_first = payment(first, sample, 1, 14550)
    paid_second = payment(second, sample, 1, 1000, bill_id=None)
    first.push([paid_first])
    second.push([paid_second])

    def note(counter, paid):
        note_id = uuid.uuid4()
        return record(
            "credit_note",
            note_id,
            {
                "id": str(note_id),
                "number": "CN-T01-00001",
                "payment_id": paid["entity_id"],
                "receipt_number": paid["payload"]["receipt_number"],
                "consumer_id": str(sample.consumer_id),
                "amount_minor": 450,
                "currency": "USD",
                "reason": "Overpayment",
                "remarks": None,
                "created_by": str(uuid.uuid4()),
                "created_at": "2025-04-20T14:00:00+00:00",
                "expires_on": "2026-04-20",
                "status": "Active",
            },
        )

    assert outcomes(first.push([note(first, paid_first)])) == ["stored"]
    answer = second.push([note(second, paid_second)])
    again = first.push([note(first, paid_first)])

    assert outcomes(answer) == outcomes(again) == ["rejected"]
    assert answer["results"][0]["reason"] == (
        "credit note number CN-T01-00001 is not in terminal T02's series (CN-{TERM}-{SEQ:5})"
    )
    assert again["results"][0]["reason"] == (
        "credit note number CN-T01-00001 is already used by another record"
    )
