"""`tilldesk payments list` narrowed by channel and cashier, as a supervisor's script would."""

import json
from pathlib import Path

from tests.e2e.cli import run


def pay(db: Path, item: str, amount: str, channel: str, user: str) -> None:
    run(
        db,
        "pay",
        *("--account", "WU-10001", "--type", "service", "--item", item),
        *("--method", "cash", "--amount", amount, "--channel", channel, "--user", user),
    )


def test_payments_list_filters_by_channel_and_cashier(counter: Path) -> None:
    pay(counter, "late fee", "25", "Phone", "jsmith")
    pay(counter, "reconnection fee", "75", "Walk-in", "mbrown")

    def listed(*args: str) -> list[tuple[str, str, str]]:
        rows = json.loads(run(counter, "payments", "list", *args, "--json").stdout)
        return [(r["amount"], r["channel"], r["cashier"]) for r in rows]

    assert listed("--channel", "phone") == [("25.00", "Phone", "jsmith")]
    assert listed("--cashier", "mbrown") == [("75.00", "Walk-in", "mbrown")]
    assert listed("--cashier", "@system") == []
    refused = run(counter, "payments", "list", "--cashier", "nobody", check=False)
    assert refused.returncode == 3
    assert "No cashier named 'nobody'" in refused.stderr
