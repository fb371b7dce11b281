"""A clock tests move by hand."""

from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock tests move by hand. Starts on the spec's sample day, 20 Apr 2025, 10:00 EDT."""

    def __init__(self, start: datetime = datetime(2025, 4, 20, 14, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
