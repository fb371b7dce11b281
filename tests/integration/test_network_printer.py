"""Printer ports against real endpoints: a loopback TCP printer stand-in, and a real file.

The stand-in listens like a port-9100 printer, answers DLE EOT status queries, and can go
away, come back, drop a job half-way or report its paper out.
"""

import time
from collections.abc import Iterator

import pytest

from app.domain.documents import ReceiptDocument, Row, Section
from printing.escpos_render import render
from printing.ports import (
    FakePrinter,
    FilePrinter,
    NetworkPrinter,
    PaperOut,
    PrinterOffline,
    PrinterStatus,
    SerialPrinter,
    UsbPrinter,
    open_port,
)
from printing.profiles import PAPER_80
from tests.support.printer import PAPER_END, PrinterStandIn, _without_status_queries
from tests.unit.printing.escpos_decoder import decode


@pytest.fixture
def printer_stand_in() -> Iterator[PrinterStandIn]:
    stand_in = PrinterStandIn()
    yield stand_in
    stand_in.stop()


def sample_receipt() -> ReceiptDocument:
    return ReceiptDocument(
        title="PAYMENT RECEIPT",
        number="R-T01-0001",
        header=("Tilldesk Utility Service Center",),
        sections=(
            Section("Consumer", (Row("Name", "John Doe"), Row("Account No.", "WU-10001"))),
            Section(
                "Paid by",
                (Row("Method", "Cash"), Row("Amount received", "$150.00"), Row("Change", "$4.50")),
            ),
        ),
        qr_payload="TILLDESK:R-T01-0001:ABCDE-FGH23",
        barcode_data="R-T01-0001",
        open_drawer=True,
        receipt_number="R-T01-0001",
        payment_number="PAY-2025-T01-000001",
        transaction_number="TXN-2025-T01-000001",
        currency="USD",
        amount_minor=14550,
        is_cash=True,
        verification_code="ABCDE-FGH23",
    )


def network_printer(port: int) -> NetworkPrinter:
    return NetworkPrinter("127.0.0.1", port, timeout=2.0, status_timeout=0.3)


def test_a_receipt_sent_over_the_network_arrives_whole(printer_stand_in):
    job = render(sample_receipt(), PAPER_80)

    network_printer(printer_stand_in.port).send(job)
    printer_stand_in.wait_for_connections(1)

    (received,) = printer_stand_in.jobs
    assert _without_status_queries(received) == job
    printed = decode(received)
    assert "John Doe" in printed.texts[printed.texts.index("Name" + " " * 36 + "John Doe")]
    assert any(t.endswith("$4.50") for t in printed.texts)
    assert [e.value for e in printed.of_kind("qr")] == ["TILLDESK:R-T01-0001:ABCDE-FGH23"]
    assert len(printed.of_kind("cut")) == 1 and len(printed.of_kind("drawer")) == 1
    # asked for status before the job, and once after it to confirm it was taken
    assert [e.value for e in printed.of_kind("status_query")] == [1, 4, 1]


def test_a_printer_that_goes_away_and_comes_back_prints_the_job_exactly_once():
    job = render(sample_receipt(), PAPER_80)
    first = PrinterStandIn()
    port = first.port
    printer = network_printer(port)
    assert printer.status() is PrinterStatus.ONLINE
    first.stop()

    with pytest.raises(PrinterOffline) as offline:
        printer.send(job)
    assert f"127.0.0.1:{port}" in str(offline.value)
    assert offline.value.partial is False  # nothing left: safe to send again
    assert printer.status() is PrinterStatus.OFFLINE

    back = PrinterStandIn(port)
    try:
        printer.send(job)
        back.wait_for_connections(1)
        assert [_without_status_queries(j) for j in back.jobs] == [job]
        assert first.jobs == []
    finally:
        back.stop()


def test_a_printer_dropping_mid_job_is_reported_as_a_partial_print():
    job = render(sample_receipt(), PAPER_80)
    dropping = PrinterStandIn(drop_after=200)
    try:
        with pytest.raises(PrinterOffline) as dropped:
            network_printer(dropping.port).send(job)
        assert dropped.value.partial is True  # the worker must not assume nothing printed
    finally:
        dropping.stop()


def test_paper_out_is_reported_before_any_of_the_job_is_sent():
    empty = PrinterStandIn(paper=PAPER_END)
    try:
        printer = network_printer(empty.port)
        with pytest.raises(PaperOut, match="out of paper"):
            printer.send(render(sample_receipt(), PAPER_80))
        assert printer.status() is PrinterStatus.PAPER_OUT
        empty.wait_for_connections(2)
        assert empty.jobs == []
    finally:
        empty.stop()


def test_a_printer_that_never_answers_status_still_gets_the_job():
    quiet = PrinterStandIn(answers_status=False)
    try:
        printer = network_printer(quiet.port)
        assert printer.status() is PrinterStatus.UNKNOWN
        job = render(sample_receipt(), PAPER_80)
        started = time.monotonic()
        printer.send(job)
        assert time.monotonic() - started < 2.0
        quiet.wait_for_connections(2)
        assert [_without_status_queries(j) for j in quiet.jobs] == [job]
    finally:
        quiet.stop()


def test_a_file_or_device_port_appends_each_job(tmp_path):
    path = tmp_path / "lp0"
    port = FilePrinter(path)
    assert port.status() is PrinterStatus.UNKNOWN  # nothing there yet, but it could be
    port.send(b"one\n")
    port.send(b"two\n")
    assert path.read_bytes() == b"one\ntwo\n"
    assert port.status() is PrinterStatus.ONLINE

    missing = FilePrinter(tmp_path / "no-such-dir" / "lp0")
    assert missing.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterOffline, match="cannot be written"):
        missing.send(b"x")


def test_the_fake_printer_behaves_like_a_real_port():
    fake = FakePrinter()
    fake.send(b"job")
    fake.state = PrinterStatus.PAPER_OUT
    with pytest.raises(PaperOut):
        fake.send(b"job 2")
    fake.state = PrinterStatus.OFFLINE
    with pytest.raises(PrinterOffline):
        fake.send(b"job 2")
    assert fake.jobs == [b"job"]


def test_ports_are_made_from_printer_settings(tmp_path):
    network = open_port("network", "192.168.1.50")
    assert isinstance(network, NetworkPrinter) and (network.host, network.port) == (
        "192.168.1.50",
        9100,
    )
    assert open_port("Network", "10.0.0.7:9101").port == 9101  # type: ignore[attr-defined]
    assert isinstance(open_port("file", str(tmp_path / "lp0")), FilePrinter)
    usb = open_port("usb", "04b8:0202")
    assert isinstance(usb, UsbPrinter) and (usb.vendor_id, usb.product_id) == (0x04B8, 0x0202)
    assert isinstance(open_port("serial", "/dev/ttyUSB0"), SerialPrinter)
    with pytest.raises(ValueError, match="Unknown printer kind"):
        open_port("bluetooth", "x")


def test_a_usb_printer_that_is_not_there_is_offline_not_a_crash():
    usb = UsbPrinter(0x04B8, 0x0202)
    assert usb.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterOffline, match="USB printer 04b8:0202"):
        usb.send(b"x")
