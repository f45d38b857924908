"""Coupa Supplier Portal: Orders > Create invoice (PO flip), VAT rate per line, Shipping/Handling.

Success state: ``Invoice ID: <id>. Status: Pending approval``. Coupa refuses a
reused Invoice # and future dates at Submit, in an alert.
"""

from __future__ import annotations

from playwright.async_api import Page

from bots.portals.recipes.base import Recipe


class CoupaRecipe(Recipe):
    family = "coupa"
    number_label = "Invoice #"
    tax_label = "Line {n} VAT rate (%)"
    charge_labels = {"freight": "Shipping", "handling": "Handling"}
    attachment_label = "Invoice image"
    confirmation_label = "Invoice ID"

    async def open_invoice_form(self, page: Page, po_number: str) -> None:
        await self.open(page, "/orders")
        await self.follow_row_link(page, "Search orders", po_number)
