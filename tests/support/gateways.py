"""The gateway tests' moment: the spec's sample day, 20 Apr 2025, 10:00 EDT."""

from datetime import UTC, datetime

NOW = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)
