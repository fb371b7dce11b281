"""Alembic on a real file: head matches the models, old files are backed up, pragmas hold."""

import pprint
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from app.db.base import Base
from app.db.database import Database, open_database
from app.db.migrate import alembic_config, current_revision, head_revision
from app.demo.sample_data import load_sample
from app.domain.errors import UserFacingError
from app.services.consumers import search_consumers
from app.services.record_payment import PaymentRequest, record_payment
from app.services.setup import initialise

# The same rule as migrations/env.py (importing env.py would run a migration): FTS5 virtual
# tables and their shadow tables live outside the ORM metadata.
FTS_PREFIXES = ("consumers_fts", "payments_fts")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and name and name.startswith(FTS_PREFIXES))


def drift(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return list(compare_metadata(context, Base.metadata))


def downgrade(database: Database, revision: str) -> None:
    config = alembic_config()
    with database.writer.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def backups(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob(f"{db_path.stem}.before-*.sqlite"))


def pay_the_march_bill(database: Database) -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type="Bill",
        items=("INV-2025-001234",),
        method="Cash",
        amount="145.50",
        username="jsmith",
    )
    return record_payment(database.unit_of_work(), request).receipt_number


def test_a_new_file_is_migrated_to_head_and_matches_the_models(db_path) -> None:
    database = open_database(db_path)
    try:
        assert current_revision(database.writer) == head_revision()
        differences = drift(database.writer)
        assert differences == [], "schema drift:\n" + pprint.pformat(differences)
    finally:
        database.close()
    assert backups(db_path) == []  # nothing to back up in a file that held no schema


def test_opening_a_migrated_file_again_changes_nothing(db_path) -> None:
    open_database(db_path).close()
    database = open_database(db_path)
    database.close()
    assert backups(db_path) == []


def test_an_older_file_is_backed_up_before_it_is_upgraded(db_path, clock) -> None:
    database = open_database(db_path, clock)
    initialise(database, terminal_code="T01")
    load_sample(database)
    receipt = pay_the_march_bill(database)
    downgrade(database, "0001")
    assert current_revision(database.writer) == "0001"
    database.close()

    reopened = open_database(db_path, clock)
    try:
        assert current_revision(reopened.writer) == head_revision()
        differences = drift(reopened.writer)
        assert differences == [], "schema drift after upgrade:\n" + pprint.pformat(differences)
        with pytest.raises(UserFacingError, match=r"^INV-2025-001234 is already paid in full"):
            pay_the_march_bill(reopened)  # the upgraded file still knows the bill was paid
    finally:
        reopened.close()

    (backup,) = backups(db_path)
    assert backup.name.startswith("counter.before-0001.")
    with sqlite3.connect(backup) as old:
        assert old.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert old.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert old.execute("SELECT name, account_number FROM consumers").fetchall() == [
            ("John Doe", "WU-10001")
        ]
        assert old.execute("SELECT receipt_number, amount_minor FROM payments").fetchall() == [
            (receipt, 14550)
        ]
        tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "consumers_fts" not in tables
    assert "print_jobs" not in tables


def test_every_migration_can_be_undone_and_redone(db_path) -> None:
    database = open_database(db_path)
    try:
        downgrade(database, "base")
        assert current_revision(database.writer) is None
        config = alembic_config()
        with database.writer.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        assert current_revision(database.writer) == head_revision()
        differences = drift(database.writer)
        assert differences == [], "schema drift after a round trip:\n" + pprint.pformat(differences)
    finally:
        database.close()


def test_search_finds_consumers_that_were_there_before_the_search_index(db_path, clock) -> None:
    database = open_database(db_path, clock)
    initialise(database, terminal_code="T01")
    load_sample(database)
    downgrade(database, "0001")
    database.close()

    reopened = open_database(db_path, clock)
    try:
        hits = search_consumers(reopened.read(), "John")
    finally:
        reopened.close()
    assert [h.account_number for h in hits] == ["WU-10001"]


@pytest.mark.parametrize("engine", ["writer", "reader"])
def test_the_durability_pragmas_are_in_force(empty_db, engine) -> None:
    with getattr(empty_db, engine).connect() as connection:

        def pragma(name: str) -> object:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000


def test_the_reader_cannot_write(empty_db) -> None:
    with empty_db.reader.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 1
    with empty_db.writer.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA query_only").scalar() == 0
