"""The invoice a portal bot keys in, checked before any browser opens.

A :class:`PortalInvoice` is what AR would type into the customer's portal:
header (number, date, PO, currency, the customer's and our references),
lines that point at PO lines (quantity, unit, unit price, amount, tax code,
rate and category; a line may name another PO than the header's), charges
(freight, handling) and the total - all ``Decimal``. The
constructor checks the arithmetic with the currency's rounding (amount =
quantity x unit price, tax = amount x rate / 100, total = lines + taxes +
charges), so a bot never submits an invoice that does not add up.

``origin`` says where the invoice comes from in the ERP (for SAP: company
code, document number, fiscal year); it rides along in the write ledger so
that a later run can still note the submission on that document when the
invoice is no longer among the day's work.

``portal`` names a configured portal site (``[portals.sites.<name>]``), which
is one supplier account on one portal. ``pdf`` is the invoice document to
attach; when it is None the runner renders one (:mod:`bots.portals.pdf`).

:func:`load_invoices` reads a JSON file of invoices (a list, or
``{"invoices": [...]}``); a bad entry is reported with the file, its index and
the reason, and the others are still returned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bots.domain import PortalSubmission, quantize

CHARGE_KINDS = ("freight", "handling")


class InvoiceError(ValueError):
    """An invoice that does not add up or misses a field."""


@dataclass(frozen=True)
class InvoiceLine:
    """One invoice line, flipped from PO line ``po_line``."""

    po_line: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    tax_rate: Decimal = Decimal(0)  # percent
    tax_amount: Decimal = Decimal(0)
    tax_category: str = "Standard"
    description: str = ""
    unit: str = ""  # ISO/UN-CEFACT unit code (T006-ISOCODE: PCE, HUR, KGM); "" = each
    tax_code: str = ""  # the seller's tax code (SAP MWSKZ)
    po_number: str = ""  # the PO this line flips, when not the invoice's own PO


@dataclass(frozen=True)
class Charge:
    """A charge beside the lines: ``freight`` or ``handling``."""

    kind: str
    amount: Decimal


@dataclass(frozen=True)
class PortalInvoice:
    """An invoice to submit through one portal site."""

    invoice_no: str
    invoice_date: date
    customer: str
    portal: str
    po_number: str
    currency: str
    lines: tuple[InvoiceLine, ...]
    total: Decimal
    charges: tuple[Charge, ...] = ()
    pdf: Path | None = None
    delivery_note: str = ""
    supplier_vat_id: str = ""
    origin: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        who = f"invoice {self.invoice_no or '(no number)'}"
        for name in ("invoice_no", "customer", "portal", "po_number", "currency"):
            if not getattr(self, name):
                raise InvoiceError(f"{who}: {name} is required")
        if not self.lines:
            raise InvoiceError(f"{who}: has no lines")
        sum_lines = Decimal(0)
        for ln in self.lines:
            self._check_money(who, ln.quantity, ln.unit_price, ln.amount, ln.tax_rate,
                              ln.tax_amount)
            if ln.quantity <= 0:
                raise InvoiceError(f"{who}: line {ln.po_line}: quantity must be above 0")
            if quantize(ln.quantity * ln.unit_price, self.currency) != ln.amount:
                raise InvoiceError(f"{who}: line {ln.po_line}: amount {ln.amount} is not "
                                   f"{ln.quantity} x {ln.unit_price}")
            if quantize(ln.amount * ln.tax_rate / 100, self.currency) != ln.tax_amount:
                raise InvoiceError(f"{who}: line {ln.po_line}: tax {ln.tax_amount} is not "
                                   f"{ln.tax_rate}% of {ln.amount}")
            sum_lines += ln.amount + ln.tax_amount
        for charge in self.charges:
            self._check_money(who, charge.amount)
            if charge.kind not in CHARGE_KINDS:
                raise InvoiceError(f"{who}: charge kind {charge.kind!r} is not one of "
                                   f"{', '.join(CHARGE_KINDS)}")
        self._check_money(who, self.total)
        expected = quantize(sum_lines + sum(c.amount for c in self.charges), self.currency)
        if self.total != expected:
            raise InvoiceError(f"{who}: total {self.total} differs from lines + tax + charges "
                               f"{expected}")

    @staticmethod
    def _check_money(who: str, *values: object) -> None:
        if not all(isinstance(v, Decimal) for v in values):
            raise InvoiceError(f"{who}: amounts, rates and quantities are Decimal, never float")

    @property
    def submission(self) -> PortalSubmission:
        """The domain record of this submission (its idempotency key, notably)."""
        return PortalSubmission(portal=self.portal, customer=self.customer,
                                invoice_no=self.invoice_no, po_number=self.po_number,
                                currency=self.currency, amount=self.total,
                                invoice_date=self.invoice_date)

    def orders(self) -> dict[str, list[InvoiceLine]]:
        """The lines per purchase order, the invoice's own PO first."""
        orders: dict[str, list[InvoiceLine]] = {self.po_number: []}
        for line in self.lines:
            orders.setdefault(line.po_number or self.po_number, []).append(line)
        return {po: lines for po, lines in orders.items() if lines}

    def charge(self, kind: str) -> Decimal:
        """Sum of the charges of ``kind``."""
        return sum((c.amount for c in self.charges if c.kind == kind), Decimal(0))

    def summary(self) -> dict[str, object]:
        """A JSON-able summary for the write ledger and reports (no secrets, no floats)."""
        summary: dict[str, object] = {
            "invoice_no": self.invoice_no, "po_number": self.po_number,
            "customer": self.customer, "currency": self.currency, "total": str(self.total),
            "invoice_date": self.invoice_date.isoformat()}
        if self.origin:
            summary["origin"] = dict(self.origin)
        return summary


