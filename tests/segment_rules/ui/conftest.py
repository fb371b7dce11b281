"""The recovery screens' fixtures (offscreen Qt, signed-in users, a recovery database) come
from tests/support/recovery_ui_fixtures.py; here they get the clean-up and stylesheet."""

import pytest


@pytest.fixture(autouse=True)
def _qt_cleanup(_nothing_outlives_its_test, _pools_gone_before_exit, styled) -> None:
    """Every screen test here: the shared Qt clean-up, in the client's stylesheet."""
