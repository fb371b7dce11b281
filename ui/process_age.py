"""How long this process has run: the start-up figure of `client --exit-after-startup`.

Stdlib only, so a baseline script can import it without loading anything of the client."""

import os
import time
from pathlib import Path


def process_age_ms() -> float:
    """Milliseconds since this process started: from the kernel where it says (Linux), else
    since the interpreter's first clock reading."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])  # field 22 of the whole line: start time since boot
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
        return (uptime_s - started_ticks / os.sysconf("SC_CLK_TCK")) * 1000
    except (OSError, ValueError, IndexError):
        return time.perf_counter() * 1000
