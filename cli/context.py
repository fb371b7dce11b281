"""What every command needs: the database file chosen by --db, TILLDESK_DB or the default."""

import os
from argparse import Namespace
from pathlib import Path

from platformdirs import user_data_dir

from app.db.database import Database, open_database


def database_path(args: Namespace) -> Path:
    chosen = getattr(args, "db", None) or os.environ.get("TILLDESK_DB")
    if chosen:
        return Path(chosen).expanduser()
    return Path(user_data_dir("tilldesk", appauthor=False)) / "tilldesk.sqlite"


def open_db(args: Namespace) -> Database:
    return open_database(database_path(args))
