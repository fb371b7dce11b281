"""Where the server's recovery rounds and routes read the recovery database: its engine, and the
cases' signatures and snapshots the feed publishes. Shared by the recovery feed, Smart Collect
and plan-offer wiring (one module each), so none of them imports another."""

from sqlalchemy import Engine

from cli.wiring.server_options import ServerOptions
from sync.server.recovery_feed import Callables


def recovery_engine_for(options: ServerOptions) -> Engine:
    from app.services.recovery_database import recovery_db_url, shared_recovery_database

    assert options.recovery_db
    return shared_recovery_database(recovery_db_url(options.recovery_db))


def case_source(recovery: Engine) -> Callables:
    from app.services.recovery_feed import case_signatures, case_snapshots

    return Callables(lambda: case_signatures(recovery),
                     lambda ids, now: case_snapshots(recovery, ids, now))  # fmt: skip
