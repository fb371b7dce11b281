"""The screen tests' fixtures (offscreen Qt, nothing outliving its test) for this folder."""

from tests.ui.conftest import (  # noqa: F401 - fixtures
    _nothing_outlives_its_test,
    _pools_gone_before_exit,
    context,
)
