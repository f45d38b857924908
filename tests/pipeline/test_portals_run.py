"""The portal bot of the nightly run: SAP invoices into the reference portals, in real Chromium."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import psutil
import pytest

from bots.config import Config, load_config
from bots.domain import CollectionNote, OpenItem, RunStatus, Trigger
from bots.landscape import landscape_id
from bots.pipeline import portals as portals_bot
from bots.pipeline.context import BotContext
from bots.pipeline.portals import portal_invoice, split_gross, submission_note, to_submit
from bots.portals import PortalSite, portals_config
from bots.reports.model import BotSection, BotStatus, RunReport
from bots.runner import run_bots
from bots.sandbox.portals.db import InvoiceRecord, PortalDB
from bots.sap import connect
from bots.store import Store
from tests.conftest import require_program
from tests.pipeline.conftest import CONFIG
from tests.pipeline.outcomes import bot_section

TODAY = datetime.now(UTC).date()


@pytest.mark.parametrize(("gross", "currency"), [
    ("110.00", "USD"), ("100.00", "USD"), ("0.01", "USD"), ("1999", "JPY"), ("12.345", "KWD")])
def test_split_gross_is_exact(gross: str, currency: str) -> None:
    net, rate, tax = split_gross(Decimal(gross), Decimal("10"), currency)
    assert net + tax == Decimal(gross)
    assert rate in (Decimal("10"), Decimal(0))


def portals_toml(world: Config, extra: str = "", sites: str = "") -> Config:
    """The small world with two customers that have new invoices mapped to portals."""
    with connect(world.sap) as sap:
        items = list(sap.iter_open_items(world.sap.company_codes, TODAY))
    fresh = sorted({i.customer for i in items if i.doc_type == "RV" and i.po_number
                    and (TODAY - i.doc_date).days <= 1 and i.amount > 0})
    assert len(fresh) >= 2, "the sandbox has no new invoices to submit"
    text = CONFIG.format(sap_extra="") + (
        f'\n[portals]\nsubmit_within_days = 1\nsupplier_vat_id = "DE811907980"\n{extra}\n'
        f'[portals.customers]\n"{fresh[0]}" = "coupa-sandbox"\n"{fresh[1]}" = "ariba-sandbox"\n'
        f'{sites}')
    path = world.home / "portals.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, home=world.home)


def test_a_submissions_note_is_keyed_to_the_submission_whatever_day_it_is_written() -> None:
    payload = {"invoice_no": "INV-9", "customer": "0000100001", "origin": {
        "company_code": "1000", "document_no": "1800000026", "fiscal_year": "2026"}}
    result = {"confirmation": "CP-000042", "status": "Submitted", "outcome": "submitted"}
    row = {"key": "sub-aaaa", "target": "coupa-sandbox:0000100001", "status": "done",
           "created": "2026-12-01T23:59:30+00:00", "payload": json.dumps(payload),
           "result": json.dumps(result)}
    note = submission_note(row)  # type: ignore[arg-type]
    assert note is not None
    assert (note.document, note.fiscal_year, note.on) == ("1800000026", "2026", date(2026, 12, 1))
    assert note.lines == ("Submitted to portal coupa-sandbox: confirmation CP-000042 "
                          "(Submitted).",)
    assert note.kind == "portal:coupa-sandbox:sub-aaaa"
    resubmitted = submission_note({**row, "key": "sub-bbbb"})  # type: ignore[arg-type]
    assert resubmitted is not None and resubmitted.idempotency_key != note.idempotency_key
    duplicate = {**result, "outcome": "duplicate"}  # the portal had it: not our submission
    assert submission_note({**row, "result": json.dumps(duplicate)}) is None  # type: ignore
    older = {k: v for k, v in payload.items() if k != "origin"}  # noted the old way
    assert submission_note({**row, "payload": json.dumps(older)}) is None  # type: ignore


@pytest.fixture
def portal_world(world: Config) -> Config:
    return portals_toml(world)


@pytest.mark.slow
def test_nightly_submits_new_invoices_once_and_notes_them(portal_world: Config) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg = portal_world
    outcome = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    section = bot_section(outcome, "portals")
    assert outcome.status == RunStatus.OK, section.errors
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
        expected = to_submit(items, portals_config(cfg), TODAY, 1)
        assert section.counts["submitted"] == len(expected) > 0
        item, site = expected[0]
        (note,) = sap.read_notes(item.company_code, item.customer, item.document_no,
                                 item.fiscal_year)
        assert note.lines[0].startswith(f"Submitted to portal {site.name}: confirmation ")
    report = json.loads((outcome.report_dir / "report.json").read_text(encoding="utf-8"))
    submissions = [w for w in report["external_writes"] if w["action"] == "submit invoice"]
    assert all(w["amount"] and w["currency"] for w in submissions)
    sent = [f for w in submissions for f in w["files"]]  # the report links the PDFs it sent
    assert len(sent) == len(expected) and all(f.endswith(".pdf") for f in sent)
    page = (outcome.report_dir / "report.html").read_text(encoding="utf-8")
    assert all(f'href="{f}"' in page and (outcome.report_dir / f).is_file() for f in sent)

    again = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    counts = bot_section(again, "portals").counts
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


# --------------------------------------------------------------------------- interruptions


def expected_invoices(cfg: Config) -> list[tuple[OpenItem, PortalSite]]:
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
    return to_submit(items, portals_config(cfg), TODAY, 1)


def portal_notes(cfg: Config, item: OpenItem) -> list[CollectionNote]:
    with connect(cfg.sap) as sap:
        return [n for n in sap.read_notes(item.company_code, item.customer, item.document_no,
                                          item.fiscal_year)
                if n.lines[0].startswith("Submitted to portal")]


def held_by_portal(cfg: Config, item: OpenItem, site: PortalSite) -> list[InvoiceRecord]:
    """The portal's records of the invoice (rejected ones too), read from its own file."""
    db = PortalDB(portals_config(cfg).sandbox_dir / f"{site.family}.sqlite")
    try:
        return db.invoices(number=item.invoice_ref)
    finally:
        db.close()


