"""SAP Ariba (Business Network): Create > PO Invoice, Supplier VAT ID, line-level tax category.

Ariba accepts at once (``Document ID: <id>. Status: Submitted``) and applies
the buyer's rules later; when they have already run, a ``Rejected`` status
with the buyer's reason is a business rejection. A decision taken after the
bot left is read on the next night by :meth:`Recipe.decision`
(:meth:`PortalRunner.decisions`).
"""

from __future__ import annotations

from playwright.async_api import Page

from bots.portals.invoice import InvoiceLine, PortalInvoice
from bots.portals.recipes.base import Recipe


class AribaRecipe(Recipe):
    family = "ariba"
    confirmation_label = "Document ID"
    decides_later = True
    header_labels = ("Supplier VAT ID",)

    async def open_invoice_form(self, page: Page, po_number: str) -> None:
        await self.open(page, "/invoices/new")
        await page.get_by_label("PO number", exact=True).fill(po_number)
        await self.click_through(page, page.get_by_role("button", name="Next", exact=True))

    def header_values(self, invoice: PortalInvoice) -> dict[str, str]:
        return {"Supplier VAT ID": invoice.supplier_vat_id}

    async def fill_line(self, page: Page, n: int, line: InvoiceLine | None) -> None:
        await super().fill_line(page, n, line)
        if line:
            await page.get_by_label(f"Line {n} tax category", exact=True).select_option(
                line.tax_category)
