"""Render an invoice PDF (reportlab) for portals that want a document attached.

Used when the invoice comes without its own PDF (the SAP output is normally
preferred). One A4 page: header, a table of lines (PO line, quantity and
unit, unit price, tax rate and code, tax, amount), the tax per rate, charges,
total. Amounts
are printed with the currency's decimals, never through a float.

Limits: one page (lines beyond the page are not drawn; portals get the
structured lines anyway).
"""

from __future__ import annotations

from decimal import Decimal
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
    columns = (15, 30, 82, 102, 124, 145, 170)
    for x, title in zip(columns, ("PO line", "Description", "Qty", "Unit price", "Tax %",
                                  "Tax", "Amount"), strict=True):
        pdf.drawString(x * mm, y, title)
    for line in invoice.lines:
        y -= 6 * mm
        if y < 40 * mm:
            break
        po = f"{line.po_number}/" if line.po_number else ""
        cells = (f"{po}{line.po_line}", line.description[:28],
                 f"{line.quantity} {line.unit}".strip(), str(line.unit_price),
                 f"{line.tax_rate} {line.tax_code}".strip(),
                 format_amount(line.tax_amount, cur), format_amount(line.amount, cur))
        for x, text in zip(columns, cells, strict=True):
            pdf.drawString(x * mm, y, text)
    y -= 4 * mm
    for rate, (net, tax) in _by_rate(invoice).items():
        y -= 6 * mm
        pdf.drawString(102 * mm, y, f"Tax {rate} % on {format_amount(net, cur)}")
        pdf.drawString(170 * mm, y, format_amount(tax, cur))
    for charge in invoice.charges:
        y -= 6 * mm
        pdf.drawString(102 * mm, y, charge.kind.capitalize())
        pdf.drawString(170 * mm, y, format_amount(charge.amount, cur))
    y -= 8 * mm
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(102 * mm, y, "Total")
    pdf.drawString(170 * mm, y, f"{format_amount(invoice.total, cur)} {cur}")
    pdf.showPage()
    pdf.save()
    return path


def _by_rate(invoice: PortalInvoice) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """(net, tax) per tax rate, as an invoice's tax summary shows them."""
    sums: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in invoice.lines:
        net, tax = sums.get(line.tax_rate, (Decimal(0), Decimal(0)))
        sums[line.tax_rate] = (net + line.amount, tax + line.tax_amount)
    return sums
