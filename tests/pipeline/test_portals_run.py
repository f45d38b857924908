"""The portal bot of the nightly run: SAP invoices into the reference portals, in real Chromium."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bots.config import Config, load_config
from bots.domain import RunStatus, Trigger
from bots.pipeline.portals import split_gross, to_submit
from bots.portals import portals_config
from bots.runner import run_bots
from bots.sap import connect
from tests.conftest import require_program
from tests.pipeline.conftest import CONFIG

TODAY = datetime.now(UTC).date()


@pytest.mark.parametrize(("gross", "currency"), [
    ("110.00", "USD"), ("100.00", "USD"), ("0.01", "USD"), ("1999", "JPY"), ("12.345", "KWD")])
def test_split_gross_is_exact(gross: str, currency: str) -> None:
    net, rate, tax = split_gross(Decimal(gross), Decimal("10"), currency)
    assert net + tax == Decimal(gross)
    assert rate in (Decimal("10"), Decimal(0))


@pytest.fixture
def portal_world(world: Config) -> Config:
    """The small world with two customers that have new invoices mapped to portals."""
    with connect(world.sap) as sap:
        items = list(sap.iter_open_items(world.sap.company_codes, TODAY))
    fresh = sorted({i.customer for i in items if i.doc_type == "RV" and i.po_number
                    and (TODAY - i.doc_date).days <= 1 and i.amount > 0})
    assert len(fresh) >= 2, "the sandbox has no new invoices to submit"
    text = CONFIG.format(sap_extra="") + (
        '\n[portals]\nsubmit_within_days = 1\nsupplier_vat_id = "DE811907980"\n'
        f'[portals.customers]\n"{fresh[0]}" = "coupa-sandbox"\n"{fresh[1]}" = "ariba-sandbox"\n')
    path = world.home / "portals.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, home=world.home)


@pytest.mark.slow
def test_nightly_submits_new_invoices_once_and_notes_them(portal_world: Config) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg = portal_world
    outcome = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    section = {b.name: b for b in outcome.report.bots}["portals"]
    assert outcome.status == RunStatus.OK, section.errors
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
        expected = to_submit(items, portals_config(cfg), TODAY, 1)
        assert section.counts["submitted"] == len(expected) > 0
        item, site = expected[0]
        (note,) = sap.read_notes(item.company_code, item.customer, item.document_no,
                                 item.fiscal_year)
        assert note.lines[0].startswith(f"Submitted to portal {site.name}: confirmation ")

    again = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    counts = {b.name: b for b in again.report.bots}["portals"].counts
    assert counts["submitted"] + counts["duplicate"] == len(expected)
    assert counts["notes_written"] == 0  # nothing noted twice


def test_a_late_buyer_rejection_is_reported_noted_and_frees_the_invoice(world: Config) -> None:
    from bots.pipeline.context import BotContext
    from bots.pipeline.portals import record_decision, undecided
    from bots.portals.recipes.base import Found
    from bots.reports.model import BotSection, BotStatus, RunReport
    from bots.store import Store

    cfg = load_config(world.home / "site.toml", home=world.home)
    with connect(cfg.sap) as sap:
        item = next(i for i in sap.iter_open_items(cfg.sap.company_codes, TODAY)
                    if i.doc_type == "RV" and i.invoice_ref)
    with Store(cfg.store_path) as store:
        run = store.start_run(Trigger.SCHEDULE, ("portals",))
        ctx = BotContext(cfg=cfg, store=store, run=run,
                         report=RunReport.from_run(run, config_source="test"), today=TODAY)
        ledger = store.ledger(run.id)
        for n, family in enumerate(("ariba", "coupa")):  # coupa decides at once: not asked
            key = f"sub-{family}"
            ledger.begin("portal_submission", key, f"{family}-sandbox:{item.customer}",
                         {"invoice_no": f"INV-{n}", "po_number": "PO-1",
                          "customer": item.customer, "currency": item.currency,
                          "total": str(item.amount), "invoice_date": TODAY.isoformat()})
            ledger.done(key, {"confirmation": "IV000007", "status": "Submitted"})
        asks = undecided(ctx, portals_config(cfg))
        assert list(asks) == [("ariba-sandbox", "INV-0")]

        section = BotSection("portals", BotStatus.OK, counts={
            "approved_later": 0, "rejected_later": 0, "notes_written": 0,
            "notes_already_written": 0})
        record_decision(ctx, section, asks[("ariba-sandbox", "INV-0")],
                        Found("IV000007", "Rejected", "Supplier VAT ID is required."), item)
        ctx.close()
        assert section.counts["rejected_later"] == 1 and section.counts["notes_written"] == 1
        assert "Supplier VAT ID is required." in section.errors[0].reason
        (row,) = ctx.report.worklist
        assert row.invoice_no == "INV-0" and "after submission" in row.error
        assert {r["key"]: r["status"] for r in store.writes_of("portal_submission", "failed")} \
            == {"sub-ariba": "failed"}
        assert undecided(ctx, portals_config(cfg)) == {}
    with connect(cfg.sap) as sap:
        (note,) = sap.read_notes(item.company_code, item.customer, item.document_no,
                                 item.fiscal_year)
        assert "rejected by the buyer after submission" in note.lines[0]
