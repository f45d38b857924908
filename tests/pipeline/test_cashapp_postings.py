"""Posting what is certain, parking the rest on account, applying it later, undoing postings.

Against the sandbox world with hand-made proposals (the engine is replaced by
a fixed answer, so these tests pin the posting side, not the matching):

- a payment with one sure and one unsure line posts the sure one and puts the
  rest on the payer's account, with a review item that names the document;
  a rerun posts nothing again; a person's approval applies the cash on account
  to the invoice with a transfer posting (no bank line), once;
- a bank return of a posted payment becomes a *payment returned* review row;
  approved, the clearing is reset and reversed, the invoices open again;
- a posting a person marks ``wrong`` is reset the same way and posted anew
  under a new key on the next run;
- a payment in another currency than its invoices waits for a person;
- a closed posting period is an error naming the period; nothing is posted.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bots.cashapp.engine import MatchResult, MatchStats
from bots.config import Config
from bots.domain import (
    Decision,
    OpenItem,
    Proposal,
    Remittance,
    RemittanceLine,
    RunStatus,
    Treatment,
    Trigger,
    stable_id,
)
from bots.pipeline import cashapp
from bots.remittance.jsonl import to_json
from bots.reports.model import CashReviewRow, UnmatchedRow
from bots.reports.worklist import DECISION, column_title
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Store

TODAY = datetime.now(UTC).date()


@pytest.fixture
def items(world: Config) -> list[OpenItem]:
    """Three open USD invoices of one customer of company code 1000."""
    with connect(world.sap) as sap:
        found = [i for i in sap.iter_open_items(["1000"], TODAY)
                 if i.currency == "USD" and i.doc_type == "RV" and i.amount > 0]
    customer = next(c for c in sorted({i.customer for i in found})
                    if sum(i.customer == c for i in found) >= 3)
    return [i for i in found if i.customer == customer][:3]


class Engine:
    """Stands in for bots.cashapp.match: the proposals a test hands it, per remittance."""

    def __init__(self) -> None:
        self.proposals: list[Proposal] = []

    def __call__(self, _items: Any, remittances: Any, *_: Any, **__: Any) -> MatchResult:
        ids = {r.id for r in remittances}
        return MatchResult([p for p in self.proposals if p.remittance_id in ids], [], [],
                           MatchStats())


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Engine:
    fake = Engine()
    monkeypatch.setattr(cashapp, "match", fake)
    return fake


def proposal(rid: str, item: OpenItem, index: int, decision: Decision = Decision.AUTO,
             **kw: Any) -> Proposal:
    values: dict[str, Any] = {"applied_amount": item.amount, "confidence": 0.99, "rule": "ref",
                              "reason": f"reference {item.invoice_ref}", **kw}
    return Proposal(rid, index, item.customer, item.document_no, item.fiscal_year,
                    item.line_item, decision=decision, **values)


def receive(cfg: Config, remittance: Remittance, kind: str = "payment") -> None:
    """Put ``remittance`` in the store as intake does (a return record with ``kind``)."""
    with Store(cfg.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("intake",))
        digest = stable_id("in", remittance.id, length=20)
        store.record_input(digest, f"test:{remittance.id}", 1, run.id)
        body = {**to_json(remittance), **({"kind": kind} if kind != "payment" else {})}
        store.add_remittance(remittance.id, digest, run.id, stable_id("fp", remittance.id),
                             json.dumps(body))
        store.settle_input(digest, "waiting", "test")
        store.finish_run(run.id, RunStatus.OK, {})


def advice(rid: str, items: list[OpenItem], ref: str = "ACH-4711", **kw: Any) -> Remittance:
    lines = [RemittanceLine(i.invoice_ref, i.amount) for i in items]
    return Remittance(rid, "test", "csv", "USD", lines, payer_name="Payer", payment_ref=ref,
                      payment_date=TODAY, total=sum((i.amount for i in items), Decimal(0)),
                      **kw)


def cash_run(cfg: Config) -> Any:
    outcome = run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)
    return outcome, next(b for b in outcome.report.bots if b.name == "cashapp")


def sap(cfg: Config, query: str, *args: Any) -> list[tuple]:
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        return db.execute(query, args).fetchall()


def decide(folder: Path, rows: list[CashReviewRow], decision: str) -> Path:
    """A worklist whose Cash review sheet holds ``rows``, each decided ``decision``."""
    names = ["remittance_id", "customer", "document_no", "fiscal_year", "line_item",
             "applied_amount", "discount_amount", "deduction_amount", "rule", "line_index",
             "treatment", "reason_code"]
    book = Workbook()
    sheet = book.active
    sheet.title = CashReviewRow.SHEET
    sheet.append([column_title(n) for n in names] + [DECISION])
    for row in rows:
        sheet.append([str(getattr(row, n)) if getattr(row, n) is not None else None
                      for n in names] + [decision])
    path = folder / f"decided-{decision}.xlsx"
    book.save(path)
    return path


def review(cfg: Config, path: Path) -> Any:
    outcome = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": path})
    return outcome, outcome.report.bots[0]


def status_of(cfg: Config, rid: str) -> str:
    with Store(cfg.store_path) as store:
        row = store.remittance(rid)
        assert row is not None
        return str(row["status"])


@pytest.fixture
def parked(world: Config, items: list[OpenItem], engine: Engine) -> Iterator[tuple]:
    """A payment of two invoices, the second unsure: posted with the second on account."""
    sure, unsure = items[0], items[1]
    engine.proposals = [proposal("r-park", sure, 0),
                        proposal("r-park", unsure, 1, Decision.REVIEW, confidence=0.6,
                                 reason="reference read with two characters swapped")]
    receive(world, advice("r-park", [sure, unsure]))
    outcome, section = cash_run(world)
    yield outcome, section, sure, unsure


def test_sure_lines_post_and_the_rest_goes_on_account(world: Config, parked: tuple) -> None:
    outcome, section, sure, unsure = parked
    assert outcome.status == RunStatus.OK, section.errors
    assert section.counts["payments_posted"] == 1 and section.counts["payments_on_account"] == 1
    ((document,),) = sap(world, "SELECT BELNR FROM BKPF WHERE XBLNR LIKE 'pay-%'")
    assert sap(world, "SELECT AUGBL FROM BSAD WHERE BELNR = ?", sure.document_no) == \
        [(document,)]
    assert sap(world, "SELECT count(*) FROM BSID WHERE BELNR = ?", unsure.document_no) == [(1,)]
    credit = sap(world, "SELECT KUNNR, SHKZG, WRBTR, REBZG FROM BSID WHERE BELNR = ?", document)
    assert credit == [(unsure.customer, "H", int(unsure.amount * 100), "")]
    [row] = [r for r in outcome.report.worklist if isinstance(r, CashReviewRow)]
    assert row.document_no == unsure.document_no  # only the unsure line is offered
    [waiting] = section.waiting
    assert f"on account (document {document})" in waiting.why
    assert row.waiting_reason == waiting.why  # the worklist says it too, not only the HTML
    assert status_of(world, "r-park") == "review"

    _, again = cash_run(world)  # a rerun: nothing posted twice, the review item stays
    assert again.counts["payments_posted"] == 0
    assert sap(world, "SELECT count(*) FROM BKPF WHERE XBLNR LIKE 'pay-%'") == [(1,)]
    assert f"document {document}" in again.waiting[0].why


def test_a_person_applies_the_cash_on_account(world: Config, parked: tuple,
                                              tmp_path: Path) -> None:
    outcome, _, _, unsure = parked
    rows = [r for r in outcome.report.worklist if isinstance(r, CashReviewRow)]
    decided = decide(tmp_path, rows, "approve")
    applied, section = review(world, decided)
    assert applied.status == RunStatus.OK, section.errors
    assert section.counts["payments_posted"] == 1
    ((payment,),) = sap(world, "SELECT BELNR FROM BKPF WHERE XBLNR LIKE 'pay-%'")
    ((transfer, tcode),) = sap(world, "SELECT BELNR, TCODE FROM BKPF WHERE XBLNR LIKE 'apl-%'")
    assert tcode == "FB05"
    cleared = {b for (b,) in sap(world, "SELECT BELNR FROM BSAD WHERE AUGBL = ?", transfer)}
    assert cleared == {unsure.document_no, payment}  # the invoice and the cash on account
    assert sap(world, "SELECT count(*) FROM BSID WHERE BELNR IN (?, ?)", payment,
               unsure.document_no) == [(0,)]
    assert status_of(world, "r-park") == "applied"

    _, again = review(world, decided)  # applied once, never twice
    assert again.counts["payments_posted"] == 0
    assert sap(world, "SELECT count(*) FROM BKPF WHERE XBLNR LIKE 'apl-%'") == [(1,)]
    _, later = cash_run(world)
    assert later.counts["payments_posted"] == 0 and not later.waiting


def test_a_posting_marked_wrong_is_reset_and_posted_again(world: Config, parked: tuple,
                                                          engine: Engine,
                                                          tmp_path: Path) -> None:
    outcome, _, sure, unsure = parked
    rows = [r for r in outcome.report.worklist if isinstance(r, CashReviewRow)]
    _, section = review(world, decide(tmp_path, rows, "wrong"))
    assert section.counts["postings_reset"] == 1, section.errors
    ((document, reversal),) = sap(world, "SELECT BELNR, STBLG FROM BKPF WHERE TCODE = 'FB05'")
    assert reversal and sap(world, "SELECT count(*) FROM BSID WHERE BELNR = ?",
                            sure.document_no) == [(1,)]  # open again
    assert status_of(world, "r-park") == "review"

    engine.proposals = [proposal("r-park", sure, 0), proposal("r-park", unsure, 1)]
    night, again = cash_run(world)  # sure now, but a person said wrong: a person decides
    assert again.counts["payments_posted"] == 0
    assert "reset its posting as wrong" in again.waiting[0].why
    rows = [r for r in night.report.worklist if isinstance(r, CashReviewRow)]
    assert {r.document_no for r in rows} == {sure.document_no, unsure.document_no}
    _, approved = review(world, decide(tmp_path, rows, "approve"))
    assert approved.counts["payments_posted"] == 1, approved.errors  # under a new key
    keys = {k for (k,) in sap(world, "SELECT XBLNR FROM BKPF WHERE TCODE = 'FB05'")}
    assert len(keys) == 2
    assert sap(world, "SELECT count(*) FROM BSID WHERE BELNR IN (?, ?)", sure.document_no,
               unsure.document_no) == [(0,)]
    assert status_of(world, "r-park") == "applied"


def test_a_payment_posted_whole_is_marked_wrong_by_a_row_added_by_hand(
        world: Config, items: list[OpenItem], engine: Engine, tmp_path: Path) -> None:
    engine.proposals = [proposal("r-whole", items[0], 0)]
    receive(world, advice("r-whole", items[:1]))
    _, section = cash_run(world)
    assert section.counts["payments_posted"] == 1 and status_of(world, "r-whole") == "applied"
    book = Workbook()
    sheet = book.active
    sheet.title = CashReviewRow.SHEET
    sheet.append([column_title(n) for n in ("remittance_id", "customer", "document_no",
                                            "fiscal_year", "line_item", "applied_amount")]
                 + [DECISION])
    sheet.append(["r-whole", None, None, None, None, None, "wrong"])
    book.save(tmp_path / "by-hand.xlsx")
    _, undone = review(world, tmp_path / "by-hand.xlsx")
    assert undone.counts["postings_reset"] == 1, undone.errors
    assert sap(world, "SELECT count(*) FROM BSID WHERE BELNR = ?", items[0].document_no) == \
        [(1,)]
    assert status_of(world, "r-whole") == "review"


def test_a_returned_payment_is_reset_on_approval(world: Config, items: list[OpenItem],
                                                 engine: Engine, tmp_path: Path) -> None:
    engine.proposals = [proposal("r-paid", items[0], 0), proposal("r-paid", items[1], 1)]
    receive(world, advice("r-paid", items[:2], ref="E2E-77"))
    _, section = cash_run(world)
    assert section.counts["payments_posted"] == 1
    ((document,),) = sap(world, "SELECT BELNR FROM BKPF WHERE XBLNR LIKE 'pay-%'")
    total = items[0].amount + items[1].amount
    returned = Remittance("r-back", "camt", "camt054", "USD", payment_ref="E2E-77",
                          total=total, payer_name="Payer", kind="return",
                          warnings=["incoming payment returned: AC04 closed account"])
    receive(world, returned, kind="return")
    other = Remittance("r-stray", "camt", "camt054", "USD", payment_ref="E2E-99",
                       total=Decimal("12.00"), kind="return")
    receive(world, other, kind="return")
    outcome, section = cash_run(world)
    assert section.counts["payments_returned"] == 2
    [row] = [r for r in outcome.report.worklist
             if isinstance(r, CashReviewRow) and r.rule == "payment returned"]
    assert (row.document_no, row.applied_amount) == (document, total)
    assert "AC04 closed account" in row.reason
    [stray] = [r for r in outcome.report.worklist if isinstance(r, UnmatchedRow)]
    assert "no posting of arbots explains it" in stray.reason

    applied, section = review(world, decide(tmp_path, [row], "approve"))
    assert applied.status == RunStatus.OK, section.errors
    assert section.counts["postings_reset"] == 1
    ((stblg,),) = sap(world, "SELECT STBLG FROM BKPF WHERE BELNR = ?", document)
    assert stblg
    assert sap(world, "SELECT count(*) FROM BSID WHERE BELNR IN (?, ?)", items[0].document_no,
               items[1].document_no) == [(2,)]
    assert status_of(world, "r-back") == "applied"
    _, again = cash_run(world)  # the return is settled; its payment is not posted again
    assert again.counts["payments_posted"] == 0 and again.counts.get("payments_returned") == 1


def test_a_payment_in_another_currency_waits(world: Config, items: list[OpenItem],
                                             engine: Engine) -> None:
    engine.proposals = [proposal("r-eur", items[0], 0)]
    eur = advice("r-eur", items[:1])
    eur.currency = "EUR"
    receive(world, eur)
    _, section = cash_run(world)
    assert section.counts["payments_posted"] == 0
    assert "the payment is in EUR, its invoices in USD" in section.waiting[0].why


def test_a_closed_posting_period_names_the_period(world: Config, items: list[OpenItem],
                                                  engine: Engine) -> None:
    with sqlite3.connect(world.sap.sandbox_db) as db:
        db.execute("UPDATE T001B SET TOYE1 = ?, TOPE1 = '001', FRYE1 = ?, FRPE1 = '001'",
                   (str(TODAY.year - 1), str(TODAY.year - 1)))
    engine.proposals = [proposal("r-late", items[0], 0)]
    receive(world, advice("r-late", items[:1]))
    outcome, section = cash_run(world)
    assert outcome.status == RunStatus.FAILED
    [error] = section.errors
    period = f"Posting period {TODAY.month:03d} {TODAY.year} is not open in company code 1000"
    assert period in error.reason
    assert sap(world, "SELECT count(*) FROM BKPF WHERE XBLNR LIKE 'pay-%'") == [(0,)]
    assert status_of(world, "r-late") == "review"


def test_a_run_killed_after_sap_posted_the_parked_payment(world: Config, items: list[OpenItem],
                                                          engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """SAP committed, our ledger did not: the rerun finds the document by its key, and the
    payment still waits for its person (its cash is on account), posted once."""
    from bots.store.ledger import WriteLedger

    engine.proposals = [proposal("r-kill", items[0], 0),
                        proposal("r-kill", items[1], 1, Decision.REVIEW)]
    receive(world, advice("r-kill", items[:2]))
    done = WriteLedger.done

    def crash(self: WriteLedger, key: str, result: dict | None = None) -> None:
        if key.startswith("pay-"):
            raise KeyboardInterrupt("killed between SAP's commit and ours")
        done(self, key, result)

    monkeypatch.setattr(WriteLedger, "done", crash)
    with pytest.raises(KeyboardInterrupt):
        cashapp_run_in_process(world)
    monkeypatch.setattr(WriteLedger, "done", done)
    _, section = cash_run(world)
    assert section.counts["already_posted"] == 1 and section.counts["payments_posted"] == 0
    assert sap(world, "SELECT count(*) FROM BKPF WHERE XBLNR LIKE 'pay-%'") == [(1,)]
    assert status_of(world, "r-kill") == "review"
    assert "on account (document" in section.waiting[0].why


def cashapp_run_in_process(cfg: Config) -> None:
    """The cash-application bot on its own context (no runner catching what it raises)."""
    from bots.pipeline.context import BotContext
    from bots.reports.model import RunReport

    with Store(cfg.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("cashapp",))
        ctx = BotContext(cfg=cfg, store=store, run=run,
                         report=RunReport.from_run(run, config_source="test"), today=TODAY)
        try:
            cashapp.run(ctx)
        finally:
            ctx.close()
            store.finish_run(run.id, RunStatus.ABORTED, {})


CAMT_RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>M</MsgId></GrpHdr><Ntfctn><Id>N</Id>
<Ntry><Amt Ccy="USD">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>E2E-RT-1</EndToEndId></Refs>
<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
"""


