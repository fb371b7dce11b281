"""Offscreen Qt and the op helper's clean-up, as for the other screens (tests/ui)."""

from tests.ui.conftest import _nothing_outlives_its_test, _pools_gone_before_exit

__all__ = ["_nothing_outlives_its_test", "_pools_gone_before_exit"]
