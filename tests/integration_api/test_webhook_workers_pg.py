"""Two deliverers on one PostgreSQL recovery database send each event once between them."""

import random
import threading
from collections import Counter

from app.services.recovery_database import open_recovery_database
from app.services.webhook_deliveries import delivery_log
from sync.outgoing.deliverer import Deliverer
from tests.integration_api.webhook_helpers import SteppingClock, endpoint, publish


def test_workers_share_the_due_deliveries_without_sending_one_twice(
    pg_url, memory_keyring, receiver
):
    engine = open_recovery_database(pg_url)
    try:
        endpoint(engine, receiver.url)
        ids = [publish(engine, case_id=f"K{n:03d}") for n in range(40)]
        clock = SteppingClock()
        workers = [Deliverer(engine, clock=clock, rng=random.Random(n), batch=3) for n in range(2)]
        tallies = [None, None]

        def work(n: int) -> None:
            tallies[n] = workers[n].run_once()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        sent = Counter(r.headers["Tilldesk-Event-Id"] for r in receiver.received)
        assert sent == Counter(ids)  # every event, each exactly once
        assert sum(t.delivered for t in tallies) == 40
        assert {e.outcome for e in delivery_log(engine)} == {"delivered"}
    finally:
        engine.dispose()
