"""The screen tests' fixtures (offscreen Qt, nothing outliving its test) for this folder;
`context` comes from tests/support/ui_fixtures.py."""

import pytest


@pytest.fixture(autouse=True)
def _qt_cleanup(_nothing_outlives_its_test, _pools_gone_before_exit) -> None:
    """Every screen test here gets the shared Qt clean-up (tests/support/ui_fixtures.py)."""
