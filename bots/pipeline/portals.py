"""The portal bot in the nightly run: new invoices of portal customers into their AP portals.

Which invoices: the open invoices (document type ``RV``, with a purchase order
number) of the customers mapped to a portal site in ``[portals.customers]``,
dated within ``submit_within_days`` (default 2: buyers such as Ariba refuse
back-dated invoices). Each becomes a :class:`PortalInvoice` of one line: the
gross amount of the SAP document split into net and tax at
``[portals] tax_rate`` (the line detail of SD billing documents is not read
yet). The portal runner (:mod:`bots.portals.runner`) submits them in parallel
browser contexts, each keyed by customer + portal + invoice number in the
ledger (intent before Submit, done after; a pending intent is searched for in
the portal first). A confirmation number is written back to SAP as a note on
the invoice document (text object BELEG); a refusal goes to the worklist with
the portal's words, its trace and screenshot.

In sandbox mode the reference portals are started on loopback
(:func:`bots.portals.connect.reachable_sites`) and given one purchase order per
invoice, priced so that line plus tax equals the SAP amount.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from bots.domain import CollectionNote, OpenItem, exponent, quantize
from bots.pipeline.context import BotContext
from bots.portals import PortalRunner, open_browser, portals_config
from bots.portals.connect import reachable_sites
from bots.portals.invoice import InvoiceLine, PortalInvoice
from bots.portals.recipes import RECIPES
from bots.portals.recipes.base import Found
from bots.portals.results import Outcome, SubmissionResult
from bots.portals.runner import KIND
from bots.portals.settings import PortalsConfig, PortalSite
from bots.reports.model import BotSection, BotStatus, ErrorItem, PortalFailureRow

HOW_TO_FIX = {
    Outcome.REJECTED: "The portal refused the invoice: correct it with the customer's rules "
                      "in mind, then `arbots portals submit --invoice NO`.",
    Outcome.FAILED: "Technical failure after retries: open the trace (playwright show-trace) "
                    "and see runbooks/portal-page-changed.md.",
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


def portal_invoice(item: OpenItem, site: PortalSite, tax_rate: Decimal,
                   vat_id: str) -> PortalInvoice:
    """The invoice to key in for the SAP document ``item``: one line, net plus tax."""
    net, rate, tax = split_gross(item.amount, tax_rate, item.currency)
    line = InvoiceLine(1, Decimal(1), net, net, rate, tax,
                       "Standard" if rate else "Zero", f"Invoice {item.invoice_ref}")
    return PortalInvoice(invoice_no=item.invoice_ref, invoice_date=item.doc_date,
                         customer=item.customer, portal=site.name, po_number=item.po_number,
                         currency=item.currency, lines=(line,), total=item.amount,
                         delivery_note=f"DN-{item.document_no}", supplier_vat_id=vat_id)


def run(ctx: BotContext) -> BotSection:
    """The bot: read late buyer decisions, submit new invoices, note the results in SAP."""
    from bots.pipeline.openitems import snapshot

    pcfg = portals_config(ctx.cfg)
    chosen = to_submit(snapshot(ctx).items, pcfg, ctx.today, pcfg.submit_within_days)
    invoices = [portal_invoice(item, site, pcfg.tax_rate, pcfg.supplier_vat_id)
                for item, site in chosen]
    section = BotSection("portals", BotStatus.OK, counts={
        "invoices": len(invoices), "submitted": 0, "duplicate": 0, "rejected": 0,
        "failed": 0, "dry_run": 0, "approved_later": 0, "rejected_later": 0,
        "notes_written": 0, "notes_already_written": 0})
    asks = undecided(ctx, pcfg)
    if not invoices and not asks:
        return section
    with reachable_sites(pcfg, invoices) as (sites, _world):
        runner = PortalRunner.from_config(pcfg, sites, ledger=ctx.ledger,
                                          artifacts_dir=ctx.run_dir / "portals")

        async def work() -> tuple[dict[tuple[str, str], Found | None], list[SubmissionResult]]:
            async with open_browser() as browser:
                decided = await runner.decisions(browser, list(asks)) if asks else {}
                results = await runner.submit(browser, invoices, dry_run=ctx.dry_run) \
                    if invoices else []
                return decided, results

        decided, results = asyncio.run(work())
    by_number = {item.invoice_ref: item for item in snapshot(ctx).items if item.invoice_ref}
    for ask, found in decided.items():
        record_decision(ctx, section, asks[ask], found, by_number.get(ask[1]))
    for result in results:
        section.counts[result.outcome.value] += 1
        item = by_number[result.invoice_no]
        if result.outcome == Outcome.SUBMITTED and result.confirmation and not ctx.dry_run:
            note_on_invoice(ctx, section, item, f"portal:{result.portal}",
                            f"Submitted to portal {result.portal}: confirmation "
                            f"{result.confirmation}"
                            f"{' (' + result.portal_status + ')' if result.portal_status else ''}.")
        elif not result.ok:
            _report_failure(ctx, section, item, result)
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def undecided(ctx: BotContext, pcfg: PortalsConfig) -> dict[tuple[str, str], sqlite3.Row]:
    """Earlier submissions a portal that decides later still showed as only "Submitted"."""
    asks = {}
    for row in ctx.store.writes_of(KIND, "done"):
        site = pcfg.sites.get(row["target"].split(":", 1)[0])
        result = json.loads(row["result"] or "{}")
        if site and RECIPES[site.family].decides_later and result.get("status") == "Submitted":
            asks[(site.name, json.loads(row["payload"])["invoice_no"])] = row
    return asks


def record_decision(ctx: BotContext, section: BotSection, row: sqlite3.Row,
                    found: Found | None, item: OpenItem | None) -> None:
    """What the buyer decided after the bot left: noted, and a rejection reported."""
    if found is None or found.status == "Submitted" or ctx.dry_run:
        return  # not decided yet (or gone): asked again next time
    site, invoice = row["target"].split(":", 1)[0], json.loads(row["payload"])
    if found.status != "Rejected":
        ctx.ledger.done(row["key"], {**json.loads(row["result"]), "status": found.status})
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
                    result: SubmissionResult) -> None:
    files = tuple(_relative(ctx.run_dir, p) for p in (*result.traces, *result.screenshots))
    how = HOW_TO_FIX[result.outcome]
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
