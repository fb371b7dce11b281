"""A throwaway PostgreSQL for `tilldesk bench --sync` when no --server-db is given.

initdb + pg_ctl in a temp dir on a free loopback port (trust authentication, loopback only),
removed when the benchmark ends. initdb refuses to run as root: then the cluster belongs to the
`postgres` user and every server binary runs through runuser. The same recipe as tests/pg.py.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from app.domain.errors import UserFacingError

SUPERUSER = "tilldesk"


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A running cluster with an empty database `bench`; yields its SQLAlchemy URL."""
    binaries = _bin_dir()
    if binaries is None:
        raise UserFacingError(
            "PostgreSQL's initdb and pg_ctl were not found: install PostgreSQL, or give "
            "--server-db URL of a database the benchmark may fill."
        )
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise UserFacingError("Running as root needs a 'postgres' user for initdb.") from None
    base = Path(tempfile.mkdtemp(prefix="tilldesk-bench-pg-"))
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    port, data = free_port(), base / "data"

    def run(*args: str) -> None:
        command = [str(binaries / args[0]), *args[1:]]
        if owner is not None:
            command = ["runuser", "-u", owner.pw_name, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=base, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}\n{done.stderr}")

    try:
        run("initdb", "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8")
        # A server's durability (fsync on): the push is measured against real commits.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
            "-c max_connections=50 -c shared_buffers=256MB"
        )
        run("pg_ctl", "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
        url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}"
        _create_database(port)
        yield f"{url}/bench"
    finally:
        if data.exists():
            with contextlib.suppress(RuntimeError):
                run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def _create_database(port: int) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(
                host="127.0.0.1", port=port, user=SUPERUSER, dbname="postgres", autocommit=True
            ) as connection:
                connection.execute("CREATE DATABASE bench")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
