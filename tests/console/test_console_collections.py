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


def past_due_account(cfg) -> dict:
    """An account past due in the latest snapshot (after an openitems run), and one of its
    open invoices as ``invoice``."""
    from bots.sap import connect

    run_bots(cfg, ("openitems",), Trigger.ON_DEMAND)
    client = TestClient(create_app(cfg))
    signed_in(client, "sam")
    account = client.get("/api/collections").json()[0]
    with connect(cfg.sap) as sap:
        account["invoice"] = next(
            i for i in sap.open_items_of(account["company_code"], account["customer"], TODAY)
            if i.amount > 0)
    return account


def test_marking_an_account_contacted_writes_one_collection_note_by_its_person(
        console_world) -> None:
    account = past_due_account(console_world)
    client = TestClient(create_app(console_world))
    csrf = {"X-CSRF-Token": signed_in(client, "alice")}
    body = {"customer": account["customer"], "company_code": account["company_code"],
            "note": "promised to call back on Monday"}
    for _ in range(2):  # twice the same day: one note
        answer = client.post("/api/collections/contact", json=body, headers=csrf)
        assert answer.status_code == 202, answer.text
        assert wait_for_launch(console_world, answer.json()["run_id"]) == 0
    target = f"{account['company_code']}/{account['customer']}"
    with Store(console_world.store_path) as store:
        notes = [w for w in store.writes() if w["kind"] == "collection_note"
                 and w["target"] == target]
        audited = [r for r in store.audit_log() if r["kind"] == "account_contact"]
    assert [n["status"] for n in notes] == ["done"]
    assert "Customer contacted by alice" in notes[0]["payload"]
    assert "promised to call back on Monday" in notes[0]["payload"]
    assert len(audited) == 2 and all('"by": "alice"' in r["detail"] for r in audited)
    (shown,) = [a for a in client.get("/api/collections").json()
                if (a["company_code"], a["customer"]) ==
                (account["company_code"], account["customer"])]
    assert shown["last_contact"] == TODAY.isoformat()
    assert "Mark contacted" in client.get("/collections").text


def test_a_dispute_opens_one_fscm_case_on_the_invoice_named_with_its_person(
        console_world) -> None:
    from pathlib import Path

    from tests.pipeline.test_disputes import cases, sap_rows

    with Path(console_world.source).open("a", encoding="utf-8") as config:
        config.write("\n[disputes]\nenabled = true\n")
    account = past_due_account(console_world)
    invoice = account["invoice"]
    client = TestClient(create_app(console_world))
    csrf = signed_in(client, "alice")
    form = {"customer": account["customer"], "company_code": account["company_code"],
            "invoice": invoice.document_no, "reason": "goods arrived damaged",
            "csrf_token": csrf}
    runs = []
    for _ in range(2):  # recorded twice: one case
        answer = client.post("/collections/dispute", data=form, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        runs.append(answer.headers["location"].rsplit("/", 1)[1])
        assert wait_for_launch(console_world, runs[-1]) == 0
    assert "the invoice item stays open" in client.get(f"/runs/{runs[0]}").text
    (case,) = cases(console_world)
    objects = sap_rows(console_world, "SELECT OBJ_KEY FROM UDM_CASE_OBJ")
    assert objects == [(f"{invoice.company_code:<4}{invoice.document_no:>010}"
                        f"{invoice.fiscal_year}{invoice.line_item:>03}",)]
    notes = " ".join(r[0] for r in sap_rows(console_world, "SELECT TDLINE FROM UDM_CASE_NOTE"))
    assert "recorded by alice (console" in notes and "goods arrived damaged" in notes
    (shown,) = [a for a in client.get("/api/collections").json()
                if (a["company_code"], a["customer"]) ==
                (account["company_code"], account["customer"])]
    assert shown["disputes"] == [{"invoice": invoice.document_no,
                                  "amount": str(invoice.amount), "currency": invoice.currency,
                                  "status": "created", "recorded_by": "alice"}]
    with Store(console_world.store_path) as store:
        audited = [r for r in store.audit_log() if r["kind"] == "account_dispute"]
    assert audited and all('"by": "alice"' in r["detail"] for r in audited)


def test_a_dispute_is_refused_when_disputes_are_off_or_the_invoice_is_not_open(
        console_world) -> None:
    account = past_due_account(console_world)
    client = TestClient(create_app(console_world))
    csrf = {"X-CSRF-Token": signed_in(client, "alice")}
    body = {"customer": account["customer"], "company_code": account["company_code"],
            "invoice": account["invoice"].document_no, "reason": "price"}
    off = client.post("/api/collections/dispute", json=body, headers=csrf).json()["run_id"]
    assert wait_for_launch(console_world, off) != 0
    assert "dispute cases are off" in client.get(f"/runs/{off}").text
    xss = "<script>alert(1)</script>"
    unknown = client.post("/api/collections/dispute", json={**body, "invoice": xss},
                          headers=csrf).json()["run_id"]
    wait_for_launch(console_world, unknown)
    page = client.get(f"/runs/{unknown}").text
    assert xss not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    missing = client.post("/api/collections/dispute", json={**body, "reason": " "},
                          headers=csrf)
    assert missing.status_code == 422 and "reason" in missing.json()["detail"]


def test_contacts_and_disputes_need_ar_staff_and_the_csrf_token(console_world) -> None:
    supervisor = TestClient(create_app(console_world))
    sam = {"X-CSRF-Token": signed_in(supervisor, "sam")}
    body = {"customer": "0000100001", "company_code": "1000"}
    assert supervisor.post("/api/collections/contact", json=body, headers=sam
                           ).status_code == 403
    assert supervisor.post("/api/collections/dispute", headers=sam, json={
        **body, "invoice": "1", "reason": "x"}).status_code == 403
    staff = TestClient(create_app(console_world))
    signed_in(staff, "alice")
    assert staff.post("/collections/contact", data=body).status_code == 403
    assert staff.post("/collections/dispute", data={**body, "invoice": "1", "reason": "x"}
                      ).status_code == 403
    assert staff.get("/api/runs").json() == []
