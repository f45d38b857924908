"""The nouns of arbots, and money done right.

Every room of the house speaks in these types; none of them does I/O.

Money
-----
Amounts are :class:`decimal.Decimal` at the edges (files, SAP, reports) and
integer *minor units* inside hot loops (cash-application search). A currency's
exponent says how many minor units make one major unit::

    >>> to_minor(Decimal("12.34"), "USD")
    1234
    >>> to_minor(Decimal("1500"), "JPY")
    1500
    >>> from_minor(1234567, "KWD")
    Decimal('1234.567')
    >>> quantize(Decimal("2.005"), "EUR")
    Decimal('2.01')

Rounding is ROUND_HALF_UP, as SAP rounds. A float never enters: the helpers
refuse one with ``TypeError``.

Dates are :class:`datetime.date`. Customer numbers keep SAP's leading zeros
(``"0000100042"``).

Payment terms
-------------
:func:`due_dates` computes the net due date and the discount date from the
baseline date and the terms days exactly as SAP does for customer items
(``ZBD3T`` if set, else ``ZBD2T``, else ``ZBD1T``; a credit memo not linked to
an invoice is due on its baseline date).

Limits: exponents follow ISO 4217 for the currencies in
:data:`CURRENCY_EXPONENTS`; any other currency is taken to have 2 decimals.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# ISO 4217 minor-unit exponents that differ from 2, plus the common 2s for clarity.
CURRENCY_EXPONENTS: dict[str, int] = {
    "BHD": 3, "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0,
    "TND": 3, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "SEK": 2, "INR": 2,
}


def exponent(currency: str) -> int:
    """Number of decimals of ``currency`` (ISO 4217; 2 when unknown)."""
    return CURRENCY_EXPONENTS.get(currency.upper(), 2)


def _as_decimal(amount: Decimal | int | str) -> Decimal:
    if isinstance(amount, float):
        raise TypeError("money is never a float: pass a Decimal, int or str")
    return amount if isinstance(amount, Decimal) else Decimal(amount)


def quantize(amount: Decimal | int | str, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's decimals."""
    exp = exponent(currency)
    return _as_decimal(amount).quantize(Decimal(1).scaleb(-exp), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """``amount`` in integer minor units of ``currency`` (rounded half-up)."""
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units back to a Decimal with the currency's decimals."""
    if not isinstance(minor, int):
        raise TypeError("minor units are an int")
    exp = exponent(currency)
    return Decimal(minor).scaleb(-exp).quantize(Decimal(1).scaleb(-exp))


def format_amount(amount: Decimal, currency: str) -> str:
    """Plain decimal string with a dot, as the interchange files want (``"1234.50"``)."""
    return format(quantize(amount, currency), "f")


def stable_id(prefix: str, *parts: object, length: int = 12) -> str:
    """A short stable identifier from ``parts`` (same parts, same id)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:length]}"


# --------------------------------------------------------------------------- terms


def due_dates(
    baseline: date,
    days1: int = 0,
    days2: int = 0,
    days3: int = 0,
    pct1: Decimal = Decimal(0),
    *,
    credit_memo_unlinked: bool = False,
) -> tuple[date, date | None]:
    """(net due date, last discount date or None) as SAP computes them."""
    if credit_memo_unlinked:
        return baseline, None
    net_days = days3 or days2 or days1
    discount = baseline + timedelta(days=days1) if pct1 and days1 else None
    return baseline + timedelta(days=net_days), discount


# --------------------------------------------------------------------------- master data


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer account (SAP KNA1 + KNB1 of one company code)."""

    number: str  # KUNNR with leading zeros
    name: str
    company_code: str = ""
    country: str = ""
    city: str = ""
    parent: str = ""  # customer number of the paying parent (KNA1-KONZS group key)
    payment_terms: str = ""  # ZTERM
    clerk: str = ""  # accounting clerk (KNB1-BUSAB)
    email: str = ""  # AR contact at the customer (KNB1-INTAD)
    aliases: tuple[str, ...] = ()
    language: str = ""  # correspondence language, SAP's one-letter key (KNA1-SPRAS)
    dunning_block: str = ""  # account dunning block (KNB5-MANSP): no reminders at all
    dunning_level: int = 0  # the account's dunning level in SAP (KNB5-MAHNS)


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One open customer line item (BSID row / BAPI3007_2 line), external amounts.

    ``amount`` is signed: positive means the customer owes us, negative is a
    credit (credit memo, payment on account).
    """

    company_code: str
    customer: str
    document_no: str
    fiscal_year: str
    line_item: str
    currency: str
    amount: Decimal
    doc_date: date
    due_date: date
    invoice_ref: str = ""  # XBLNR: the number the customer sees
    po_number: str = ""
    posting_date: date | None = None
    baseline_date: date | None = None
    discount_pct: Decimal | None = None
    discount_date: date | None = None
    doc_type: str = ""  # BLART: RV invoice, DG credit memo, DZ payment ...
    dunning_level: int = 0
    assignment: str = ""  # ZUONR
    dunning_block: str = ""  # MANSP: this item is not dunned while set
    text: str = ""  # SGTXT

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """(company code, customer, document, year, line): unique in SAP."""
        return (self.company_code, self.customer, self.document_no, self.fiscal_year,
                self.line_item)

    @property
    def amount_minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def days_past_due(self, on: date) -> int:
        """Days past the net due date on ``on`` (negative when not yet due)."""
        return (on - self.due_date).days


# --------------------------------------------------------------------------- remittances


class PaymentMethod(StrEnum):
    ACH = "ach"
    CHECK = "check"
    WIRE = "wire"
    CARD = "card"
    OTHER = "other"


@dataclass(slots=True)
class RemittanceLine:
    """One invoice a payer says it pays (interchange spec, ``lines[]``)."""

    invoice_ref: str
    paid_amount: Decimal
    po_number: str | None = None
    invoice_date: date | None = None
    gross_amount: Decimal | None = None
    discount: Decimal = Decimal("0")
    deduction: Decimal = Decimal("0")
    deduction_reason: str | None = None


@dataclass(slots=True)
class Remittance:
    """One payment advice: one payment and the invoices it pays (interchange spec)."""

    id: str
    source: str
    format: str  # pdf|email|csv|xlsx|x12-820|bai2|camt052|camt053|camt054|mt940
    currency: str
    lines: list[RemittanceLine] = field(default_factory=list)
    payer_name: str | None = None
    payer_account: str | None = None
    payment_ref: str | None = None
    payment_date: date | None = None
    payment_method: PaymentMethod | None = None
    total: Decimal | None = None
    warnings: list[str] = field(default_factory=list)
    #: ``payment``, or ``return``: the bank returned or reversed an earlier incoming
    #: payment (money leaving; ``total`` is the amount returned). A return is never
    #: applied as a payment and is not written to the interchange JSON Lines.
    kind: str = "payment"


# --------------------------------------------------------------------------- cash application


class Decision(StrEnum):
    AUTO = "auto"
    REVIEW = "review"


class Treatment(StrEnum):
    """What a posting does to the open item (interchange spec v1.2, ``treatment``)."""

    CLEAR = "clear"            # cleared in full (discount granted)
    RESIDUAL = "residual"      # cleared; the difference becomes a new item tied to it (REBZG)
    PARTIAL = "partial"        # a partial payment posted against it; the item stays open
    WRITE_OFF = "write_off"    # cleared; the difference written off within the policy's limit
    ON_ACCOUNT = "on_account"  # no item: the amount stays on the customer's account


@dataclass(frozen=True, slots=True)
class Proposal:
    """One (remittance line, open item) pair the engine applies (interchange spec)."""

    remittance_id: str
    line_index: int | None
    customer: str
    document_no: str
    fiscal_year: str
    line_item: str
    applied_amount: Decimal
    decision: Decision
    confidence: float  # a score in [0, 1], never money
    rule: str
    reason: str
    discount_amount: Decimal = Decimal("0")
    deduction_amount: Decimal = Decimal("0")
    treatment: Treatment = Treatment.CLEAR
    reason_code: str = ""  # SAP payment-difference reason (RSTGR) of a residual or write-off
    alternative: str = ""  # "a1", "a2", ...: one of several combinations explaining a payment


# --------------------------------------------------------------------------- external writes


@dataclass(frozen=True)
class CollectionNote:
    """A note written to a customer account in SAP, or to one of its documents.

    With ``document`` (and ``fiscal_year``) set, the note goes on that
    accounting document (an invoice) instead of the account.
    """

    company_code: str
    customer: str
    on: date
    lines: tuple[str, ...]
    kind: str = "collections"  # collections | cashapp:<posting key> | portal:<site>
    document: str = ""
    fiscal_year: str = ""

    @property
    def idempotency_key(self) -> str:
        """Same account (or document), same day, same kind: the same note (written once)."""
        return stable_id("note", self.kind, self.company_code, self.customer, self.document,
                         self.fiscal_year, self.on.isoformat())


@dataclass(frozen=True)
class PortalSubmission:
    """An invoice to key into a customer's AP portal, and what came of it."""

    portal: str
    customer: str
    invoice_no: str
    po_number: str
    currency: str
    amount: Decimal
    invoice_date: date
    confirmation: str | None = None

    @property
    def idempotency_key(self) -> str:
        return stable_id("sub", self.customer, self.portal, self.invoice_no)


class RunStatus(StrEnum):
    """How a run stands; the same five names in the store, CLI, reports and engines."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"  # finished with failures, or stopped by a configuration/connection error
    INTERRUPTED = "interrupted"  # stopped on request (SIGINT, SIGTERM) before the end
    ABORTED = "aborted"  # died (killed, crashed); the next run on its landscape took over


class Trigger(StrEnum):
    SCHEDULE = "schedule"
    ON_DEMAND = "on_demand"
    API = "api"


@dataclass
class Run:
    """One pass of one or more bots, as recorded in the store."""

    id: str
    trigger: Trigger
    started: datetime
    bots: tuple[str, ...]
    status: RunStatus = RunStatus.RUNNING
    ended: datetime | None = None
    dry_run: bool = False
