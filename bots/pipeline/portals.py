"""The portal bot in the nightly run: new invoices of portal customers into their AP portals.

Which invoices: the open invoices (document type ``RV``, with a purchase order
number) of the customers mapped to a portal site in ``[portals.customers]``,
dated within ``submit_within_days`` (default 2: buyers such as Ariba refuse
back-dated invoices). Each becomes a :class:`PortalInvoice` with the lines of
its SD billing document (:meth:`bots.sap.SapClient.billing_documents`:
quantity, unit, price, tax code and rate per item, the customer's PO line); an
invoice posted in FI without one is one line, its gross split into net and tax
at ``[portals] tax_rate``. Billing lines that do not add up to the open item
are reported, not submitted. The portal runner (:mod:`bots.portals.runner`)
submits them in parallel browser contexts, each keyed by customer + portal +
invoice number in the ledger (intent before Submit, done after; a pending
intent is searched for in the portal first). Right before Submit, SAP is asked
whether the invoice is still open (:meth:`bots.sap.SapClient.is_open`): one
that cash application cleared meanwhile is skipped ("skipped: paid before
submission", counted and listed in the report) unless the site says
``submit_paid = true``. A refusal goes to the worklist with the portal's
words, its trace and screenshot.

**cXML buyers.** Invoices of a site with ``family = "cxml"`` go as cXML
InvoiceDetailRequest over HTTP(S) (:mod:`bots.portals.cxml_sender`: same
ledger kind and key, deterministic payloadID, the buyer's ``Status@code`` is
the outcome); a night with only cXML buyers opens no browser. An intent left
open at a cXML buyer for an invoice no longer to send cannot be looked up
there; it is closed as failed with the reason (:func:`settle_left_open_cxml`).
A buyer that decides after accepting (``status_updates = "pull"``) is asked
for its StatusUpdateRequests after the night's sending
(:func:`apply_status_updates`): a rejection is handled like a portal's late
rejection.

**E-invoices by e-mail.** Customers in ``[einvoice.customers]`` get their new
invoices as Factur-X PDFs by e-mail (:mod:`bots.pipeline.einvoice`, ledger kind
``einvoice_mail``), besides or instead of a portal; no browser for that.

**Notes, exactly once, even after a crash.** A confirmation is written to SAP
as a note on the invoice document (text object BELEG) as soon as the
submission is done in the ledger, not after the batch. The note's key follows
from the submission (:func:`submission_note`), ledger kind ``portal_note``.
A run that was killed or stopped leaves its work to the next one, which
starts with it (:func:`note_missing`, :func:`settle_left_open`): every done
submission without its done note gets it; every intent left open is looked up
in its portal, whether or not the invoice is still among the day's work:
found -> done and noted; not found and still to submit -> submitted as usual;
not found and no longer to submit (paid, too old) -> failed with the reason.

The browser's process ids are registered with the run
(``ctx.register_child``) so that the run taking over after a ``kill -9``
ends a Chromium left behind; ``ctx.stop`` ends the batch after the invoice in
hand.

**On the Temporal engine** the bot is split so that the browser workers share
one night's invoices: :func:`plan` does all but today's browser submissions,
:func:`run_batch` submits one batch of :data:`BATCH_SIZE` of them (the
batches run at once, each its own activity, on any browser worker, which
keeps its browser from one batch of the run to the next:
:mod:`bots.portals.kept`), and
:func:`merge_batch` adds a batch's outcome to the bot's section. :func:`run`
(the local engine) does it all in one browser.

In sandbox mode the reference portals are started on loopback
(:func:`bots.portals.connect.reachable_sites`) and given one purchase order per
invoice, priced so that line plus tax equals the SAP amount.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from playwright.async_api import Browser

from bots.config import ConfigError
from bots.domain import CollectionNote, OpenItem, exponent, quantize
from bots.pipeline.context import BotContext
from bots.pipeline.einvoice import send_einvoices
from bots.pipeline.invoice_notes import invoice_note, write_owed_notes
from bots.portals import PortalRunner, open_browser, portals_config
from bots.portals.connect import reachable_sites
from bots.portals.cxml import CxmlError
from bots.portals.cxml_sender import CxmlSender
from bots.portals.errors import TechnicalError
from bots.portals.invoice import InvoiceError, InvoiceLine, PortalInvoice
from bots.portals.kept import with_browser
from bots.portals.recipes import RECIPES
from bots.portals.recipes.base import Found
from bots.portals.results import Outcome, SubmissionResult
from bots.portals.retry import portal_policy
from bots.portals.runner import KIND
from bots.portals.settings import PortalsConfig, PortalSite
from bots.reports.model import BotSection, BotStatus, ErrorItem, PortalFailureRow, WaitingItem
from bots.sap.billing import BillingDocument
from bots.store import Row

NOTE_KIND = "portal_note"
log = logging.getLogger(__name__)

HOW_TO_FIX = {
    Outcome.REJECTED: "The portal refused the invoice: correct it with the customer's rules "
                      "in mind, then `arbots portals submit --invoice NO`.",
    Outcome.FAILED: "Technical failure after retries: open the trace (playwright show-trace) "
                    "and see runbooks/portal-page-changed.md.",
}

HOW_TO_FIX_CXML = {
    Outcome.REJECTED: "The buyer network refused the cXML invoice (Status code and words "
                      "in the error); correct the invoice or the site's identities, then "
                      "the next run sends it again.",
    Outcome.FAILED: "Technical failure after retries (the buyer's endpoint did not answer "
                    "with a cXML Status); the intent stays open and the next run sends the "
                    "same document (same payloadID). The document is in the trace column.",
}


def split_gross(gross: Decimal, rate: Decimal, currency: str) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax rate, tax) with net + tax == gross exactly; rate 0 when no net fits."""
    one = Decimal(1).scaleb(-exponent(currency))
    guess = quantize(gross * 100 / (100 + rate), currency)
    for net in (guess, guess - one, guess + one, guess - 2 * one, guess + 2 * one):
        tax = quantize(net * rate / 100, currency)
        if net + tax == gross:
            return net, rate, tax
    return gross, Decimal(0), Decimal(0)


