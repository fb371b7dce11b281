"""Plans offered on recovery cases under test: the central server as `tilldesk server run`
builds it (with a recovery database on the same PostgreSQL cluster), real counters on SQLite
files, cases opened the way intake opens them (the recovery feed tests' fixtures)."""

from tests.pg import pg_cluster, pg_url, server_db_url, server_template  # noqa: F401
from tests.recovery_feed.conftest import (  # noqa: F401
    counter,
    feed_server,
    memory_keyring,
    recovery,
    recovery_url,
)
