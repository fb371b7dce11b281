"""A deliberately naive client: the industry's plain retry schedules, blind to every rule.

It charges each case at fixed offsets from its failure until one is approved, ignoring codes,
advice codes, windows and paydays, so the world's referee shows what such schedules break.

    python -m sync.simulation.plain_client --world URL --portfolio DIR \
        --start 2027-01-04T00:00:00Z --days 45 --policy fixed-8-in-14
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import requests

from sync.simulation.localtime import format_instant, parse_instant
from sync.simulation.portfolio_files import read_portfolio

SCHEDULES = {
    # Stripe's default: 8 tries within 2 weeks.
    "fixed-8-in-14": (1, 2, 3, 5, 7, 9, 11, 14),
    "daily-3": (1, 2, 3),
    # Kill Bill's retry days 8, 8, 8.
    "killbill-8-8-8": (8, 16, 24),
}


@dataclass(frozen=True)
class PlainResult:
    policy: str
    stats: dict
    seconds_virtual: float


def run_plain(
    world_url: str, portfolio_dir: Path, policy: str, start: datetime, days: int
) -> PlainResult:
    """Run one plain schedule over every case, in virtual-time order, and return /stats."""
    cases = read_portfolio(portfolio_dir).cases
    end = start + timedelta(days=days)
    planned = sorted(
        (max(start, case.failed_at + timedelta(days=offset)), case.case_id, case.amount_minor)
        for case in cases.values()
        for offset in SCHEDULES[policy]
    )
    paid: set[str] = set()
    with requests.Session() as session:
        session.trust_env = False  # proxy and netrc look-ups cost ~3 ms a request on loopback
        for at, case_id, amount in planned:
            if at > end or case_id in paid:
                continue
            answer = session.post(
                f"{world_url}/attempt",
                json={"case_id": case_id, "at": format_instant(at), "amount_minor": amount},
                timeout=10,
            )
            answer.raise_for_status()
            if answer.json()["approved"]:
                paid.add(case_id)
        session.get(f"{world_url}/events", params={"until": format_instant(end)}, timeout=30)
        stats = session.get(f"{world_url}/stats", timeout=10).json()
    return PlainResult(policy, stats, (end - start).total_seconds())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.simulation.plain_client")
    parser.add_argument("--world", required=True)
    parser.add_argument("--portfolio", type=Path, required=True)
    parser.add_argument("--start", default="2027-01-04T00:00:00Z")
    parser.add_argument("--days", type=int, default=45)
    parser.add_argument("--policy", choices=sorted(SCHEDULES), default="fixed-8-in-14")
    args = parser.parse_args(argv)
    result = run_plain(
        args.world, args.portfolio, args.policy, parse_instant(args.start), args.days
    )
    stats = result.stats
    summary = {
        "policy": result.policy,
        "recovered_minor": stats["recovered_minor"],
        "recovered_cases": stats["recovered_cases"],
        "cases": stats["cases"],
        "attempts": stats["attempts"],
        "breaches": {rule: n for rule, n in stats["breaches"].items() if n},
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
