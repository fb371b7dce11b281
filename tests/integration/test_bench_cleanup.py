"""`tilldesk bench --sync` ended by SIGTERM, Ctrl-C or a failure: the throwaway PostgreSQL and
the central server it started stop with it, and the cluster's temp dir is gone."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.bench_postgres import _bin_dir

ROOT = Path(__file__).resolve().parents[2]
# The real run_sync_benchmark - its PostgreSQL, migrations and server - with the measurement
# replaced by a wait: the processes are up when `ready` appears, and stay up until ended.
BENCH = """
import sys, time
from pathlib import Path
import cli.sync_bench as bench
from app.domain.progress import no_progress

def stand_in(*args, **kwargs):
    ready = Path(sys.argv[2])
    ready.write_text("up")
    if sys.argv[3] == "fail":
        while not ready.with_suffix(".fail").exists():
            time.sleep(0.1)
        raise RuntimeError("the measurement failed")
    time.sleep(300)
    return {}

bench._measure = stand_in
bench.run_sync_benchmark(Path(sys.argv[1]), changes=0, offline=0, server_db=None,
                         server_url=None, progress=no_progress)
"""

pytestmark = pytest.mark.skipif(_bin_dir() is None, reason="PostgreSQL is not installed")


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def _children(parent: int) -> list[int]:
    return [int(n) for n in os.listdir("/proc") if n.isdigit() and _parent(int(n)) == parent]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has yet to collect it


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds:.0f} s")
        time.sleep(0.2)


class BenchRun:
    """The bench in its own process, its temp dir, and the server processes it started."""

    def __init__(self, tmp_path: Path, mode: str) -> None:
        # Not under tmp_path: as root the cluster belongs to `postgres`, who cannot enter it.
        self.temp = Path(tempfile.mkdtemp(prefix="tilldesk-bench-cleanup-"))
        self.temp.chmod(0o755)
        self.ready = tmp_path / "ready"
        counter_file = tmp_path / "bench.sqlite"
        counter_file.write_bytes(b"")  # an empty SQLite file: the stand-in never opens it
        env = {**os.environ, "TMPDIR": str(self.temp)}
        command = [sys.executable, "-c", BENCH, str(counter_file), str(self.ready), mode]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.started: list[int] = []

    def clusters(self) -> list[Path]:
        return sorted(self.temp.glob("tilldesk-bench-pg-*"))

    def servers_up(self) -> list[int]:
        """The postmaster and its processes, and the central server, once both answer."""
        _wait_for(lambda: self.ready.exists() or self.process.poll() is not None, 180,
                  "the bench did not start PostgreSQL and its server")  # fmt: skip
        assert self.process.poll() is None, self.process.communicate()[1].decode()
        (cluster,) = self.clusters()
        postmaster = int((cluster / "data" / "postmaster.pid").read_text().split()[0])
        server = [pid for pid in _children(self.process.pid)
                  if b"server\0run" in Path(f"/proc/{pid}/cmdline").read_bytes()]  # fmt: skip
        self.started = [postmaster, *_children(postmaster), *server]
        assert len(server) == 1 and len(self.started) >= 3
        return self.started

    def end(self) -> tuple[int, str]:
        _out, err = self.process.communicate(timeout=90)
        return self.process.returncode, err.decode(errors="replace")

    def leftovers(self) -> list[int]:
        return [pid for pid in self.started if _running(pid)]

    def kill_leftovers(self) -> None:
        """So that a failing run leaves nothing behind on the machine either."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in self.leftovers():
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.temp, ignore_errors=True)


@pytest.fixture
def bench_run(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[BenchRun]:
    run = BenchRun(tmp_path, request.param)
    yield run
    run.kill_leftovers()


def _assert_all_stopped(run: BenchRun) -> None:
    _wait_for(lambda: not run.leftovers(), 15, f"processes {run.leftovers()} still run")
    assert run.clusters() == [], "the cluster's temp dir is left behind"


@pytest.mark.parametrize(
    ("bench_run", "endings", "status"),
    [
        ("wait", [signal.SIGTERM], 128 + signal.SIGTERM),
        ("wait", [signal.SIGINT], -signal.SIGINT),
        # Ctrl-C pressed again while the first one's cleanup runs: it still finishes.
        ("wait", [signal.SIGINT, signal.SIGINT, signal.SIGTERM], -signal.SIGINT),
    ],
    indirect=["bench_run"],
    ids=["SIGTERM", "SIGINT", "SIGINT-again-during-cleanup"],
)
def test_a_signal_stops_the_benchs_postgresql_and_server(bench_run, endings, status):
    bench_run.servers_up()

    for ending in endings:
        bench_run.process.send_signal(ending)
        time.sleep(0.15)
    code, _err = bench_run.end()

    _assert_all_stopped(bench_run)
    assert code == status  # ended as by that signal: neither stuck nor crashed otherwise


@pytest.mark.parametrize("bench_run", ["fail"], indirect=True)
def test_a_failed_measurement_stops_the_benchs_postgresql_and_server(bench_run):
    bench_run.servers_up()

    bench_run.ready.with_suffix(".fail").write_text("now")
    code, err = bench_run.end()

    assert code == 1 and "the measurement failed" in err
    _assert_all_stopped(bench_run)
