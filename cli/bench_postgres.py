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
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from app.domain.errors import UserFacingError

SUPERUSER = "tilldesk"
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGINT)
START_GRACE = 3.0  # seconds a started postmaster may take to write its pid file


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
    with ended_by_signals():
        base = Path(tempfile.mkdtemp(prefix="tilldesk-bench-pg-"))
        try:
            with _cluster_in(base, binaries, owner) as url:
                yield url
        finally:
            shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def _cluster_in(base: Path, binaries: Path, owner: pwd.struct_passwd | None) -> Iterator[str]:
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

    started = False
    try:
        run("initdb", "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8")
        # A server's durability (fsync on): the push is measured against real commits.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} "
            "-c max_connections=50 -c shared_buffers=256MB"
        )
        started = True
        run("pg_ctl", "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
        url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}"
        _create_database(port)
        yield f"{url}/bench"
    finally:
        if started:
            _stop(data, run)


def _stop(data: Path, run: Callable[..., None]) -> None:
    """Immediate shutdown (the cluster is thrown away: nothing to checkpoint); a postmaster
    that pg_ctl cannot stop is killed, so none outlives the benchmark."""
    pid_file = data / "postmaster.pid"
    # A start cut short by a signal may have forked a postmaster not yet written down.
    deadline = time.monotonic() + START_GRACE
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    if not pid_file.exists():
        return
    try:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    except RuntimeError:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(pid_file.read_text().split()[0])
            # Only this cluster's postmaster: a stale pid file may name someone else's process.
            if str(data).encode() in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def ended_by_signals() -> Iterator[None]:
    """SIGTERM and SIGINT (Ctrl-C) end the process through the `finally`s of this block, so
    what it started (PostgreSQL, the server) stops with it instead of running on as orphans;
    a second signal does not cut that cleanup short. Nested, only the outermost acts; outside
    the main thread (where Python takes no signals) it does nothing."""
    if threading.current_thread() is not threading.main_thread() or any(
        signal.getsignal(number) is _end for number in ENDING_SIGNALS
    ):
        yield
        return
    previous = {number: signal.signal(number, _end) for number in ENDING_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _end(signum: int, _frame: object) -> None:
    for number in ENDING_SIGNALS:
        signal.signal(number, signal.SIG_IGN)  # until the cleanup under way is done
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)  # the shell's exit status for "ended by that signal"


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
