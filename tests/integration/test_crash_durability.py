"""Kill -9 in the middle of recording payments: every acknowledged receipt survives, whole.

A child process records cash payments one by one through the real services and prints each
receipt number only after record_payment has returned (the durable commit), like a counter
printing its receipt. The parent reads that stream as it comes, kills the child with SIGKILL at
a random moment, starts it again, and finally checks the file against what was acknowledged.
"""

import os
import queue
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import insert, text

from app.db import audit
from app.db.database import Database, open_database
from app.db.tables import Bill, Consumer
from app.demo.sample_data import load_sample
from app.domain.ids import new_id
from app.services.setup import initialise

ROOT = Path(__file__).resolve().parents[2]
# 2,000 bills of $10.00, spread over consumers with a believable history each: the counter looks
# at all of a consumer's items on every payment, so one consumer with 2,000 bills would make
# each payment slow and the kills would land mostly outside the write.
CONSUMERS = 40
BILLS_EACH = 50
ROUNDS = 20
SEED = 20250420

CHILD = """
import sys
from pathlib import Path

from app.db.database import open_database
from app.domain.errors import UserFacingError
from app.domain.payments import PaymentType
from app.services.consumers import find_consumer, unpaid_items
from app.services.record_payment import PaymentRequest, record_payment

path, consumers = Path(sys.argv[1]), int(sys.argv[2])
db = open_database(path)
# Warm up (mappers, compiled queries, locale data) with a payment the counter refuses, so the
# kill lands among payments rather than in the first one's one-off start-up work.
try:
    record_payment(
        db.unit_of_work(),
        PaymentRequest("CR-00001", "Bill", ("INV-CR00001-001",), "Cash", "0", username="jsmith"),
    )
except UserFacingError:
    pass
print("ready", flush=True)
for number in range(1, consumers + 1):
    account = f"CR-{number:05d}"
    with db.read() as uow:
        consumer_id = find_consumer(uow, account).id
    for bill in unpaid_items(db.read(), consumer_id, PaymentType.BILL):
        request = PaymentRequest(
            account_number=account,
            payment_type="Bill",
            items=(bill.reference,),
            method="Cash",
            amount="10.00",
            username="jsmith",
        )
        paid = record_payment(db.unit_of_work(), request)
        # Acknowledged only now that record_payment has returned: after the durable commit.
        print(paid.receipt_number, bill.reference, flush=True)
print("done", flush=True)
"""

_RECEIPT = re.compile(r"^(R-T01-\d+) (INV-CR\d{5}-\d{3})$")


@dataclass(frozen=True)
class Round:
    acknowledged: list[tuple[str, str]]  # (receipt number, invoice) in the order printed
    finished: bool  # the child ran out of bills before it was killed


def prepare_counter(path: Path) -> None:
    """The counter set up once, plus consumers with many $10.00 bills to pay."""
    database = open_database(path)
    try:
        initialise(database, terminal_code="T01")
        load_sample(database)
        with database.unit_of_work() as uow:
            for number in range(1, CONSUMERS + 1):
                consumer = Consumer(
                    id=new_id(),
                    account_number=f"CR-{number:05d}",
                    name=f"Crash Test Consumer {number}",
                    service_address="1 Power Cut Lane, Cityville",
                    timezone="America/New_York",
                    segment="Residential",
                    status="Active",
                    created_at=uow.now(),
                )
                uow.session.add(consumer)
                uow.session.flush()
                uow.session.execute(
                    insert(Bill),
                    [
                        {
                            "id": new_id(),
                            "consumer_id": consumer.id,
                            "invoice_number": f"INV-CR{number:05d}-{month:03d}",
                            "period_label": f"Month {month}",
                            "amount_minor": 1000,
                            "issued_on": date(2020, 1, 1) + timedelta(days=30 * month),
                            "due_date": date(2020, 1, 15) + timedelta(days=30 * month),
                        }
                        for month in range(1, BILLS_EACH + 1)
                    ],
                )
            uow.commit()
    finally:
        database.close()


def pump(stream: IO[bytes], lines: "queue.Queue[bytes | None]") -> None:
    """The acknowledgement stream, line by line as the child writes it; None at its end."""
    for line in iter(stream.readline, b""):
        lines.put(line)
    lines.put(None)


