"""Change areas are an enum: every use case's result names its areas as `Area` members, and a
member is found in a set of plain strings and the other way round."""

import dataclasses
import importlib
import pkgutil

import app.services
from app.domain.changes import Area, areas


def test_a_member_and_its_string_find_each_other_in_sets() -> None:
    announced = areas(Area.PAYMENTS, Area.KPIS)

    assert "payments" in announced  # a screen or test still written with strings
    assert Area.PAYMENTS in frozenset({"payments"})
    assert announced & {Area.KPIS, Area.SHIFT} == {Area.KPIS}
    assert Area("credit_notes") is Area.CREDIT_NOTES


def result_defaults() -> dict[str, frozenset]:
    """Every dataclass in app.services whose `changes` field has a default: its areas."""
    found: dict[str, frozenset] = {}
    for module_info in pkgutil.iter_modules(app.services.__path__):
        module = importlib.import_module(f"app.services.{module_info.name}")
        for name, value in vars(module).items():
            if not dataclasses.is_dataclass(value) or value.__module__ != module.__name__:
                continue
            for f in dataclasses.fields(value):
                if f.name == "changes" and isinstance(f.default, frozenset):
                    found[f"{module.__name__}.{name}"] = f.default
    return found


def test_every_use_case_result_names_its_areas_as_members() -> None:
    defaults = result_defaults()

    assert "app.services.void_payment.VoidedPayment" in defaults  # the scan sees them
    assert defaults["app.services.void_payment.VoidedPayment"] == {
        Area.PAYMENTS,
        Area.CONSUMERS,
        Area.KPIS,
        Area.CREDIT_NOTES,
    }
    strings = {
        where: sorted(str(a) for a in changes if not isinstance(a, Area))
        for where, changes in defaults.items()
    }
    assert {where: left for where, left in strings.items() if left} == {}