def to_submit(items: Sequence[OpenItem], pcfg: PortalsConfig, today: date,
              within_days: int) -> list[tuple[OpenItem, PortalSite]]:
    """The new invoices of portal customers, with the site each goes to."""
    chosen = []
    for item in items:
        site = pcfg.site_for(item.customer)
        if (site and item.doc_type == "RV" and item.amount > 0 and item.po_number
                and item.invoice_ref and 0 <= (today - item.doc_date).days <= within_days):
            chosen.append((item, site))
    return sorted(chosen, key=lambda pair: (pair[1].name, pair[0].invoice_ref))


def invoice_lines(billing: BillingDocument, po_number: str) -> tuple[InvoiceLine, ...]:
    """The invoice lines of an SD billing document: one per item, on its PO line.

    An item names its PO line by VBKD-POSEX_E; without one (or not a number)
    its position on the invoice stands in. A line of another PO than
    ``po_number`` carries that PO.
    """
    lines = []
    for n, ln in enumerate(billing.lines, 1):
        po_line = int(ln.po_line) if ln.po_line.isdigit() else n
        lines.append(InvoiceLine(
            po_line, ln.quantity, ln.unit_price, ln.net, ln.tax_rate, ln.tax,
            "Standard" if ln.tax_rate else "Zero", ln.description or ln.material,
            unit=ln.unit, tax_code=ln.tax_code,
            po_number="" if ln.po_number in ("", po_number) else ln.po_number))
    return tuple(lines)


def portal_invoice(item: OpenItem, site: PortalSite, tax_rate: Decimal,
                   vat_id: str, billing: BillingDocument | None = None) -> PortalInvoice:
    """The invoice to key in for the SAP document ``item``: the lines of its billing
    document, or (an FI invoice without one) one line, the gross split at ``tax_rate``.

    Raises :class:`~bots.portals.invoice.InvoiceError` when the billing lines do
    not add up to the open item.
    """
    return invoice_for(item, site.name, tax_rate, vat_id, billing)


