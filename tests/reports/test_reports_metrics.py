"""The supervisors' figures (bots.reports.metrics): each definition of a hit, one test each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from bots.domain import RunStatus, Trigger
from bots.reports.history import cash_headline, render_cash_trend
from bots.reports.html_report import render_html
from bots.reports.json_report import report_document
from bots.reports.metrics import Rate, cash_figures, judge_against_truth, run_trend
from bots.reports.model import RunReport
from bots.store import CashLine, Store


class Clock:
    """A clock a minute further on each call: runs are ordered as started."""

    def __init__(self) -> None:
        self.now = datetime(2026, 4, 12, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "arbots.sqlite", clock=Clock()) as s:
        yield s


def line(rid: str, doc: str, amount: str, decision: str = "auto", *, posted: bool = True,
         customer: str = "C1", index: int | None = 0, company_code: str = "1000",
         currency: str = "USD") -> CashLine:
    return CashLine(rid, index, company_code, customer, doc, currency, Decimal(amount),
                    decision, posted)


def engine_run(store: Store, *lines: CashLine, dry_run: bool = False) -> str:
    run = store.start_run(Trigger.SCHEDULE, ("cashapp",), dry_run=dry_run)
    store.record_cash_lines(run.id, "engine", lines)
    store.finish_run(run.id, RunStatus.OK, {})
    return run.id


def person_run(store: Store, *lines: CashLine) -> str:
    run = store.start_run(Trigger.ON_DEMAND, ("review",))
    store.record_cash_lines(run.id, "person", lines)
    store.finish_run(run.id, RunStatus.OK, {})
    return run.id


def reset(store: Store, rid: str, *, repost: bool) -> None:
    run = store.start_run(Trigger.ON_DEMAND, ("review",))
    ledger = store.ledger(run.id)
    ledger.begin("reset", f"rst-{rid}", "1000/C1", {"remittance": rid, "repost": repost})
    ledger.done(f"rst-{rid}")


def figures(store: Store, run_id: str):  # noqa: ANN201 - CashFigures, checked below
    found = cash_figures(store, run_id)
    assert found is not None
    return found


def test_a_line_posted_unattended_is_a_hit_and_counts_as_auto(store):
    run = engine_run(store, line("r1", "D1", "100.00"), line("r1", "D2", "50.00", index=1))
    f = figures(store, run)
    assert (f.lines, f.lines_auto, f.auto_rate) == (2, 2, 1.0)
    assert f.invoice == Rate(2, 2, 0) and f.header == Rate(1, 1, 0)


def test_review_lines_are_pending_until_a_person_posts_them(store):
    run = engine_run(store, line("r1", "D1", "100.00", "review", posted=False))
    f = figures(store, run)
    assert f.lines_auto == 0 and f.auto_rate == 0.0
    assert f.invoice == Rate(0, 0, 1) and f.invoice.rate is None
    assert f.header == Rate(0, 0, 1)


def test_review_approved_unchanged_is_a_hit_at_both_levels(store):
    run = engine_run(store, line("r1", "D1", "100.00", "review", posted=False))
    person_run(store, line("r1", "D1", "100.00", "person"))
    f = figures(store, run)
    assert f.invoice == Rate(1, 1, 0) and f.header == Rate(1, 1, 0)
    assert f.lines_auto == 0  # a person had to look: not auto, but right


def test_another_invoice_of_the_same_customer_is_a_header_hit_and_an_invoice_miss(store):
    run = engine_run(store, line("r1", "D1", "100.00", "review", posted=False))
    person_run(store, line("r1", "D9", "100.00", "person"))
    f = figures(store, run)
    assert f.invoice == Rate(0, 1, 0) and f.header == Rate(1, 1, 0)


def test_a_changed_amount_or_customer_is_a_miss(store):
    run = engine_run(store, line("r1", "D1", "100.00", "review", posted=False),
                     line("r2", "D2", "70.00", "review", posted=False, customer="C2"))
    person_run(store, line("r1", "D1", "90.00", "person"),
               line("r2", "D7", "70.00", "person", customer="C3"))
    f = figures(store, run)
    assert f.invoice == Rate(0, 2, 0)
    assert f.header == Rate(1, 2, 0)  # r1: right customer, wrong amount; r2: wrong customer


def test_an_unmatched_line_is_a_miss_at_once(store):
    run = engine_run(store, line("r1", "", "80.00", "unmatched", posted=False, customer=""))
    f = figures(store, run)
    assert f.invoice == Rate(0, 1, 0)
    assert f.header == Rate(0, 1, 0)  # nobody identified, nothing matched


def test_a_posting_marked_wrong_and_reset_turns_its_hits_into_misses(store):
    run = engine_run(store, line("r1", "D1", "100.00"), line("r2", "D2", "40.00"))
    reset(store, "r1", repost=True)
    f = figures(store, run)
    assert f.invoice == Rate(1, 2, 0) and f.header == Rate(1, 2, 0)
    assert f.lines_auto == 2  # it was posted unattended all the same


def test_a_bank_return_is_no_mistake_of_the_engine(store):
    run = engine_run(store, line("r1", "D1", "100.00"))
    reset(store, "r1", repost=False)
    assert figures(store, run).invoice == Rate(1, 1, 0)


def test_a_dry_run_posts_nothing_final_and_is_not_in_the_trend(store):
    dry = engine_run(store, line("r1", "D1", "100.00"), dry_run=True)
    later = engine_run(store, line("r1", "D1", "100.00", "review", posted=False))
    assert figures(store, dry).lines_auto == 1  # it would have posted it
    assert cash_headline(figures(store, dry)) == (
        "cash application (dry run): 1 of 1 lines would be posted unattended (100.0 %); "
        "nothing posted, so nothing judged")
    assert figures(store, later).invoice == Rate(0, 0, 1)  # the dry run settled nothing
    assert [p.run_id for p in run_trend(store)] == [later]


def test_amount_weighted_auto_rate_per_company_code_and_customer_never_mixes_currencies(store):
    run = engine_run(store,
                     line("r1", "D1", "300.00"),
                     line("r2", "D2", "100.00", "review", posted=False, customer="C2"),
                     line("r3", "D3", "5000", currency="JPY", customer="C3"),
                     line("r4", "D4", "20.00", company_code="2000", currency="EUR",
                          customer="C4"),
                     line("r5", "", "60.00", "unmatched", posted=False, customer="",
                          company_code=""))
    f = figures(store, run)
    by_cc = {(a.group, a.currency): (a.auto, a.total, a.rate) for a in f.by_company_code}
    assert by_cc == {("1000", "USD"): (Decimal("300.00"), Decimal("400.00"), 0.75),
                     ("1000", "JPY"): (Decimal("5000"), Decimal("5000"), 1.0),
                     ("2000", "EUR"): (Decimal("20.00"), Decimal("20.00"), 1.0),
                     ("", "USD"): (Decimal("0.00"), Decimal("60.00"), 0.0)}
    by_customer = {(a.group, a.currency): a.rate for a in f.by_customer}
    assert by_customer[("C1", "USD")] == 1.0 and by_customer[("C2", "USD")] == 0.0


def test_cash_put_on_account_is_unapplied_cash_and_not_judged_per_invoice(store):
    run = engine_run(store, line("r1", "D1", "100.00"),
                     line("r1", "", "25.00", "on_account", index=None))
    f = figures(store, run)
    assert cash_headline(f) == ("cash application: 1 of 1 lines posted unattended (100.0 %); "
                                "hit rate invoice level 100.0 %, header level 100.0 %")
    assert [(c.customer, c.currency, c.amount) for c in f.on_account] == [
        ("C1", "USD", Decimal("25.00"))]
    assert f.invoice == Rate(1, 1, 0)
    assert [(a.auto, a.total) for a in f.by_company_code] == [
        (Decimal("100.00"), Decimal("125.00"))]


def posting(store: Store, key: str, rid: str, on_account: str, parked: str = "",
            payer: str = "C1") -> None:
    run = store.start_run(Trigger.SCHEDULE, ("cashapp",))
    ledger = store.ledger(run.id)
    ledger.begin("posting", key, f"1000/{payer}", {
        "remittance": rid, "payer": payer, "currency": "USD", "on_account": on_account,
        "parked": parked})
    ledger.done(key, {"document": "1400000001"})


def test_unapplied_cash_on_account_now_counts_until_applied_or_reset(store):
    posting(store, "pay-over", "r1", "25.00")  # an overpayment's surplus: stays
    posting(store, "pay-parked", "r2", "40.00", parked="line 1 unsure")  # waits for a person
    posting(store, "pay-applied", "r3", "7.00", parked="unsure")  # a person applied it since
    posting(store, "pay-undone", "r4", "9.00", payer="C2")  # reset since
    posting(store, "pay-full", "r5", "0")  # nothing on account
    store.record_input("h3", "demo:3.eml", 1, "run")
    store.add_remittance("r3", "h3", "run", "fp3", "{}")
    store.settle_remittance("r3", "applied")
    run = store.start_run(Trigger.ON_DEMAND, ("review",))
    store.ledger(run.id).begin("reset", "rst-undone", "1000/C2",
                               {"remittance": "r4", "posting": "pay-undone", "repost": True})
    store.ledger(run.id).done("rst-undone")
    run_id = engine_run(store, line("r9", "D9", "10.00"))
    f = figures(store, run_id)
    assert [(c.customer, c.currency, c.amount) for c in f.on_account_open] == [
        ("C1", "USD", Decimal("65.00"))]
    assert cash_headline(f).endswith("; unapplied cash on account USD 65.00")


def test_an_amount_only_line_paying_two_items_counts_once_and_is_judged_per_item(store):
    run = engine_run(store, line("r1", "D1", "10.00", index=None),
                     line("r1", "D2", "20.00", index=None))
    f = figures(store, run)
    assert (f.lines, f.lines_auto) == (1, 1) and f.invoice == Rate(2, 2, 0)


def test_the_trend_follows_later_decisions_oldest_run_first(store):
    first = engine_run(store, line("r1", "D1", "100.00", "review", posted=False))
    second = engine_run(store, line("r1", "D1", "100.00", "review", posted=False),
                        line("r2", "D2", "10.00"))
    assert [p.invoice.pending for p in figures(store, second).trend] == [1, 1]
    person_run(store, line("r1", "D1", "100.00", "person"))
    trend = figures(store, second).trend
    assert [p.run_id for p in trend] == [first, second]
    assert [p.invoice for p in trend] == [Rate(1, 1, 0), Rate(2, 2, 0)]
    assert [p.auto_rate for p in trend] == [0.0, 0.5]


def test_a_run_without_cash_lines_has_no_figures(store):
    run = store.start_run(Trigger.SCHEDULE, ("collections",))
    assert cash_figures(store, run.id) is None
    assert run_trend(store, [run.id]) == ()


def test_judged_against_the_truth_on_a_benchmark():
    proposals = pd.DataFrame([("r1", "0", "C1", "D1"), ("r1", "1", "C1", "D5"),
                              ("r2", "", "C2", "D2"), ("r3", "0", "", "")],
                             columns=["remittance_id", "line_index", "customer", "document_no"])
    truth = pd.DataFrame([("r1", "0", "C1", "D1"), ("r1", "1", "C1", "D4"),
                          ("r2", "", "C2", "D2"), ("r3", "0", "C3", "D3")],
                         columns=["remittance_id", "line_index", "customer", "document_no"])
    invoice, header = judge_against_truth(proposals, truth)
    assert invoice == Rate(2, 4) and header == Rate(2, 3)


def test_report_json_html_and_runs_show_the_figures(store):
    run_id = engine_run(store, line("r1", "D1", "100.00"),
                        line("r2", "D2", "50.00", "review", posted=False, customer="C<2>"))
    record = store.run(run_id)
    assert record is not None
    report = RunReport(run_id, RunStatus.OK, Trigger.SCHEDULE, False, record.started,
                       record.ended, "demo.toml", cash=figures(store, run_id))
    cash = json.loads(json.dumps(report_document(report)))["cash"]
    assert cash["auto_rate"] == 0.5 and cash["invoice_hits"] == {
        "hits": 1, "judged": 1, "pending": 1, "rate": 1.0}
    assert cash["auto_by_company_code"] == [{"company_code": "1000", "currency": "USD",
                                             "auto": "100.00", "total": "150.00",
                                             "rate": 0.6667}]
    assert [p["run_id"] for p in cash["trend"]] == [run_id]
    page = render_html(report)
    assert "Cash application figures" in page and "C&lt;2&gt;" in page
    assert "100.0 % (1 of 1, 1 pending)" in page
    console = Console(width=100, record=True)
    console.print(render_cash_trend(run_trend(store, [run_id])))
    row = next(r for r in console.export_text().splitlines() if run_id in r)
    assert [cell.strip() for cell in row.split("\u2502")[1:-1]] == [
        run_id, "2", "50.0 %", "100.0 %", "100.0 %", "1"]
    assert report_document(RunReport(run_id, RunStatus.OK, Trigger.SCHEDULE, False,
                                      record.started, None, "demo.toml"))["cash"] is None
