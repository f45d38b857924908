"""What the reference portals share: sign-in, sessions, orders, invoice search, PO flip.

A :class:`PortalApp` answers ``dispatch(request)``. Pages common to all
families:

* ``/login`` (User name, Password, Sign in) and ``/logout``; an expired or
  missing session sends any page back to ``/login?next=...``;
* ``/orders`` (``?q=`` filters) - the purchase orders, with a *Create invoice*
  link per PO;
* ``/orders/<po>/invoice`` - the invoice created from the PO: header, one row
  of fields per PO line (quantity pre-filled, tax), charges, attachment,
  Submit; errors come back in a ``role=alert`` region, success redirects to
  ``/invoices/<id>`` whose ``role=status`` region carries the confirmation
  number;
* ``/invoices`` (``?q=`` searches by the supplier's invoice number).

Families (:mod:`.coupa`, :mod:`.ariba`, :mod:`.taulia`) set the labels and
wording as class attributes and override the hooks (:meth:`after_password`,
:meth:`new_invoice_page`, :meth:`silently_ignored`, :meth:`buyer_rules`).

The portal checks what real portals check: PO open, invoice number unique (a
rejected invoice frees its number), no future invoice date, only lines the PO
has, quantities within what remains on the PO, an attachment; it computes each
line's amount and tax itself (quantity x the PO's price, the posted rate).
Buyer rules (Ariba) are decided ``decision_delay`` seconds after submission,
as "minutes later" in real life.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import ClassVar
from urllib.parse import quote

from bots.domain import quantize
from bots.sandbox.portals import pages as ui
from bots.sandbox.portals.db import InvoiceRecord, NewLine, PortalDB, PurchaseOrder
from bots.sandbox.portals.faults import Faults
from bots.sandbox.portals.web import Request, Response, server_error

SUBMIT = "submit"


class InvoiceRefused(Exception):
    """The portal refuses the invoice with this message."""


class PortalApp:
    """One reference portal (a family subclass fills in the wording)."""

    family: ClassVar[str]
    title: ClassVar[str]
    confirmation_label: ClassVar[str]  # "Invoice ID", "Document ID", "Reference"
    confirmation_prefix: ClassVar[str]
    number_label: ClassVar[str] = "Invoice number"
    header_fields: ClassVar[tuple[tuple[str, str], ...]] = ()  # (name, label) besides number/date
    qty_label: ClassVar[str] = "Line {n} quantity"
    tax_label: ClassVar[str] = "Line {n} tax rate (%)"
    charge_labels: ClassVar[dict[str, str]] = {"freight": "Shipping"}
    attachment_label: ClassVar[str] = "Attachment"
    duplicate_message: ClassVar[str] = "Invoice number {number} already exists ({confirmation})"
    over_po_message: ClassVar[str] = "Line {n}: quantity {qty} exceeds the {remaining} " \
                                     "remaining on the PO"
    initial_status: ClassVar[str] = "Submitted"

    def __init__(self, db: PortalDB, faults: Faults | None = None, *,
                 clock: Callable[[], float] = time.time, session_ttl: float | None = None,
                 decision_delay: float = 0) -> None:
        self.db, self.faults, self.clock = db, faults or Faults(), clock
        self.session_ttl, self.decision_delay = session_ttl, decision_delay
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Response], bool]] = []
        self.route("GET", "/login", self.login_page, public=True)
        self.route("POST", "/login", self.login_submit, public=True)
        self.route("POST", "/logout", self.logout, public=True)
        self.route("GET", "/", lambda req, user: Response.redirect("/orders"))
        self.route("GET", "/orders", self.orders_page)
        self.route("GET", "/orders/(?P<po>[^/]+)/invoice", self.invoice_form)
        self.route("POST", "/orders/(?P<po>[^/]+)/invoice", self.invoice_submit)
        self.route("GET", "/invoices", self.invoices_page)
        self.route("GET", "/invoices/new", self.new_invoice_page)
        self.route("GET", r"/invoices/(?P<invoice_id>\d+)", self.invoice_page)
        self.setup()

    # ------------------------------------------------------------------ plumbing

    def route(self, method: str, pattern: str, handler: Callable[..., Response], *,
              public: bool = False) -> None:
        """Serve ``handler(request, user, **groups)`` (``user`` is None on public pages)."""
        self._routes.append((method, re.compile(pattern + "$"), handler, public))

    def dispatch(self, req: Request) -> Response:
        for method, pattern, handler, public in self._routes:
            match = pattern.match(req.path)
            if match and method == req.method:
                user = self.current_user(req)
                if user is None and not public:
                    return Response.redirect("/login?next=" + quote(req.path))
                return handler(req, user, **match.groupdict())
        return Response(ui.layout(self.title, "Not found", "", signed_in=False), status=404)

    def current_user(self, req: Request) -> str | None:
        token = req.cookies.get("session")
        if not token:
            return None
        not_before = self.clock() - self.session_ttl if self.session_ttl else 0.0
        return self.db.session_user(token, not_before)

    def page(self, title: str, body: str, *, signed_in: bool = True) -> Response:
        return Response(ui.layout(self.title, title, body, signed_in=signed_in))

    def expire_sessions(self) -> None:
        """End every session: the next page asks everyone to sign in again."""
        self.db.end_sessions()

    # ------------------------------------------------------------------ sign-in

    def login_page(self, req: Request, user: str | None, error: str = "") -> Response:
        body = ui.alert(error) + ui.form(
            "/login?next=" + quote(req.query.get("next", "/orders")),
            ui.text_input("User name", "user") + ui.text_input("Password", "password",
                                                               kind="password")
            + ui.button("Sign in"), label="Sign in")
        return self.page("Sign in", body, signed_in=False)

    def login_submit(self, req: Request, user: str | None) -> Response:
        name = req.value("user")
        if not self.db.check_password(name, req.form.get("password", "")):
            return self.login_page(req, None, "Invalid user name or password.")
        return self.after_password(req, name)

    def after_password(self, req: Request, user: str) -> Response:
        """What follows a correct password: here, straight in (Taulia asks for a code)."""
        return self.start_session(req, user)

    def start_session(self, req: Request, user: str) -> Response:
        token = self.db.new_session(user, self.clock())
        target = req.query.get("next", "/orders")
        local = target.startswith("/") and not target.startswith("//")
        return Response.redirect(target if local else "/orders") \
            .set_cookie("session", token)

    def logout(self, req: Request, user: str | None) -> Response:
        if "session" in req.cookies:
            self.db.end_sessions(req.cookies["session"])
        return Response.redirect("/login").set_cookie("session", "", max_age=0)

    # ------------------------------------------------------------------ orders and invoices

    def orders_page(self, req: Request, user: str) -> Response:
        q = req.query.get("q", "").strip().upper()
        rows = [[ui.esc(po.number), ui.esc(po.customer), ui.esc(po.status),
                 ui.esc(f"{quantize(po.total, po.currency)} {po.currency}"),
                 ui.link("Create invoice", f"/orders/{quote(po.number)}/invoice")]
                for po in self.db.purchase_orders() if not q or q in po.number.upper()]
        body = ui.search_form("/orders", "Search orders", "q", q) + ui.table(
            "Purchase orders", ["PO number", "Customer", "Status", "Total", "Actions"], rows)
        return self.page("Orders", body)

    def new_invoice_page(self, req: Request, user: str) -> Response:
        """Where "Create invoice" leads; here, the orders list (PO flip)."""
        return Response.redirect("/orders")

    def invoices_page(self, req: Request, user: str) -> Response:
        q = req.query.get("q", "").strip()
        found = self.settled(self.db.invoices(number=q) if q else self.db.invoices()[:50])
        rows = [[ui.link(inv.number, f"/invoices/{inv.id}"), ui.esc(inv.confirmation),
                 ui.esc(inv.po), ui.esc(f"{inv.total} {inv.currency}"), ui.esc(inv.status)]
                for inv in found]
        body = ui.search_form("/invoices", "Search invoices", "q", q) + (ui.table(
            "Invoices", [self.number_label, self.confirmation_label, "PO", "Total", "Status"],
            rows) if rows else ui.status("No invoices found."))
        return self.page("Invoices", body)

    def invoice_page(self, req: Request, user: str, invoice_id: str) -> Response:
        found = self.settled(self.db.invoices(invoice_id=int(invoice_id)))
        if not found:
            return Response(ui.layout(self.title, "Not found", ""), status=404)
        inv = found[0]
        message = (f"Invoice {inv.number} submitted. {self.confirmation_label}: "
                   f"{inv.confirmation}. Status: {inv.status}. Total: {inv.total} "
                   f"{inv.currency}.")
        if inv.reason:
            message += f" Reason: {inv.reason}"
        return self.page(f"Invoice {inv.number}", ui.status(message))

    def settled(self, invoices: list[InvoiceRecord]) -> list[InvoiceRecord]:
        """Apply buyer decisions that are due, and return the invoices as they now stand."""
        now, out = self.clock(), []
        for inv in invoices:
            if inv.status == "Submitted" and inv.decide_at and inv.decide_at <= now:
                status = "Rejected" if inv.pending_reason else "Approved"
                self.db.decide(inv.id, status, inv.pending_reason)
                inv = self.db.invoices(invoice_id=inv.id)[0]
            out.append(inv)
        return out

    # ------------------------------------------------------------------ the PO flip

    def invoice_form(self, req: Request, user: str, po: str, error: str = "") -> Response:
        orders = self.db.purchase_orders(po)
        if not orders:
            return self.page("Create invoice", ui.alert(f"No purchase order {po}."))
        order = orders[0]
        if order.status != "Open":
            return self.page(f"Create invoice from {po}", ui.alert(
                f"Purchase order {po} is {order.status.lower()}; invoices cannot be created "
                "against it."))
        values = req.form
        header = ui.text_input(self.number_label, "invoice_number",
                               values.get("invoice_number", "")) + ui.text_input(
            "Invoice date", "invoice_date", values.get("invoice_date", ""), kind="date")
        header += ui.text_input("Currency", "currency", order.currency, readonly=True)
        header += "".join(ui.text_input(label, name, values.get(name, ""))
                          for name, label in self.header_fields)
        rows = "".join(self.line_fields(order, n, values) for n in range(len(order.lines)))
        charges = "".join(ui.text_input(label, f"charge-{kind}", values.get(f"charge-{kind}", ""))
                          for kind, label in self.charge_labels.items())
        inner = (f"<fieldset><legend>Header</legend>{header}</fieldset>"
                 f"<fieldset><legend>Lines</legend>{rows}</fieldset>"
                 f"<fieldset><legend>Charges</legend>{charges}</fieldset>"
                 + ui.file_input(self.attachment_label, "attachment")
                 + ui.button(self.faults.submit_label, SUBMIT))
        body = ui.alert(error) + ui.form(f"/orders/{quote(po)}/invoice", inner, multipart=True,
                                         label="Invoice")
        return self.page(f"Create invoice from {po}", body)

    def line_fields(self, order: PurchaseOrder, index: int, values: dict[str, str]) -> str:
        """The fields of one PO line on the invoice form."""
        line = order.lines[index]
        n = line.line
        qty = values.get(f"line-{n}-qty", str(line.quantity))
        unit = f" {ui.esc(line.unit)}" if line.unit else ""
        return (f"<div><p>Line {n}: {ui.esc(line.description)}, {line.quantity}{unit} x "
                f"{quantize(line.unit_price, order.currency)} {order.currency}</p>"
                + ui.text_input(self.qty_label.format(n=n), f"line-{n}-qty", qty)
                + ui.text_input(self.tax_label.format(n=n), f"line-{n}-tax",
                                values.get(f"line-{n}-tax", "")) + "</div>")

    def invoice_submit(self, req: Request, user: str, po: str) -> Response:
        orders = self.db.purchase_orders(po)
        if not orders or orders[0].status != "Open" or req.value("action") != SUBMIT:
            return self.invoice_form(req, user, po)
        if self.silently_ignored(req):
            return self.invoice_form(req, user, po)
        try:
            record = self.accept(req, orders[0])
        except InvoiceRefused as refusal:
            return self.invoice_form(req, user, po, str(refusal))
        if self.faults.take_lost_submit():
            return server_error()
        return Response.redirect(f"/invoices/{record.id}")

    def accept(self, req: Request, order: PurchaseOrder) -> InvoiceRecord:
        """Check the submitted form against the PO and store the invoice, or refuse it."""
        number = req.value("invoice_number")
        if not number:
            raise InvoiceRefused(f"{self.number_label} is required.")
        try:
            invoice_date = date.fromisoformat(req.value("invoice_date"))
        except ValueError:
            raise InvoiceRefused("Invoice date is required (YYYY-MM-DD).") from None
        today = date.fromtimestamp(self.clock())
        if invoice_date > today:
            raise InvoiceRefused("Invoice date cannot be in the future.")
        for earlier in self.db.invoices(number=number):
            if earlier.status != "Rejected":
                raise InvoiceRefused(self.duplicate_message.format(
                    number=number, confirmation=earlier.confirmation))
        if "attachment" not in req.files:
            raise InvoiceRefused("An invoice document (PDF) must be attached.")
        lines = self.lines(req, order)
        charges = sum((self.decimal(req, f"charge-{kind}", label)
                       for kind, label in self.charge_labels.items()), Decimal(0))
        total = sum((ln.amount + ln.tax for ln in lines), Decimal(0)) + charges
        reason = self.buyer_rules(req, order, invoice_date, today)
        decide_at = self.clock() + self.decision_delay if self.has_buyer_rules else 0
        return self.db.add_invoice(
            number=number, po=order.number, currency=order.currency,
            invoice_date=invoice_date.isoformat(), lines=lines,
            total=quantize(total, order.currency), status=self.initial_status,
            attachment=req.files["attachment"].filename, prefix=self.confirmation_prefix,
            decide_at=decide_at, pending_reason=reason)

    def lines(self, req: Request, order: PurchaseOrder) -> list[NewLine]:
        """The invoiced lines (quantity above zero), checked against what remains on the PO."""
        done = self.db.invoiced_quantities(order.number)
        known = {str(po_line.line) for po_line in order.lines}
        for name in req.form:  # a line the form never offered: no such PO line
            posted = re.fullmatch(r"line-(\d+)-qty", name)
            if posted and posted.group(1) not in known:
                raise InvoiceRefused(f"Line {posted.group(1)}: the PO has no such line.")
        lines = []
        for po_line in order.lines:
            n = po_line.line
            qty = self.decimal(req, f"line-{n}-qty", self.qty_label.format(n=n))
            if not self.line_included(req, n, qty):
                continue
            if qty <= 0:
                raise InvoiceRefused(f"Line {n}: zero-value lines are not allowed.")
            remaining = po_line.quantity - done.get(n, Decimal(0))
            if qty > remaining:
                raise InvoiceRefused(self.over_po_message.format(n=n, qty=qty,
                                                                 remaining=remaining))
            amount = quantize(qty * po_line.unit_price, order.currency)
            rate = self.decimal(req, f"line-{n}-tax", self.tax_label.format(n=n))
            lines.append(NewLine(n, qty, amount, quantize(amount * rate / 100, order.currency)))
        if not lines:
            raise InvoiceRefused("The invoice has no lines.")
        return lines

    @staticmethod
    def decimal(req: Request, name: str, label: str) -> Decimal:
        raw = req.value(name) or "0"
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise InvoiceRefused(f"{label}: {raw!r} is not a number.") from None
        if not value.is_finite() or value < 0:
            raise InvoiceRefused(f"{label}: {raw!r} is not a valid amount.")
        return value

    # ------------------------------------------------------------------ family hooks

    has_buyer_rules: ClassVar[bool] = False

    def setup(self) -> None:
        """Family-specific state and routes (Taulia's code page)."""

    def line_included(self, req: Request, n: int, quantity: Decimal) -> bool:
        """Whether line ``n`` is on the invoice: quantity above 0 (Taulia: a checkbox)."""
        return quantity != 0

    def silently_ignored(self, req: Request) -> bool:
        """Whether Submit does nothing at all for this form (Taulia's empty required field)."""
        return False

    def buyer_rules(self, req: Request, order: PurchaseOrder, invoice_date: date,
                    today: date) -> str:
        """The reason the buyer will reject the invoice later, or '' (Ariba)."""
        return ""

