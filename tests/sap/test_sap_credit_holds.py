"""Credit holds after cash application (bots.pipeline.credit): the policy, the approval list,
the release through SAP's re-check, SAP's refusal reported, never released twice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sap_sandbox import TODAY, pay_overdue, sql
from test_sap_credit import _orders

from bots.config import CreditConfig
from bots.domain import OpenItem, Trigger
from bots.pipeline.credit import assess, review_holds, tonight
from bots.reports.model import BotSection, BotStatus
from bots.sap import SapClient
from bots.sap.credit import BlockedOrder, CreditMaster
from bots.store import Store

ORDER = BlockedOrder("0000000401", "C1", "C1", "1000", 100_00, "USD")


def _item(customer: str, amount: str, due: date, document: str) -> OpenItem:
    from decimal import Decimal
    return OpenItem("1000", customer, document, "2026", "001", "USD", Decimal(amount), due, due)


@pytest.mark.parametrize(("exposure", "paid", "past_due", "release_max", "proposed", "why"), [
    (1000_00, 500_00, 0, 1000_00, True, "nothing past due"),
    (1000_00, 0, 0, 1000_00, False, "no payment tonight"),
    (1000_00, 500_00, 2, 1000_00, False, "2 item(s) still past due"),
    (1500_00, 500_00, 0, 1000_00, False, "exposure with the order 1100.00 USD over limit"),
    (1000_00, 500_00, 0, 99_99, False, "above release_max"),
])
def test_the_policy(exposure: int, paid: int, past_due: int, release_max: int, proposed: bool,
                    why: str) -> None:
    masters = {"C1": CreditMaster("C1", "1000", 1000_00, exposure)}
    [found] = assess([ORDER], masters, {"C1": paid} if paid else {},
                     {"C1": past_due} if past_due else {}, release_max)
    assert found.propose is proposed and why in found.reason


def test_tonight_counts_cleared_items_as_paid_and_the_rest_past_due() -> None:
    items = [_item("C1", "40.00", date(2026, 11, 1), "1"), _item("C1", "60.00",
             date(2026, 11, 2), "2"), _item("C2", "5.00", date(2026, 12, 30), "3"),
             _item("C2", "-9.00", date(2026, 1, 1), "4")]
    paid, past_due = tonight(items, {items[0].key}, "USD", TODAY)
    assert paid == {"C1": 40_00} and past_due == {"C1": 1}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "arbots.sqlite") as s:
        yield s


def _ctx(client: SapClient, store: Store, **credit: Any) -> SimpleNamespace:
    run = store.start_run(Trigger.ON_DEMAND, ["cashapp"])
    return SimpleNamespace(cfg=SimpleNamespace(credit=replace(CreditConfig(enabled=True),
                                                              **credit)),
                           sap=client, today=TODAY, dry_run=False, run=run,
                           ledger=store.ledger(run.id), report=SimpleNamespace(worklist=[]))


def _night(client: SapClient, db: Path, *, cleared_in_sap: bool) -> tuple[set, list, set]:
    """A customer within its limit pays its overdue items tonight: (its orders, items,
    cleared)."""
    _, (customer, *_) = next((v, o) for v, o in _orders(db).items() if o[3] + o[1] <= o[2])
    orders = {v for v, o in _orders(db).items() if o[0] == customer}
    items = list(client.iter_open_items(["1000"], TODAY))
    cleared = {i.key for i in items if i.customer == customer and i.amount > 0
               and i.due_date < TODAY}
    assert cleared
    if cleared_in_sap:
        pay_overdue(db, customer)
    return orders, items, cleared


def _section() -> BotSection:
    return BotSection("cashapp", BotStatus.OK)


def test_by_default_an_approval_list_and_nothing_written(client: SapClient, store: Store,
                                                         sandbox_db: Path) -> None:
    orders, items, cleared = _night(client, sandbox_db, cleared_in_sap=True)
    section, ctx = _section(), _ctx(client, store)
    review_holds(ctx, items, cleared, section)  # type: ignore[arg-type]
    assert sorted(row.order for row in ctx.report.worklist) == sorted(orders)
    assert all(row.exposure_after <= row.credit_limit for row in ctx.report.worklist)
    assert section.counts["credit_holds_seen"] == len(_orders(sandbox_db))
    assert section.counts["credit_holds_proposed"] == len(orders)
    assert section.counts["credit_holds_released"] == 0
    assert len(section.waiting) == len(orders)
    for order, waiting in zip(sorted(orders), section.waiting, strict=True):
        assert order in waiting.item and waiting.for_whom == "credit manager"
    assert sql(sandbox_db, "SELECT DISTINCT CMGST FROM VBUK") == [("B",)]
    assert store.writes() == []


def test_auto_release_once_through_the_ledger(client: SapClient, store: Store,
                                              sandbox_db: Path) -> None:
    orders, items, cleared = _night(client, sandbox_db, cleared_in_sap=True)
    section = _section()
    review_holds(_ctx(client, store, auto_release=True), items, cleared,  # type: ignore[arg-type]
                 section)
    assert section.counts["credit_holds_released"] == len(orders)
    assert {v for (v,) in sql(sandbox_db, "SELECT VBELN FROM VBUK WHERE CMGST = 'D'")} == orders
    assert {(w["kind"], w["status"]) for w in store.writes()} == {("credit_release", "done")}
    assert len(store.writes()) == len(orders)
    texts = "SELECT count(*) FROM ZARBOTS_TEXT WHERE TDOBJECT = 'VBBK'"
    assert sql(sandbox_db, texts) == [(len(orders),)]
    again = _section()  # the next run: the ledger says done, SAP is not asked again
    review_holds(_ctx(client, store, auto_release=True), items, cleared,  # type: ignore[arg-type]
                 again)
    assert again.counts["credit_holds_released"] == 0
    assert sql(sandbox_db, texts) == [(len(orders),)]


def test_a_release_sap_refuses_is_reported_with_sap_message(client: SapClient, store: Store,
                                                            sandbox_db: Path) -> None:
    """arbots thinks the items are paid, SAP still has them open: its re-check says no."""
    orders, items, cleared = _night(client, sandbox_db, cleared_in_sap=False)
    section = _section()
    review_holds(_ctx(client, store, auto_release=True), items, cleared,  # type: ignore[arg-type]
                 section)
    assert (section.counts["credit_holds_released"], section.counts["credit_holds_refused"]) \
        == (0, len(orders))
    for waiting in section.waiting:
        assert "SAP refused the release" in waiting.why and "overdue item" in waiting.why
        assert "064" in waiting.why
    for write in store.writes():
        assert write["status"] == "failed" and "overdue item" in write["error"]
    assert sql(sandbox_db, "SELECT DISTINCT CMGST FROM VBUK") == [("B",)]


def test_the_rest_are_not_proposed(client: SapClient, store: Store, sandbox_db: Path) -> None:
    """Orders of customers that did not pay, or are over the limit, stay blocked unlisted."""
    orders, items, cleared = _night(client, sandbox_db, cleared_in_sap=True)
    section = _section()
    review_holds(_ctx(client, store, auto_release=True), items, cleared,  # type: ignore[arg-type]
                 section)
    released = {v for (v,) in sql(sandbox_db, "SELECT VBELN FROM VBUK WHERE CMGST = 'D'")}
    assert released == orders
    assert section.counts["credit_holds_proposed"] == len(orders) < len(_orders(sandbox_db))


def test_the_credit_section_of_the_configuration(tmp_path: Path) -> None:
    from decimal import Decimal

    from bots.config import ConfigError, load_config

    path = tmp_path / "site.toml"
    path.write_text('[credit]\nenabled = true\nrelease_max = "25000.00"\n', encoding="utf-8")
    cfg = load_config(path, home=tmp_path).credit
    assert (cfg.enabled, cfg.auto_release, cfg.release_max) == (True, False, Decimal("25000.00"))
    assert load_config(None, home=tmp_path).credit == CreditConfig()
    path.write_text('[credit]\nrelease_max = 25000.5\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="release_max"):
        load_config(path, home=tmp_path)
    path.write_text('[credit]\nauto_relase = true\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="auto_relase"):
        load_config(path, home=tmp_path)


def _worklist(tmp_path: Path, rows: list, decisions: dict[str, str]) -> Path:
    """The run's worklist.xlsx with ``decisions`` (order -> Decision) written in."""
    import io
    from datetime import UTC, datetime

    import openpyxl

    from bots.domain import RunStatus
    from bots.reports import RunReport, worklist_bytes

    report = RunReport("r", RunStatus.OK, Trigger.API, False, datetime(2026, 11, 24, tzinfo=UTC),
                       None, "x", worklist=rows)
    book = openpyxl.load_workbook(io.BytesIO(worklist_bytes(report)))
    sheet = book["Credit releases"]
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        order = cells[header.index("Order")].value
        cells[header.index("Decision")].value = decisions.get(order)
    path = tmp_path / "worklist.xlsx"
    book.save(path)
    return path