def assert_each_submitted_once_and_noted_once(cfg: Config,
                                              expected: list[tuple[OpenItem, PortalSite]]) -> None:
    for item, site in expected:
        assert len(held_by_portal(cfg, item, site)) == 1, item.invoice_ref
        assert len(portal_notes(cfg, item)) == 1, item.invoice_ref


@pytest.fixture
def one_context(world: Config) -> Config:
    """One browser context in all: invoices go one after the other, in a known order."""
    return portals_toml(world, extra="max_contexts = 1")


@pytest.mark.slow
def test_a_run_stopped_after_k_submissions_leaves_k_notes_and_the_rerun_the_rest(
        one_context: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg, k = one_context, 2
    expected = expected_invoices(cfg)
    assert len(expected) > k
    stop, noted = threading.Event(), []
    note = portals_bot.note_submission

    def note_then_stop(ctx: BotContext, section: BotSection, row: sqlite3.Row | None) -> None:
        note(ctx, section, row)
        noted.append(row)
        if len(noted) == k:
            stop.set()  # Ctrl-C: the run finishes the invoice in hand, then stops

    monkeypatch.setattr(portals_bot, "note_submission", note_then_stop)
    first = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND, stop=stop)
    monkeypatch.undo()

    counts = bot_section(first, "portals").counts
    assert counts["submitted"] == counts["notes_written"] == k
    done = [(item, site) for item, site in expected if held_by_portal(cfg, item, site)]
    assert len(done) == k
    assert all(len(portal_notes(cfg, item)) == 1 for item, _ in done)  # noted as it went

    again = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    counts = bot_section(again, "portals").counts
    assert again.status == RunStatus.OK
    assert counts["submitted"] == counts["notes_written"] == len(expected) - k
    assert_each_submitted_once_and_noted_once(cfg, expected)


class Killed(Exception):
    """Stands for kill -9 between a submission's ledger done and its note."""


