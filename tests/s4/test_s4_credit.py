"""Credit holds in s4 mode over real HTTP on loopback: API_SLS_DOC_WITH_CREDIT_BLOCK,
API_CRDTMBUSINESSPARTNER, the open-item cube and API_SALES_ORDER_SRV of the S/4 simulator,
read and released by the s4 adapter and the credit bot, against the same sandbox world as
the ECC road. The simulator serves only SAP's published properties, so every read here
also proves the adapter asks for nothing else."""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import openpyxl
import pytest
from click.testing import CliRunner
from s4_world import NO_WAIT, TODAY, s4_config, write_config

from bots.cli import main
from bots.config import CreditConfig
from bots.domain import RunStatus, Trigger
from bots.pipeline.credit import apply_release_decisions, review_holds
from bots.pipeline.worklist_file import load_worklist
from bots.reports import RunReport, worklist_bytes
from bots.reports.model import BotSection, BotStatus, CreditReleaseRow
from bots.sandbox.s4 import SANDBOX_PASSWORD, SANDBOX_USER, S4Server
from bots.sandbox.sap import SapSimulator
from bots.sap import SapBusinessError, SapClient
from bots.sap.s4 import S4Client, connect_s4
from bots.store import Store
from tests.sap.sap_sandbox import pay_overdue

pytestmark = pytest.mark.usefixtures("secrets_env")
SERVICE = "/sap/opu/odata/sap/API_SLS_DOC_WITH_CREDIT_BLOCK/"


