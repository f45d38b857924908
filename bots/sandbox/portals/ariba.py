"""An Ariba-like network: Create > PO Invoice, line-level tax, buyer rules decided later.

The supplier enters the PO number (*Create invoice* > *PO number* > *Next*),
fills the header (invoice number, date, Supplier VAT ID), a tax category and
rate on every line, Shipping, attaches the PDF and submits. The invoice is
accepted as ``Submitted`` at once (``Document ID: IV000001``); the buyer's
rules are applied ``decision_delay`` seconds later (0 in tests), when the
status page turns to ``Approved`` or ``Rejected`` with the reason:

* every line needs a tax category (line-level tax);
* the Supplier VAT ID is required;
* the invoice date may not be more than ``BACKDATING_DAYS`` days in the past.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar
from urllib.parse import quote

from bots.sandbox.portals import pages as ui
from bots.sandbox.portals.base import PortalApp
from bots.sandbox.portals.db import PurchaseOrder
from bots.sandbox.portals.web import Request, Response

TAX_CATEGORIES = ("", "Standard", "Reduced", "Zero", "Exempt")
BACKDATING_DAYS = 2


def backdated(invoice_date: date, today: date) -> str:
    """The buyer's back-dating rule (browser and cXML alike): its words, or ""."""
    if invoice_date < today - timedelta(days=BACKDATING_DAYS):
        return (f"Invoice date {invoice_date.isoformat()} is more than {BACKDATING_DAYS} "
                "days in the past (buyer back-dating limit).")
    return ""


class AribaPortal(PortalApp):
    family = "ariba"
    title = "SAP Business Network (reference)"
    confirmation_label = "Document ID"
    confirmation_prefix = "IV"
    header_fields: ClassVar[tuple[tuple[str, str], ...]] = (("vat_id", "Supplier VAT ID"),)
    duplicate_message = "Invoice number {number} is already used by document {confirmation}."
    has_buyer_rules = True

    def new_invoice_page(self, req: Request, user: str) -> Response:
        """Create > PO Invoice: type the PO number, then Next."""
        number = req.query.get("po", "").strip()
        if number and self.db.purchase_orders(number):
            return Response.redirect(f"/orders/{quote(number)}/invoice")
        error = f"No purchase order {number} was found." if number else ""
        body = ui.alert(error) + (
            '<form method="get" action="/invoices/new" aria-label="PO Invoice">'
            + ui.text_input("PO number", "po", number) + '<button type="submit">Next</button>'
            "</form>")
        return self.page("Create PO Invoice", body)

    def line_fields(self, order: PurchaseOrder, index: int, values: dict[str, str]) -> str:
        n = order.lines[index].line
        return super().line_fields(order, index, values) + ui.select(
            f"Line {n} tax category", f"line-{n}-category", TAX_CATEGORIES,
            values.get(f"line-{n}-category", ""))

    def buyer_rules(self, req: Request, order: PurchaseOrder, invoice_date: date,
                    today: date) -> str:
        for line in order.lines:
            n = line.line
            if req.value(f"line-{n}-qty") not in ("", "0") and not req.value(
                    f"line-{n}-category"):
                return f"Line {n}: a tax category is required by the buyer (line-level tax)."
        if not req.value("vat_id"):
            return "Supplier VAT ID is required by the buyer."
        return backdated(invoice_date, today)
