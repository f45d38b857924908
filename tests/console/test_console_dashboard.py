"""The supervisors' dashboard: today's runs, the cash trend, why payments wait."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bots.console import create_app
from bots.store import Store
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
    assert sum(data["waiting_reasons"].values()) == 1
    page = client.get("/dashboard").text
    assert "<svg" in page and night.id in page


def test_the_dashboard_of_an_empty_store(console_world) -> None:
    client = TestClient(create_app(console_world))
    signed_in(client, "alice")
    assert client.get("/api/dashboard").json() == {
        "today": {"runs": 0, "by_status": {}}, "trend": [], "on_account": [],
        "waiting_reasons": {}, "receivables": []}
    page = client.get("/dashboard").text
    assert "No run has applied cash yet." in page and "No run has pulled open items" in page