def run_until_killed(script: Path, path: Path, delay: float, log: Path) -> Round:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as stderr:
        child = subprocess.Popen(
            [sys.executable, str(script), str(path), str(CONSUMERS)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=ROOT,
            env=env,
        )
    assert child.stdout is not None
    lines: queue.Queue[bytes | None] = queue.Queue()
    reader = threading.Thread(target=pump, args=(child.stdout, lines), daemon=True)
    reader.start()
    try:
        first = lines.get(timeout=60)
        assert first == b"ready\n", f"child did not start: {log.read_text()[-2000:]}"
        time.sleep(delay)
    finally:
        child.kill()  # SIGKILL: no handlers, no flushing, no clean close
        child.wait(timeout=30)
        reader.join(timeout=30)
        child.stdout.close()
    acknowledged, finished = [], False
    while (line := lines.get_nowait()) is not None:
        if not line.endswith(b"\n"):
            continue  # cut off mid-line by the kill: never acknowledged
        if line == b"done\n":
            finished = True
            continue
        match = _RECEIPT.match(line.decode().rstrip("\n"))
        assert match, f"unexpected output from the child: {line!r}"
        acknowledged.append((match.group(1), match.group(2)))
    return Round(acknowledged, finished)


def sequence_of(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


@pytest.mark.slow
def test_acknowledged_payments_survive_being_killed_mid_write(tmp_path) -> None:
    path = tmp_path / "counter.sqlite"
    prepare_counter(path)
    script = tmp_path / "pay_until_killed.py"
    script.write_text(CHILD)
    rng = random.Random(SEED)

    acknowledged: list[tuple[str, str]] = []
    rounds = 0
    for _ in range(ROUNDS):
        result = run_until_killed(script, path, rng.uniform(0.05, 0.4), tmp_path / "child.log")
        acknowledged += result.acknowledged
        rounds += 1
        if result.finished:
            break

    assert acknowledged, "no payment was acknowledged in any round"
    receipts = [receipt for receipt, _ in acknowledged]
    assert len(set(receipts)) == len(receipts), "a receipt number was handed out twice"
    assert receipts == sorted(receipts, key=sequence_of)

    database = open_database(path)
    try:
        check_the_file(database, acknowledged, rounds)
    finally:
        database.close()


def check_the_file(database: Database, acknowledged: list[tuple[str, str]], rounds: int) -> None:
    with database.read() as uow:
        run = uow.session.execute
        integrity = run(text("PRAGMA integrity_check")).scalar_one()
        payments = run(
            text(
                "SELECT p.receipt_number, p.payment_number, p.transaction_number, "
                "p.amount_minor, p.status FROM payments p"
            )
        ).all()
        copies = dict(
            run(text("SELECT receipt_number, count(*) FROM payments GROUP BY 1")).tuples().all()
        )
        without_allocations = run(
            text(
                "SELECT count(*) FROM payments p WHERE NOT EXISTS "
                "(SELECT 1 FROM payment_allocations a WHERE a.payment_id = p.id)"
            )
        ).scalar_one()
        paid_by_receipt = dict(
            run(
                text(
                    "SELECT p.receipt_number, b.invoice_number FROM payments p "
                    "JOIN payment_allocations a ON a.payment_id = p.id "
                    "JOIN bills b ON b.id = a.bill_id WHERE a.amount_minor = 1000"
                )
            )
            .tuples()
            .all()
        )
        overpaid_bills = run(
            text(
                "SELECT count(*) FROM (SELECT bill_id FROM payment_allocations "
                "GROUP BY bill_id HAVING sum(amount_minor) > 1000)"
            )
        ).scalar_one()
        last_values = dict(
            run(text("SELECT series, max(last_value) FROM number_sequences GROUP BY 1"))
            .tuples()
            .all()
        )
        recorded_events = run(
            text("SELECT count(*) FROM audit_events WHERE action = 'payment.recorded'")
        ).scalar_one()
        queued = run(text("SELECT count(*) FROM outbox WHERE entity = 'payment'")).scalar_one()
        chain = audit.verify(uow.session)

    assert integrity == "ok"
    assert chain.intact, f"audit chain broken at {chain.broken_at}: {chain.problem}"

    # every acknowledged receipt is there exactly once, and its bill is paid
    for receipt, invoice in acknowledged:
        assert copies.get(receipt) == 1, f"{receipt} was acknowledged but is stored {copies}"
        assert paid_by_receipt.get(receipt) == invoice
    assert without_allocations == 0
    assert overpaid_bills == 0
    assert all((amount, status) == (1000, "Posted") for *_, amount, status in payments)

    # committed but killed before it could say so: at most one payment per kill
    assert len(acknowledged) <= len(payments) <= len(acknowledged) + rounds

    # numbers are gap-free on this terminal: a killed transaction took its numbers with it
    stored = len(payments)
    for column in range(3):
        numbers = sorted(sequence_of(row[column]) for row in payments)
        assert numbers == list(range(1, stored + 1))
    assert last_values == {"payment": stored, "transaction": stored, "receipt": stored}
    assert recorded_events == stored
    assert queued == stored