def test_intake_hands_a_bank_return_on_instead_of_quarantining_it(world: Config) -> None:
    from email.message import EmailMessage

    from bots.sandbox.world import demo_mailbox_path

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bank@example.net", "ar@example.com", "camt.054"
    msg.set_content("Statement attached")
    msg.add_attachment(CAMT_RETURN.format(amount="120.00", day=TODAY.isoformat()).encode(),
                       maintype="application", subtype="xml", filename="camt054.xml")
    box = demo_mailbox_path(world)
    box.mkdir(parents=True)
    (box / "return.eml").write_bytes(bytes(msg))
    outcome = run_bots(world, ("intake", "cashapp"), Trigger.ON_DEMAND)
    intake = next(b for b in outcome.report.bots if b.name == "intake")
    assert intake.counts["returns"] == 1 and intake.counts["quarantined"] == 0
    assert (box / "processed" / "return.eml").exists()
    [row] = [r for r in outcome.report.worklist if isinstance(r, UnmatchedRow)]
    assert row.amount == Decimal("120.00") and "payment returned" in row.reason
    assert "AC04" in row.reason


def test_an_approved_part_payment_leaves_the_invoice_open(world: Config, items: list[OpenItem],
                                                          engine: Engine,
                                                          tmp_path: Path) -> None:
    """The worklist carries the treatment: a part payment a person approves is posted as one,
    never as a clearing with the rest taken for a discount."""
    part = Decimal("10.00")
    engine.proposals = [proposal("r-part", items[0], 0, Decision.REVIEW, applied_amount=part,
                                 treatment=Treatment.PARTIAL)]
    r = advice("r-part", items[:1])
    r.total, r.lines[0].paid_amount = part, part
    receive(world, r)
    outcome, _ = cash_run(world)
    [row] = [x for x in outcome.report.worklist if isinstance(x, CashReviewRow)]
    assert row.treatment == "partial"
    _, section = review(world, decide(tmp_path, [row], "approve"))
    assert section.counts["payments_posted"] == 1, section.errors
    ((document,),) = sap(world, "SELECT BELNR FROM BKPF WHERE XBLNR LIKE 'pay-%'")
    assert sap(world, "SELECT count(*) FROM BSID WHERE BELNR = ?", items[0].document_no) == \
        [(1,)]
    assert sap(world, "SELECT SHKZG, WRBTR, REBZG FROM BSID WHERE BELNR = ?", document) == \
        [("H", 1000, items[0].document_no)]
