"""Render an invoice PDF (reportlab) for portals that want a document attached.

Used when the invoice comes without its own PDF (the SAP output is normally
preferred). One A4 page: header, a table of lines, charges, total. Amounts
are printed with the currency's decimals, never through a float.

Limits: one page (lines beyond the page are not drawn; portals get the
structured lines anyway).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bots.domain import format_amount
from bots.portals.invoice import PortalInvoice


def render_pdf(invoice: PortalInvoice, path: Path) -> Path:
    """Write ``invoice`` as a one-page PDF at ``path`` and return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cur = invoice.currency
    pdf = Canvas(str(path), pagesize=A4, invariant=True)
    pdf.setTitle(f"Invoice {invoice.invoice_no}")
    _, height = A4
    y = height - 25 * mm
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, y, f"Invoice {invoice.invoice_no}")
    pdf.setFont("Helvetica", 10)
    for text in (f"Date: {invoice.invoice_date.isoformat()}", f"Customer: {invoice.customer}",
                 f"PO number: {invoice.po_number}", f"Currency: {cur}"):
        y -= 6 * mm
        pdf.drawString(20 * mm, y, text)
    y -= 10 * mm
    columns = (20, 35, 95, 115, 140, 160)
    for x, title in zip(columns, ("Line", "Description", "Qty", "Unit price", "Tax",
                                  "Amount"), strict=True):
        pdf.drawString(x * mm, y, title)
    for line in invoice.lines:
        y -= 6 * mm
        if y < 30 * mm:
            break
        cells = (str(line.po_line), line.description[:30], str(line.quantity),
                 format_amount(line.unit_price, cur), format_amount(line.tax_amount, cur),
                 format_amount(line.amount, cur))
        for x, text in zip(columns, cells, strict=True):
            pdf.drawString(x * mm, y, text)
    for charge in invoice.charges:
        y -= 6 * mm
        pdf.drawString(115 * mm, y, charge.kind.capitalize())
        pdf.drawString(160 * mm, y, format_amount(charge.amount, cur))
    y -= 8 * mm
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(115 * mm, y, "Total")
    pdf.drawString(160 * mm, y, f"{format_amount(invoice.total, cur)} {cur}")
    pdf.showPage()
    pdf.save()
    return path
