"""The Experiments screen (offscreen): rows, the arms' figures, the chart, and Stop."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.roles import Role
from app.services import experiments as service
from app.services.actors import sign_in
from app.services.recovery_database import DB_VARIABLE, shared_recovery_database
from tests.support.ui_fixtures import QT_CLEANUP
from ui.recovery.area_experiments import entries
from ui.recovery.experiments_models import ArmModel
from ui.recovery.experiments_screen import NO_DATA, ExperimentsScreen

pytestmark = QT_CLEANUP  # the screens' Qt clean-up

START = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def recovery_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "experiments-recovery.sqlite"
    monkeypatch.setenv(DB_VARIABLE, str(path))
    return f"sqlite:///{path.resolve()}"


@pytest.fixture
def manager(context):
    return context.signed_in(sign_in(context.counter.write(), "mbrown", "2345"))


def seeded(url: str) -> int:
    engine = shared_recovery_database(url)
    experiment = service.create_experiment(
        engine, name="Retry timing", strategy="retry_timing",
        variant_names=["smart", "daily-3"], allocation=None, now=START, by="mbrown",
        min_sample=10,
    )["id"]  # fmt: skip
    for day in range(3):
        for n in range(20):
            consumer = f"C{day}-{n}"
            arm = service.assign(engine, experiment, consumer, START)["variant"]
            recovered = n % (2 if arm == "smart" else 4) != 0
            service.record(
                engine, experiment, consumer, START + timedelta(days=day),
                recovered=recovered, days=1.0 + n % 5 if recovered else None,
            )  # fmt: skip
    return experiment


def shown(qtbot, screen: ExperimentsScreen) -> None:
    qtbot.waitUntil(lambda: screen.results is not None, timeout=20_000)


def test_the_screen_lists_experiments_and_shows_the_chosen_ones_arms(
    qtbot, manager, recovery_url, tmp_path
) -> None:
    seeded(recovery_url)
    screen = ExperimentsScreen(manager)
    qtbot.addWidget(screen)
    screen.resize(1000, 700)
    shown(qtbot, screen)
    assert screen.experiments.rowCount() == 1
    assert screen.experiments.rows[0]["name"] == "Retry timing"
    arms = screen.arms
    names = [arms.index(r, ArmModel.VARIANT).data() for r in range(arms.rowCount())]
    assert names == ["smart (control)", "daily-3"]
    total = sum(int(arms.index(r, ArmModel.N).data()) for r in range(arms.rowCount()))
    assert total == 60
    assert arms.index(1, ArmModel.P_HOLM).data() != "–"  # the comparison with the control
    assert arms.index(0, ArmModel.PROB_BEST).data().endswith("%")
    series = screen.chart.series()
    assert set(series) == {"smart", "daily-3"}
    assert all(len(points) == 3 for points in series.values())  # one point per day
    assert not screen.chart.empty.isVisible()
    # 71 % against 53 % on 60 outcomes: daily-3 leads, but not significantly.
    assert "Keep the control, smart" in screen.advice.text()
    hint = screen.minimumSizeHint()  # it must fit the main window at 1024 x 768
    assert hint.width() <= 1000 and hint.height() <= 700
    screen.show()
    screen.grab().save(str(tmp_path / "experiments.png"))


def test_with_no_outcomes_the_chart_says_so(qtbot, manager, recovery_url, tmp_path) -> None:
    service.create_experiment(
        shared_recovery_database(recovery_url), name="Empty", strategy="grace_period",
        variant_names=["7_days", "14_days"], allocation=None, now=START, by="mbrown",
    )  # fmt: skip
    screen = ExperimentsScreen(manager)
    qtbot.addWidget(screen)
    shown(qtbot, screen)
    assert screen.chart.series() == {"7_days": [], "14_days": []}
    assert screen.chart.empty.isVisible() and screen.chart.empty.textItem.toPlainText() == NO_DATA
    assert "Keep the test running" in screen.advice.text()
    screen.resize(1000, 700)
    screen.show()
    screen.grab().save(str(tmp_path / "experiments-empty.png"))


def test_a_billing_manager_stops_the_chosen_experiment(qtbot, manager, recovery_url) -> None:
    experiment = seeded(recovery_url)
    screen = ExperimentsScreen(manager)
    qtbot.addWidget(screen)
    shown(qtbot, screen)
    screen.confirm_stop = lambda _name: True
    assert screen.stop_button.isEnabled()
    with qtbot.waitSignal(screen.experiment_stopped, timeout=20_000):
        screen.stop_button.click()
    qtbot.waitUntil(lambda: screen.experiments.rows[0]["status"] == "stopped", timeout=20_000)
    row = service.show_experiment(shared_recovery_database(recovery_url), experiment)
    assert (row["status"], row["stopped_by"]) == ("stopped", "mbrown")
    qtbot.waitUntil(lambda: not screen.stop_button.isEnabled(), timeout=20_000)


def test_a_cashier_sees_no_stop_and_the_menu_offers_the_screen_to_managers_only(
    qtbot,
    context,
    recovery_url,
) -> None:
    seeded(recovery_url)
    screen = ExperimentsScreen(context)
    qtbot.addWidget(screen)
    shown(qtbot, screen)
    assert not screen.stop_button.isVisibleTo(screen) and not screen.stop_button.isEnabled()
    [entry] = entries()
    assert entry.roles == frozenset({Role.BILLING_MANAGER, Role.ADMIN})