@pytest.mark.slow
def test_a_run_killed_before_its_first_note_gets_every_note_from_the_rerun(
        one_context: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg = one_context
    expected = expected_invoices(cfg)

    def killed(ctx: BotContext, section: BotSection, row: sqlite3.Row | None) -> None:
        raise Killed

    monkeypatch.setattr(portals_bot, "note_submission", killed)
    crashed = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    monkeypatch.undo()
    assert crashed.status != RunStatus.OK
    submitted = [(i, s) for i, s in expected if held_by_portal(cfg, i, s)]
    assert len(submitted) == 1 and portal_notes(cfg, submitted[0][0]) == []

    again = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    counts = bot_section(again, "portals").counts
    assert counts["notes_written"] == len(expected)  # the owed one, then one per submission
    assert counts["submitted"] == len(expected) - 1
    assert_each_submitted_once_and_noted_once(cfg, expected)
    third = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)
    assert bot_section(third, "portals").counts["notes_written"] == 0


@pytest.mark.slow
def test_intents_left_open_are_settled_in_the_portal_when_the_invoices_left_the_selection(
        one_context: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg = one_context
    expected = expected_invoices(cfg)
    stop = threading.Event()

    def stop_without_note(ctx: BotContext, section: BotSection, row: sqlite3.Row | None) -> None:
        stop.set()

    monkeypatch.setattr(portals_bot, "note_submission", stop_without_note)
    run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND, stop=stop)
    monkeypatch.undo()
    (sent, sent_site), (unsent, unsent_site), (paid, paid_site) = expected[:3]
    assert held_by_portal(cfg, sent, sent_site) and not held_by_portal(cfg, unsent, unsent_site)
    pcfg = portals_config(cfg)
    sent_key = portal_invoice(sent, sent_site, pcfg.tax_rate, "").submission.idempotency_key
    with Store(cfg.store_path) as store:  # as if killed after Submit, before done ...
        store.db.execute("UPDATE external_writes SET status = 'intent', result = NULL "
                         "WHERE key = ?", (sent_key,))
        crashed = store.start_run(Trigger.ON_DEMAND, ("portals",))  # ... and before Submit
        unsent_invoice = portal_invoice(unsent, unsent_site, pcfg.tax_rate, "")
        paid_invoice = portal_invoice(paid, paid_site, pcfg.tax_rate, "")
        for inv in (unsent_invoice, paid_invoice):
            store.ledger(crashed.id).begin(
                "portal_submission", inv.submission.idempotency_key,
                f"{inv.portal}:{inv.customer}", inv.summary())
    clear_in_sap(cfg, paid)  # cash application cleared that one since

    later = TODAY + timedelta(days=5)  # nothing is new any more: both left the selection
    rerun = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND,
                     clock=lambda: datetime.combine(later, time(12), UTC))

    counts = bot_section(rerun, "portals").counts
    assert counts["invoices"] == 0
    assert counts["found_after_interruption"] == 1 and counts["closed_not_found"] == 2
    assert len(portal_notes(cfg, sent)) == 1 and portal_notes(cfg, unsent) == []
    with Store(cfg.store_path) as store:
        assert store.writes_of("portal_submission", "intent") == []
        assert store.write(sent_key)["status"] == "done"
        closed = store.write(unsent_invoice.submission.idempotency_key)
        closed_paid = store.write(paid_invoice.submission.idempotency_key)
    assert closed["status"] == closed_paid["status"] == "failed"
    assert closed["error"] == ("not on the portal after an interrupted run and no longer to "
                               f"submit: dated {unsent.doc_date.isoformat()}, more than 1 days ago")
    assert closed_paid["error"].endswith("submit: no longer open in SAP (paid or cleared)")
    assert len(held_by_portal(cfg, sent, sent_site)) == 1
    assert held_by_portal(cfg, unsent, unsent_site) == []


NIGHTLY = """
import sys
from pathlib import Path
from bots.config import load_config
from bots.domain import Trigger
from bots.runner import run_bots
run_bots(load_config(Path(sys.argv[1]), home=Path(sys.argv[2])), ("openitems", "portals"),
         Trigger.ON_DEMAND)
"""


