"""The counter's stored settings: one JSON value per key, versioned at every change."""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import Setting


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def values(self) -> dict[str, Any]:
        """Every stored setting, parsed from its JSON."""
        rows = self.session.execute(select(Setting.key, Setting.value_json))
        return {key: json.loads(value) for key, value in rows}

    def write(self, values: Mapping[str, Any], at: datetime) -> None:
        """Store these keys: new ones at version 1, changed ones one version up."""
        rows = {r.key: r for r in self.session.scalars(select(Setting))}
        for key, value in values.items():
            row = rows.get(key)
            if row is None:
                self.session.add(
                    Setting(key=key, value_json=json.dumps(value), version=1, updated_at=at)
                )
            else:
                row.value_json = json.dumps(value)
                row.version += 1
                row.updated_at = at
        self.session.flush()
