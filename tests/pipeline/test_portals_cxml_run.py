"""The nightly portal bot with a cXML buyer: SAP billing lines to the reference endpoint."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

from bots.config import Config, load_config
from bots.domain import RunStatus, Trigger, to_minor
from bots.pipeline.portals import to_submit
from bots.portals import portals_config
from bots.reports.model import BotStatus, PortalFailureRow
from bots.runner import run_bots
from bots.sandbox.portals.db import PortalDB, PurchaseOrder
from bots.sandbox.portals.launcher import SANDBOX_SHARED_SECRET
from bots.sap import connect
from tests.pipeline.conftest import CONFIG
from tests.pipeline.outcomes import bot_section

TODAY = datetime.now(UTC).date()


def cxml_world(world: Config) -> Config:
    """The small world's customers with new invoices, all mapped to one cXML buyer."""
    with connect(world.sap) as sap:
        items = list(sap.iter_open_items(world.sap.company_codes, TODAY))
    fresh = sorted({i.customer for i in items if i.doc_type == "RV" and i.po_number
                    and (TODAY - i.doc_date).days <= 1 and i.amount > 0})
    assert fresh, "the sandbox has no new invoices to submit"
    mapping = "".join(f'"{customer}" = "buyer-cxml"\n' for customer in fresh)
    path = world.home / "cxml.toml"
    path.write_text(CONFIG.format(sap_extra="") + '\n[portals]\nsubmit_within_days = 1\n'
                    '[portals.sites.buyer-cxml]\nfamily = "cxml"\n'
                    f'[portals.customers]\n{mapping}', encoding="utf-8")
    return load_config(path, home=world.home)


def test_nightly_sends_billing_lines_as_cxml_once_and_notes_them(world: Config) -> None:
    cfg = cxml_world(world)
    outcome = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    section = bot_section(outcome, "portals")
    assert outcome.status == RunStatus.OK, section.errors
    pcfg = portals_config(cfg)
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
        expected = to_submit(items, pcfg, TODAY, 1)
        billing = sap.billing_documents([item for item, _ in expected])
        assert section.counts["submitted"] == len(expected) > 0
        item = expected[0][0]
        (note,) = sap.read_notes(item.company_code, item.customer, item.document_no,
                                 item.fiscal_year)
        assert note.lines[0].startswith("Submitted to portal buyer-cxml: confirmation ")
    with sqlite3.connect(pcfg.sandbox_dir / "ariba.sqlite") as portal:
        for item, _ in expected:  # the buyer holds every billing line, on its PO line
            doc = billing[(item.company_code, item.document_no, item.fiscal_year)]
            held = portal.execute(
                "SELECT l.line, l.quantity, l.amount_minor, l.tax_minor FROM invoice_lines l "
                "JOIN invoices i ON i.id = l.invoice_id WHERE i.number = ? ORDER BY l.line",
                (item.invoice_ref,)).fetchall()
            assert [(int(ln.po_line), ln.quantity) for ln in doc.lines] == [
                (line, Decimal(q)) for line, q, _, _ in held]
            assert sum(a + t for _, _, a, t in held) == to_minor(item.amount, item.currency)
        lines = portal.execute("SELECT count(*) FROM invoice_lines").fetchone()[0]
        assert lines > len(expected)  # several lines per invoice, not one each
    documents = sorted(cfg.runs_dir.glob("*/portals/buyer-cxml/*.xml"))
    assert len(documents) == len(expected)
    assert all(SANDBOX_SHARED_SECRET not in d.read_text() for d in documents)

    again = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    counts = bot_section(again, "portals").counts
    assert counts["duplicate"] == len(expected) and counts["submitted"] == 0
    assert counts["notes_written"] == 0


def test_a_buyers_4xx_status_fails_the_invoice_with_its_words_in_the_worklist(
        world: Config) -> None:
    cfg = cxml_world(world)
    pcfg = portals_config(cfg)
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
    refused, _ = to_submit(items, pcfg, TODAY, 1)[0]
    buyer = PortalDB(pcfg.sandbox_dir / "ariba.sqlite")  # the buyer closed that PO already
    buyer.add_purchase_order(PurchaseOrder(refused.po_number, refused.customer,
                                           refused.currency, "Closed", ()))
    buyer.close()
    outcome = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    section = bot_section(outcome, "portals")
    assert section.status == BotStatus.FAILED and section.counts["rejected"] == 1
    (row,) = [r for r in outcome.report.worklist if isinstance(r, PortalFailureRow)]
    assert (row.portal, row.invoice_no, row.po_number) == (
        "buyer-cxml", refused.invoice_ref, refused.po_number)
    assert row.error == ("refused by the buyer: 400 Bad Request: Purchase order "
                         f"{refused.po_number} is closed")
    assert row.trace.endswith(f"{refused.invoice_ref}.xml")
    assert section.counts["submitted"] == len(to_submit(items, pcfg, TODAY, 1)) - 1


def test_a_buyers_later_rejection_is_read_reported_and_the_invoice_sent_again(
        world: Config) -> None:
    cfg = cxml_world(world)
    pcfg = portals_config(cfg)
    first = bot_section(run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND), "portals")
    sent = first.counts["submitted"]
    assert sent >= 2 and first.counts["approved_later"] == first.counts["rejected_later"] == 0
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
    refused, _ = to_submit(items, pcfg, TODAY, 1)[0]
    with sqlite3.connect(pcfg.sandbox_dir / "ariba.sqlite") as buyer:  # its reconciliation
        buyer.execute("UPDATE invoices SET pending_reason = ? WHERE number = ?",
                      ("Price variance on line 1 above tolerance.", refused.invoice_ref))

    outcome = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    second = bot_section(outcome, "portals")
    assert second.counts["rejected_later"] == 1
    assert second.counts["approved_later"] == sent - 1
    assert second.counts["submitted"] == 0  # sent again only by the next run
    (row,) = [r for r in outcome.report.worklist if isinstance(r, PortalFailureRow)]
    assert (row.portal, row.invoice_no) == ("buyer-cxml", refused.invoice_ref)
    assert "Price variance on line 1 above tolerance." in row.error
    with connect(cfg.sap) as sap:
        notes = sap.read_notes(refused.company_code, refused.customer, refused.document_no,
                               refused.fiscal_year)
    assert any("Price variance" in line for note in notes for line in note.lines)

    third = bot_section(run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND), "portals")
    assert third.counts["submitted"] == 1  # the rejected one, once more
    assert third.counts["rejected_later"] == third.counts["approved_later"] == 0
    fourth = bot_section(run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND), "portals")
    assert fourth.counts["approved_later"] == 1 and fourth.counts["submitted"] == 0
