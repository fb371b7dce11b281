"""How many SMS segments a text takes: GSM-7 (160, or 153 per part) or UCS-2 (70, or 67)."""

from dataclasses import dataclass

# GSM 03.38 default alphabet; every character is one septet.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: an escape septet plus the character, two septets that never split.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153  # a concatenated part loses 7 septets to its header
UCS2_SINGLE, UCS2_PART = 70, 67
DEFAULT_MAX_SEGMENTS = 3


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    def describe(self) -> str:
        parts = "segment" if self.segments == 1 else "segments"
        return f"{self.segments} {parts}, {self.encoding}, {self.units} units"


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def count_segments(text: str) -> SmsCount:
    """Segments as a handset counts them: one character outside GSM-7 makes the whole text
    UCS-2, and neither an escaped GSM-7 character nor a surrogate pair is split over parts."""
    if is_gsm7(text):
        costs = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
        return SmsCount("GSM-7", sum(costs), _pack(costs, GSM7_SINGLE, GSM7_PART))
    costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SmsCount("UCS-2", sum(costs), _pack(costs, UCS2_SINGLE, UCS2_PART))


def _pack(costs: list[int], single: int, part: int) -> int:
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return segments
