"""The state handed from one activity to the next: JSON, ids for the memo, nothing executable."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bench.crash import TrialWorld
from bots.config import load_config
from bots.domain import Run, Trigger
from bots.engine import checkpoint
from bots.engine.checkpoint import FILE, ITEMS_FILE, CheckpointError, RunState, SavedSnapshot
from bots.pipeline.cashapp import CLEARED
from bots.pipeline.context import BotContext
from bots.pipeline.openitems import Snapshot, pull_snapshot
from bots.reports.model import (
    WORKLIST_KINDS,
    CashReviewRow,
    CreditReleaseRow,
    InputOutcome,
    PortalFailureRow,
    UnmatchedRow,
)
from bots.runner import run_bots
from bots.store import Store
from bots.takeover import TakeOver


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory):
    """A small sandbox world after a local run of openitems, intake, cashapp and collections."""
    world = TrialWorld(tmp_path_factory.mktemp("world"))
    world.reset()
    cfg = load_config(world.config, home=world.folder)
    outcome = run_bots(cfg, ("openitems", "intake", "cashapp", "collections"),
                       Trigger.ON_DEMAND)
    return cfg, outcome


def test_a_real_report_and_the_memo_come_back_equal(ran, tmp_path: Path) -> None:
    cfg, outcome = ran
    report = outcome.report
    report.worklist += [
        PortalFailureRow("coupa", "0000100001", "90000001", "PO-1", "EUR", Decimal("10.00"),
                         date(2026, 12, 1), "refused", "fix it"),
        CreditReleaseRow("0000004711", "0000100001", "0000100001", "1000", "USD",
                         Decimal("5.00"), Decimal("1.00"), Decimal("4.00"), Decimal("9.00"),
                         "within the limit"),
        CashReviewRow("r-1", "ACME", "P-1", "90000002", "0000100002", "90000002", "JPY",
                      Decimal("1200"), 0.75, "amount_only", "two items explain it",
                      line_index=0, treatment="clear"),
        UnmatchedRow("r-2", "inbox/c.pdf", "Büro Müller", "P-2", None, "KWD",
                     Decimal("1.250"), "no open item")]
    assert {type(row) for row in report.worklist} == set(WORKLIST_KINDS)
    assert report.cash is not None and report.external_writes and report.inputs
    with Store(cfg.store_path) as store:
        previous = store.run(outcome.run_id)
        items = list(store.snapshot(outcome.run_id))
        memo = {"jobs": 2, "snapshot": Snapshot(items, {}),
                "inputs": {"ab12": ("inbox/a.eml", "email", InputOutcome.QUARANTINED),
                           "cd34": ("inbox/b.eml", "pdf", None)},
                CLEARED: {items[0].key, items[1].key}}
        takeover = TakeOver(["r-dead"], {"r-dead": ["k1", "k2"]}, previous)
        checkpoint.save(tmp_path, RunState(report, memo, takeover))
        state = checkpoint.load(tmp_path, store)

    assert state.report == report
    assert state.memo == {**memo, "snapshot": SavedSnapshot(outcome.run_id)}
    assert state.takeover == takeover
    assert checkpoint.report_of(tmp_path) == report
    assert not (tmp_path / "engine-state.pickle").exists()


def test_the_snapshot_comes_back_whole_with_the_customers_read_again_from_sap(ran) -> None:
    cfg, outcome = ran
    with Store(cfg.store_path) as store:
        run = Run(id=outcome.run_id, trigger=Trigger.ON_DEMAND, started=outcome.report.started,
                  bots=("cashapp",))
        ctx = BotContext(cfg=cfg, store=store, run=run, report=outcome.report,
                         today=outcome.report.started.date())
        try:
            pulled = pull_snapshot(ctx)
            checkpoint.save(ctx.run_dir, RunState(outcome.report, {"snapshot": pulled}))
            ctx.memo = checkpoint.load(ctx.run_dir, store).memo
            assert ctx.memo == {"snapshot": SavedSnapshot(outcome.run_id)}
            checkpoint.restore(ctx)
        finally:
            ctx.close()
    assert ctx.memo["snapshot"] == pulled
    assert {i.doc_type for i in pulled.items} >= {"RV"}  # every field, not the store's few
    kept = json.loads((ctx.run_dir / FILE).read_text(encoding="utf-8"))
    assert kept["memo"] == {"snapshot": {"$snapshot": outcome.run_id}}
    items = (ctx.run_dir / ITEMS_FILE).read_text(encoding="utf-8")
    names = [c.name for c in pulled.customers.values() if len(c.name) > 3]
    assert names and not [name for name in names if name in items]  # no customer's name


@pytest.mark.parametrize("text", [
    '{"version": 1, "report": {"$class": "Popen", "args": ["sh"]}, "memo": {}, '
    '"takeover": {"aborted": [], "adopted": {}, "previous": null}}',
    '{"version": 1, "report": {"$enum": "Signals", "value": 9}, "memo": {}, '
    '"takeover": {"aborted": [], "adopted": {}, "previous": null}}',
    '{"version": 1, "report": {"$eval": "1"}, "memo": {}, '
    '"takeover": {"aborted": [], "adopted": {}, "previous": null}}',
    '{"version": 2}',
])
def test_a_state_file_naming_anything_else_is_refused_naming_the_file(
        tmp_path: Path, text: str) -> None:
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    with Store(tmp_path / "store.sqlite") as store, \
            pytest.raises(CheckpointError, match=f"{tmp_path / FILE}: not a run state"):
        checkpoint.load(tmp_path, store)


def test_a_pickle_in_its_place_is_never_unpickled(tmp_path: Path) -> None:
    (tmp_path / FILE).write_bytes(pickle.dumps({"report": None}))
    with pytest.raises(CheckpointError, match="not a run state arbots wrote"):
        checkpoint.report_of(tmp_path)


def test_what_the_state_cannot_hold_is_refused_when_saving(ran, tmp_path: Path) -> None:
    _, outcome = ran
    state = RunState(replace(outcome.report), {"connection": object()})
    with pytest.raises(TypeError, match="the run state cannot keep a object"):
        checkpoint.save(tmp_path, state)


def test_a_batchs_outcome_comes_back_and_merges_into_its_bot(tmp_path: Path) -> None:
    """The portal bot's batches each keep their section and worklist rows (they run at once
    on several workers); the merge adds counts, errors and waiting items to the bot's."""
    from bots.pipeline.portals import merge_batch
    from bots.reports.model import BotSection, BotStatus, ErrorItem, WaitingItem

    row = PortalFailureRow(portal="coupa", customer="0000100001", invoice_no="90001",
                           po_number="PO-1", currency="EUR", amount=Decimal("10.50"),
                           invoice_date=date(2026, 12, 7), error="refused", how_to_fix="fix")
    batch = BotSection("portals", BotStatus.FAILED, seconds=3.5,
                       counts={"submitted": 3, "rejected": 1},
                       errors=[ErrorItem("coupa: invoice 90001", "refused", "fix")],
                       waiting=[WaitingItem("1 invoices", "the next run", "stopped")])
    checkpoint.save_part(tmp_path, "portals", 1, batch, [row])
    kept, rows = checkpoint.load_part(tmp_path, "portals", 1)
    assert (kept, rows) == (batch, [row])

    section = BotSection("portals", BotStatus.OK, counts={"invoices": 8, "submitted": 4,
                                                          "rejected": 0})
    merge_batch(section, kept)
    assert section.counts == {"invoices": 8, "submitted": 7, "rejected": 1}
    assert section.status == BotStatus.FAILED
    assert [e.item for e in section.errors] == ["coupa: invoice 90001"]
    assert len(section.waiting) == 1

    checkpoint.part_path(tmp_path, "portals", 2).write_text('{"version": 1, "section": 3}')
    with pytest.raises(CheckpointError, match="engine-portals-batch2.json"):
        checkpoint.load_part(tmp_path, "portals", 2)
