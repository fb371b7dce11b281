"""The whole central-server schema: the core tables and each area's module on their MetaData.

Areas keep their tables in modules of their own (`tables_<area>.py`, on `tables.metadata`);
Alembic and the schema tests read them all from here, so no table module imports another's.
"""

from sync.server import (  # noqa: F401 - imported for their tables
    tables_counter_plans,
    tables_disputes,
    tables_plan_offers,
    tables_recovery_feed,
    tables_series_starts,
    tables_smart_collect_feed,
)
from sync.server.tables import metadata

__all__ = ["metadata"]
