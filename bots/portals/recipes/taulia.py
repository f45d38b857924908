"""Taulia: a verification code on every new browser; Search PO > Create invoice; Delivery note.

The code (TOTP) is asked after the password when the browser carries no
known device cookie - the saved ``storage_state`` keeps that cookie, so a
code is needed once per account, not per run. Submit does nothing at all
when a required field is empty; the base recipe's insistence on a
confirmation turns that into a :class:`~bots.portals.errors.SilentFailure`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Page

from bots.portals.errors import LoginFailed
from bots.portals.invoice import InvoiceLine, PortalInvoice
from bots.portals.recipes.base import CodeSource, Recipe

CODE_PATH = "/mfa"


class TauliaRecipe(Recipe):
    family = "taulia"
    tax_label = "Line {n} tax (%)"
    charge_labels = {"freight": "Freight"}
    attachment_label = "Upload attachment"
    confirmation_label = "Reference"
    header_labels = ("Delivery note",)

    async def after_password(self, page: Page, code: CodeSource | None) -> None:
        if urlsplit(page.url).path != CODE_PATH:
            return
        if code is None:
            raise LoginFailed("taulia asks for a verification code and the site has no "
                              "totp_secret configured")
        await page.get_by_label("Verification code", exact=True).fill(await code())
        async with page.expect_navigation():
            await page.get_by_role("button", name="Verify", exact=True).click()
        if urlsplit(page.url).path == CODE_PATH:
            raise LoginFailed(f"taulia refused the code: {await self.alert_text(page)}")

    async def open_invoice_form(self, page: Page, po_number: str) -> None:
        await self.open(page, "/invoices/new")
        await self.follow_row_link(page, "Search PO", po_number)

    def header_values(self, invoice: PortalInvoice) -> dict[str, str]:
        return {"Delivery note": invoice.delivery_note}

    async def fill_line(self, page: Page, n: int, line: InvoiceLine | None) -> None:
        await page.get_by_label(f"Include line {n}", exact=True).set_checked(line is not None)
        if line:
            await super().fill_line(page, n, line)