def sql(path: Path, query: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(query, params).fetchall()


def orders_of(db: Path) -> dict[str, tuple[str, int, int, int]]:
    """Blocked order -> (customer, value, limit, receivables) as seeded."""
    return {v: (k, n, lim, owed) for v, k, n, lim, owed in sql(
        db, "SELECT o.VBELN, o.KUNNR, o.NETWR, m.KLIMK, m.SKFOR FROM VBAK o JOIN KNKK m "
            "ON m.KUNNR = o.KUNNR JOIN VBUK u ON u.VBELN = o.VBELN WHERE u.CMGST = 'B' "
            "ORDER BY o.VBELN")}


def _adapter(tmp_path: Path, db: Path, server: S4Server) -> S4Client:
    return connect_s4(s4_config(tmp_path, db, base_url=server.url).sap, retry=NO_WAIT)


def _ctx(client: S4Client, store: Store, *, auto_release: bool = True) -> SimpleNamespace:
    run = store.start_run(Trigger.ON_DEMAND, ["cashapp"])
    credit = replace(CreditConfig(enabled=True), auto_release=auto_release)
    return SimpleNamespace(cfg=SimpleNamespace(credit=credit), sap=client, today=TODAY,
                           dry_run=False, run=run, ledger=store.ledger(run.id),
                           report=SimpleNamespace(worklist=[]))


def _night(client: S4Client, db: Path, *, paid_in_sap: bool) -> tuple[set, list, set]:
    """A customer within its limit pays its overdue items tonight: (its orders, the open
    items, the keys cleared tonight)."""
    seeded = orders_of(db)
    customer = next(o[0] for o in seeded.values() if o[3] + o[1] <= o[2])
    orders = {v for v, o in seeded.items() if o[0] == customer}
    items = list(client.iter_open_items(["1000"], TODAY))
    cleared = {i.key for i in items if i.customer == customer and i.amount > 0
               and i.due_date < TODAY}
    assert cleared
    if paid_in_sap:
        pay_overdue(db, customer)
    return orders, items, cleared


def _ecc(world: Path) -> SapClient:
    return SapClient(SapSimulator(world, clock=lambda: TODAY), retry=NO_WAIT)


def test_the_same_blocked_orders_and_credit_masters_as_the_ecc_road(
        tmp_path: Path, world: Path, s4: S4Server) -> None:
    """The credit area is the configured one on S/4 (the API names none); the exposure is
    arbots' estimate from open items and open orders, equal to KNKK's in the sandbox seed
    (receivables of company code 1000, no special liabilities, no unblocked orders)."""
    with _ecc(world) as rfc, _adapter(tmp_path, world, s4) as adapter:
        orders = adapter.blocked_orders("1000")
        assert orders == rfc.blocked_orders() and len(orders) >= 3
        assert {o.credit_area for o in adapter.blocked_orders("2000")} == {"2000"}
        accounts = [o.credit_account for o in orders]
        masters = adapter.credit_masters(accounts, "1000", "USD")
        assert masters == rfc.credit_masters(accounts, "1000", "USD")
        assert set(masters) == set(accounts)
        assert all(m.exposure_minor > 0 for m in masters.values())
        assert adapter.credit_masters(accounts, "9999", "USD") == {}
    assert s4.stats.reads["A_OperationalAcctgDocItemCube"] >= 1
    assert s4.stats.reads["A_SalesOrder"] >= 1


def test_the_simulator_refuses_the_properties_sap_does_not_publish(s4: S4Server) -> None:
    """CreditControlArea and CreditExposureAmount are not in SAP's contract: a real S/4
    answers 400, so does the simulator (and the adapter's reads above pass)."""
    with httpx.Client(base_url=s4.url, auth=(SANDBOX_USER, SANDBOX_PASSWORD)) as http:
        for path, query in (
                (SERVICE + "A_CreditBlockedSalesDocument", {"$select": "CreditControlArea"}),
                (SERVICE + "A_CreditBlockedSalesDocument",
                 {"$filter": "CreditControlArea eq '1000'"}),
                ("/sap/opu/odata/sap/API_CRDTMBUSINESSPARTNER/CreditManagementAccount",
                 {"$select": "BusinessPartner,CreditExposureAmount"})):
            answer = http.get(path, params={**query, "$format": "json"})
            assert answer.status_code == 400, (path, query)
            assert "Credit" in answer.json()["error"]["message"]["value"]
        fine = http.get(SERVICE + "A_CreditBlockedSalesDocument",
                        params={"$select": "SalesDocument,CustomerCreditAccount",
                                "$format": "json"})
        assert fine.status_code == 200 and fine.json()["d"]["results"]


def _proposals(ctx: SimpleNamespace, items: list, cleared: set) -> list[tuple]:
    review_holds(ctx, items, cleared,  # type: ignore[arg-type]
                 BotSection("cashapp", BotStatus.OK))
    return sorted((r.order, r.credit_area, r.order_value, r.paid_tonight, r.exposure_after,
                   r.credit_limit, r.reason) for r in ctx.report.worklist)


def test_the_s4_road_proposes_what_the_ecc_road_proposes(tmp_path: Path, world: Path,
                                                          s4: S4Server) -> None:
    """Every customer with blocked orders pays its overdue items tonight (not yet booked
    in SAP): both roads propose the same orders with the same figures, and refuse the
    over-limit ones. They agree because the sandbox seed's KNKK exposure is the open
    receivables of company code 1000 with no other orders; on a real system the S/4
    estimate leaves out what KNKK has beyond that (special liabilities, deliveries and
    billing documents not in FI), which SAP's re-check in the release then catches."""
    with _ecc(world) as rfc, _adapter(tmp_path, world, s4) as adapter, \
            Store(tmp_path / "arbots.sqlite") as store:
        customers = {o[0] for o in orders_of(world).values()}
        items = list(adapter.iter_open_items(["1000"], TODAY))
        cleared = {i.key for i in items if i.customer in customers and i.amount > 0
                   and i.due_date < TODAY}
        ecc = _proposals(_ctx(rfc, store, auto_release=False), items, cleared)
        s4_road = _proposals(_ctx(adapter, store, auto_release=False), items, cleared)
    assert s4_road == ecc
    proposed = {row[0] for row in ecc}
    over = {v for v, o in orders_of(world).items() if o[3] + o[1] > o[2]}
    assert proposed and over and not proposed & over


def test_a_released_order_counts_in_the_exposure_estimate(
        tmp_path: Path, own_world: Path, own_s4: S4Server) -> None:
    """Released, the order is an open sales order not blocked for credit: the estimate
    grows by its value, as KNKK's sales value grows on ECC."""
    with _adapter(tmp_path, own_world, own_s4) as adapter:
        orders, _, _ = _night(adapter, own_world, paid_in_sap=True)
        order = min(orders)
        (blocked,) = [o for o in adapter.blocked_orders("1000") if o.order == order]
        account = blocked.credit_account
        before = adapter.credit_masters([account], "1000", "USD")[account]
        assert adapter.release_credit_block(order, []) is False
        after = adapter.credit_masters([account], "1000", "USD")[account]
    assert after.exposure_minor - before.exposure_minor == blocked.value_minor
    assert after.limit_minor == before.limit_minor


def test_a_foreign_credit_segment_currency_is_an_error(tmp_path: Path, world: Path,
                                                       s4: S4Server) -> None:
    with _adapter(tmp_path, world, s4) as adapter:
        account = adapter.blocked_orders("1000")[0].credit_account
        with pytest.raises(SapBusinessError, match="credit segment currency USD, expected EUR"):
            adapter.credit_masters([account], "1000", "EUR")


def test_the_credit_bot_releases_once_through_the_ledger(tmp_path: Path, own_world: Path,
                                                         own_s4: S4Server) -> None:
    with _adapter(tmp_path, own_world, own_s4) as adapter, \
            Store(tmp_path / "arbots.sqlite") as store:
        orders, items, cleared = _night(adapter, own_world, paid_in_sap=True)
        seen = len(orders_of(own_world))
        section = BotSection("cashapp", BotStatus.OK)
        review_holds(_ctx(adapter, store), items, cleared, section)  # type: ignore[arg-type]
        assert section.counts["credit_holds_seen"] == seen > len(orders)
        assert section.counts["credit_holds_released"] == len(orders)
        released = {v for (v,) in sql(own_world, "SELECT VBELN FROM VBUK WHERE CMGST = 'D'")}
        assert released == orders
        assert own_s4.stats.reads["ReleaseCreditBlock"] == len(orders)
        assert {(w["kind"], w["status"]) for w in store.writes()} == {("credit_release", "done")}
        assert len(store.writes()) == len(orders)
        again = BotSection("cashapp", BotStatus.OK)  # the ledger says done: SAP is not asked
        review_holds(_ctx(adapter, store), items, cleared, again)  # type: ignore[arg-type]
        assert again.counts["credit_holds_released"] == 0
        assert own_s4.stats.reads["ReleaseCreditBlock"] == len(orders)
        assert len(store.writes()) == len(orders)


def _worklist(tmp_path: Path, rows: list, decisions: dict[str, str]) -> Path:
    """The run's worklist.xlsx with ``decisions`` (order -> Decision) written in."""
    report = RunReport("r", RunStatus.OK, Trigger.API, False,
                       datetime(2026, 11, 24, tzinfo=UTC), None, "x", worklist=rows)
    book = openpyxl.load_workbook(io.BytesIO(worklist_bytes(report)))
    sheet = book[CreditReleaseRow.SHEET]
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        cells[header.index("Decision")].value = decisions.get(cells[header.index("Order")].value)
    path = tmp_path / "worklist.xlsx"
    book.save(path)
    return path


def test_the_approval_list_then_review_apply_releases_the_approved_order(
        tmp_path: Path, own_world: Path, own_s4: S4Server) -> None:
    with _adapter(tmp_path, own_world, own_s4) as adapter, \
            Store(tmp_path / "arbots.sqlite") as store:
        orders, items, cleared = _night(adapter, own_world, paid_in_sap=True)
        listed = _ctx(adapter, store, auto_release=False)
        review_holds(listed, items, cleared,  # type: ignore[arg-type]
                     BotSection("cashapp", BotStatus.OK))
        assert sorted(r.order for r in listed.report.worklist) == sorted(orders)
        assert "ReleaseCreditBlock" not in own_s4.stats.reads and store.writes() == []
        first, *rest = sorted(orders)
        book = load_worklist(_worklist(tmp_path, listed.report.worklist,
                                       {first: "approve", **dict.fromkeys(rest, "reject")}))
        section = BotSection("review", BotStatus.OK)
        apply_release_decisions(_ctx(adapter, store), book, section)  # type: ignore[arg-type]
        assert section.counts["credit_holds_released"] == 1 and not section.errors
        again = BotSection("review", BotStatus.OK)  # the same file twice: no longer blocked
        apply_release_decisions(_ctx(adapter, store), book, again)  # type: ignore[arg-type]
        assert (again.counts["credit_holds_released"],
                again.counts["credit_releases_not_blocked"]) == (0, 1)
        assert own_s4.stats.reads["ReleaseCreditBlock"] == 1
    assert sql(own_world, "SELECT VBELN FROM VBUK WHERE CMGST = 'D'") == [(first,)]


def test_an_order_released_before_a_crash_is_not_released_twice(
        tmp_path: Path, own_world: Path, own_s4: S4Server) -> None:
    with _adapter(tmp_path, own_world, own_s4) as adapter:
        orders, _, _ = _night(adapter, own_world, paid_in_sap=True)
        order = min(orders)
        assert adapter.release_credit_block(order, ["note"]) is False
        # the ledger lost the answer: the next attempt finds it released, posts nothing
        assert adapter.release_credit_block(order, ["note"]) is True
        assert own_s4.stats.reads["ReleaseCreditBlock"] == 1
        assert order not in {o.order for o in adapter.blocked_orders("1000")}
    assert sql(own_world, "SELECT CMGST FROM VBUK WHERE VBELN = ?", order) == [("D",)]


def test_a_csrf_token_of_an_ended_session_is_fetched_anew_once(
        tmp_path: Path, own_world: Path, own_s4: S4Server) -> None:
    with _adapter(tmp_path, own_world, own_s4) as adapter:
        orders, _, _ = _night(adapter, own_world, paid_in_sap=True)
        assert adapter.release_credit_block(min(orders), []) is False
        own_s4.expire_sessions()
        other = next(v for v, o in orders_of(own_world).items() if v not in orders)
        with pytest.raises(SapBusinessError) as refused:  # reached SAP's re-check
            adapter.release_credit_block(other, [])
        assert refused.value.key.startswith("ZARBOTS/06")
        assert own_s4.stats.reads["ReleaseCreditBlock"] == 2


def test_a_refused_release_is_a_business_error_with_the_service_message(
        tmp_path: Path, own_world: Path, own_s4: S4Server) -> None:
    """arbots thinks the items are paid, SAP still has them open: its re-check says no."""
    with _adapter(tmp_path, own_world, own_s4) as adapter, \
            Store(tmp_path / "arbots.sqlite") as store:
        orders, items, cleared = _night(adapter, own_world, paid_in_sap=False)
        with pytest.raises(SapBusinessError, match=r"HTTP 400: .*overdue item") as refused:
            adapter.release_credit_block(min(orders), [])
        assert refused.value.key == "ZARBOTS/064"
        section = BotSection("cashapp", BotStatus.OK)
        review_holds(_ctx(adapter, store), items, cleared, section)  # type: ignore[arg-type]
        assert (section.counts["credit_holds_released"],
                section.counts["credit_holds_refused"]) == (0, len(orders))
        for waiting in section.waiting:
            assert "SAP refused the release" in waiting.why and "overdue item" in waiting.why
        assert all(w["status"] == "failed" for w in store.writes())
    assert sql(own_world, "SELECT DISTINCT CMGST FROM VBUK") == [("B",)]


def test_the_release_function_import_is_strict(own_world: Path, own_s4: S4Server) -> None:
    blocked = orders_of(own_world)
    over = next(v for v, o in blocked.items() if o[3] + o[1] > o[2])
    auth = (SANDBOX_USER, SANDBOX_PASSWORD)
    with httpx.Client(base_url=own_s4.url, auth=auth) as http:
        url = SERVICE + "ReleaseCreditBlock"
        params = {"SalesDocument": f"'{over}'", "$format": "json"}
        no_token = http.post(url, params=params)
        assert no_token.status_code == 403 and no_token.headers["x-csrf-token"] == "Required"
        token = http.get(SERVICE, params={"$format": "json"},
                         headers={"x-csrf-token": "fetch"}).headers["x-csrf-token"]

        def release(number: str) -> httpx.Response:
            return http.post(url, params={"SalesDocument": f"'{number}'",
                                          "SDDocumentCategory": "'C'", "$format": "json"},
                             headers={"x-csrf-token": token})

        over_limit = release(over)
        assert over_limit.status_code == 400
        assert "credit limit exceeded" in over_limit.json()["error"]["message"]["value"]
        unknown = release("9999999999")
        assert unknown.status_code == 404
        assert unknown.json()["error"]["message"]["value"] == \
            "Sales order 9999999999 does not exist"
        missing = http.post(url, params={"$format": "json"}, headers={"x-csrf-token": token})
        assert missing.status_code == 400 and "SalesDocument" in missing.text
        no_category = http.post(url, params={"SalesDocument": f"'{over}'", "$format": "json"},
                                headers={"x-csrf-token": token})
        assert no_category.status_code == 400 and "SDDocumentCategory" in no_category.text
        customer = blocked[over][0]  # now let it pass the re-check
        with sqlite3.connect(own_world) as con:
            con.execute("UPDATE KNKK SET KLIMK = 10000000000 WHERE KUNNR = ?", (customer,))
        pay_overdue(own_world, customer)
        first = release(over)
        assert first.status_code == 200
        assert first.json()["d"]["TotalCreditCheckStatus"] == "D"
        second = release(over)
        assert second.status_code == 400
        assert "not blocked" in second.json()["error"]["message"]["value"]
        listed = http.get(SERVICE + "A_CreditBlockedSalesDocument",
                          params={"$format": "json", "$filter": "SalesDocument eq "
                                                                f"'{over}'"})
        assert listed.json()["d"]["results"] == []
        bad = http.get(SERVICE + "A_CreditBlockedSalesDocument",
                       params={"$format": "json", "$filter": "CreditBlock eq 'B'"})
        assert bad.status_code == 400


@pytest.mark.slow
def test_run_cashapp_in_s4_mode_reads_the_credit_holds(tmp_path: Path, own_world: Path,
                                                       own_s4: S4Server) -> None:
    """The credit step of the nightly cash application, wired to the s4 adapter (no
    remittances tonight: nothing is posted, so nothing is proposed)."""
    config = write_config(tmp_path, own_world, base_url=own_s4.url)
    with config.open("a", encoding="utf-8") as file:
        file.write("[credit]\nenabled = true\n")
    result = CliRunner().invoke(main, ["run", "cashapp", "--config", str(config)])
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "runs").glob("*/report.json")
    section = json.loads(report.read_text(encoding="utf-8"))["bots"]["cashapp"]
    assert section["status"] == "ok" and not section["errors"]
    assert section["counts"]["credit_holds_seen"] == len(orders_of(own_world)) >= 3
    # the blocked documents, then their accounts' sold-to parties for the exposure
    assert own_s4.stats.reads["A_CreditBlockedSalesDocument"] == 2
    assert own_s4.stats.reads["CreditManagementAccount"] == 1
    assert own_s4.stats.reads["A_SalesOrder"] == 1