# --------------------------------------------------------------------------- JSON input


def _dec(data: dict[str, Any], key: str, default: str | None = None) -> Decimal:
    raw = data.get(key, default)
    if raw is None:
        raise InvoiceError(f"{key} is required")
    if isinstance(raw, float):
        raise InvoiceError(f"{key}: write amounts as strings (\"{raw}\"), floats lose cents")
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise InvoiceError(f"{key}: not a number: {raw!r}") from None


def invoice_from_dict(data: dict[str, Any], base: Path) -> PortalInvoice:
    """One invoice from its JSON form (``pdf`` relative to ``base``)."""
    if not isinstance(data, dict):
        raise InvoiceError("expected an object")
    try:
        lines = tuple(InvoiceLine(
            po_line=int(ln["po_line"]), quantity=_dec(ln, "quantity"),
            unit_price=_dec(ln, "unit_price"), amount=_dec(ln, "amount"),
            tax_rate=_dec(ln, "tax_rate", "0"), tax_amount=_dec(ln, "tax_amount", "0"),
            tax_category=str(ln.get("tax_category", "Standard")),
            description=str(ln.get("description", "")), unit=str(ln.get("unit", "")),
            tax_code=str(ln.get("tax_code", "")), po_number=str(ln.get("po_number", "")))
            for ln in data.get("lines", []))
        charges = tuple(Charge(str(c["kind"]), _dec(c, "amount"))
                        for c in data.get("charges", []))
        pdf = data.get("pdf")
        return PortalInvoice(
            invoice_no=str(data["invoice_no"]),
            invoice_date=date.fromisoformat(str(data["invoice_date"])),
            customer=str(data["customer"]), portal=str(data["portal"]),
            po_number=str(data["po_number"]), currency=str(data["currency"]).upper(),
            lines=lines, total=_dec(data, "total"), charges=charges,
            pdf=(base / pdf) if pdf else None,
            delivery_note=str(data.get("delivery_note", "")),
            supplier_vat_id=str(data.get("supplier_vat_id", "")))
    except KeyError as missing:
        raise InvoiceError(f"{missing.args[0]} is required") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvoiceError):
            raise
        raise InvoiceError(str(exc)) from None


def load_invoices(path: Path) -> tuple[list[PortalInvoice], list[str]]:
    """(the good invoices, one error line per bad entry naming the file) of a JSON file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [], [f"{path}: cannot read invoices: {exc}"]
    entries = data.get("invoices") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        return [], [f"{path}: expected a list of invoices or {{\"invoices\": [...]}}"]
    invoices, errors = [], []
    for index, entry in enumerate(entries):
        try:
            invoices.append(invoice_from_dict(entry, path.parent))
        except InvoiceError as exc:
            errors.append(f"{path}: invoices[{index}]: {exc}")
    return invoices, errors
