"""The review queue: decisions go through the one apply_decisions path, audited, versioned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from bots.console import create_app
from bots.console.review import parse_limits
from bots.domain import Trigger
from bots.landscape import landscape_id
from bots.runner import run_bots
from bots.store import Store
from tests.console.conftest import signed_in, still_open, wait_for_launch


def client_of(cfg, name: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(create_app(cfg))
    return client, {"X-CSRF-Token": signed_in(client, name)}


def test_the_queue_shows_the_payment_with_its_explanation(waiting) -> None:
    cfg, item, rid = waiting
    client, _ = client_of(cfg, "alice")
    (entry,) = client.get("/api/review").json()
    assert entry["id"] == rid and entry["decision"] is None
    (proposal,) = entry["proposals"]
    assert proposal["document_no"] == item.document_no and proposal["reason"]
    page = client.get("/review").text
    assert str(escape(proposal["reason"])) in page
    assert "Approve" in page and "Reject" in page


def test_approve_posts_in_sap_once_audited_with_the_person(waiting) -> None:
    cfg, item, rid = waiting
    client, csrf = client_of(cfg, "alice")
    version = client.get("/api/review").json()[0]["version"]
    answer = client.post(f"/api/review/{rid}/approve", json={"version": version}, headers=csrf)
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    assert wait_for_launch(cfg, answer.json()["run_id"]) == 0
    assert not still_open(cfg, item)
    assert client.get("/api/review").json() == []
    with Store(cfg.store_path) as store:
        (decision,) = store.decisions_of(rid)
        assert (decision["status"], decision["person"]) == ("done", "alice")
        audited = [(r["kind"], r["event"], r["detail"]) for r in store.audit_log()
                   if r["key"] == rid]
    assert [a[:2] for a in audited] == [("review_decision", "approve")] * 2
    assert all('"by": "alice"' in a[2] for a in audited)


def test_a_stale_decision_is_refused_with_409_and_changes_nothing(waiting) -> None:
    cfg, item, rid = waiting
    alice, alice_csrf = client_of(cfg, "alice")
    sam, sam_csrf = client_of(cfg, "sam")
    version = alice.get("/api/review").json()[0]["version"]
    stale = alice.post(f"/api/review/{rid}/approve", json={"version": version - 1},
                       headers=alice_csrf)
    assert stale.status_code == 409 and "nothing was changed" in stale.json()["detail"]
    with Store(cfg.store_path) as store:
        assert store.decisions_of(rid) == []
        assert store.remittance(rid)["version"] == version
    first = sam.post(f"/api/review/{rid}/reject", json={"version": version}, headers=sam_csrf)
    assert first.status_code == 202
    late = alice.post(f"/review/{rid}/approve", data={"version": version,
                                                      "csrf_token": alice_csrf["X-CSRF-Token"]})
    assert late.status_code == 409 and "changed since version" in late.text
    assert wait_for_launch(cfg, first.json()["run_id"]) == 0
    with Store(cfg.store_path) as store:
        assert [(d["decision"], d["person"], d["status"]) for d in store.decisions_of(rid)] \
            == [("reject", "sam", "done")]
    assert still_open(cfg, item)
    (entry,) = alice.get("/api/review").json()
    assert entry["decision"]["decision"] == "reject" and entry["decision"]["person"] == "sam"


def test_reassign_posts_the_payment_to_the_chosen_item(waiting) -> None:
    cfg, item, rid = waiting
    client, csrf = client_of(cfg, "alice")
    hits = client.get("/api/open-items", params={"q": item.invoice_ref}).json()
    target = next(h for h in hits if h["document_no"] == item.document_no)
    version = client.get("/api/review").json()[0]["version"]
    answer = client.post(f"/api/review/{rid}/reassign", headers=csrf, json={
        "version": version, **{k: target[k] for k in ("customer", "document_no",
                                                      "fiscal_year", "line_item")}})
    assert answer.status_code == 202, answer.text
    assert wait_for_launch(cfg, answer.json()["run_id"]) == 0
    assert not still_open(cfg, item)
    unknown = client.post(f"/api/review/{rid}/reassign", headers=csrf, json={
        "version": version + 1, "customer": "0", "document_no": "nope", "fiscal_year": "2026"})
    assert unknown.status_code in (409, 422)


def test_a_decision_waits_queued_while_another_run_holds_the_landscape(waiting) -> None:
    cfg, item, rid = waiting
    client, csrf = client_of(cfg, "alice")
    with Store(cfg.store_path) as store:
        store.acquire_lease(landscape_id(cfg), "20261207-000000-other", timedelta(minutes=5))
    version = client.get("/api/review").json()[0]["version"]
    answer = client.post(f"/api/review/{rid}/approve", json={"version": version}, headers=csrf)
    (entry,) = client.get("/api/review").json()
    assert entry["decision"]["status"] == "queued"
    assert entry["held_by"] == "20261207-000000-other"
    assert "holds the landscape" in client.get("/review").text
    assert still_open(cfg, item)
    with Store(cfg.store_path) as store:
        store.release_lease(landscape_id(cfg), "20261207-000000-other")
    assert wait_for_launch(cfg, answer.json()["run_id"]) == 0
    assert not still_open(cfg, item)


def test_the_worklist_goes_through_the_same_path_audited_as_the_given_user(waiting) -> None:
    from openpyxl import load_workbook

    cfg, item, rid = waiting
    with Store(cfg.store_path) as store:
        last = store.runs(1)[0].id
    book = load_workbook(cfg.runs_dir / last / "worklist.xlsx")
    sheet = book["Cash review"]
    column = [c.value for c in sheet[1]].index("Decision") + 1
    sheet.cell(row=2, column=column, value="approve")
    decided = cfg.home / "decided.xlsx"
    book.save(decided)
    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND,
                       inputs={"review_file": decided, "user": "bob"})
    assert applied.report.bots[0].counts["payments_posted"] == 1
    assert not still_open(cfg, item)
    with Store(cfg.store_path) as store:
        (line,) = [r for r in store.audit_log() if r["kind"] == "review_decision"]
    assert line["key"] == rid and '"by": "bob"' in line["detail"]


def test_above_the_approval_limit_ar_staff_are_refused_a_supervisor_decides(waiting) -> None:
    cfg, item, rid = waiting
    app = create_app(cfg, approve_limits=parse_limits(("1.00",)))
    alice, sam = TestClient(app), TestClient(app)
    alice_csrf = {"X-CSRF-Token": signed_in(alice, "alice")}
    sam_csrf = {"X-CSRF-Token": signed_in(sam, "sam")}
    version = alice.get("/api/review").json()[0]["version"]
    refused = alice.post(f"/api/review/{rid}/approve", json={"version": version},
                         headers=alice_csrf)
    assert refused.status_code == 403 and "a supervisor decides" in refused.json()["detail"]
    page = alice.post(f"/review/{rid}/approve", data={
        "version": version, "csrf_token": alice_csrf["X-CSRF-Token"]})
    assert page.status_code == 403 and "a supervisor decides" in page.text
    with Store(cfg.store_path) as store:
        assert store.decisions_of(rid) == []
    answer = sam.post(f"/api/review/{rid}/approve", json={"version": version},
                      headers=sam_csrf)
    assert answer.status_code == 202
    assert wait_for_launch(cfg, answer.json()["run_id"]) == 0
    assert not still_open(cfg, item)


def test_approval_limits_are_read_per_currency() -> None:
    assert parse_limits(("10000.00", "JPY=1500000")) == {
        "*": Decimal("10000.00"), "JPY": Decimal("1500000")}
    with pytest.raises(ValueError, match="expected AMOUNT or CUR=AMOUNT"):
        parse_limits(("ten",))


def test_the_review_queue_exports_to_csv(waiting) -> None:
    import csv
    import io

    cfg, item, rid = waiting
    client, _ = client_of(cfg, "sam")
    (row,) = csv.DictReader(io.StringIO(client.get("/review.csv").text))
    assert (row["id"], row["document_no"], row["status"]) == (rid, item.document_no, "")
    assert row["reason"]


def test_a_queued_decision_without_a_process_to_carry_it_out_says_so(waiting) -> None:
    cfg, _, rid = waiting
    client, _ = client_of(cfg, "alice")
    with Store(cfg.store_path) as store:
        store.decide(rid, store.remittance(rid)["version"], "approve", "alice")
    (entry,) = client.get("/api/review").json()
    assert entry["decision"]["status"] == "queued" and entry["stalled"] is True
    assert "arbots review apply --queued" in client.get("/review").text


@pytest.fixture
def two_lines(console_world):
    """One payment waiting for review whose advice pays two items of one customer,
    both references with a typing slip: the world, the two items, the remittance id."""
    from email.message import EmailMessage

    from bots.domain import format_amount
    from bots.sandbox.world import demo_mailbox_path
    from bots.sap import connect
    from tests.console.conftest import TODAY
    from tests.pipeline.typing_slip import transposed

    with connect(console_world.sap) as sap:
        items = list(sap.iter_open_items(console_world.sap.company_codes, TODAY))
    refs = {i.invoice_ref for i in items}
    usable = [i for i in items if i.amount > 0 and i.invoice_ref
              and i.invoice_ref[-1] != i.invoice_ref[-2] and transposed(i.invoice_ref) not in refs]
    first, second = next((a, b) for a in usable for b in usable if a.document_no < b.document_no
                         and (a.customer, a.currency) == (b.customer, b.currency))
    msg = EmailMessage()
    msg["From"] = "Accounts Payable <ap@payer.example.net>"
    msg["To"] = "remittances@arbots-demo.example"
    msg["Subject"] = "Remittance advice"
    total = first.amount + second.amount
    cur = first.currency
    msg.set_content(f"Payment date: {TODAY.isoformat()}\nCurrency: {cur}\n"
                    f"Total: {format_amount(total, cur)}\n\n" + "".join(
                        f"Invoice {transposed(i.invoice_ref)}    "
                        f"{format_amount(i.amount, i.currency)}\n" for i in (first, second)))
    box = demo_mailbox_path(console_world)
    box.mkdir(parents=True)
    (box / "two.eml").write_bytes(bytes(msg))
    run_bots(console_world, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    with Store(console_world.store_path) as store:
        (rid,) = [r["id"] for r in store.remittances("review")]
    return console_world, first, second, rid


def on_account_of(cfg, customer: str) -> list[Decimal]:
    """The amounts of the customer's open credits (cash on account among them)."""
    from bots.sap import connect
    from tests.console.conftest import TODAY

    with connect(cfg.sap) as sap:
        return [i.amount for i in sap.iter_open_items(cfg.sap.company_codes, TODAY)
                if i.customer == customer and i.amount < 0]


