"""A Hypothesis state machine over three counters and a `tilldesk server run` process that is
killed with SIGKILL and restarted at random: counters take payments online and offline and sync
whenever they like. Invariants: the server never holds a payment twice or one no counter made;
once everyone syncs with the server up, it holds every payment exactly once, amounts intact."""

import contextlib
import shutil
import uuid
from collections import Counter as Tally

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from app.db.database import Database, open_database
from app.domain.errors import UserFacingError
from sync.client.errors import ServerUnavailable
from sync.server.db import new_epoch_for_copy
from tests.support.e2e_sync import ServerProcess, local_payments, unsent
from tests.sync_client.support import LiveServer, new_counter, pay, seed_server_from, sync

CODES = ("T01", "T02", "T03")
ITEMS = ("INV-2025-001234", "INV-2025-001567")


def everything(counters: dict[str, Database]) -> dict[str, int]:
    """Every payment the counters made: receipt number -> amount."""
    return {k: v for db in counters.values() for k, v in local_payments(db).items()}


@pytest.mark.slow
def test_counters_and_a_crashing_server_never_lose_or_double_a_payment(
    pg_cluster, server_template, sample_counter, child_env, tmp_path
):
    made = {"n": 0}

    def fresh_world() -> tuple[ServerProcess, dict[str, Database]]:
        made["n"] += 1
        root = tmp_path / f"world{made['n']}"
        root.mkdir()
        name = f"sm_{uuid.uuid4().hex[:12]}"
        url = pg_cluster.create_database(name, template=server_template)
        new_epoch_for_copy(url)
        copy = root / "seed.sqlite"
        shutil.copyfile(sample_counter, copy)
        seed = open_database(copy)
        seed_server_from(seed, url)
        seed.close()
        LiveServer(url).add_admin()
        server = ServerProcess(url, child_env, root / "server.log")
        server.start()
        counters = {c: new_counter(root / f"{c}.sqlite", c, server.url) for c in CODES}
        return server, counters

    class Counters(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.server, self.counters = fresh_world()
            self.up = True

        @rule(code=st.sampled_from(CODES), item=st.sampled_from(ITEMS), cents=st.integers(1, 500))
        def take_a_payment(self, code: str, item: str, cents: int) -> None:
            # Refused (e.g. the bill is already paid on this counter): nothing recorded.
            with contextlib.suppress(UserFacingError):
                pay(self.counters[code], item, f"{cents // 100}.{cents % 100:02d}")

        @rule(code=st.sampled_from(CODES))
        def sync_one(self, code: str) -> None:
            try:
                sync(self.counters[code])
            except ServerUnavailable:
                assert not self.up

        @rule()
        def kill_the_server(self) -> None:
            self.server.kill()
            self.up = False

        @rule()
        def restart_the_server(self) -> None:
            if not self.up:
                self.server.start()
                self.up = True

        @invariant()
        def the_server_never_doubles_or_invents(self) -> None:
            if not self.up:
                return
            rows = self.server.query("SELECT receipt_number, amount_minor FROM payments")
            assert all(n == 1 for n in Tally(r[0] for r in rows).values())
            made_here = {
                k: v for db in self.counters.values() for k, v in local_payments(db).items()
            }
            assert {r[0]: r[1] for r in rows}.items() <= made_here.items()

        def teardown(self) -> None:
            try:
                if not self.up:
                    self.server.start()
                for db in self.counters.values():
                    sync(db)
                expected = {
                    k: v for db in self.counters.values() for k, v in local_payments(db).items()
                }
                rows = self.server.query("SELECT receipt_number, amount_minor FROM payments")
                assert len(rows) == len(expected)
                assert {r[0]: r[1] for r in rows} == expected
                assert all(unsent(db) == 0 for db in self.counters.values())
            finally:
                self.server.kill()
                for db in self.counters.values():
                    db.close()

    run_state_machine_as_test(
        Counters,
        settings=settings(
            max_examples=3,
            stateful_step_count=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
