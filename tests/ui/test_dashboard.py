"""The supervisor dashboard, driven as a billing manager would: tiles, charts, drill-down, CSV."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import csv
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from app.db.database import Database
from app.domain.periods import PeriodChoice
from app.services.actors import authenticate
from app.services.payments_list import PaymentQuery, list_payments
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import hub, wait_for_all
from ui.screens.dashboard import DashboardScreen

APR_1, APR_14, APR_20 = date(2025, 4, 1), date(2025, 4, 14), date(2025, 4, 20)


def pay(
    db: Database,
    kind: str,
    item: str,
    amount: str,
    method: str,
    channel: str,
    on: date,
    username: str = "jsmith",
) -> str:
    request = PaymentRequest(
        account_number="WU-10001",
        payment_type=kind,
        items=(item,),
        method=method,
        amount=amount,
        channel=channel,
        paid_on=on,
        username=username,
        # Back-dated past the setting's days: a supervisor other than the cashier approves.
        approver="admin" if username == "mbrown" else "mbrown",
        approver_pin="0000" if username == "mbrown" else "2345",
    )
    return record_payment(db.unit_of_work(), request).receipt_number


def signed_in(db: Database, username: str, pin: str) -> ClientContext:
    counter = counter_for(db)
    with counter.read() as uow:
        actor = authenticate(uow, username, pin)
    return ClientContext(
        counter=counter,
        settings=current_settings(counter.read()),
        actor=actor,
        terminal_code="T01",
    )


@pytest.fixture
def april(db: Database) -> Database:
    """Three counter payments in April 2025 (today is the 20th): $238.00 in all."""
    pay(db, "bill", "INV-2025-001234", "145.50", "Cash", "Walk-in", APR_14)
    pay(db, "service", "Late Fee", "25.00", "Credit Card", "Phone", APR_14)
    pay(db, "installment", "PP-2025-0034/1", "67.50", "Cheque", "Mail", date(2025, 4, 18), "mbrown")
    return db


@pytest.fixture
def manager_context(april: Database) -> Iterator[ClientContext]:
    """Michael Brown, billing manager, signed in at T01."""
    yield signed_in(april, "mbrown", "2345")
    wait_for_all()  # no service call may outlive the database it runs on


@pytest.fixture
def screen(qtbot, manager_context: ClientContext) -> DashboardScreen:
    dashboard = DashboardScreen(manager_context)
    qtbot.addWidget(dashboard)
    dashboard.resize(1280, 800)
    dashboard.show()  # showing it loads this month
    qtbot.waitUntil(lambda: dashboard.board is not None, timeout=10_000)
    return dashboard


def test_the_tiles_show_this_month_to_date(screen: DashboardScreen) -> None:
    assert screen.board is not None
    assert (screen.board.period.start, screen.board.period.end) == (APR_1, APR_20)
    assert screen.tile_collected.value.text() == "$238.00"
    assert screen.tile_today.value.text() == "$0.00  ·  0 payments"
    assert screen.tile_rate.value.text() == "76.0%"  # 238.00 of 313.00 due 1-20 Apr
    assert screen.tile_time.value.text() == "15.7 days"  # (14 + 4 + 29) / 3
    assert screen.period_label.text() == (
        "Apr 1, 2025 – Apr 20, 2025  ·  compared with Mar 1, 2025 – Mar 20, 2025"
    )


def test_the_charts_draw_each_day_and_each_method(screen: DashboardScreen) -> None:
    heights = screen.daily_chart.bar_heights()
    assert len(heights) == 20
    assert (heights[13], heights[17]) == (170.5, 67.5)  # 14 and 18 April
    assert sum(heights) == 238.0
    assert screen.daily_chart.days.labels[13] == "Apr 14"
    method = screen.breakdown_charts["method"]
    assert method.names.labels[:3] == ["Cash", "Cheque", "Credit Card"]
    assert method.bar_lengths() == [145.5, 67.5, 25.0, 0.0, 0.0, 0.0]
    rates, days = screen.trend_chart.series()
    assert len(rates) == len(days) == 20
    assert (days[13], days[17]) == (9.0, 29.0)  # (14 + 4) / 2 on the 14th, 29 on the 18th
    assert math.isnan(days[0])
    cashier = screen.breakdown_charts["cashier"]
    assert cashier.names.labels == ["Jane Smith", "Michael Brown"]
    assert "Jane Smith: $170.50 · 2 payments" in cashier.tooltips[0]


def test_clicking_a_days_bar_opens_that_days_payments(qtbot, screen, april) -> None:
    chart = screen.daily_chart
    scene_point = chart.getPlotItem().vb.mapViewToScene(QPointF(13, 50))
    where = chart.mapFromScene(scene_point)

    with qtbot.waitSignal(screen.drill_down, timeout=2_000) as clicked:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=where)

    query = clicked.args[0]
    assert query == PaymentQuery(status="Posted", date_from=APR_14, date_to=APR_14)
    listed = list_payments(april.read(), query).rows
    assert sorted(r.amount_minor for r in listed) == [2_500, 14_550]


@pytest.mark.parametrize(
    ("chart", "index", "narrowed_to"),
    [
        ("method", 1, {"method": "Cheque"}),
        ("type", 0, {"payment_type": "Bill"}),
        ("channel", 0, {"channel": "Walk-in"}),
        ("cashier", 1, {"cashier": "mbrown"}),
    ],
)
def test_clicking_a_category_bar_filters_the_payments_list(
    qtbot, screen, chart, index, narrowed_to
):
    with qtbot.waitSignal(screen.drill_down, timeout=2_000) as clicked:
        screen.breakdown_charts[chart].slot_clicked(index)

    this_month = {"status": "Posted", "date_from": APR_1, "date_to": APR_20}
    assert clicked.args[0] == PaymentQuery(**this_month, **narrowed_to)


def test_clicking_a_trend_point_opens_that_buckets_payments(qtbot, screen) -> None:
    with qtbot.waitSignal(screen.drill_down, timeout=2_000) as clicked:
        screen.trend_chart.slot_clicked(17)

    day = date(2025, 4, 18)
    assert clicked.args[0] == PaymentQuery(status="Posted", date_from=day, date_to=day)


def test_export_writes_the_rows_the_chart_shows(qtbot, screen, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(screen, "choose_csv_path", lambda suggested: tmp_path / suggested)

    qtbot.mouseClick(screen.cards["method"].export_button, Qt.MouseButton.LeftButton)

    saved = tmp_path / "collections-method-2025-04-01-to-2025-04-20.csv"
    qtbot.waitUntil(lambda: screen.status.text().startswith("Saved"), timeout=5_000)
    assert screen.status.text() == f"Saved 6 rows to {saved.name}"
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[:4] == [
        ["Method", "Collected", "Payments", "Share %"],
        ["Cash", "145.50", "1", "61.1"],
        ["Cheque", "67.50", "1", "28.4"],
        ["Credit Card", "25.00", "1", "10.5"],
    ]


def test_a_custom_period_reloads_and_a_backwards_one_is_refused(qtbot, screen) -> None:
    screen.choose_period(PeriodChoice.CUSTOM, date(2025, 4, 14), date(2025, 4, 14))
    qtbot.waitUntil(lambda: screen.board is not None and screen.board.period.days == 1)
    assert screen.tile_collected.value.text() == "$170.50"
    assert screen.date_from.isVisible()

    screen.choose_period(PeriodChoice.CUSTOM, date(2025, 4, 20), date(2025, 4, 1))
    qtbot.waitUntil(lambda: screen.error.text() != "", timeout=5_000)
    assert screen.error.text() == "The 'from' date must be on or before the 'to' date."


def test_new_payments_refresh_the_dashboard(qtbot, screen, april) -> None:
    pay(april, "service", "Reconnection Fee", "75.00", "Cash", "Walk-in", APR_20)

    hub.changed.emit(frozenset({"payments", "kpis"}))
    hub.changed.emit(frozenset({"payments"}))  # a burst becomes one reload

    qtbot.waitUntil(lambda: screen.tile_collected.value.text() == "$313.00", timeout=5_000)
    assert screen.tile_today.value.text() == "$75.00  ·  1 payment"
    assert screen.daily_chart.bar_heights()[19] == 75.0


def test_a_cashier_is_refused_the_dashboard(qtbot, april) -> None:
    context = signed_in(april, "jsmith", "1234")
    dashboard = DashboardScreen(context)
    qtbot.addWidget(dashboard)
    dashboard.show()

    qtbot.waitUntil(lambda: dashboard.error.text() != "", timeout=10_000)
    assert dashboard.error.text() == "A cashier may not view the supervisor dashboards."
    assert dashboard.board is None
    assert not dashboard.content.isVisible()
    wait_for_all()


@pytest.fixture
def window(qtbot, april: Database) -> Iterator[MainWindow]:
    """The whole client with Michael Brown (billing manager) signed in on the payments list."""
    counter = counter_for(april)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    main = MainWindow(context, idle_lock_ms=600_000)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.keyClicks(main.sign_in.username, "mbrown")
    qtbot.keyClick(main.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(main.sign_in.secret, "2345")
    qtbot.keyClick(main.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: main.stack.currentWidget() is main.screens.get("landing"), timeout=10_000
    )
    main.activateWindow()  # offscreen there is no window manager to do it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    yield main
    wait_for_all()


def listed(window: MainWindow) -> list[tuple[int, str, str | None]]:
    model = window.landing.payments
    return [
        (model.row_at(r).amount_minor, model.row_at(r).channel, model.row_at(r).cashier)
        for r in range(model.rowCount())
    ]


def open_dashboard(qtbot, window: MainWindow) -> DashboardScreen:
    qtbot.keyClick(window, Qt.Key.Key_F3)
    screen = window.screens["dashboard"]
    qtbot.waitUntil(lambda: window.stack.currentWidget() is screen, timeout=5_000)
    qtbot.waitUntil(lambda: screen.board is not None, timeout=10_000)
    return screen


@pytest.mark.parametrize(
    ("chart", "label", "rows", "says"),
    [
        ("method", "Cheque", [(6_750, "Mail", "mbrown")], None),
        ("channel", "Phone", [(2_500, "Phone", "jsmith")], "Channel: Phone"),
        (
            "cashier",
            "Jane Smith",
            [(2_500, "Phone", "jsmith"), (14_550, "Walk-in", "jsmith")],
            "Cashier: Jane Smith",
        ),
    ],
)
def test_a_bar_opens_the_payments_list_narrowed_to_it_and_says_so(
    qtbot, window, chart, label, rows, says
) -> None:
    screen = open_dashboard(qtbot, window)
    bars = screen.breakdown_charts[chart]

    bars.slot_clicked(bars.names.labels.index(label))

    landing = window.landing
    qtbot.waitUntil(lambda: window.stack.currentWidget() is landing, timeout=5_000)
    qtbot.waitUntil(lambda: listed(window) == rows, timeout=5_000)
    assert landing.drill_bar.isVisible() is (says is not None)
    if says:
        qtbot.waitUntil(lambda: landing.drill_label.text() == f"From the dashboard:  {says}")
    if chart == "method":
        assert landing.method.currentText() == "Cheque"


def test_clearing_the_drill_down_shows_every_channel_again(qtbot, window) -> None:
    screen = open_dashboard(qtbot, window)
    bars = screen.breakdown_charts["channel"]
    bars.slot_clicked(bars.names.labels.index("Mail"))
    landing = window.landing
    qtbot.waitUntil(lambda: listed(window) == [(6_750, "Mail", "mbrown")], timeout=5_000)

    landing.clear_drill.setFocus()
    qtbot.keyClick(landing.clear_drill, Qt.Key.Key_Space)

    qtbot.waitUntil(lambda: len(listed(window)) == 3, timeout=5_000)
    assert not landing.drill_bar.isVisible()
    assert landing.query().channel is None
    # The drill-down's period and status stay: only the channel was let go.
    assert landing.query().date_from == APR_1
