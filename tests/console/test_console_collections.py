"""Collections: accounts past due, and a promise to pay recorded by the AR-breadth command."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from bots.console import create_app
from bots.domain import Trigger
from bots.runner import run_bots
from bots.store import Store
from tests.console.conftest import TODAY, signed_in, wait_for_launch


def test_a_promise_taken_in_the_console_is_recorded_once_by_its_person(console_world
                                                                       ) -> None:
    run_bots(console_world, ("openitems",), Trigger.ON_DEMAND)
    client = TestClient(create_app(console_world))
    csrf = {"X-CSRF-Token": signed_in(client, "alice")}
    accounts = client.get("/api/collections").json()
    assert accounts and all(a["oldest_due"] < TODAY.isoformat() for a in accounts)
    account = accounts[0]
    body = {"customer": account["customer"], "company_code": account["company_code"],
            "amount": "100.00", "promised_date": (TODAY + timedelta(days=7)).isoformat(),
            "currency": account["currency"]}
    answer = client.post("/api/collections/promise", json=body, headers=csrf)
    assert answer.status_code == 202, answer.text
    assert wait_for_launch(console_world, answer.json()["run_id"]) == 0
    with Store(console_world.store_path) as store:
        (promise,) = store.promises("open")
    assert (promise.customer, promise.recorded_by, promise.source) == \
        (account["customer"], "alice", "console")
    (shown,) = [a for a in client.get("/api/collections").json()
                if a["customer"] == account["customer"]
                and a["company_code"] == account["company_code"]]
    assert shown["promises"][0]["recorded_by"] == "alice"
    assert "Record promise" in client.get("/collections").text


def test_a_bad_promise_is_refused_and_a_supervisor_records_none(console_world) -> None:
    client = TestClient(create_app(console_world))
    csrf = {"X-CSRF-Token": signed_in(client, "alice")}
    body = {"customer": "0000100001", "company_code": "1000", "amount": "-5",
            "promised_date": TODAY.isoformat()}
    negative = client.post("/api/collections/promise", json=body, headers=csrf)
    assert negative.status_code == 422 and "positive amount" in negative.json()["detail"]
    wrong_code = client.post("/api/collections/promise", headers=csrf,
                             json={**body, "amount": "5", "company_code": "9999"})
    assert wrong_code.status_code == 422 and "9999" in wrong_code.json()["detail"]
    supervisor = TestClient(create_app(console_world))
    sam = {"X-CSRF-Token": signed_in(supervisor, "sam")}
    assert supervisor.post("/api/collections/promise", json={**body, "amount": "5"},
                           headers=sam).status_code == 403
    assert client.get("/api/runs").json() == []
