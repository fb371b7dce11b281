"""The whole recovery schema: the core tables and every area's, on one MetaData.

The areas built on the recovery service (experiments, alerts, webhooks, messaging, Smart
Collect, payment links) keep their tables in modules of their own on the core's MetaData;
importing them all here makes `metadata` complete for create_all and Alembic's comparisons.
Import `metadata` from here, never from app.db.recovery_tables, wherever all tables matter.
"""

from app.db import (  # noqa: F401 - imported for the tables they add to the MetaData
    recovery_tables_alerts,
    recovery_tables_case_actions,
    recovery_tables_discounts,
    recovery_tables_disputes,
    recovery_tables_experiments,
    recovery_tables_links,
    recovery_tables_messaging,
    recovery_tables_plan_notices,
    recovery_tables_plan_offers,
    recovery_tables_plans,
    recovery_tables_smart_collect,
    recovery_tables_webhooks,
)
from app.db.recovery_tables import metadata

__all__ = ["metadata"]
