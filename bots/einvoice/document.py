"""A Factur-X PDF: the rendered invoice PDF with its CII XML embedded by ``factur-x``.

The base is the invoice's own PDF when it has one, else the page
:func:`bots.portals.pdf.render_pdf` draws. ``factur-x`` checks the XML against
the Factur-X XSD before embedding it (as ``factur-x.xml``, relationship
``Data``, level EN 16931) and writes the Factur-X XMP metadata. Whether the
result is strict PDF/A-3 depends on the base PDF; it is not verified here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import facturx

from bots.einvoice.cii import Party, cii_xml
from bots.portals.invoice import PortalInvoice
from bots.portals.pdf import render_pdf

LEVEL = "en16931"


def facturx_pdf(invoice: PortalInvoice, seller: Party, buyer: Party) -> bytes:
    """The Factur-X PDF of ``invoice`` (bytes); the XML is XSD-checked on the way."""
    xml = cii_xml(invoice, seller, buyer)
    if invoice.pdf is not None:
        base = invoice.pdf.read_bytes()
    else:
        with tempfile.TemporaryDirectory(prefix="arbots-facturx-") as folder:
            base = render_pdf(invoice, Path(folder) / "invoice.pdf").read_bytes()
    result: bytes = facturx.generate_from_binary(
        base, xml, flavor="factur-x", level=LEVEL, check_xsd=True, lang="en",
        pdf_metadata={"author": seller.name, "keywords": "Factur-X, Invoice",
                      "title": f"{seller.name}: Invoice {invoice.invoice_no}",
                      "subject": f"Invoice {invoice.invoice_no} dated "
                                 f"{invoice.invoice_date.isoformat()}"})
    return result
