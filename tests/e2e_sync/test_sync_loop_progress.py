"""`tilldesk sync` without --once (the foreground loop) shows a new counter's first load as
`sync --once` does: plain lines when the output goes to a file, nothing extra with --json,
and silence again for the routine syncs after it."""

import signal
import subprocess
import time
from pathlib import Path

from app.demo.words import demo_words
from sync.server import demo
from sync.server.db import make_engine
from tests.support.e2e_sync import ROOT, TILLDESK, new_counter

CONSUMERS = 1_500


def _loop_until_loaded(env: dict[str, str], tmp_path: Path, *args: str) -> tuple[str, str]:
    """Run the foreground loop until it has reported its first pull and a few quiet syncs
    more, then stop it as a service manager would (SIGTERM)."""
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [*TILLDESK, "sync", "--interval", "1", *args],
            env=env,
            cwd=ROOT,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 150
            while "pulled" not in out.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, err.read_text()
                time.sleep(0.2)
            time.sleep(2.5)  # two more syncs: nothing new, nothing said
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
    return out.read_text(), err.read_text()


def test_the_sync_loop_shows_the_first_load_and_then_stays_quiet(
    server_process, child_env, tmp_path: Path
):
    engine = make_engine(server_process.db_url, pool_size=1)
    try:
        demo.load_demo(engine, consumers_wanted=CONSUMERS, words=demo_words(), workers=1)
    finally:
        engine.dispose()
    total = server_process.query("SELECT count(*) FROM consumers")[0][0]
    env = {**child_env, "TILLDESK_DB": str(tmp_path / "T31.sqlite")}
    new_counter(env, server_process.url, "T31")

    stdout, stderr = _loop_until_loaded(env, tmp_path)

    assert f"Loading consumers: {total:,} of {total:,} (100 %)" in stderr
    assert stderr.count(f"Loading consumers: {total:,} of {total:,}") == 1  # then quiet
    assert "\x1b[" not in stderr  # no bar drawing in a log file
    assert stdout.count("pulled") == 1


def test_the_sync_loop_with_json_adds_no_progress(server_process, child_env, tmp_path: Path):
    engine = make_engine(server_process.db_url, pool_size=1)
    try:
        demo.load_demo(engine, consumers_wanted=CONSUMERS, words=demo_words(), workers=1)
    finally:
        engine.dispose()
    env = {**child_env, "TILLDESK_DB": str(tmp_path / "T33.sqlite")}
    new_counter(env, server_process.url, "T33")

    stdout, stderr = _loop_until_loaded(env, tmp_path, "--json")

    assert "Loading" not in stderr
    assert "pulled" in stdout
