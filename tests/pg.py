"""A throwaway PostgreSQL for tests: one cluster per test process, a fresh database per test.

Import the fixtures into a conftest (`from tests.pg import pg_cluster, pg_url, server_db_url`).
The cluster lives in a temp dir on a free loopback port and is stopped when the session ends.
Under pytest-xdist every worker is its own process, so every worker gets its own cluster and
nothing is shared between them. A test's database is `CREATE DATABASE ... TEMPLATE` of a
migrated template, which copies files instead of replaying the migrations (tens of ms).

initdb refuses to run as root: when we are root the cluster belongs to the `postgres` user
(created if missing) and every server binary runs through `runuser`. If no PostgreSQL is
installed and we are root, `apt-get install -y postgresql` is tried once.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

SUPERUSER = "tilldesk"
SERVER_TEMPLATE = "tilldesk_server_template"
# A server admin in every test server database (HTTP Basic on /v1/terminals/register).
SERVER_ADMIN = ("admin", "admin-password")


def _find_bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    candidates += sorted(glob.glob("/usr/local/pgsql/bin/initdb"))
    return Path(candidates[0]).parent if candidates else None


def _bin_dir() -> Path:
    found = _find_bin_dir()
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]
        if subprocess.run(install, check=False, env=env).returncode != 0:
            subprocess.run(["apt-get", "update"], check=False, env=env)
            subprocess.run(install, check=False, env=env)
        found = _find_bin_dir()
    if found is None:
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed")
    return found


def _major_version(bin_dir: Path) -> int:
    """16 from "pg_ctl (PostgreSQL) 16.2" (or "15beta1")."""
    out = subprocess.run([str(bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True)
    digits = out.stdout.rsplit(" ", 1)[-1]
    number = "".join(ch for ch in digits.split(".")[0] if ch.isdigit())
    return int(number or 0)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """initdb + pg_ctl in a temp dir; trust authentication on loopback only."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.as_root = os.geteuid() == 0
        self.owner = self._cluster_user() if self.as_root else None
        self.base = Path(tempfile.mkdtemp(prefix="tilldesk-pg-"))
        self.data = self.base / "data"
        self.port = _free_port()
        self.version = _major_version(self.bin)
        if self.owner:
            os.chown(self.base, self.owner.pw_uid, self.owner.pw_gid)

    @staticmethod
    def _cluster_user() -> pwd.struct_passwd:
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            return pwd.getpwnam("postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.base)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}\n{result.stderr}")

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        # Throwaway data: durability settings off make CREATE DATABASE and commits cheap.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.base} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.base / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        atexit.register(self.stop)

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(RuntimeError):  # already stopped
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        # FILE_COPY copies the few MB of a test database at once; the default (WAL_LOG,
        # PostgreSQL 15+) writes every page through the WAL and takes about a second.
        clause = f" TEMPLATE {template}" if template else ""
        if self.version >= 15:
            clause += " STRATEGY FILE_COPY"
        with self.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def has_database(self, name: str) -> bool:
        with self.admin() as connection:
            row = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
        return row is not None


def _wait_ready(cluster: PostgresCluster) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            cluster.admin().close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    _wait_ready(cluster)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh, empty database of its own for this test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    yield pg_cluster.create_database(name)
    pg_cluster.drop_database(name)


@pytest.fixture(scope="session")
def server_template(pg_cluster: PostgresCluster) -> str:
    """The central server's schema with SERVER_ADMIN, migrated once per session; tests copy it.

    The admin's argon2 hash is made here once rather than in every test."""
    from datetime import UTC, datetime

    from sync.server.admins import add_admin
    from sync.server.db import make_engine, migrate_database

    if not pg_cluster.has_database(SERVER_TEMPLATE):
        url = pg_cluster.create_database(SERVER_TEMPLATE)
        migrate_database(url)
        engine = make_engine(url, pool_size=1)
        add_admin(engine, *SERVER_ADMIN, datetime.now(UTC))
        engine.dispose()
    return SERVER_TEMPLATE


@pytest.fixture
def server_db_url(pg_cluster: PostgresCluster, server_template: str) -> Iterator[str]:
    """A fresh central-server database for this test: migrated, with its own epoch and
    SERVER_ADMIN, no terminals and no reference data."""
    name = f"s_{uuid.uuid4().hex[:16]}"
    url = pg_cluster.create_database(name, template=server_template)
    from sync.server.db import new_epoch_for_copy

    new_epoch_for_copy(url)
    yield url
    pg_cluster.drop_database(name)