def test_review_apply_releases_the_approved_orders_once(client: SapClient, store: Store,
                                                        sandbox_db: Path,
                                                        tmp_path: Path) -> None:
    from bots.pipeline.credit import apply_release_decisions
    from bots.pipeline.worklist_file import load_worklist

    orders, items, cleared = _night(client, sandbox_db, cleared_in_sap=True)
    listed = _ctx(client, store)
    review_holds(listed, items, cleared, _section())  # type: ignore[arg-type]
    first, *rest = sorted(orders)
    book = load_worklist(_worklist(tmp_path, listed.report.worklist,
                                   {first: "approve", **{o: "reject" for o in rest}}))
    section = _section()
    apply_release_decisions(_ctx(client, store), book, section)  # type: ignore[arg-type]
    assert section.counts["credit_holds_released"] == 1 and not section.errors
    assert sql(sandbox_db, "SELECT VBELN FROM VBUK WHERE CMGST = 'D'") == [(first,)]
    again = _section()  # the same file applied twice: the order is no longer blocked
    apply_release_decisions(_ctx(client, store), book, again)  # type: ignore[arg-type]
    assert (again.counts["credit_holds_released"],
            again.counts["credit_releases_not_blocked"]) == (0, 1)
    assert sql(sandbox_db, "SELECT count(*) FROM ZARBOTS_TEXT WHERE TDOBJECT = 'VBBK'") == \
        [(1,)]


def test_review_apply_keeps_release_max_and_reads_the_value_from_sap(
        client: SapClient, store: Store, sandbox_db: Path, tmp_path: Path) -> None:
    from bots.pipeline.credit import apply_release_decisions
    from bots.pipeline.worklist_file import load_worklist

    orders, items, cleared = _night(client, sandbox_db, cleared_in_sap=True)
    listed = _ctx(client, store)
    review_holds(listed, items, cleared, _section())  # type: ignore[arg-type]
    path = _worklist(tmp_path, listed.report.worklist, dict.fromkeys(orders, "approve"))
    section = _section()
    apply_release_decisions(_ctx(client, store, release_max=Decimal("1.00")),
                            load_worklist(path), section)  # type: ignore[arg-type]
    assert section.counts["credit_holds_released"] == 0
    assert len(section.errors) == len(orders)
    assert "above [credit] release_max" in section.errors[0].reason
    assert sql(sandbox_db, "SELECT DISTINCT CMGST FROM VBUK") == [("B",)]
