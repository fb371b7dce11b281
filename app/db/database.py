"""One local database file: a writer engine, a read-only engine, units of work on each."""

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from app.db.engine import make_engine
from app.db.private_files import private_database, private_dir
from app.db.schema_revision import at_head
from app.db.unit_of_work import Clock, UnitOfWork, system_clock


class Database:
    def __init__(self, path: Path, clock: Clock = system_clock) -> None:
        self.path = Path(path)
        self.clock = clock
        self.writer: Engine = make_engine(self.path)
        self.reader: Engine = make_engine(self.path, read_only=True)
        self._write_sessions = sessionmaker(self.writer, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.reader, expire_on_commit=False)
        self._cache: dict[str, object] = {}  # parsed settings, this terminal

    def unit_of_work(self) -> UnitOfWork:
        """For use cases that write: takes the write lock at its first statement."""
        return UnitOfWork(self._write_sessions, self.clock, self._cache)

    def read(self) -> UnitOfWork:
        """For queries: a snapshot that never blocks the writer."""
        return UnitOfWork(self._read_sessions, self.clock, self._cache)

    def close(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def open_database(path: Path, clock: Clock = system_clock) -> Database:
    """Open (creating if need be) and migrate the file; what every process does at start-up."""
    path = Path(path)
    private_dir(path.parent)
    private_database(path)
    database = Database(path, clock)
    if not at_head(database.writer):  # Alembic is imported only when there is work for it
        from app.db.migrate import upgrade

        upgrade(database.writer, path)
    return database