def test_a_too_optimistic_estimate_is_refused_by_saps_re_check(
        tmp_path: Path, own_world: Path, own_s4: S4Server) -> None:
    """SAP's exposure has special liabilities the released APIs do not show: the S/4
    estimate proposes the orders, SAP's re-check in ReleaseCreditBlock refuses them with
    its message, and nothing is released."""
    with _adapter(tmp_path, own_world, own_s4) as adapter, \
            Store(tmp_path / "arbots.sqlite") as store:
        orders, items, cleared = _night(adapter, own_world, paid_in_sap=True)
        customer = orders_of(own_world)[min(orders)][0]
        with sqlite3.connect(own_world) as con:  # e.g. a guarantee, as SAP counts it
            con.execute("UPDATE KNKK SET SSOBL = KLIMK WHERE KUNNR = ?", (customer,))
        section = BotSection("cashapp", BotStatus.OK)
        review_holds(_ctx(adapter, store), items, cleared, section)  # type: ignore[arg-type]
        assert section.counts["credit_holds_proposed"] == len(orders)
        assert (section.counts["credit_holds_released"],
                section.counts["credit_holds_refused"]) == (0, len(orders))
        for waiting in section.waiting:
            assert "SAP refused the release" in waiting.why
            assert "credit limit exceeded" in waiting.why
    assert sql(own_world, "SELECT DISTINCT CMGST FROM VBUK") == [("B",)]
