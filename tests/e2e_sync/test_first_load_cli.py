"""`tilldesk sync --once` on a new counter shows the first load's progress: a bar with counts
on a terminal, plain lines when the output goes to a file, nothing extra with --json."""

import json
import os
import pty
import subprocess
from pathlib import Path

from app.demo.words import demo_words
from sync.server import demo
from sync.server.db import make_engine
from tests.support.e2e_sync import ROOT, TILLDESK, new_counter, tilldesk

CONSUMERS = 1_500


def _on_a_terminal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (what a person at a console sees)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*TILLDESK, *args],
        env={**env, "COLUMNS": "120", "TERM": "xterm"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=180)
    os.close(leader)
    return process.returncode, seen.decode("utf-8", "replace")


def test_the_first_load_shows_progress_as_each_output_wants(
    server_process, child_env, tmp_path: Path
):
    engine = make_engine(server_process.db_url, pool_size=1)
    try:
        demo.load_demo(engine, consumers_wanted=CONSUMERS, words=demo_words(), workers=1)
    finally:
        engine.dispose()
    total = server_process.query("SELECT count(*) FROM consumers")[0][0]
    envs = {
        code: {**child_env, "TILLDESK_DB": str(tmp_path / f"{code}.sqlite")}
        for code in ("T21", "T22", "T23")
    }
    for code, env in envs.items():
        new_counter(env, server_process.url, code)

    to_file = tilldesk(envs["T21"], "sync", "--once")
    assert to_file.returncode == 0, to_file.stderr
    assert f"Loading consumers: {total:,} of {total:,} (100 %)" in to_file.stderr
    assert "\x1b[" not in to_file.stderr  # no bar drawing in a log file

    as_json = tilldesk(envs["T22"], "sync", "--once", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert "Loading" not in as_json.stderr
    assert json.loads(as_json.stdout)["pull"]["changes"] >= total

    code, screen = _on_a_terminal(envs["T23"], "sync", "--once")
    assert code == 0, screen
    assert "Loading consumers" in screen
    assert f"{total}/{total}" in screen  # the bar's count column, at its end
