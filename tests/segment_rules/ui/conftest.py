"""The recovery screens' fixtures (offscreen Qt, signed-in users, a recovery database)."""

from tests.recovery_ui.conftest import (  # noqa: F401 - fixtures
    _nothing_outlives_its_test,
    _pools_gone_before_exit,
    _styled,
    empty_recovery,
    executive,
    manager,
)
