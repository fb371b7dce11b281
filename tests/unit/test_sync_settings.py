"""The clock-skew thresholds: a warning below the block, both within a day."""

import pytest

from app.domain.errors import UserFacingError
from app.domain.settings import Settings


def test_the_defaults_warn_at_two_minutes_and_block_at_fifteen():
    settings = Settings()
    assert (settings.clock_skew_warn_seconds, settings.clock_skew_block_seconds) == (120, 900)
    assert Settings.from_mapping(settings.to_mapping()) == settings


@pytest.mark.parametrize(("warn", "block"), [(0, 900), (1000, 900), (120, 90_000)])
def test_a_warning_above_the_block_or_limits_out_of_range_are_refused(warn, block):
    with pytest.raises(UserFacingError, match="clock-skew"):
        Settings(clock_skew_warn_seconds=warn, clock_skew_block_seconds=block)
