"""The counter's files are its OS user's only: database, -wal/-shm, backups, log, exports."""

import os
import stat
from pathlib import Path

from sqlalchemy import text

from app.db.database import open_database
from app.db.migrate import alembic_config, upgrade
from app.services.analytics_csv import write_csv
from app.services.setup import initialise


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_counter_file_and_its_wal_are_private_even_under_a_loose_umask(
    tmp_path: Path,
) -> None:
    previous = os.umask(0o002)  # a shared workstation's default would make them 0664
    try:
        path = tmp_path / "data" / "tilldesk" / "counter.sqlite"
        database = open_database(path)
        initialise(database, terminal_code="T01", admin_secret="0000")
        with database.writer.connect() as connection:  # the WAL is open while we look
            connection.execute(text("SELECT count(*) FROM users")).one()
            assert mode(path) == 0o600
            for suffix in ("-wal", "-shm"):
                assert mode(path.with_name(path.name + suffix)) == 0o600
        database.close()
    finally:
        os.umask(previous)
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700


def test_files_left_readable_by_an_older_version_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "counter.sqlite"
    open_database(path).close()
    path.chmod(0o644)
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")
    wal.chmod(0o666)
    open_database(path).close()
    assert mode(path) == 0o600
    if wal.exists():
        assert mode(wal) == 0o600


def test_a_folder_the_user_chose_keeps_its_mode(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    open_database(tmp_path / "counter.sqlite").close()
    assert mode(tmp_path) == 0o755


def test_the_backup_taken_before_a_migration_is_private(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "counter.sqlite"
    database = open_database(path)
    initialise(database, terminal_code="T01", admin_secret="0000")
    config = alembic_config()
    with database.writer.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
    previous = os.umask(0o022)
    try:
        backup = upgrade(database.writer, path)
    finally:
        os.umask(previous)
        database.close()
    assert backup is not None and backup.exists()
    assert mode(backup) == 0o600


def test_an_exported_csv_is_private(tmp_path: Path) -> None:
    target = tmp_path / "collections.csv"
    write_csv(target, [["month", "collected"], ["2025-04", "145.50"]])
    assert mode(target) == 0o600
    assert target.read_text().startswith("month,collected")


def test_tilldesks_own_data_folder_is_tightened_when_found_open(
    tmp_path: Path, monkeypatch
) -> None:
    from argparse import Namespace

    from cli.context import open_db

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("TILLDESK_DB", raising=False)
    own = tmp_path / "tilldesk"
    own.mkdir(mode=0o755)
    own.chmod(0o755)
    open_db(Namespace(db=None)).close()
    assert mode(own) == 0o700
    assert mode(own / "tilldesk.sqlite") == 0o600
