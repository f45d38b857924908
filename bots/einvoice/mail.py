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
                     address: str, key: str) -> EmailMessage:
    """The e-mail to ``address`` with the Factur-X PDF of ``invoice`` attached."""
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
        "embedded as factur-x.xml for your AP system.\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf",
                       filename=attachment_name(invoice))
    return msg
