"""The demo loader says how far it is, so `tilldesk demo` can show it."""

from app.demo.demo_data import load_demo


def test_the_demo_reports_each_consumer_stage(empty_db) -> None:
    seen: list[tuple[str, int, int | None]] = []

    load_demo(empty_db, consumers=600, progress=lambda *report: seen.append(report))

    assert ("Generating consumers", 500, 600) in seen
    assert ("Generating consumers", 600, 600) in seen
    assert seen[-1] == ("Writing the database", 0)
