"""The recipe contract, and the steps every portal family shares.

A recipe knows one portal family's pages; it never retries, never records,
never decides - the runner does (:mod:`bots.portals.runner`). Its contract:

``login(page, user, password, code)``
    sign in (``code()`` gives a fresh TOTP code if the portal asks for one);
    raises :class:`~bots.portals.errors.LoginFailed` with the portal's words.
``signed_in(page)``
    whether the saved session still works (opens the home page).
``find(page, invoice_no)``
    the portal's search for our invoice number: a :class:`Found` (its
    confirmation number and status) or None. Rejected invoices do not count.
``decision(page, invoice_no)``
    the same search, rejected invoices included with the buyer's reason: how
    a portal that ``decides_later`` (Ariba) judged an invoice after the bot left.
``submit(page, invoice, pdf, dry_run=...)``
    the PO flip: open the form from the PO, fill header, lines, tax, charges,
    attach the PDF, press Submit, then insist on an explicit success state and
    read the confirmation number. ``dry_run`` stops before Submit and returns
    None.

Every navigation goes through :meth:`Recipe.open` / :meth:`Recipe.click_through`,
which turn a 5xx page into :class:`~bots.portals.errors.TechnicalError` and a
sign-in page into :class:`~bots.portals.errors.SessionExpired`. Locators are
role and label based with Playwright's auto-waiting; there are no sleeps.
After Submit exactly one of three things holds: an alert (the portal's words:
:class:`~bots.portals.errors.BusinessRejection`), a status with the
confirmation number, or neither (:class:`~bots.portals.errors.SilentFailure`).

A family subclass sets the labels as class attributes and implements
:meth:`Recipe.open_invoice_form`; see :mod:`.coupa`, :mod:`.ariba`,
:mod:`.taulia`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from playwright.async_api import Locator, Page, Response

from bots.domain import format_amount
from bots.portals.errors import (
    BusinessRejection,
    LoginFailed,
    SessionExpired,
    SilentFailure,
    TechnicalError,
)
from bots.portals.invoice import InvoiceLine, PortalInvoice

CodeSource = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class Found:
    """An invoice the portal already holds under our number."""

    confirmation: str
    status: str
    reason: str = ""  # the buyer's words, for a rejected invoice


@dataclass(frozen=True)
class Confirmation:
    """The portal's explicit success state after Submit."""

    number: str
    status: str
    total: Decimal | None


