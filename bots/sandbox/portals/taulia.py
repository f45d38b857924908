"""A Taulia-like portal: a code on every new browser, and a Submit that can silently do nothing.

After the password, a browser the portal does not know (no ``device`` cookie
from an earlier verification) must enter the 6-digit TOTP code of the
account; a code is accepted once (a reused code is refused). Create invoice
is *Search PO* > *Create invoice*; the form has an *Include line N* checkbox
per line (an included line with quantity 0 is a zero-value line, refused),
a Delivery note, Freight under Additional items, *Upload attachment*.

The trap: when the invoice number, invoice date, delivery note or attachment
is missing, Submit re-shows the form with no message at all - exactly the
silent failure suppliers meet on the real portal.

Limit: a sign-in waiting for its code is kept in memory (a restart forgets
it; the user signs in again); known devices are in the SQLite file.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import ClassVar
from urllib.parse import quote

import pyotp

from bots.sandbox.portals import pages as ui
from bots.sandbox.portals.base import PortalApp
from bots.sandbox.portals.db import PurchaseOrder
from bots.sandbox.portals.web import Request, Response

DEVICE_COOKIE_SECONDS = 365 * 24 * 3600
SILENTLY_REQUIRED = ("invoice_number", "invoice_date", "delivery_note")


class TauliaPortal(PortalApp):
    family = "taulia"
    title = "Taulia Supplier Portal (reference)"
    confirmation_label = "Reference"
    confirmation_prefix = "TA-"
    header_fields: ClassVar[tuple[tuple[str, str], ...]] = (("delivery_note", "Delivery note"),)
    tax_label = "Line {n} tax (%)"
    charge_labels = {"freight": "Freight"}
    attachment_label = "Upload attachment"
    duplicate_message = "Invoice number {number} already exists."
    over_po_message = "Invoice exceeds PO value (line {n}: {qty} invoiced, {remaining} open)."

    def setup(self) -> None:
        self._waiting_for_code: dict[str, tuple[str, str]] = {}  # token -> (user, next)
        self.route("GET", "/mfa", self.code_page, public=True)
        self.route("POST", "/mfa", self.code_submit, public=True)

    # ------------------------------------------------------------------ MFA per new browser

    def after_password(self, req: Request, user: str) -> Response:
        if self.db.known_device(req.cookies.get("device", ""), user):
            return self.start_session(req, user)
        token = secrets.token_urlsafe(16)
        self._waiting_for_code[token] = (user, req.query.get("next", "/orders"))
        return Response.redirect("/mfa").set_cookie("mfa", token)

    def code_page(self, req: Request, user: str | None, error: str = "") -> Response:
        body = ui.alert(error) + ui.status(
            "This browser is new to us: enter the 6-digit code from your authenticator app.") \
            + ui.form("/mfa", ui.text_input("Verification code", "code")
                      + ui.button("Verify"), label="Verification")
        return self.page("Verify it's you", body, signed_in=False)

    def code_submit(self, req: Request, user: str | None) -> Response:
        waiting = self._waiting_for_code.get(req.cookies.get("mfa", ""))
        if waiting is None:
            return Response.redirect("/login")
        name, target = waiting
        secret = self.db.totp_secret(name) or ""
        step = self._matching_step(secret, req.value("code"))
        if step is None:
            return self.code_page(req, None, "The code is not valid. Try again.")
        if not self.db.use_totp_step(name, step):
            return self.code_page(req, None, "This code was already used. Wait for the next "
                                             "code.")
        del self._waiting_for_code[req.cookies["mfa"]]
        req.query["next"] = target
        return self.start_session(req, name).set_cookie(
            "device", self.db.new_device(name), max_age=DEVICE_COOKIE_SECONDS)

    def _matching_step(self, secret: str, code: str) -> int | None:
        """The 30-second step whose code is ``code`` (one step of clock drift allowed)."""
        if not secret or not code:
            return None
        totp, now = pyotp.TOTP(secret), self.clock()
        current = int(now // totp.interval)
        for step in (current - 1, current, current + 1):
            if secrets.compare_digest(totp.generate_otp(step), code):
                return step
        return None

    # ------------------------------------------------------------------ create invoice

    def new_invoice_page(self, req: Request, user: str) -> Response:
        """Create Invoice > search PO > Create invoice."""
        q = req.query.get("q", "").strip().upper()
        rows = [[ui.esc(po.number), ui.esc(po.status),
                 ui.link("Create invoice", f"/orders/{quote(po.number)}/invoice")]
                for po in self.db.purchase_orders() if q and q in po.number.upper()]
        body = ui.search_form("/invoices/new", "Search PO", "q", q) + (
            ui.table("Purchase orders found", ["PO number", "Status", "Actions"], rows)
            if rows else "")
        return self.page("Create Invoice", body)

    def line_fields(self, order: PurchaseOrder, index: int, values: dict[str, str]) -> str:
        n = order.lines[index].line
        included = values.get(f"line-{n}-include") == "1" if values else True
        return ui.checkbox(f"Include line {n}", f"line-{n}-include", included) + \
            super().line_fields(order, index, values)

    def line_included(self, req: Request, n: int, quantity: Decimal) -> bool:
        return req.value(f"line-{n}-include") == "1"

    def silently_ignored(self, req: Request) -> bool:
        return any(not req.value(name) for name in SILENTLY_REQUIRED) or \
            "attachment" not in req.files

