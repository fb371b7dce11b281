"""The network rules written out plainly, independently of the ledger, to check it against."""

from datetime import datetime, timedelta

from app.recovery.code_tables import load_decline_codes

CODES = load_decline_codes()
MAC_WAIT = {"02": 72, "24": 1, "25": 24, "26": 48, "27": 96, "28": 144, "29": 192, "30": 240}


class Reference:
    """The rules written out plainly, independently of the ledger's code."""

    def __init__(self, method: str, network: str) -> None:
        self.method, self.network = method, network
        self.generation = 0
        self.attempts: list[tuple[datetime, int, str, str]] = []  # at, generation, code, mac
        self.notices: list[datetime] = []
        self.gateway = ""

    def check(self, at: datetime) -> None:
        mine = [a for a in self.attempts if a[1] == self.generation]
        for when, _, code, mac in mine:
            decline = CODES.classify(
                gateway=self.gateway,
                method=self.method,
                network=self.network,
                code=code,
                advice_code=mac,
            )
            assert not decline.no_retry, f"retried after {code}/{mac} before a new method"
            if mac in MAC_WAIT:
                assert at - when >= timedelta(hours=MAC_WAIT[mac]), f"MAC {mac} wait broken"
        times = [a[0] for a in mine]
        if self.method == "card":
            month = [t for t in times if at - t <= timedelta(days=30)]
            if self.network == "mastercard":
                day = [t for t in times if at - t <= timedelta(hours=24)]
                assert len(day) + 1 <= 10 and len(month) + 1 <= 35
            else:
                assert len(month) + 1 <= 15
        if self.method == "enach":
            same = [t for t in times if (t.year, t.month) == (at.year, at.month)]
            assert len(same) + 1 <= 3
        if self.method == "upi_autopay":
            last = self.attempts[-1][0]
            assert any(last < n <= at - timedelta(hours=24) for n in self.notices)
