"""The review loop: decisions written into worklist.xlsx are posted once and teach the learner."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bots.cashapp import Memory
from bots.config import Config
from bots.domain import OpenItem, RunStatus, Trigger, format_amount
from bots.pipeline.cashapp import memory_path
from bots.pipeline.review import ReviewFileError, read_decisions
from bots.runner import run_bots
from bots.sandbox.world import demo_mailbox_path
from bots.sap import connect

TODAY = datetime.now(UTC).date()


def transposed(ref: str) -> str:
    """The reference with its last two digits swapped (a typing slip)."""
    return ref[:-2] + ref[-1] + ref[-2]


@pytest.fixture
def doubtful(world: Config) -> tuple[Config, OpenItem]:
    """A mailbox with one advice whose reference has a typing slip: it waits for review."""
    with connect(world.sap) as sap:
        items = list(sap.iter_open_items(world.sap.company_codes, TODAY))
    refs = {i.invoice_ref for i in items}
    item = next(i for i in items if i.amount > 0 and i.currency == "USD" and i.invoice_ref
                and i.invoice_ref[-1] != i.invoice_ref[-2]
                and transposed(i.invoice_ref) not in refs)
    msg = EmailMessage()
    msg["From"] = "Accounts Payable <ap@payer.example.net>"
    msg["To"] = "remittances@arbots-demo.example"
    msg["Subject"] = "Remittance advice"
    msg.set_content(f"Payment date: {TODAY.isoformat()}\nCurrency: USD\n\n"
                    f"Invoice {transposed(item.invoice_ref)}    "
                    f"{format_amount(item.amount, item.currency)}\n")
    box = demo_mailbox_path(world)
    box.mkdir(parents=True)
    (box / "slip.eml").write_bytes(bytes(msg))
    return world, item


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
    rows = read_decisions(decided)
    assert [r.proposal.document_no for r in rows] == [item.document_no]

    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert applied.status == RunStatus.OK, applied.report.bots[0].errors
    review = applied.report.bots[0].counts
    assert review["payments_posted"] == 1 and review["notes_written"] == 1
    with connect(cfg.sap) as sap:
        still_open = {i.document_no for i in sap.open_items_of(item.company_code,
                                                               item.customer, TODAY)}
    assert item.document_no not in still_open
    learned = Memory(memory_path(cfg)).snapshot()
    assert learned.aliases or learned.patterns

    again = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert again.report.bots[0].counts["payments_posted"] == 0  # never twice



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
        read_decisions(decided)
