"""Recovery screens under test: the UI fixtures, the client's stylesheet (the bands' and
charts' colours are its tones), and a recovery database beside the counter holding the demo
portfolio after one run of the engine, with six monthly salaries each (`recovery`,
`empty_recovery`, `manager`, `executive`: tests/support/recovery_ui_fixtures.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest


@pytest.fixture(autouse=True)
def _qt_cleanup(_nothing_outlives_its_test, _pools_gone_before_exit, styled) -> None:
    """Every screen test here: the shared Qt clean-up, in the client's stylesheet."""
