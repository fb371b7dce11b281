"""Plans on the central PostgreSQL: offers at once get distinct numbers, the scan stays once."""

import threading
from datetime import date, timedelta

from app.services.recovery_cases import list_cases
from app.services.recovery_plan_scan import scan_missed_installments
from app.services.recovery_plans import accept_plan, list_plans, offer_plan
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures
from tests.recovery_plans.helpers import NOW, seeded


def test_offers_at_once_get_distinct_numbers_and_a_missed_one_opens_one_case(pg_url) -> None:  # noqa: F811
    _, engine = seeded(pg_url, [9_000, 9_000, 9_000, 9_000])
    numbers: list[str] = []
    barrier = threading.Barrier(4)

    def offer(case_id: str) -> None:
        barrier.wait()
        plan = offer_plan(
            engine, case_id, installment_count=3, frequency="monthly", user="ravi", now=NOW,
            first_due=date(2027, 1, 20),
        )  # fmt: skip
        numbers.append(plan.plan_number)

    threads = [threading.Thread(target=offer, args=(f"K{i}",)) for i in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"RP-2027-000{i}" for i in range(1, 5)]
    (plan,) = list_plans(engine, "K1")
    accept_plan(engine, plan.plan_number, channel="link", evidence="ok", user="u", now=NOW)
    scans = [scan_missed_installments(engine, NOW + timedelta(days=15)) for _ in range(2)]
    assert scans[0].cases_opened == [f"{plan.plan_number}/1"] and scans[1].cases_opened == []
    assert [c["status"] for c in list_cases(engine) if c["id"] == "K1"] == ["plan"]
    engine.dispose()
