"""The real server and counters of the sync tests, for plans made at counters."""

from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.sync_client.conftest import counters, memory_keyring, server  # noqa: F401
