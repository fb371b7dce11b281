"""An open counter as the client holds it: units of work for writes and for reads."""

from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from app.db.database import Database, open_database
from app.db.unit_of_work import Clock, UnitOfWork, system_clock
from app.services.recovery_database import recovery_db_url


@dataclass(frozen=True)
class Counter:
    """What screens pass to services; hides the database behind units of work."""

    database: Database

    def write(self) -> UnitOfWork:
        return self.database.unit_of_work()

    def read(self) -> UnitOfWork:
        return self.database.read()

    def today(self, zone: tzinfo) -> date:
        """The counter's date in the service center's zone: its clock, which tests move."""
        return self.database.clock().astimezone(zone).date()

    def recovery_db_url(self) -> str:
        """The recovery database this counter's screens read: $TILLDESK_RECOVERY_DB, or
        recovery.db beside the counter's database."""
        return recovery_db_url(None, counter_db=self.database.path)

    def close(self) -> None:
        self.database.close()


def open_counter(path: Path, clock: Clock = system_clock) -> Counter:
    return Counter(open_database(path, clock))


def counter_for(database: Database) -> Counter:
    return Counter(database)
