"""Two `recovery run` workers on one real PostgreSQL (or SQLite file) never act on one case."""

import json
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.gateways.fakes import FakeNmi
from tests.pg import pg_cluster, pg_url  # noqa: F401 - fixtures
from tests.recovery.run_helpers import (
    attempts,
    charges_per_case,
    charges_per_key,
    seed,
    start_worker,
    statuses,
)

CASES = 40


@pytest.fixture
def fake_nmi() -> Iterator[FakeNmi]:
    with FakeNmi() as fake:
        yield fake


def test_two_workers_share_a_portfolio_without_acting_twice(pg_url, fake_nmi) -> None:  # noqa: F811
    share_between_two_workers(pg_url, fake_nmi)


def test_two_workers_on_one_sqlite_file(tmp_path, fake_nmi) -> None:
    share_between_two_workers(f"sqlite:///{tmp_path / 'recovery.sqlite'}", fake_nmi)


def share_between_two_workers(url: str, fake_nmi: FakeNmi) -> None:
    # Every other case is declined (NMI's test rule: under 1.00), so it is retried later.
    amounts = [5_000 if i % 2 else 50 for i in range(CASES)]
    case_ids = seed(url, amounts)
    for _ in range(2 * CASES):  # a look-up and a sale per charge
        fake_nmi.delay_next_answer(0.03)  # slow enough that the workers overlap
    workers = [start_worker(url, fake_nmi, f"w{n}", "--once") for n in (1, 2)]
    summaries = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        summaries.append(json.loads(out))
    print("workers:", summaries)

    rows = attempts(url)
    per_key = charges_per_key(fake_nmi)
    assert per_key and max(per_key.values()) == 1  # no charge twice under one key
    per_case = charges_per_case(fake_nmi)
    # daily-3 from a failure 30 h ago: one retry now per case, by whichever worker claimed it.
    assert per_case == Counter({case_id: 1 for case_id in case_ids})
    assert Counter(r["case_id"] for r in rows) == per_case
    assert all(r["state"] == "done" for r in rows)
    assert sum(s["visits"] for s in summaries) == CASES  # each case visited once in all
    assert all(s["visits"] > 0 for s in summaries)  # and both workers did work
    paid = [c for c, s in statuses(url).items() if s == "paid"]
    assert len(paid) == CASES // 2