def test_a_partial_approval_posts_the_ticked_line_and_puts_the_rest_on_account(two_lines
                                                                                ) -> None:
    cfg, first, second, rid = two_lines
    client, csrf = client_of(cfg, "alice")
    (entry,) = client.get("/api/review").json()
    keys = {p["document_no"]: p["key"] for p in entry["proposals"]}
    assert set(keys) == {first.document_no, second.document_no}
    page = client.get(f"/review/{rid}").text
    assert page.count('name="post"') == 2 and "its money goes on account" in page
    before = on_account_of(cfg, first.customer)
    answer = client.post(f"/review/{rid}/approve", data={
        "version": entry["version"], "lines": "true", "post": [keys[first.document_no]],
        "csrf_token": csrf["X-CSRF-Token"]})
    assert answer.status_code == 200 and "(the rest on account)" in answer.text
    with Store(cfg.store_path) as store:
        (queued,) = store.decisions_of(rid)
        carrier = store.launches(1)[0]["run_id"]
    assert wait_for_launch(cfg, carrier) == 0
    assert not still_open(cfg, first) and still_open(cfg, second)
    assert sorted(on_account_of(cfg, first.customer)) == sorted([*before, -second.amount])
    assert client.get("/api/review").json() == []
    with Store(cfg.store_path) as store:
        (decision,) = store.decisions_of(rid)
    assert (decision["decision"], decision["person"], decision["status"]) == \
        ("approve", "alice", "done"), decision["message"]
    assert '"post": ["' + keys[first.document_no] + '"]' in decision["target"]
    assert queued["id"] == decision["id"]


def test_a_partial_approval_names_known_lines_and_at_least_one(two_lines) -> None:
    cfg, first, _, rid = two_lines
    client, csrf = client_of(cfg, "alice")
    version = client.get("/api/review").json()[0]["version"]
    for post, why in (([], "tick at least one line"), (["x/y/z/001"], "is not a proposal")):
        answer = client.post(f"/api/review/{rid}/approve", json={"version": version,
                                                                 "post": post}, headers=csrf)
        assert answer.status_code == 422 and why in answer.json()["detail"]
    rejected = client.post(f"/api/review/{rid}/reject", json={"version": version,
                                                              "post": []}, headers=csrf)
    assert rejected.status_code == 422
    forged = client.post(f"/review/{rid}/approve", data={"version": version, "lines": "true"})
    assert forged.status_code == 403  # no CSRF token: nothing recorded
    with Store(cfg.store_path) as store:
        assert store.decisions_of(rid) == []
    assert still_open(cfg, first)