class Recipe(ABC):
    """One portal family's pages (labels as class attributes, steps as methods)."""

    family: ClassVar[str]
    login_path: ClassVar[str] = "/login"
    home_path: ClassVar[str] = "/orders"
    number_label: ClassVar[str] = "Invoice number"
    qty_label: ClassVar[str] = "Line {n} quantity"
    tax_label: ClassVar[str] = "Line {n} tax rate (%)"
    charge_labels: ClassVar[dict[str, str]] = {"freight": "Shipping"}
    attachment_label: ClassVar[str] = "Attachment"
    submit_label: ClassVar[str] = "Submit"
    header_labels: ClassVar[tuple[str, ...]] = ()
    confirmation_label: ClassVar[str]
    decides_later: ClassVar[bool] = False  # the buyer's rules run after "Submitted"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    # ------------------------------------------------------------------ navigation

    async def open(self, page: Page, path: str) -> None:
        """Go to ``path`` of the portal; 5xx and sign-in pages raise."""
        self._check(page, await page.goto(self.base_url + path))

    async def click_through(self, page: Page, target: Locator) -> None:
        """Click ``target`` and wait for the page it leads to; 5xx and sign-in pages raise."""
        async with page.expect_navigation() as navigation:
            await target.click()
        self._check(page, await navigation.value)

    def _check(self, page: Page, response: Response | None) -> None:
        path = urlsplit(page.url).path
        if response is not None and response.status >= 500:
            raise TechnicalError(f"{self.family}: HTTP {response.status} at {path}")
        if path == self.login_path:
            raise SessionExpired(f"{self.family}: the portal asks to sign in again")

    # ------------------------------------------------------------------ sign-in

    async def login(self, page: Page, user: str, password: str, code: CodeSource | None) -> None:
        """Sign in with ``user``/``password`` (and a one-time code if asked)."""
        await page.goto(self.base_url + self.login_path)
        await page.get_by_label("User name", exact=True).fill(user)
        await page.get_by_label("Password", exact=True).fill(password)
        async with page.expect_navigation() as navigation:
            await page.get_by_role("button", name="Sign in", exact=True).click()
        response = await navigation.value
        if response is not None and response.status >= 500:
            raise TechnicalError(f"{self.family}: HTTP {response.status} at sign-in")
        await self.after_password(page, code)
        if urlsplit(page.url).path == self.login_path:
            raise LoginFailed(f"{self.family}: sign-in refused: {await self.alert_text(page)}")

    async def after_password(self, page: Page, code: CodeSource | None) -> None:
        """Steps between the password and the home page (Taulia's code); none here."""
        return None

    async def signed_in(self, page: Page) -> bool:
        """Whether the context's session is still good (opens the home page)."""
        try:
            await self.open(page, self.home_path)
        except SessionExpired:
            return False
        return True

    # ------------------------------------------------------------------ search

    async def decision(self, page: Page, invoice_no: str) -> Found | None:
        """Where the portal stands on an invoice we submitted: rejected ones included.

        For a rejected invoice the buyer's reason (``Reason: ...`` on its page)
        comes back in :attr:`Found.reason`.
        """
        await self.open(page, "/invoices")
        await page.get_by_label("Search invoices", exact=True).fill(invoice_no)
        await self.click_through(page, page.get_by_role("button", name="Search", exact=True))
        rows = page.get_by_role("row").filter(
            has=page.get_by_role("cell", name=invoice_no, exact=True))
        decided: Found | None = None
        for i in range(await rows.count()):
            cells = [c.strip() for c in await rows.nth(i).get_by_role("cell").all_inner_texts()]
            if cells[0].upper() != invoice_no.upper():
                continue
            if cells[4] != "Rejected":
                return Found(confirmation=cells[1], status=cells[4])
            await self.click_through(page, rows.nth(i).get_by_role("link", name=cells[0]))
            text = await page.get_by_role("status").inner_text()
            reason = text.split("Reason:", 1)[1].strip() if "Reason:" in text else ""
            decided = Found(confirmation=cells[1], status="Rejected", reason=reason)
        return decided

    async def find(self, page: Page, invoice_no: str) -> Found | None:
        """The portal's record of ``invoice_no`` (rejected ones ignored), or None."""
        await self.open(page, "/invoices")
        await page.get_by_label("Search invoices", exact=True).fill(invoice_no)
        await self.click_through(page, page.get_by_role("button", name="Search", exact=True))
        rows = page.get_by_role("row").filter(
            has=page.get_by_role("cell", name=invoice_no, exact=True))
        for i in range(await rows.count()):
            cells = [c.strip() for c in await rows.nth(i).get_by_role("cell").all_inner_texts()]
            if cells[0].upper() == invoice_no.upper() and cells[4] != "Rejected":
                return Found(confirmation=cells[1], status=cells[4])
        return None

    # ------------------------------------------------------------------ the PO flip

    async def submit(self, page: Page, invoice: PortalInvoice, pdf: Path, *,
                     dry_run: bool = False) -> Confirmation | None:
        """Create ``invoice`` from its PO and submit it; None when ``dry_run``."""
        unsupported = [c.kind for c in invoice.charges if c.kind not in self.charge_labels]
        if unsupported:
            raise BusinessRejection(f"{self.family} has no field for {', '.join(unsupported)} "
                                    "charges; key this invoice by hand")
        if len(invoice.orders()) > 1:
            raise BusinessRejection(f"{self.family}: the invoice's lines flip several POs "
                                    f"({', '.join(invoice.orders())}); a form takes one")
        await self.open_invoice_form(page, invoice.po_number)
        if await page.get_by_role("alert").count():
            raise BusinessRejection(await self.alert_text(page))
        await page.get_by_label(self.number_label, exact=True).fill(invoice.invoice_no)
        await page.get_by_label("Invoice date", exact=True).fill(invoice.invoice_date.isoformat())
        for label, value in self.header_values(invoice).items():
            await page.get_by_label(label, exact=True).fill(value)
        await self.fill_lines(page, invoice)
        for kind, label in self.charge_labels.items():
            amount = invoice.charge(kind)
            if amount:
                await page.get_by_label(label, exact=True).fill(
                    format_amount(amount, invoice.currency))
        await page.get_by_label(self.attachment_label, exact=True).set_input_files(pdf)
        if dry_run:
            return None
        await self.click_through(page, page.get_by_role("button", name=self.submit_label,
                                                        exact=True))
        return await self.read_confirmation(page, invoice)

    @abstractmethod
    async def open_invoice_form(self, page: Page, po_number: str) -> None:
        """Reach the invoice form created from ``po_number``."""

    def header_values(self, invoice: PortalInvoice) -> dict[str, str]:
        """Family-specific header fields (:attr:`header_labels`): label -> value."""
        return {}

    async def fill_lines(self, page: Page, invoice: PortalInvoice) -> None:
        """Fill every PO line on the form; lines not invoiced get quantity 0."""
        wanted = {ln.po_line: ln for ln in invoice.lines}
        n = 1
        while await page.get_by_label(self.qty_label.format(n=n), exact=True).count():
            await self.fill_line(page, n, wanted.pop(n, None))
            n += 1
        if wanted:
            raise BusinessRejection(f"PO {invoice.po_number} has no line "
                                    f"{', '.join(map(str, sorted(wanted)))} on the portal")

    async def fill_line(self, page: Page, n: int, line: InvoiceLine | None) -> None:
        """Quantity and tax of PO line ``n`` (None: not invoiced)."""
        await page.get_by_label(self.qty_label.format(n=n), exact=True).fill(
            str(line.quantity) if line else "0")
        if line:
            await page.get_by_label(self.tax_label.format(n=n), exact=True).fill(
                str(line.tax_rate))

    async def read_confirmation(self, page: Page, invoice: PortalInvoice) -> Confirmation:
        """The explicit success state after Submit, or the error the portal showed."""
        if await page.get_by_role("alert").count():
            raise BusinessRejection(await self.alert_text(page))
        status = page.get_by_role("status")
        text = await status.first.inner_text() if await status.count() else ""
        number = re.search(rf"{re.escape(self.confirmation_label)}: (\S+?)\.(?:\s|$)", text)
        if number is None:
            empty = [label for label in self.required_labels()
                     if not await page.get_by_label(label, exact=True).input_value()]
            raise SilentFailure(
                f"{self.family}: Submit showed neither a confirmation nor an error "
                f"(silent failure); empty fields on the form: {', '.join(empty) or 'none'}")
        state = re.search(r"Status: ([^.]+)\.", text)
        reason = re.search(r"Reason: (.+)$", text)
        if state and state.group(1) == "Rejected":
            raise BusinessRejection(
                f"rejected by the buyer: {reason.group(1) if reason else text}")
        total = re.search(r"Total: ([\d.]+) ", text)
        return Confirmation(number.group(1), state.group(1) if state else "",
                            Decimal(total.group(1)) if total else None)

    def required_labels(self) -> tuple[str, ...]:
        """Header fields worth naming when Submit silently did nothing."""
        return (self.number_label, "Invoice date", *self.header_labels)

    # ------------------------------------------------------------------ helpers

    async def alert_text(self, page: Page) -> str:
        alert = page.get_by_role("alert")
        return (await alert.first.inner_text()).strip() if await alert.count() else \
            "no message from the portal"

    async def follow_row_link(self, page: Page, search_label: str, po_number: str) -> None:
        """Search for ``po_number`` and follow its row's *Create invoice* link."""
        await page.get_by_label(search_label, exact=True).fill(po_number)
        await self.click_through(page, page.get_by_role("button", name="Search", exact=True))
        row = page.get_by_role("row").filter(
            has=page.get_by_role("cell", name=po_number, exact=True))
        if not await row.count():
            raise BusinessRejection(f"{self.family}: PO {po_number} not found on the portal")
        await self.click_through(page, row.get_by_role("link", name="Create invoice"))