def invoice_for(item: OpenItem, road: str, tax_rate: Decimal, vat_id: str,
                billing: BillingDocument | None = None) -> PortalInvoice:
    """:func:`portal_invoice` for a delivery road named ``road`` (a portal site, or
    ``email`` for :mod:`bots.pipeline.einvoice`)."""
    if billing is not None and billing.lines:
        lines = invoice_lines(billing, item.po_number)
    else:
        net, rate, tax = split_gross(item.amount, tax_rate, item.currency)
        lines = (InvoiceLine(1, Decimal(1), net, net, rate, tax,
                             "Standard" if rate else "Zero", f"Invoice {item.invoice_ref}"),)
    return PortalInvoice(invoice_no=item.invoice_ref, invoice_date=item.doc_date,
                         customer=item.customer, portal=road, po_number=item.po_number,
                         currency=item.currency, lines=lines, total=item.amount,
                         delivery_note=f"DN-{item.document_no}", supplier_vat_id=vat_id,
                         origin={"company_code": item.company_code,
                                 "document_no": item.document_no,
                                 "fiscal_year": item.fiscal_year})


BATCH_SIZE = 4  # Temporal engine: today's browser invoices per portal activity (run_batch)


@dataclass
class _Night:
    """What the portal bot works on tonight, read from the run's open-items snapshot."""

    pcfg: PortalsConfig
    items: list[OpenItem]
    invoices: list[PortalInvoice]  # today's, whose billing lines fit
    unfit: list[ErrorItem]  # today's whose billing lines do not fit (not submitted)

    def by_browser(self) -> list[PortalInvoice]:
        return [i for i in self.invoices if not _is_cxml(self.pcfg, i.portal)]

    def by_number(self) -> dict[str, OpenItem]:
        return {item.invoice_ref: item for item in self.items if item.invoice_ref}


def _tonight(ctx: BotContext, batch: int | None = None) -> _Night:
    """Tonight's invoices; ``batch``: only that slice of the browser ones (:func:`run_batch`)."""
    from bots.pipeline.openitems import snapshot

    pcfg = portals_config(ctx.cfg)
    items = snapshot(ctx).items
    chosen = to_submit(items, pcfg, ctx.today, pcfg.submit_within_days)
    if batch is not None:
        chosen = [pair for pair in chosen if not pair[1].is_cxml][
            batch * BATCH_SIZE:(batch + 1) * BATCH_SIZE]
    billing = ctx.sap.billing_documents([item for item, _ in chosen]) if chosen else {}
    invoices, unfit = [], []
    for item, site in chosen:
        try:
            invoices.append(portal_invoice(item, site, pcfg.tax_rate, pcfg.supplier_vat_id,
                                           billing.get((item.company_code, item.document_no,
                                                        item.fiscal_year))))
        except InvoiceError as exc:
            unfit.append(ErrorItem(f"{site.name}: invoice {item.invoice_ref}",
                                   f"not submitted: its SD billing lines do not fit: {exc}",
                                   "Check the billing document (VF03) against the FI "
                                   "document; correct it, and the next run submits it."))
    return _Night(pcfg, items, invoices, unfit)


def _is_cxml(pcfg: PortalsConfig, name: str) -> bool:
    site = pcfg.sites.get(name)
    return site is not None and site.is_cxml


def _section(invoices: int) -> BotSection:
    return BotSection("portals", BotStatus.OK, counts={
        "invoices": invoices, "submitted": 0, "duplicate": 0, "rejected": 0,
        "failed": 0, "dry_run": 0, "skipped": 0, "busy": 0, "approved_later": 0,
        "rejected_later": 0, "found_after_interruption": 0, "closed_not_found": 0,
        "notes_written": 0, "notes_already_written": 0})


