"""Runs: started as their own process, followed by run id; the list, the detail, escaping."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from bots.console import create_app
from bots.domain import RunStatus, Trigger
from bots.landscape import landscape_id
from bots.store import Store
from tests.console.conftest import signed_in, wait_for_launch

XSS = "<script>alert(1)</script>"


def client_of(cfg, name: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(create_app(cfg))
    return client, {"X-CSRF-Token": signed_in(client, name)}


def test_a_dry_run_started_from_the_api_runs_in_its_own_process(console_world) -> None:
    client, csrf = client_of(console_world, "alice")
    answer = client.post("/api/runs", json={"bot": "openitems", "dry_run": True}, headers=csrf)
    assert answer.status_code == 202
    run_id = answer.json()["run_id"]
    assert wait_for_launch(console_world, run_id) == 0
    run = client.get(f"/api/runs/{run_id}").json()
    assert (run["status"], run["trigger"], run["person"], run["dry_run"]) == \
        ("ok", "console", "alice", True)
    assert run["counts"]["openitems.open_items"] > 0
    assert run["report"]["run_id"] == run_id and run["writes"]["total"] == 0
    with Store(console_world.store_path) as store:
        assert store.run(run_id).pid != os.getpid()
    listed = client.get("/api/runs", params={"bot": "openitems", "status": "ok"}).json()
    assert [r["run_id"] for r in listed] == [run_id]
    assert client.get("/api/runs", params={"bot": "collections"}).json() == []
    page = client.get(f"/runs/{run_id}").text
    assert "hx-trigger" not in page and "openitems" in page
    assert run_id in client.get("/runs?status=ok").text


def test_the_form_starts_a_run_and_shows_its_page(console_world) -> None:
    client, csrf = client_of(console_world, "alice")
    answer = client.post("/runs/new", data={"bot": "openitems", "dry_run": "true",
                                            "csrf_token": csrf["X-CSRF-Token"]},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/runs/")
    run_id = answer.headers["location"].rsplit("/", 1)[1]
    assert wait_for_launch(console_world, run_id) == 0
    done = client.get(answer.headers["location"]).text
    assert "hx-trigger" not in done and "status-ok" in done


def test_a_run_page_polls_while_the_run_goes_on_and_stops_after(console_world) -> None:
    client, _ = client_of(console_world, "sam")
    with Store(console_world.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("collections",))
        going = client.get(f"/runs/{run.id}").text
        store.finish_run(run.id, RunStatus.OK, counts={})
    assert f'hx-get="/runs/{run.id}/body" hx-trigger="every 1s"' in going
    assert "Running for" in going
    ended = client.get(f"/runs/{run.id}/body").text  # ok in the store, no report yet
    assert "hx-trigger" in ended and "status-ok" in ended
    report = console_world.runs_dir / run.id / "report.json"
    report.parent.mkdir(parents=True)
    report.write_text(json.dumps({"run_id": run.id, "bots": {}}), encoding="utf-8")
    assert "hx-trigger" not in client.get(f"/runs/{run.id}/body").text


def test_a_run_page_stops_waiting_for_a_report_that_never_comes() -> None:
    from datetime import UTC, datetime

    from bots.console.runs import REPORT_PATIENCE, followed

    run = {"status": "aborted", "ended": "2026-12-07T10:00:00+00:00"}
    at = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert followed(run, None, at + timedelta(seconds=REPORT_PATIENCE - 1))
    assert not followed(run, None, at + timedelta(seconds=REPORT_PATIENCE))
    assert not followed(run, {"run_id": "r"}, at)
    assert not followed({"status": "refused", "ended": None}, None, at)
    assert followed({"status": "running", "ended": None}, {}, at)


def test_a_run_refused_by_a_held_landscape_says_why(console_world) -> None:
    client, csrf = client_of(console_world, "alice")
    with Store(console_world.store_path) as store:
        store.acquire_lease(landscape_id(console_world), "20261207-000000-night",
                            timedelta(minutes=5))
    answer = client.post("/api/runs", json={"bot": "openitems"}, headers=csrf)
    run_id = answer.json()["run_id"]
    assert wait_for_launch(console_world, run_id) == 75
    run = client.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "refused" and "20261207-000000-night" in run["message"]


def test_unknown_bots_and_company_codes_are_refused(console_world) -> None:
    client, csrf = client_of(console_world, "alice")
    unknown = client.post("/api/runs", json={"bot": "payroll"}, headers=csrf)
    assert unknown.status_code == 422 and "unknown bot 'payroll'" in unknown.json()["detail"]
    review = client.post("/api/runs", json={"bot": "review"}, headers=csrf)
    assert review.status_code == 422
    unknown_code = client.post("/api/runs", json={"bot": "openitems", "company_code": "9999"},
                               headers=csrf)
    assert unknown_code.status_code == 422 and "9999" in unknown_code.json()["detail"]
    whole = client.post("/api/runs", json={"bot": "nightly", "company_code": "1000"},
                        headers=csrf)
    assert whole.status_code == 422
    assert "intake, cashapp always run for every company code" in whole.json()["detail"]
    assert client.get("/api/runs").json() == []


def test_a_run_of_one_company_code_covers_that_company_code_only(console_world) -> None:
    client, csrf = client_of(console_world, "alice")
    answer = client.post("/api/runs", json={"bot": "openitems", "dry_run": True,
                                            "company_code": "2000"}, headers=csrf)
    assert answer.status_code == 202, answer.text
    run_id = answer.json()["run_id"]
    assert wait_for_launch(console_world, run_id) == 0
    run = client.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "ok" and run["company_codes"] == ["2000"]
    with Store(console_world.store_path) as store:
        assert {i.company_code for i in store.snapshot(run_id)} == {"2000"}
    assert '<dd id="run-company-codes">2000</dd>' in client.get(f"/runs/{run_id}").text
    listed = {r["run_id"]: r for r in client.get("/api/runs").json()}
    assert listed[run_id]["company_codes"] == ["2000"]
    assert '<td class="company-codes">2000</td>' in client.get("/runs").text
    form = client.get("/runs/new").text
    assert '<option value="1000">1000</option>' in form and 'name="company_code"' in form
    started = client.post("/runs/new", data={"bot": "collections", "company_code": "1000",
                                             "dry_run": "true",
                                             "csrf_token": csrf["X-CSRF-Token"]},
                          follow_redirects=False)
    assert started.status_code == 303
    other = started.headers["location"].rsplit("/", 1)[1]
    assert wait_for_launch(console_world, other) == 0
    assert client.get(f"/api/runs/{other}").json()["company_codes"] == ["1000"]


def test_external_writes_are_paged_with_their_amounts(console_world) -> None:
    with Store(console_world.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("cashapp",))
        ledger = store.ledger(run.id)
        for n in range(60):
            ledger.begin("posting", f"key-{n:02d}", target=f"1000/{n}",
                         payload={"amount": str(Decimal("100.25") + n), "currency": "EUR"})
            ledger.done(f"key-{n:02d}", {"document": f"14{n:08d}", "fiscal_year": "2026"})
        ledger.begin("collection_note", "note-1", target="1000/1", payload={"lines": []})
        store.finish_run(run.id, RunStatus.OK, counts={})
    client, _ = client_of(console_world, "sam")
    second = client.get(f"/api/runs/{run.id}", params={"page": 2}).json()["writes"]
    assert (second["page"], second["pages"], second["total"]) == (2, 2, 61)
    assert len(second["rows"]) == 11
    postings = client.get(f"/api/runs/{run.id}", params={"kind": "posting"}).json()["writes"]
    assert postings["total"] == 60 and postings["rows"][0]["amount"] == "100.25"
    assert postings["rows"][1]["document"] == "1400000001"
    page = client.get(f"/runs/{run.id}?kind=posting").text
    assert "100.25" in page and "EUR" in page and "next</a>" in page


def test_stored_text_is_escaped_in_every_page(console_world) -> None:
    with Store(console_world.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("cashapp",))
        store.finish_run(run.id, RunStatus.FAILED, counts={}, message=XSS)
    admin, csrf = client_of(console_world, "ada")
    admin.post("/users", data={"name": XSS, "role": "ar_staff", "password": "long enough pw",
                               "csrf_token": csrf["X-CSRF-Token"]})
    for page in (f"/runs/{run.id}", "/users"):
        text = admin.get(page).text
        assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text, page
    assert admin.get(f"/api/runs/{run.id}").json()["message"] == XSS  # JSON stays data


def test_a_launch_whose_process_vanished_unrecorded_is_refused(console_world) -> None:
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with Store(console_world.store_path) as store:
        store.record_launch("20261207-010203-abcdef", "openitems", True, "alice", gone.pid)
    client, _ = client_of(console_world, "sam")
    run = client.get("/api/runs/20261207-010203-abcdef").json()
    assert run["status"] == "refused" and "without recording the run" in run["message"]


def test_the_runs_list_exports_to_csv_with_formulas_neutralised(console_world) -> None:
    import csv
    import io

    with Store(console_world.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("cashapp",))
        store.finish_run(run.id, RunStatus.FAILED, counts={}, message='=HYPERLINK("x")')
    client, _ = client_of(console_world, "sam")
    answer = client.get("/runs.csv", params={"status": "failed"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["run_id"], r["bots"], r["message"]) for r in rows] == \
        [(run.id, "cashapp", "'=HYPERLINK(\"x\")")]
    assert client.get("/runs.csv", params={"status": "ok"}).text.count("\n") == 1


def test_the_files_a_run_kept_are_listed_and_downloaded_never_outside_it(console_world
                                                                        ) -> None:
    from bots.console.runs import run_file

    with Store(console_world.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("portals",))
        store.finish_run(run.id, RunStatus.OK, counts={})
    folder = console_world.runs_dir / run.id
    (folder / "portals").mkdir(parents=True)
    (folder / "portals" / "INV-1 screenshot.png").write_bytes(b"\x89PNG fake")
    (console_world.runs_dir / "secret.txt").write_text("not of this run")
    client, _ = client_of(console_world, "sam")
    listed = client.get(f"/api/runs/{run.id}").json()["files"]
    assert listed == [{"path": "portals/INV-1 screenshot.png", "bytes": 9}]
    assert "portals/INV-1%20screenshot.png" in client.get(f"/runs/{run.id}").text
    got = client.get(f"/runs/{run.id}/files/portals/INV-1%20screenshot.png")
    assert got.status_code == 200 and got.content == b"\x89PNG fake"
    assert got.headers["content-disposition"].startswith("attachment")
    assert run_file(console_world.runs_dir, run.id, "../secret.txt") is None
    assert run_file(console_world.runs_dir, run.id, "portals") is None
    assert client.get(f"/runs/{run.id}/files/%2E%2E/secret.txt").status_code == 404


def test_the_company_code_of_the_start_form_is_checked_escaped_and_needs_csrf(
        console_world) -> None:
    client, csrf = client_of(console_world, "alice")
    xss = "<script>alert(1)</script>"
    answer = client.post("/runs/new", data={"bot": "openitems", "company_code": xss,
                                            "csrf_token": csrf["X-CSRF-Token"]})
    assert answer.status_code == 422 and xss not in answer.text
    assert "&lt;script&gt;" in answer.text
    no_csrf = client.post("/runs/new", data={"bot": "openitems", "company_code": "1000"})
    assert no_csrf.status_code == 403
    supervisor, sam = client_of(console_world, "sam")
    assert supervisor.post("/runs/new", data={"bot": "openitems", "company_code": "1000",
                                              "csrf_token": sam["X-CSRF-Token"]}
                           ).status_code == 403
    assert client.get("/api/runs").json() == []
