"""The supervisors' dashboard: today's runs, the cash trend, why payments wait."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from bots.console import create_app
from bots.console.dashboard import portal_trend
from bots.store import RunRecord, Store
from tests.console.conftest import signed_in


def test_the_dashboard_shows_today_the_trend_and_why_payments_wait(waiting) -> None:
    cfg, _, _ = waiting
    client = TestClient(create_app(cfg))
    signed_in(client, "sam")
    with Store(cfg.store_path) as store:
        (night,) = store.runs(1)
    data = client.get("/api/dashboard").json()
    assert data["today"] == {"runs": 1, "by_status": {"ok": 1}}
    (point,) = data["trend"]
    assert point["run_id"] == night.id and point["lines"] == 1 and point["auto_pct"] == 0.0
    assert list(point["amount_auto_pct"].values()) == [0.0]  # by amount too: nothing auto
    assert data["portals"] == []  # the night had no portal bot
    assert sum(data["waiting_reasons"].values()) == 1
    page = client.get("/dashboard").text
    assert "<svg" in page and night.id in page


def test_the_dashboard_of_an_empty_store(console_world) -> None:
    client = TestClient(create_app(console_world))
    signed_in(client, "alice")
    assert client.get("/api/dashboard").json() == {
        "today": {"runs": 0, "by_status": {}}, "trend": [], "on_account": [],
        "waiting_reasons": {}, "portals": [], "receivables": []}
    page = client.get("/dashboard").text
    assert "No run has applied cash yet." in page and "No run has pulled open items" in page
    assert "No run has submitted invoices to a portal yet." in page


def run(run_id: str, hour: int, portals: dict[str, int] | None, dry_run: bool = False
        ) -> RunRecord:
    counts = {"openitems": {"open_items": 10}, **({"portals": portals} if portals else {})}
    return RunRecord(run_id, "schedule", None, ("nightly",), dry_run, "ok",
                     datetime(2026, 12, 7, hour, tzinfo=UTC), None, counts)


def test_portal_success_counts_found_there_as_done_and_leaves_out_dry_runs() -> None:
    runs = [run("r4", 4, {"submitted": 1, "failed": 1}, dry_run=True),  # newest first
            run("r3", 3, {"submitted": 6, "duplicate": 2, "rejected": 1, "failed": 1}),
            run("r2", 2, None),
            run("r1", 1, {"submitted": 0})]
    assert portal_trend(runs) == [
        {"run_id": "r1", "started": "2026-12-07T01:00+00:00", "submitted": 0, "rejected": 0,
         "failed": 0, "success_pct": None},
        {"run_id": "r3", "started": "2026-12-07T03:00+00:00", "submitted": 8, "rejected": 1,
         "failed": 1, "success_pct": 80.0}]
