"""SQLite engines with the durability rules: WAL, synchronous=FULL, BEGIN IMMEDIATE writes."""

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000


def _pragmas(dbapi_connection: sqlite3.Connection, *, read_only: bool) -> None:
    # We issue BEGIN ourselves (below); pysqlite's own transaction handling would defer it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not read_only:
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA case_sensitive_like = OFF")
    if read_only:
        cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on one SQLite file; the writer takes the write lock at BEGIN."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_size=2 if read_only else 1,
        max_overflow=4 if read_only else 0,
    )
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        _pragmas(dbapi_connection, read_only=read_only)
        record.info["writer"] = not read_only  # which connections may take the write lock

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine
