"""One finding of `tilldesk doctor`: what was checked, how it stands, and what to do about it."""

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    OK = "ok"
    INFO = "info"  # nothing wrong; worth knowing (e.g. a standalone counter has no server)
    WARN = "warn"  # works today, will bite later
    FAIL = "fail"  # broken: the counter cannot do part of its job until fixed


@dataclass(frozen=True)
class Finding:
    area: str  # database, keyring, printer, server, clock, service, recovery
    verdict: Verdict
    summary: str
    fix: str = ""  # what a person does about it; empty when nothing

    def as_dict(self) -> dict[str, str]:
        return {
            "area": self.area,
            "verdict": self.verdict.value,
            "summary": self.summary,
            "fix": self.fix,
        }


def worst(findings: list[Finding]) -> Verdict:
    order = [Verdict.OK, Verdict.INFO, Verdict.WARN, Verdict.FAIL]
    return max((f.verdict for f in findings), key=order.index, default=Verdict.OK)
