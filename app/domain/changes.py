"""The areas of data a use case can change: announced in its result, refreshed by screens."""

from enum import StrEnum


class Area(StrEnum):
    """One area of the counter's data. A result's `changes` is a frozenset of these; the
    client announces it on `hub.changed` and each screen refreshes when an area it shows is in
    it (`Area.PAYMENTS in areas`)."""

    # Enum hashes a member by its name ("PAYMENTS"), StrEnum compares it as its value
    # ("payments"): a plain string would then never be found in a set of members. Hashing as
    # the string keeps `"payments" in {Area.PAYMENTS}` and `Area.PAYMENTS in {"payments"}`
    # true, so an area still written as a string (an older test, a plug-in) is not lost.
    __hash__ = str.__hash__

    APPROVALS = "approvals"
    CONSUMERS = "consumers"
    CREDIT_NOTES = "credit_notes"
    DISPUTES = "disputes"
    KPIS = "kpis"
    PAYMENTS = "payments"
    PLANS = "plans"
    PRINT_QUEUE = "print_queue"
    RECONCILIATION = "reconciliation"
    SETTINGS = "settings"
    SHIFT = "shift"
    SYNC = "sync"
    USERS = "users"


Changes = frozenset[Area]


def areas(*members: Area) -> Changes:
    """The changes a result announces: `changes: Changes = field(default=areas(Area.SYNC))`."""
    return frozenset(members)
