"""DSO, share of A/R current and the aging trend, computed from open-item snapshots whose
figures are known (worked out by hand in the comments)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

from bots.console import create_app
from bots.console.receivables import receivables, snapshot_frame
from bots.domain import OpenItem, RunStatus, Trigger
from bots.store import Store
from tests.console.conftest import signed_in

BOUNDS = (0, 30, 60, 90)


def item(doc: str, amount: str, doc_date: date, due: date, currency: str = "EUR") -> OpenItem:
    return OpenItem(company_code="1000", customer="C1", document_no=doc, fiscal_year="2026",
                    line_item="001", currency=currency, amount=Decimal(amount),
                    doc_date=doc_date, due_date=due)


def snapshot_run(path: Path, day: date, items: list[OpenItem]) -> str:
    with Store(path, clock=lambda: datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
               ) as store:
        run = store.start_run(Trigger.SCHEDULE, ("openitems",))
        store.save_snapshot(run.id, items)
        store.finish_run(run.id, RunStatus.OK, {})
    return run.id


def two_snapshots(path: Path) -> tuple[str, str]:
    """March 1st: EUR A 1000 current, B 500 29 days past due, credit C -100 14 days past
    due, D 200 121 days past due; USD E 300 current. March 31st: A part paid (400 left,
    28 days past due), B and C gone, D still there, F 800 billed March 20th, current."""
    first = snapshot_run(path, date(2026, 3, 1), [
        item("A", "1000.00", date(2026, 2, 1), date(2026, 3, 3)),
        item("B", "500.00", date(2026, 1, 1), date(2026, 1, 31)),
        item("C", "-100.00", date(2026, 2, 15), date(2026, 2, 15)),
        item("D", "200.00", date(2025, 10, 1), date(2025, 10, 31)),
        item("E", "300.00", date(2026, 2, 20), date(2026, 3, 20), "USD")])
    second = snapshot_run(path, date(2026, 3, 31), [
        item("A", "400.00", date(2026, 2, 1), date(2026, 3, 3)),
        item("D", "200.00", date(2025, 10, 1), date(2025, 10, 31)),
        item("F", "800.00", date(2026, 3, 20), date(2026, 4, 19))])
    return first, second


def test_dso_share_current_and_aging_per_snapshot_on_known_numbers(tmp_path: Path) -> None:
    first, second = two_snapshots(tmp_path / "store.sqlite")
    with Store(tmp_path / "store.sqlite") as store:
        figures = receivables(snapshot_frame(store), BOUNDS)
    assert [(f["run_id"], f["currency"]) for f in figures] == \
        [(first, "EUR"), (first, "USD"), (second, "EUR")]
    march, usd, april = figures
    # open 1000 + 500 - 100 + 200 = 1600; current 1000 = 62.5 %; billed in the 90 days
    # up to March 1st: A 1000 + B 500 (C is a credit, D older) = 1500; DSO 1600/1500*90
    assert march == {
        "run_id": first, "key_date": "2026-03-01", "currency": "EUR", "open": "1600.00",
        "aging": {"current": "1000.00", "1-30": "400.00", "31-60": "0.00", "61-90": "0.00",
                  ">90": "200.00"},
        "current_pct": 62.5, "billed": "1500.00", "dso_days": 96.0}
    assert (usd["open"], usd["current_pct"], usd["billed"], usd["dso_days"]) == \
        ("300.00", 100.0, "300.00", 90.0)
    # open 400 + 200 + 800 = 1400; current 800 = 57.1 %; billed since Dec 31st: A at its
    # largest (1000), B seen on March 1st (500), F 800 = 2300; DSO 1400/2300*90 = 54.8
    assert april["aging"] == {"current": "800.00", "1-30": "400.00", "31-60": "0.00",
                              "61-90": "0.00", ">90": "200.00"}
    assert (april["open"], april["current_pct"], april["billed"], april["dso_days"]) == \
        ("1400.00", 57.1, "2300.00", 54.8)


def test_the_newest_snapshots_only_and_nothing_to_divide_by(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    two_snapshots(path)
    credit_only = snapshot_run(path, date(2026, 4, 2), [
        item("G", "-50.00", date(2026, 4, 1), date(2026, 4, 1))])
    with Store(path) as store:
        (only,) = receivables(snapshot_frame(store, last=1), BOUNDS)
        assert receivables(snapshot_frame(store, last=1).iloc[0:0], BOUNDS) == []
    assert (only["run_id"], only["open"], only["current_pct"], only["dso_days"]) == \
        (credit_only, "-50.00", None, None)


def test_the_dashboard_shows_the_receivables_of_the_latest_snapshot(console_world) -> None:
    _, second = two_snapshots(console_world.store_path)
    client = TestClient(create_app(console_world))
    signed_in(client, "sam")
    data = client.get("/api/dashboard").json()
    assert [r["dso_days"] for r in data["receivables"]] == [96.0, 90.0, 54.8]
    page = client.get("/dashboard").text
    assert "54.8 days" in page and "57.1 %" in page and 'id="aging-trend"' in page
    assert page.count(f'<a href="/runs/{second}">') == 1
