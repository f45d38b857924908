"""Invoices flipped from the reference portals' purchase orders (tests, bench, demo).

``invoice_from_po(po, "INV-1", "coupa-sandbox", on=date.today())`` invoices one
unit of PO line 1 with 10 % tax; ``quantities`` picks other lines and amounts.
The arithmetic goes through the same Decimal rules the bots check.
:func:`demo_invoices` gives one such invoice per open PO of a portal, numbered
``DEMO-<PO>`` so that a second demo run meets its own duplicates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from bots.domain import quantize
from bots.portals.invoice import Charge, InvoiceLine, PortalInvoice
from bots.sandbox.portals.db import PurchaseOrder
from bots.sandbox.portals.launcher import RunningPortal


def invoice_from_po(po: PurchaseOrder, invoice_no: str, portal: str, *, on: date,
                    quantities: Mapping[int, Decimal] | None = None,
                    tax_rate: Decimal = Decimal("10"), freight: Decimal = Decimal(0),
                    tax_category: str = "Standard") -> PortalInvoice:
    """A PortalInvoice for ``po`` (default: 1 unit of line 1)."""
    wanted = quantities or {1: Decimal(1)}
    lines = []
    for po_line in po.lines:
        qty = wanted.get(po_line.line)
        if qty is None:
            continue
        amount = quantize(qty * po_line.unit_price, po.currency)
        lines.append(InvoiceLine(po_line.line, qty, po_line.unit_price, amount, tax_rate,
                                 quantize(amount * tax_rate / 100, po.currency), tax_category,
                                 po_line.description))
    charges = (Charge("freight", freight),) if freight else ()
    total = quantize(sum((ln.amount + ln.tax_amount for ln in lines), Decimal(0)) + freight,
                     po.currency)
    return PortalInvoice(invoice_no=invoice_no, invoice_date=on, customer=po.customer,
                         portal=portal, po_number=po.number, currency=po.currency,
                         lines=tuple(lines), total=total, charges=charges,
                         delivery_note=f"DN-{invoice_no}", supplier_vat_id="DE811907980")


def demo_invoices(portal: RunningPortal, site: str, on: date) -> list[PortalInvoice]:
    """One invoice per open PO of ``portal``, for the site named ``site``."""
    return [invoice_from_po(po, f"DEMO-{po.number}", site, on=on)
            for po in portal.purchase_orders() if po.status == "Open"]
