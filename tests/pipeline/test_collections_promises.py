"""Promises to pay: recorded once with one note in SAP (from the CLI, the console or the
worklist's Collections sheet), judged kept or broken each run, a broken one first on the
next collections list with a raised collection priority.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bots.cli import main
from bots.config import Config
from bots.domain import OpenItem, RunStatus, Trigger, to_minor
from bots.pipeline import collections
from bots.pipeline.cashapp import CLEARED
from bots.pipeline.context import BotContext
from bots.pipeline.promises import (
    PromiseRequest,
    baseline,
    paid_against,
    record_promise,
    verdict,
)
from bots.reports.model import CollectionRow, RunReport
from bots.reports.worklist import PROMISED_AMOUNT, PROMISED_DATE, column_title
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Promise, Store

TODAY = date(2026, 12, 7)


def item(doc: str, amount: str, *, doc_type: str = "RV") -> OpenItem:
    return OpenItem("1000", "0000100001", doc, "2026", "001", "EUR", Decimal(amount),
                    TODAY - timedelta(days=60), TODAY - timedelta(days=30), doc_type=doc_type)


def promise(amount_minor: int, items: list[OpenItem], due: date = TODAY) -> Promise:
    return Promise(1, "1000", "0000100001", "EUR", amount_minor, due, "jo", "2026-12-01",
                   "cli", baseline(items, "EUR"))


# --------------------------------------------------------------------------- judging (pure)


def test_paid_is_what_the_baseline_items_lost_plus_new_payments_on_account() -> None:
    before = [item("1", "100.00"), item("2", "250.00")]
    p = promise(35000, before)
    assert paid_against(p, before) == 0
    # item 1 cleared, item 2 partly paid, a new invoice (not a payment), a payment on account
    now = [item("2", "50.00"), item("3", "999.00"), item("9", "-20.00", doc_type="DZ")]
    assert paid_against(p, now) == 10000 + 20000 + 2000


def test_verdict_kept_within_tolerance_broken_only_after_the_date() -> None:
    p = promise(100000, [item("1", "1000.00")])
    assert verdict(p, 99000, TODAY, Decimal(1)) == "kept"  # 1 % short
    assert verdict(p, 98999, TODAY, Decimal(1)) == "open"  # short, but the date is today
    assert verdict(p, 98999, TODAY + timedelta(days=1), Decimal(1)) == "broken"
    assert verdict(p, 100000, TODAY - timedelta(days=5), Decimal(0)) == "kept"  # paid early


# --------------------------------------------------------------------------- against the sandbox


def overdue_account(cfg: Config) -> tuple[str, str, list[OpenItem]]:
    """A past-due account with open items in one currency: (company code, customer, items)."""
    today = datetime.now(UTC).date()
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, today))
    accounts: dict[tuple[str, str], list[OpenItem]] = {}
    for i in items:
        accounts.setdefault((i.company_code, i.customer), []).append(i)
    for (cc, customer), its in sorted(accounts.items()):
        if len({i.currency for i in its}) == 1 and all(i.amount > 0 for i in its) and \
                any(i.days_past_due(today) > 0 for i in its):
            return cc, customer, its
    raise AssertionError("the sandbox has no single-currency past-due account")


def promise_notes(cfg: Config, cc: str, customer: str) -> list[str]:
    with connect(cfg.sap) as sap:
        return [n.idempotency_key for n in sap.read_notes(cc, customer)
                if n.kind.startswith("promise:")]


def run_on(cfg: Config, day: date, memo: dict[str, object] | None = None
           ) -> tuple[dict[str, int], list[str]]:
    """The collections bot on ``day``: its counts and its worklist's customers in order."""
    store = Store(cfg.store_path)
    run = store.start_run(Trigger.SCHEDULE, ("collections",))
    ctx = BotContext(cfg=cfg, store=store, run=run,
                     report=RunReport.from_run(run, config_source="test"), today=day,
                     memo=dict(memo or {}))
    try:
        section = collections.run(ctx)
        return section.counts, [row.customer for row in ctx.report.worklist]
    finally:
        ctx.sap.close()
        store.close()


def test_a_promise_is_recorded_once_with_one_note_on_the_account(world: Config) -> None:
    cc, customer, _ = overdue_account(world)
    request = PromiseRequest(customer.lstrip("0"), Decimal("100.00"), date(2026, 12, 20), cc,
                             recorded_by="jo", source="console")
    first = record_promise(world, request)
    assert first.status == RunStatus.OK, first.report.bots[0].errors
    assert first.report.bots[0].counts["promises_recorded"] == 1
    assert first.report.bots[0].counts["notes_written"] == 1
    again = record_promise(world, request)
    assert again.report.bots[0].counts["promises_already_recorded"] == 1
    assert again.report.bots[0].counts["notes_already_written"] == 1
    assert len(promise_notes(world, cc, customer)) == 1
    with Store(world.store_path) as store:
        [p] = store.promises()
    assert (p.customer, p.amount_minor, p.status, p.source, p.recorded_by) == (
        customer, 10000 if p.currency != "JPY" else 100, "open", "console", "jo")


