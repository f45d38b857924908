"""The e-mail that carries a Factur-X invoice: a short text and the PDF attached."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from bots.domain import format_amount
from bots.einvoice.cii import Party
from bots.portals.artifacts import file_safe
from bots.portals.invoice import PortalInvoice


def attachment_name(invoice: PortalInvoice) -> str:
    """The PDF's file name in the e-mail: ``invoice-<number>.pdf``."""
    return f"invoice-{file_safe(invoice.invoice_no)}.pdf"


def einvoice_message(invoice: PortalInvoice, pdf: bytes, seller: Party, sender: str,
                     address: str, key: str, ubl: bytes | None = None) -> EmailMessage:
    """The e-mail to ``address`` with the Factur-X PDF of ``invoice`` attached (and its
    UBL 2.1 XML as ``invoice-<number>.xml`` when ``ubl`` is given)."""
    total = f"{format_amount(invoice.total, invoice.currency)} {invoice.currency}"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = address
    msg["Subject"] = f"Invoice {invoice.invoice_no} from {seller.name} (PO {invoice.po_number})"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring=key)
    msg["X-Arbots-Key"] = key
    msg.set_content(
        f"Please find attached invoice {invoice.invoice_no} of "
        f"{invoice.invoice_date.isoformat()} for your order {invoice.po_number}, total "
        f"{total}.\n\nThe PDF is a Factur-X invoice (EN 16931): its structured data is "
        "embedded as factur-x.xml for your AP system."
        f"{' The same invoice is attached as UBL 2.1 XML.' if ubl else ''}\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf",
                       filename=attachment_name(invoice))
    if ubl is not None:
        msg.add_attachment(ubl, maintype="application", subtype="xml",
                           filename=attachment_name(invoice).removesuffix(".pdf") + ".xml")
    return msg
