"""A counter's first start, its audit check and its reference data, on a fake unit of work."""

import pytest

from app.domain.errors import UserFacingError
from app.domain.roles import Role
from app.domain.settings import Settings
from app.services.audit_check import verify_audit_chain
from app.services.reference_export import reference_rows
from app.services.setup import SetupResult, set_up
from tests.support.fake_uow import FakeUnitOfWork, seed_consumer, seed_user


def first_start(uow: FakeUnitOfWork, code: str = "t02", secret: str = "4321") -> SetupResult:
    settings = Settings.from_mapping({"currency": "INR", "locale": "en_IN"})
    return set_up(
        uow, terminal_code=code, terminal_name="Counter 2", admin_secret=secret, settings=settings
    )


def test_the_first_start_makes_the_terminal_the_admin_and_the_settings() -> None:
    uow = FakeUnitOfWork(set_up=False)

    result = first_start(uow)

    assert (result.terminal_code, result.created) == ("T02", True)
    assert uow.terminal().code == "T02"
    assert [(u.username, u.role) for u in uow.store.users] == [("admin", Role.ADMIN.value)]
    assert uow.settings().currency == "INR"
    assert uow.actions()[0] == "terminal.initialised"


def test_a_second_start_changes_nothing() -> None:
    uow = FakeUnitOfWork(set_up=False)
    first_start(uow)

    again = first_start(uow, code="T09")

    assert (again.terminal_code, again.created) == ("T02", False)
    assert len(uow.store.users) == 1


@pytest.mark.parametrize("code", ["", "T-01", "TOOLONG123"])
def test_a_bad_terminal_code_is_refused_before_anything_is_written(code: str) -> None:
    uow = FakeUnitOfWork(set_up=False)

    with pytest.raises(UserFacingError, match="1-8 letters or digits"):
        first_start(uow, code=code)

    assert uow.store.this_terminal is None and uow.store.users == []


def test_the_reference_export_leaves_the_built_in_admin_out() -> None:
    uow = FakeUnitOfWork()
    seed_user(uow.store, "admin", Role.ADMIN)
    seed_user(uow.store, "carla", Role.CASHIER, "Carla Cashier")
    seed_consumer(uow.store, "ACC-1001", "Jane Doe")

    rows = reference_rows(uow)

    assert [u["username"] for u in rows["user"]] == ["carla"]
    assert [(c["account_number"], c["name"]) for c in rows["consumer"]] == [
        ("ACC-1001", "Jane Doe")
    ]


def test_the_audit_check_counts_every_event() -> None:
    uow = FakeUnitOfWork(set_up=False)
    first_start(uow)

    report = verify_audit_chain(uow)

    assert report.intact and report.checked == len(uow.store.audit) >= 2