def run(ctx: BotContext) -> BotSection:
    """The bot: finish an interrupted run's work, read late buyer decisions, submit new
    invoices (each noted in SAP as soon as the portal confirmed it)."""
    return _run(ctx, submit_by_browser=True)[0]


def plan(ctx: BotContext) -> tuple[BotSection, int]:
    """The bot without today's browser submissions (the Temporal engine's first portal
    activity); the number of batches :func:`run_batch` is to be called for."""
    section, left = _run(ctx, submit_by_browser=False)
    return section, -(-left // BATCH_SIZE)


def run_batch(ctx: BotContext, batch: int) -> BotSection:
    """Submit batch ``batch`` of today's browser invoices (:data:`BATCH_SIZE` each, in the
    order of :func:`to_submit`): the Temporal engine's portal activities, run on several
    browser workers at once after :func:`plan`. Each invoice has its ledger key and is
    searched for first when its intent is pending, as in :func:`run`; the section holds
    this batch's outcomes only (``invoices`` 0: :func:`plan` counted them)."""
    night = _tonight(ctx, batch)  # a billing misfit was reported by plan()
    section = _section(0)
    invoices = night.by_browser()
    if not invoices:
        return section
    with reachable_sites(night.pcfg, invoices) as (sites, _world):
        runner = PortalRunner.from_config(night.pcfg, [s for s in sites if not s.is_cxml],
                                          ledger=ctx.ledger,
                                          artifacts_dir=ctx.run_dir / "portals")

        async def work(browser: Browser) -> list[SubmissionResult]:
            return await _submit(ctx, night.pcfg, section, runner, browser, invoices)

        results = with_browser(work, owner=ctx.run.id,  # a browser worker's kept browser
                               on_process=getattr(ctx, "register_child", None))
    _tally(ctx, section, night, results, len(invoices))
    return section


def merge_batch(section: BotSection, batch: BotSection) -> None:
    """Add one :func:`run_batch` section to the portal bot's section."""
    for name, count in batch.counts.items():
        section.counts[name] = section.counts.get(name, 0) + count
    section.errors += batch.errors
    section.waiting += batch.waiting
    if section.errors:
        section.status = BotStatus.FAILED


async def _submit(ctx: BotContext, pcfg: PortalsConfig, section: BotSection,
                  runner: PortalRunner, browser: Browser, invoices: list[PortalInvoice]
                  ) -> list[SubmissionResult]:
    """Today's browser invoices through ``runner``: still due right before Submit, each
    noted in SAP as soon as its portal confirmed it."""
    async def note_it(result: SubmissionResult) -> None:
        if result.outcome == Outcome.SUBMITTED and not ctx.dry_run:
            note_submission(ctx, section, ctx.store.write(result.idempotency_key))

    async def still_due(invoice: PortalInvoice) -> str | None:
        return not_due_reason(ctx, pcfg.sites[invoice.portal], invoice)

    return await runner.submit(browser, invoices, dry_run=ctx.dry_run, on_result=note_it,
                               before_submit=still_due, stop=ctx.stop)


def _run(ctx: BotContext, *, submit_by_browser: bool) -> tuple[BotSection, int]:
    """The bot; without ``submit_by_browser``, today's browser invoices are left (their
    number is returned) for :func:`run_batch`."""
    night = _tonight(ctx)
    pcfg, items, invoices = night.pcfg, night.items, night.invoices
    section = _section(len(invoices))
    section.errors += night.unfit
    if night.unfit:
        section.status = BotStatus.FAILED
    note_missing(ctx, section)
    send_einvoices(ctx, section, items)  # the e-mail road: Factur-X ([einvoice])
    todays = {i.submission.idempotency_key for i in invoices}
    left_open = [] if ctx.dry_run else [row for row in ctx.store.writes_of(KIND, "intent")
                                        if row["key"] not in todays]
    asks = undecided(ctx, pcfg)
    cxml_asks = {} if ctx.dry_run else undecided_cxml(ctx, pcfg)
    by_browser = night.by_browser()
    later = 0 if submit_by_browser else len(by_browser)
    if not submit_by_browser:
        by_browser = []
    if not invoices and not asks and not left_open and not cxml_asks:
        return section, later
    settle_left_open_cxml(ctx, pcfg, section, [r for r in left_open
                                                 if _is_cxml(pcfg, _site_of(r))], items)
    left_open = [row for row in left_open if not _is_cxml(pcfg, _site_of(row))]
    with reachable_sites(pcfg, invoices) as (sites, _world):
        results = send_cxml(ctx, pcfg, section, sites,
                            [i for i in invoices if _is_cxml(pcfg, i.portal)])
        apply_status_updates(ctx, pcfg, section, sites, cxml_asks, night.by_number())
        runner = PortalRunner.from_config(pcfg, [s for s in sites if not s.is_cxml],
                                          ledger=ctx.ledger,
                                          artifacts_dir=ctx.run_dir / "portals")

        async def work() -> tuple[dict[tuple[str, str], Found | None], list[SubmissionResult]]:
            async with open_browser(on_process=getattr(ctx, "register_child", None)) as browser:
                await settle_left_open(ctx, pcfg, section, runner, browser, left_open, items)
                decided = await runner.decisions(browser, list(asks)) if asks else {}
                results = await _submit(ctx, pcfg, section, runner, browser, by_browser) \
                    if by_browser else []
                return decided, results

        decided: dict[tuple[str, str], Found | None] = {}
        if by_browser or asks or left_open:  # no browser for a cXML-only night
            decided, by_browser_results = asyncio.run(work())
            results += by_browser_results
    by_number = night.by_number()
    for ask, found in decided.items():
        record_decision(ctx, section, asks[ask], found, by_number.get(ask[1]))
    _tally(ctx, section, night, results, len(invoices) - later)
    return section, later


def _tally(ctx: BotContext, section: BotSection, night: _Night,
           results: Sequence[SubmissionResult], expected: int) -> None:
    """Count ``results`` in ``section``; report the refused ones and those a stop left."""
    by_number = night.by_number()
    for result in results:
        section.counts[result.outcome.value] += 1
        if result.outcome == Outcome.SKIPPED:
            section.waiting.append(WaitingItem(
                f"{result.portal}: invoice {result.invoice_no}", "AR clerk",
                f"{result.message}; nothing to do unless the buyer wants paid invoices "
                "too (submit_paid = true on the site)"))
        elif not result.ok:
            _report_failure(ctx, section, by_number[result.invoice_no], result,
                            _is_cxml(night.pcfg, result.portal))
    if len(results) < expected:
        section.waiting.append(WaitingItem(
            f"{expected - len(results)} invoices", "the next run",
            "the run was asked to stop"))
    if section.errors:
        section.status = BotStatus.FAILED


def _site_of(row: Row) -> str:
    """The site name of a ledger row of kind ``portal_submission`` (target site:customer)."""
    return str(row["target"]).split(":", 1)[0]


def send_cxml(ctx: BotContext, pcfg: PortalsConfig, section: BotSection,
              sites: Sequence[PortalSite], invoices: Sequence[PortalInvoice]
              ) -> list[SubmissionResult]:
    """Send the invoices of cXML sites (:mod:`bots.portals.cxml_sender`), each noted in
    SAP as soon as the buyer accepted it."""
    if not invoices:
        return []

    def note_it(result: SubmissionResult) -> None:
        if result.outcome == Outcome.SUBMITTED and not ctx.dry_run:
            note_submission(ctx, section, ctx.store.write(result.idempotency_key))

    sender = CxmlSender([s for s in sites if s.is_cxml], ledger=ctx.ledger,
                        artifacts_dir=ctx.run_dir / "portals",
                        retry=portal_policy(pcfg.attempts, pcfg.backoff_ms))
    return sender.submit(invoices, dry_run=ctx.dry_run, on_result=note_it,
                         before_submit=lambda invoice: not_due_reason(
                             ctx, pcfg.sites[invoice.portal], invoice), stop=ctx.stop)


def settle_left_open_cxml(ctx: BotContext, pcfg: PortalsConfig, section: BotSection,
                          rows: Sequence[Row], items: Sequence[OpenItem]) -> None:
    """Close intents an interrupted run left at cXML sites for invoices no longer to send.

    A buyer network cannot be asked whether it got a document; the intent is
    closed as failed with the reason, and should the invoice be due again, its
    resend carries the same payloadID and invoiceID, which the buyer refuses
    as a duplicate (counted as done).
    """
    for row in rows:
        payload = json.loads(row["payload"])
        if ctx.ledger.begin(KIND, row["key"], row["target"], payload) != "pending":
            continue
        ctx.ledger.failed(row["key"], "left open at a cXML buyer (which cannot be asked) and "
                                      f"no longer to send: {_why_not_due(ctx, pcfg, row, items)}")
        section.counts["closed_not_found"] += 1


def submission_note(row: Row) -> CollectionNote | None:
    """The SAP note of a ``done`` portal submission, or None when it gets none.

    Its idempotency key follows from the submission alone (its key, site, SAP
    document and the day its intent was recorded), so the run that submitted
    and any later run write the same note, once.
    """
    payload, result = json.loads(row["payload"]), json.loads(row["result"] or "{}")
    origin = payload.get("origin")
    if not origin or result.get("outcome") != Outcome.SUBMITTED or \
            not result.get("confirmation"):
        return None  # recorded before notes were keyed to submissions, or not ours
    site, status = row["target"].split(":", 1)[0], result.get("status")
    text = (f"Submitted to portal {site}: confirmation {result['confirmation']}"
            f"{' (' + status + ')' if status else ''}.")
    return invoice_note(row, origin, payload["customer"], text, f"portal:{site}:{row['key']}")


def note_submission(ctx: BotContext, section: BotSection, row: Row | None) -> None:
    """Note a done submission on its SAP invoice (exactly once: ledger kind ``portal_note``)."""
    from bots.pipeline.collections import write_note

    note = submission_note(row) if row is not None and row["status"] == "done" else None
    if note is not None:
        write_note(ctx, note, section, kind=NOTE_KIND)


def note_missing(ctx: BotContext, section: BotSection) -> None:
    """Write the notes an interrupted run owed: every done submission without a done note."""
    write_owed_notes(ctx, section, KIND, NOTE_KIND, submission_note)


def not_due_reason(ctx: BotContext, site: PortalSite, invoice: PortalInvoice) -> str | None:
    """Why ``invoice`` must not be submitted now (paid since the snapshot), or None."""
    origin = invoice.origin
    if site.submit_paid or not origin:
        return None
    if ctx.sap.is_open(origin["company_code"], origin["document_no"], origin["fiscal_year"]):
        return None
    log.info("portal %s: invoice %s skipped: paid before submission", site.name,
             invoice.invoice_no)
    return "paid before submission"


async def settle_left_open(ctx: BotContext, pcfg: PortalsConfig, section: BotSection,
                           runner: PortalRunner, browser: Browser, rows: Sequence[Row],
                           items: Sequence[OpenItem]) -> None:
    """Settle intents an interrupted run left for invoices no longer among today's work.

    Each is looked up in its portal: found -> done and noted; not found ->
    failed, saying why it is not submitted any more. An intent a live run
    holds is left alone; one the portal could not be asked about this time
    stays open for the next run.
    """
    claimed: dict[tuple[str, str], Row] = {}
    for row in rows:
        payload = json.loads(row["payload"])
        if ctx.ledger.begin(KIND, row["key"], row["target"], payload) != "pending":
            continue  # done meanwhile, or busy: a live run holds it
        site, invoice_no = row["target"].split(":", 1)[0], payload["invoice_no"]
        if site not in runner.sites:
            ctx.ledger.failed(row["key"], f"portal site {site} is no longer configured: "
                                          "check that portal by hand")
            section.counts["closed_not_found"] += 1
            continue
        claimed[(site, invoice_no)] = row
    found = await runner.search(browser, list(claimed)) if claimed else {}
    for ask, held in found.items():
        row = claimed[ask]
        if held is not None:
            ctx.ledger.done(row["key"], {"confirmation": held.confirmation,
                                         "status": held.status,
                                         "outcome": Outcome.SUBMITTED.value,
                                         "found_after_interruption": True})
            section.counts["found_after_interruption"] += 1
            note_submission(ctx, section, ctx.store.write(row["key"]))
        else:
            why = _why_not_due(ctx, pcfg, row, items)
            ctx.ledger.failed(row["key"], "not on the portal after an interrupted run and no "
                                          f"longer to submit: {why}")
            section.counts["closed_not_found"] += 1


def _why_not_due(ctx: BotContext, pcfg: PortalsConfig, row: Row,
                 items: Sequence[OpenItem]) -> str:
    payload = json.loads(row["payload"])
    origin = payload.get("origin")
    if origin and not ctx.sap.is_open(origin["company_code"], origin["document_no"],
                                      origin["fiscal_year"]):
        return "no longer open in SAP (paid or cleared)"
    item = next((i for i in items if i.invoice_ref == payload["invoice_no"]
                 and i.customer == payload["customer"]), None)
    if item is None:
        return "not among the open items of portal customers in SAP"
    site = pcfg.site_for(item.customer)
    if site is None or site.name != row["target"].split(":", 1)[0]:
        return "its customer is no longer mapped to that portal site"
    return (f"dated {item.doc_date.isoformat()}, more than {pcfg.submit_within_days} days "
            "ago")


def undecided(ctx: BotContext, pcfg: PortalsConfig) -> dict[tuple[str, str], Row]:
    """Earlier submissions a portal that decides later still showed as only "Submitted"."""
    asks = {}
    for row in ctx.store.writes_of(KIND, "done"):
        site = pcfg.sites.get(row["target"].split(":", 1)[0])
        result = json.loads(row["result"] or "{}")
        if site and not site.is_cxml and RECIPES[site.family].decides_later and \
                result.get("status") == "Submitted":
            asks[(site.name, json.loads(row["payload"])["invoice_no"])] = row
    return asks


def undecided_cxml(ctx: BotContext, pcfg: PortalsConfig) -> dict[str, dict[str, Row]]:
    """Invoices a cXML buyer accepted and has not decided on yet, per site and invoice
    number (sites with ``status_updates = "pull"``)."""
    asks: dict[str, dict[str, Row]] = {}
    for row in ctx.store.writes_of(KIND, "done"):
        site = pcfg.sites.get(_site_of(row))
        result = json.loads(row["result"] or "{}")
        if site and site.is_cxml and site.status_updates == "pull" and \
                result.get("outcome") == Outcome.SUBMITTED.value and not result.get("decided"):
            asks.setdefault(site.name, {})[json.loads(row["payload"])["invoice_no"]] = row
    return asks


def apply_status_updates(ctx: BotContext, pcfg: PortalsConfig, section: BotSection,
                         sites: Sequence[PortalSite], asks: dict[str, dict[str, Row]],
                         by_number: dict[str, OpenItem]) -> None:
    """Ask each cXML buyer with undecided invoices for its StatusUpdateRequests and record
    them like a portal's late decisions: rejected -> reported, noted and free to submit
    again; reconciled, paying or paid -> done. Times are the buyer's own (its answer
    to the submission against its update), so an update older than the submission it
    would answer (about an earlier, rejected send of the same invoice) is ignored
    whatever our clock says. A buyer that cannot be asked waits for the next run."""
    if not asks:
        return
    pointed = {site.name: site for site in sites if site.is_cxml}
    sender = CxmlSender(pointed.values(), ledger=ctx.ledger, artifacts_dir=ctx.run_dir /
                        "portals", retry=portal_policy(pcfg.attempts, pcfg.backoff_ms))
    for name, rows in asks.items():
        sent = {number: _answered_at(row) for number, row in rows.items()}
        since = min(sent.values())
        try:
            updates = sender.status_updates(pointed[name], since)
        except (TechnicalError, CxmlError, ConfigError) as exc:
            section.waiting.append(WaitingItem(
                f"{name}: the buyer's decisions on {len(rows)} invoices", "the next run",
                f"could not ask the buyer: {exc}"))
            continue
        for update in updates:
            row = rows.get(update.invoice_id)
            if row is None or not (update.rejected or update.approved) or \
                    _when(update.timestamp) < sent[update.invoice_id]:
                continue
            found = Found(json.loads(row["result"]).get("confirmation", ""),
                          "Rejected" if update.rejected else update.state.capitalize(),
                          update.words)
            record_decision(ctx, section, row, found, by_number.get(update.invoice_id))
            rows.pop(update.invoice_id)


def _answered_at(row: Row) -> datetime:
    """When the buyer answered a cXML submission, by its clock (our own record of the
    submission when the answer carried no timestamp)."""
    result = json.loads(row["result"] or "{}")
    return _when(result.get("answered_at") or row["updated"])


def _when(stamp: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (UTC when it names no zone)."""
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_decision(ctx: BotContext, section: BotSection, row: Row,
                    found: Found | None, item: OpenItem | None) -> None:
    """What the buyer decided after the bot left: noted, and a rejection reported."""
    if found is None or found.status == "Submitted" or ctx.dry_run:
        return  # not decided yet (or gone): asked again next time
    site, invoice = row["target"].split(":", 1)[0], json.loads(row["payload"])
    if found.status != "Rejected":
        ctx.ledger.done(row["key"], {**json.loads(row["result"]), "status": found.status,
                                     "decided": True})
        section.counts["approved_later"] += 1
        return
    words = f"rejected by the buyer after submission: {found.reason or 'no reason given'}"
    ctx.ledger.failed(row["key"], words)  # a corrected invoice may be submitted again
    section.counts["rejected_later"] += 1
    how = HOW_TO_FIX[Outcome.REJECTED]
    section.errors.append(ErrorItem(f"{site}: invoice {invoice['invoice_no']}", words, how))
    ctx.report.worklist.append(PortalFailureRow(
        portal=site, customer=invoice["customer"], invoice_no=invoice["invoice_no"],
        po_number=invoice["po_number"], currency=invoice["currency"],
        amount=Decimal(invoice["total"]), invoice_date=date.fromisoformat(
            invoice["invoice_date"]), error=words, how_to_fix=how))
    if item is not None:
        note_on_invoice(ctx, section, item, f"portal-rejected:{site}", f"Portal {site}: {words}.")


def note_on_invoice(ctx: BotContext, section: BotSection, item: OpenItem, kind: str,
                    text: str) -> None:
    """A note on the SAP invoice document about what its portal said (once per kind a day)."""
    from bots.pipeline.collections import write_note

    write_note(ctx, CollectionNote(item.company_code, item.customer, ctx.today, (text,),
                                   kind=kind, document=item.document_no,
                                   fiscal_year=item.fiscal_year), section, kind="portal_note")


def _report_failure(ctx: BotContext, section: BotSection, item: OpenItem,
                    result: SubmissionResult, cxml: bool = False) -> None:
    files = tuple(_relative(ctx.run_dir, p) for p in (*result.traces, *result.screenshots))
    how = (HOW_TO_FIX_CXML if cxml else HOW_TO_FIX)[result.outcome]
    section.errors.append(ErrorItem(f"{result.portal}: invoice {result.invoice_no}",
                                    result.message, how, files))
    ctx.report.worklist.append(PortalFailureRow(
        portal=result.portal, customer=item.customer, invoice_no=result.invoice_no,
        po_number=item.po_number, currency=item.currency, amount=item.amount,
        invoice_date=item.doc_date, error=result.message, how_to_fix=how,
        trace=files[0] if result.traces else "",
        screenshot=_relative(ctx.run_dir, result.screenshots[0]) if result.screenshots else ""))


def _relative(root: Path, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
