"""POST /v1/number-blocks on a real PostgreSQL: concurrent leases from two terminals never
overlap, a request id is answered with the same block, and only its own terminal may reuse it."""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.server.live import Counter, LiveServer


@pytest.fixture
def server(server_db_url: str, memory_keyring) -> Iterator[LiveServer]:
    live = LiveServer(server_db_url, number_block_size=7).start()
    yield live
    live.stop()


def _lease(counter: Counter, request_id: uuid.UUID, series: str = "receipt", period: str = ""):
    body = {"request_id": str(request_id), "series": series, "period": period}
    return counter.session.post(f"{counter.server.url}/v1/number-blocks", json=body, timeout=30)


def test_concurrent_leases_never_hand_out_a_number_twice(server) -> None:
    t01, t02 = server.register("T01"), server.register("T02")
    asks = [(t01 if i % 2 else t02, uuid.uuid4()) for i in range(24)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda ask: _lease(*ask), asks))
    assert {answer.status_code for answer in answers} == {200}
    ranges = sorted((a.json()["first"], a.json()["last"]) for a in answers)
    assert ranges == [(1 + 7 * i, 7 * (i + 1)) for i in range(24)]  # contiguous, no overlap


def test_the_same_request_gets_the_same_block_and_periods_count_apart(server) -> None:
    t01, t02 = server.register("T01"), server.register("T02")
    ask = uuid.uuid4()
    first, again = _lease(t01, ask).json(), _lease(t01, ask).json()
    assert first == again and (first["first"], first["last"]) == (1, 7)
    assert _lease(t02, ask).status_code == 409  # another terminal cannot claim that block
    yearly = _lease(t01, uuid.uuid4(), "payment", "2026").json()
    assert (yearly["first"], yearly["last"], yearly["period"]) == (1, 7, "2026")
    assert _lease(t01, uuid.uuid4(), "payment", "26").status_code == 422


def test_the_migration_matches_the_table_model(server_db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sync.server.db import make_engine
    from sync.server.schema import metadata

    engine = make_engine(server_db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    about_blocks = [d for d in differences if "number_blocks" in repr(d)]
    assert about_blocks == []