@pytest.mark.slow
def test_chromium_of_a_run_killed_with_sigkill_is_ended_by_the_next_runs_takeover(
        one_context: Config) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg = one_context
    expected = expected_invoices(cfg)
    child = subprocess.Popen([sys.executable, "-c", NIGHTLY, str(cfg.home / "portals.toml"),
                              str(cfg.home)], cwd=Path(__file__).parents[2])
    try:
        lease = None
        for _ in range(1200):  # until the run has recorded its browser (at most 2 minutes)
            with Store(cfg.store_path) as store:
                lease = store.lease(landscape_id(cfg))
            if lease is not None and lease.children:
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=0.1)
            assert child.returncode is None, "the run ended before its browser was recorded"
        assert lease is not None and lease.children
        browsers = [psutil.Process(c.pid) for c in lease.children]
        browsers += [p for b in browsers for p in b.children(recursive=True)]
        for process in browsers:
            process.suspend()  # hung: it will not follow its driver out
        for process in psutil.Process(child.pid).children(recursive=True):
            if process not in browsers:
                process.kill()  # the Playwright driver
    finally:
        child.kill()  # kill -9 of the run
        child.wait()
    assert all(p.is_running() for p in browsers)

    rerun = run_bots(cfg, ("openitems", "portals"), Trigger.ON_DEMAND)

    assert psutil.wait_procs(browsers, timeout=10)[1] == []  # ended by the take-over
    assert rerun.status == RunStatus.OK
    with Store(cfg.store_path) as store:
        killed = store.run(lease.run_id)
    assert killed is not None and killed.status == RunStatus.ABORTED
    assert_each_submitted_once_and_noted_once(cfg, expected)


# --------------------------------------------------------------------------- paid meanwhile


def test_is_open_asks_bsid_whether_a_document_is_still_open(world: Config) -> None:
    with connect(world.sap) as sap:
        item = next(i for i in sap.iter_open_items(world.sap.company_codes, TODAY)
                    if i.doc_type == "RV")
        assert sap.is_open(item.company_code, item.document_no, item.fiscal_year)
        clear_in_sap(world, item)
        assert not sap.is_open(item.company_code, item.document_no, item.fiscal_year)


def clear_in_sap(cfg: Config, item: OpenItem) -> None:
    """What cash application's clearing does to an invoice: out of BSID, into BSAD."""
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        where = 'WHERE "BUKRS" = ? AND "BELNR" = ? AND "GJAHR" = ?'
        key = (item.company_code, item.document_no, item.fiscal_year)
        db.execute(f'INSERT INTO "BSAD" SELECT * FROM "BSID" {where}', key)
        db.execute(f'DELETE FROM "BSID" {where}', key)


@pytest.mark.slow
@pytest.mark.parametrize("submit_paid", [False, True])
def test_an_invoice_paid_after_the_snapshot_is_skipped_unless_the_site_wants_it(
        world: Config, submit_paid: bool) -> None:
    require_program("/usr/bin/chromium", "portal bots drive Debian's chromium")
    cfg = portals_toml(world, sites=(
        '[portals.sites.coupa-sandbox]\nfamily = "coupa"\n'
        f'submit_paid = {str(submit_paid).lower()}\n'
        '[portals.sites.ariba-sandbox]\nfamily = "ariba"\n'))
    expected = expected_invoices(cfg)
    paid, site = next((i, s) for i, s in expected if s.name == "coupa-sandbox")
    from bots.pipeline import openitems

    with Store(cfg.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("openitems", "portals"))
        ctx = BotContext(cfg=cfg, store=store, run=run,
                         report=RunReport.from_run(run, config_source="test"), today=TODAY)
        openitems.snapshot(ctx)  # the snapshot still shows the invoice open ...
        clear_in_sap(cfg, paid)  # ... cash application clears it minutes later
        section = portals_bot.run(ctx)
        ctx.close()
        key = portal_invoice(paid, site, Decimal(10), "").submission.idempotency_key
        write = store.write(key)

    if submit_paid:
        assert section.counts["skipped"] == 0 and len(held_by_portal(cfg, paid, site)) == 1
        assert write["status"] == "done"
        return
    assert section.counts["skipped"] == 1
    assert section.counts["submitted"] == len(expected) - 1
    assert held_by_portal(cfg, paid, site) == []
    assert write["status"] == "failed" and write["error"] == "skipped: paid before submission"
    (skip,) = [w for w in section.waiting if paid.invoice_ref in w.item]
    assert skip.why.startswith("skipped: paid before submission")
    assert section.status == BotStatus.OK
