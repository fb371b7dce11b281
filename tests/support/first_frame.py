"""Which modules `tilldesk client` had loaded when its first frame was shown, in a process of
its own (what a cashier's start-up really imports)."""

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PROBE = """
import sys
import ui.app

report = ui.app.FirstFrame._report


def loaded_at_first_frame(self):
    loaded = [name for name in sys.argv[2].split(",") if name in sys.modules]
    print("loaded:" + ",".join(loaded))
    report(self)


ui.app.FirstFrame._report = loaded_at_first_frame
from cli.main import main

sys.exit(main(["client", "--db", sys.argv[1], "--exit-after-startup"]))
"""


def loaded_at_first_frame(db: Path, modules: Sequence[str], home: Path) -> tuple[str, int]:
    """('loaded:' and those of `modules` already imported, milliseconds to the first frame);
    the client runs offscreen with its data, state and cache folders under `home`."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["XDG_DATA_HOME"] = env["XDG_STATE_HOME"] = env["XDG_CACHE_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db), ",".join(modules)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded, milliseconds = done.stdout.strip().splitlines()
    return loaded, int(milliseconds)
