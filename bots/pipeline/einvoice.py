"""E-invoices by e-mail in the nightly portals bot: Factur-X to the customers of ``[einvoice]``.

A delivery road beside the browser portals and cXML (called from
:func:`bots.pipeline.portals.run`): the new invoices (type ``RV``, with a
purchase order, dated within ``send_within_days``) of the customers mapped in
``[einvoice.customers]`` are built from their SD billing lines as for the
portals (:func:`bots.pipeline.portals.invoice_for`), made into a Factur-X PDF
(:mod:`bots.einvoice.document`) and mailed to the customer's AP address, with
the UBL 2.1 XML beside it for a customer with ``ubl = true``
(:mod:`bots.einvoice.ubl`).

Each e-mail is one write in the ledger (kind ``einvoice_mail``, key from
company code, customer and invoice number): intent before, done after; a
rerun never sends it twice. The ``.eml`` goes to the collections outbox
first; with ``[collections.smtp]`` it is then sent, and without SMTP the
outbox file is the delivery (as for reminders). An intent a crash left
pending with SMTP is not sent again (an SMTP server cannot be asked whether
it delivered): it waits for a person. Every sent e-invoice gets a note on its
SAP invoice (ledger kind ``einvoice_note``), also when a crash came between
the two.
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Sequence
from datetime import date

from bots.domain import CollectionNote, OpenItem, stable_id
from bots.einvoice.document import facturx_pdf
from bots.einvoice.mail import einvoice_message
from bots.einvoice.settings import EinvoiceConfig, EinvoiceRoute, einvoice_config
from bots.einvoice.ubl import ubl_xml
from bots.pipeline.context import BotContext
from bots.pipeline.invoice_notes import invoice_note, write_owed_notes
from bots.portals.invoice import InvoiceError, PortalInvoice
from bots.reports.model import BotSection, BotStatus, ErrorItem, WaitingItem
from bots.store import Row

KIND = "einvoice_mail"
NOTE_KIND = "einvoice_note"
ROAD = "email"  # the invoice's ``portal``: e-invoices go by e-mail, not to a portal site


def mail_key(item: OpenItem) -> str:
    """One e-invoice per SAP invoice, whatever the address or the day."""
    return stable_id("einvoice", item.company_code, item.customer, item.invoice_ref)


def to_send(items: Sequence[OpenItem], ecfg: EinvoiceConfig, today: date
            ) -> list[tuple[OpenItem, EinvoiceRoute]]:
    """The new invoices of e-invoicing customers, with the route each goes by."""
    chosen = []
    for item in items:
        route = ecfg.customers.get(item.customer)
        if (route and item.doc_type == "RV" and item.amount > 0 and item.po_number
                and item.invoice_ref
                and 0 <= (today - item.doc_date).days <= ecfg.send_within_days):
            chosen.append((item, route))
    return sorted(chosen, key=lambda pair: (pair[0].customer, pair[0].invoice_ref))


def send_einvoices(ctx: BotContext, section: BotSection, items: Sequence[OpenItem]) -> None:
    """Send today's e-invoices and owed notes; counts and errors go to ``section``."""
    from bots.pipeline.portals import invoice_for
    from bots.portals import portals_config

    ecfg = einvoice_config(ctx.cfg)
    if not ecfg.customers:
        return
    for name in ("einvoices", "einvoices_sent", "einvoices_already_sent", "notes_written",
                 "notes_already_written"):
        section.counts.setdefault(name, 0)
    pcfg = portals_config(ctx.cfg)
    chosen = to_send(items, ecfg, ctx.today)
    billing = ctx.sap.billing_documents([item for item, _ in chosen]) if chosen else {}
    for item, route in chosen:
        if ctx.stop.is_set():
            break
        try:
            invoice = invoice_for(item, ROAD, pcfg.tax_rate, ecfg.seller.vat_id,
                                  billing.get((item.company_code, item.document_no,
                                               item.fiscal_year)))
        except InvoiceError as exc:
            _error(section, item, f"not sent: its SD billing lines do not fit: {exc}",
                   "Check the billing document (VF03) against the FI document; correct "
                   "it, and the next run sends it.")
            continue
        section.counts["einvoices"] += 1
        send_one(ctx, section, ecfg, item, route, invoice)
    note_missing(ctx, section)


def send_one(ctx: BotContext, section: BotSection, ecfg: EinvoiceConfig, item: OpenItem,
             route: EinvoiceRoute, invoice: PortalInvoice) -> None:
    """Mail one Factur-X invoice, exactly once (ledger ``einvoice_mail``)."""
    from bots.pipeline import reminders

    policy, key = ctx.cfg.collections, mail_key(item)
    if ctx.dry_run:
        return
    state = ctx.ledger.begin(KIND, key, f"{ROAD}:{item.customer}",
                             {**invoice.summary(), "to": route.address,
                              "format": route.format})
    if state == "done":
        section.counts["einvoices_already_sent"] += 1
        return
    if state == "busy":
        return
    path = reminders.outbox_path(policy.outbox, key)
    if state == "pending" and policy.smtp_host:
        section.waiting.append(WaitingItem(
            str(path), "AR clerk", f"e-invoice {invoice.invoice_no} to {route.address} may "
            "have been sent before a crash: check the sent mail, then mark it done or send "
            "the .eml by hand"))
        return
    try:
        pdf = facturx_pdf(invoice, ecfg.seller, route.buyer)
        ubl = ubl_xml(invoice, ecfg.seller, route.buyer) if route.ubl else None
    except Exception as exc:  # factur-x raises plain Exception for an XSD error  # noqa: BLE001
        ctx.ledger.failed(key, f"e-invoice not built: {exc}")
        _error(section, item, f"e-invoice not built: {exc}",
               "The invoice's data does not fit EN 16931; correct it in SAP (or report "
               "the XSD error as a bug); the next run sends it.")
        return
    message = einvoice_message(invoice, pdf, ecfg.seller, policy.sender, route.address, key,
                               ubl)
    path = reminders.write_outbox(policy.outbox, key, message)
    if policy.smtp_host:
        try:
            reminders.send_smtp(policy, message)
        except (OSError, smtplib.SMTPException) as exc:
            ctx.ledger.failed(key, str(exc))
            _error(section, item, f"SMTP delivery failed: {exc}",
                   "Check [collections.smtp] and the server; the .eml is in the outbox and "
                   "the next run sends it.")
            return
    ctx.ledger.done(key, {"outbox": str(path), "to": route.address,
                          "message_id": message["Message-ID"],
                          "sent_by_smtp": bool(policy.smtp_host)})
    section.counts["einvoices_sent"] += 1


def mail_note(row: Row) -> CollectionNote:
    """The SAP note of a done e-invoice mail; its key follows from the ledger row alone."""
    payload, result = json.loads(row["payload"]), json.loads(row["result"] or "{}")
    origin = payload["origin"]
    text = (f"Sent as Factur-X invoice by e-mail to {result.get('to', payload['to'])} "
            f"({result.get('message_id', row['key'])}).")
    return invoice_note(row, origin, payload["customer"], text, f"einvoice:{row['key']}")


def note_missing(ctx: BotContext, section: BotSection) -> None:
    """Note every sent e-invoice on its SAP invoice that has no done note yet."""
    if not ctx.dry_run:
        write_owed_notes(ctx, section, KIND, NOTE_KIND, mail_note)


def _error(section: BotSection, item: OpenItem, reason: str, how: str) -> None:
    section.errors.append(ErrorItem(f"e-invoice {item.invoice_ref} ({item.customer})",
                                    reason, how))
    section.status = BotStatus.FAILED
