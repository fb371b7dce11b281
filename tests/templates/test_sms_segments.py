"""SMS segments counted as a handset counts them: GSM-7 160/153, UCS-2 70/67."""

import pytest

from app.recovery.templates.sms import count_segments


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),  # 2 x 153
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # the extension table: two septets each
        ("€" + "a" * 159, "GSM-7", 161, 2),
        ("a" * 70 + "₹", "UCS-2", 71, 2),  # one rupee sign makes the whole text UCS-2
        ("a" * 69 + "₹", "UCS-2", 70, 1),
        ("a" * 134, "GSM-7", 134, 1),
        ("á" * 134, "UCS-2", 134, 2),  # á is not GSM-7 (à and é are)
        ("é" * 160, "GSM-7", 160, 1),
        ("अ" * 201, "UCS-2", 201, 3),
        ("अ" * 202, "UCS-2", 202, 4),
    ],
)
def test_counts_units_and_segments(text: str, encoding: str, units: int, segments: int) -> None:
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


def test_an_escaped_character_is_never_split_over_two_parts() -> None:
    # 152 septets, then a two-septet '€' that would straddle the first part's 153rd septet.
    counted = count_segments("a" * 152 + "€" + "a" * 152)
    assert counted.units == 306 and counted.segments == 3


def test_an_emoji_takes_two_ucs2_units_and_is_never_split() -> None:
    assert count_segments("🙂" * 35).segments == 1  # 70 units
    counted = count_segments("a" * 66 + "🙂" + "a" * 66)  # the pair would straddle unit 67
    assert counted.units == 134 and counted.segments == 3


def test_describe_reads_for_people() -> None:
    assert count_segments("hello").describe() == "1 segment, GSM-7, 5 units"
