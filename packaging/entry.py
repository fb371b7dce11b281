"""The frozen `tilldesk` command: PyInstaller starts here and hands over to cli.main."""

import os
import sys
from collections.abc import Callable
from pathlib import Path


def _profiled(run: Callable[[], int], target: str) -> int:
    """TILLDESK_PROFILE=FILE: a cProfile of the whole command into FILE (pstats format), for
    the frozen start-up, where -X importtime and PYTHONPROFILEIMPORTTIME are not available (the
    bootloader ignores PYTHON* variables). Prints when the interpreter reached this file."""
    import cProfile

    from ui.process_age import process_age_ms

    print(f"entry reached at {process_age_ms():.0f} ms", file=sys.stderr)
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(run)
    finally:
        profiler.dump_stats(target)


if __name__ == "__main__":
    if sys.argv[1:] == ["--version"]:
        # Answered before the CLI imports every subcommand: a probe for scripts and installers.
        print(f"tilldesk {(Path(sys._MEIPASS) / 'VERSION').read_text().strip()}")
        sys.exit(0)
    if os.environ.get("TILLDESK_PROFILE"):
        sys.exit(
            _profiled(lambda: __import__("cli.main").main.main(), os.environ["TILLDESK_PROFILE"])
        )
    from cli.main import main

    sys.exit(main())
