"""The cash figures end to end: a run proposes, a person approves, the run's hit is counted."""

from __future__ import annotations

from bots.domain import RunStatus, Trigger
from bots.reports.metrics import Rate, cash_figures
from bots.runner import run_bots
from bots.store import Store
from tests.pipeline.test_review_apply import decide, doubtful  # noqa: F401 - the fixture


def test_a_review_approved_unchanged_turns_the_nights_pending_line_into_a_hit(doubtful):  # noqa: F811
    cfg, item = doubtful
    night = run_bots(cfg, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    cash = night.report.cash
    assert cash is not None and not cash.dry_run
    assert (cash.lines, cash.lines_auto) == (1, 0)
    assert cash.invoice == Rate(0, 0, 1) and cash.header == Rate(0, 0, 1)

    decided = decide(night.report_dir / "worklist.xlsx", "approve")
    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert applied.status == RunStatus.OK, applied.report.bots[0].errors
    assert applied.report.cash is None  # a review run proposes nothing
    with Store(cfg.store_path) as store:
        person = [r for r in store.cash_lines() if r["source"] == "person"]
        assert [(r["document_no"], r["posted"]) for r in person] == [(item.document_no, 1)]
        later = cash_figures(store, night.run_id)
    assert later is not None
    assert later.invoice == Rate(1, 1, 0) and later.header == Rate(1, 1, 0)
    assert later.lines_auto == 0  # right, but a person had to look
