"""Running the real `tilldesk` console script, with the PIN of the user a command acts as."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.db.database import open_database
from app.demo.sample_data import load_sample

TILLDESK = Path(sys.executable).with_name("tilldesk")
# The sample staff's PINs, and the admin PIN every test counter is set up with.
ADMIN_PIN = "0000"
PINS = {"admin": ADMIN_PIN, "jsmith": "1234", "mbrown": "2345", "rpatel": "3456"}


def acting_user(args: tuple[str, ...]) -> str:
    return args[args.index("--user") + 1] if "--user" in args else "admin"


def run(
    db: Path, *args: str, check: bool = True, pin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`pin` None: the acting user's own PIN as $TILLDESK_PIN; "" sets none at all."""
    env = {**os.environ, "TILLDESK_DB": str(db)}
    env.pop("TILLDESK_PIN", None)
    chosen = PINS.get(acting_user(args), "") if pin is None else pin
    if chosen:
        env["TILLDESK_PIN"] = chosen
    result = subprocess.run(
        [str(TILLDESK), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


# The spec's cash payment of John Doe's March bill, as the CLI takes it.
PAY_MARCH_BILL = (
    "pay",
    "--account",
    "WU-10001",
    "--type",
    "bill",
    "--item",
    "INV-2025-001234",
    "--method",
    "cash",
    "--amount",
    "145.50",
)


def sample_counter(db: Path, terminal: str = "T07") -> Path:
    """A counter set up by `tilldesk init` with the spec's sample data loaded."""
    run(db, "init", "--terminal", terminal, "--admin-pin", ADMIN_PIN)
    database = open_database(db)
    load_sample(database)
    database.close()
    return db


def snapshot(db: Path, target: Path) -> Path:
    """A consistent copy of `db` (its write-ahead log included) at `target`, to copy per test."""
    with sqlite3.connect(db) as connection:
        connection.execute("VACUUM INTO ?", (str(target),))
    connection.close()
    return target