def test_a_broken_promise_puts_the_account_first_and_raises_its_priority(
        world: Config) -> None:
    cc, customer, _ = overdue_account(world)
    today = datetime.now(UTC).date()
    record_promise(world, PromiseRequest(customer, Decimal("50.00"), today + timedelta(days=3),
                                         cc, recorded_by="jo"))
    counts, _ = run_on(world, today)
    assert (counts["promises_open"], counts["promises_kept"], counts["promises_broken"]) == (
        1, 0, 0)
    # after the date, nothing paid: broken, and first although contacted within the cadence
    counts, worklist = run_on(world, today + timedelta(days=4))
    assert counts["promises_broken"] == 1 and worklist[0] == customer
    with Store(world.store_path) as store:
        assert store.collection_priorities() == {f"{cc}/{customer}": 1}
        assert store.promises(status="broken")[0].escalated
    with connect(world.sap) as sap:
        last = sap.read_notes(cc, customer)[-1]
    assert last.lines[0].startswith("Promise to pay broken: collection priority 1")
    # judged once: the next run counts no promise, and the cadence applies again
    counts, worklist = run_on(world, today + timedelta(days=5))
    assert counts["promises_broken"] == 0 and customer not in worklist


def test_a_promise_is_kept_when_the_run_sees_its_items_cleared(world: Config) -> None:
    cc, customer, items = overdue_account(world)
    today = datetime.now(UTC).date()
    total = sum(i.amount for i in items)
    record_promise(world, PromiseRequest(customer, total, today, cc, recorded_by="jo"))
    counts, _ = run_on(world, today + timedelta(days=1), {CLEARED: {i.key for i in items}})
    assert (counts["promises_kept"], counts["promises_broken"]) == (1, 0)
    with Store(world.store_path) as store:
        [p] = store.promises()
    assert p.status == "kept" and p.paid_minor == sum(i.amount_minor for i in items)


def test_cli_records_a_promise_and_refuses_bad_input(world: Config, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cc, customer, _ = overdue_account(world)
    monkeypatch.setenv("ARBOTS_HOME", str(world.home))
    config = str(tmp_path / "site.toml")
    ok = CliRunner().invoke(main, ["collections", "promise", customer, "--amount", "12.34",
                                   "--date", "2026-12-20", "--company-code", cc, "--as", "kim",
                                   "--config", config])
    assert ok.exit_code == 0, ok.output
    assert "recorded" in ok.output
    bad = CliRunner().invoke(main, ["collections", "promise", customer, "--amount", "12,34x",
                                    "--date", "2026-12-20", "--config", config])
    assert bad.exit_code == 2 and "not an amount" in bad.output
    unknown = CliRunner().invoke(main, ["collections", "promise", "NOSUCH", "--amount", "1",
                                        "--date", "2026-12-20", "--config", config])
    assert unknown.exit_code == 1 and "SAP does not know the account" in unknown.output
    with Store(world.store_path) as store:
        [p] = store.promises()
    assert (p.recorded_by, p.source, p.promised_date) == ("kim", "cli", date(2026, 12, 20))


# --------------------------------------------------------------------------- from the worklist


def write_promises(worklist: Path, rows: dict[str, tuple[object, object]]) -> Path:
    """``worklist`` with a promise written on the Collections rows of these customers."""
    book = load_workbook(worklist)
    sheet = book[CollectionRow.SHEET]
    header = [cell.value for cell in sheet[1]]
    customer, amount, when = (header.index(t) + 1 for t in (
        column_title("customer"), PROMISED_AMOUNT, PROMISED_DATE))
    for row in range(2, sheet.max_row + 1):
        if (written := rows.get(sheet.cell(row, customer).value)) is not None:
            sheet.cell(row, amount).value, sheet.cell(row, when).value = written
    decided = worklist.with_name("decided.xlsx")
    book.save(decided)
    return decided


def test_a_promise_written_on_the_worklist_is_recorded_once_by_review_apply(
        world: Config) -> None:
    night = run_bots(world, ("openitems", "collections"), Trigger.ON_DEMAND)
    chased = [r for r in night.report.worklist if isinstance(r, CollectionRow)]
    first, second = chased[0], chased[1]
    assert first.company_code in world.sap.company_codes
    today = datetime.now(UTC).date()
    decided = write_promises(night.report_dir / "worklist.xlsx", {
        first.customer: (150.5, datetime.combine(today + timedelta(days=10), datetime.min.time())),
        second.customer: ("a lot", "soon")})
    applied = run_bots(world, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    section = applied.report.bots[0]
    assert section.counts["promises_recorded"] == 1 and section.counts["notes_written"] == 1
    [error] = section.errors  # the unreadable row is named, the good one still recorded
    assert "decided.xlsx: sheet 'Collections', row" in error.item
    assert "'Promised amount': 'a lot' is not an amount" in error.reason
    with Store(world.store_path) as store:
        [p] = store.promises()
    assert (p.company_code, p.customer, p.currency, p.source) == (
        first.company_code, first.customer, first.currency, "worklist")
    assert p.amount_minor == to_minor(Decimal("150.50"), first.currency)
    assert p.promised_date == today + timedelta(days=10)
    again = run_bots(world, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert again.report.bots[0].counts["promises_already_recorded"] == 1
    assert len(promise_notes(world, first.company_code, first.customer)) == 1
