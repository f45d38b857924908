"""The review loop: decisions written into worklist.xlsx are posted once and teach the learner."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bots.cashapp import Memory
from bots.config import Config
from bots.domain import OpenItem, RunStatus, Trigger
from bots.pipeline.review import read_decisions
from bots.pipeline.worklist_file import ReviewFileError, load_worklist
from bots.runner import run_bots
from bots.sap import connect
from tests.pipeline.typing_slip import plant_typing_slip

TODAY = datetime.now(UTC).date()


@pytest.fixture
def doubtful(world: Config) -> tuple[Config, OpenItem]:
    """A mailbox with one advice whose reference has a typing slip: it waits for review."""
    return world, plant_typing_slip(world, TODAY)


def decide(worklist: Path, decision: str) -> Path:
    book = load_workbook(worklist)
    sheet = book["Cash review"]
    header = [c.value for c in sheet[1]]
    col = header.index("Decision") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=col, value=decision)
    out = worklist.with_name("decided.xlsx")
    book.save(out)
    return out


def test_approved_rows_are_posted_once_and_taught(doubtful) -> None:
    cfg, item = doubtful
    night = run_bots(cfg, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    counts = {b.name: b.counts for b in night.report.bots}["cashapp"]
    assert counts["payments_posted"] == 0 and counts["payments_waiting"] == 1
    decided = decide(night.report_dir / "worklist.xlsx", "approve")
    rows = read_decisions(load_worklist(decided))
    assert [r.proposal.document_no for r in rows] == [item.document_no]

    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert applied.status == RunStatus.OK, applied.report.bots[0].errors
    review = applied.report.bots[0].counts
    assert review["payments_posted"] == 1 and review["notes_written"] == 1
    with connect(cfg.sap) as sap:
        still_open = {i.document_no for i in sap.open_items_of(item.company_code,
                                                               item.customer, TODAY)}
    assert item.document_no not in still_open
    learned = Memory(cfg.cashapp_memory_path).snapshot()
    assert learned.aliases or learned.patterns

    again = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert again.report.bots[0].counts["payments_posted"] == 0  # never twice



def test_the_worklist_is_opened_once(doubtful, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decisions, corrections, credit releases and promises are read from one load."""
    cfg, _ = doubtful
    night = run_bots(cfg, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    decided = decide(night.report_dir / "worklist.xlsx", "reject")
    opened: list[str] = []

    def counted(file: object, *args: object, **kwargs: object) -> zipfile.ZipFile:
        opened.append(str(file))
        return zipfile.ZipFile(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("openpyxl.reader.excel.ZipFile", counted)  # every openpyxl load
    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert applied.status == RunStatus.OK, applied.report.bots[0].errors
    assert opened.count(str(decided)) == 1


def test_rejected_rows_post_nothing(doubtful) -> None:
    cfg, item = doubtful
    night = run_bots(cfg, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    decided = decide(night.report_dir / "worklist.xlsx", "reject")
    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert applied.report.bots[0].counts["payments_rejected"] == 1
    assert applied.report.bots[0].counts["payments_posted"] == 0


def test_a_bad_decision_names_the_file_and_row(doubtful) -> None:
    cfg, _ = doubtful
    night = run_bots(cfg, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    decided = decide(night.report_dir / "worklist.xlsx", "maybe")
    with pytest.raises(ReviewFileError, match=r"decided.xlsx: Cash review row 2, Decision"):
        read_decisions(load_worklist(decided))


def test_a_file_that_is_no_workbook_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "worklist.xlsx"
    bad.write_text("Decision\napprove\n")
    with pytest.raises(ReviewFileError, match=r"worklist.xlsx: not a worklist workbook"):
        load_worklist(bad)
