"""Offscreen Qt and the op helper's clean-up, as for the other screens (tests/ui)."""

import pytest


@pytest.fixture(autouse=True)
def _qt_cleanup(_nothing_outlives_its_test, _pools_gone_before_exit) -> None:
    """Every screen test here gets the shared Qt clean-up (tests/support/ui_fixtures.py)."""
