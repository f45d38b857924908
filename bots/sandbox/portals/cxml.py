"""The reference buyer network's cXML endpoint: InvoiceDetailRequest in, Status out.

``POST /cxml`` on the Ariba-like reference portal (public: the document
authenticates itself). The answer is always HTTP 200 with a cXML
``Response/Status`` whose ``code`` carries the outcome, as buyer networks do:

* ``200 OK`` - accepted; the invoice is stored against its PO(s) (one record
  per PO, all under the supplier's invoice number) with a confirmation
  ``CX-nnnnnn`` named in the Status text;
* ``400 Bad Request`` - not cXML, wrong structure or order of elements, a
  missing attribute, an unknown or closed PO, a PO line that does not exist,
  a unit or price that differs from the PO line, more than remains on it,
  amounts that do not add up (line subtotal = quantity x price, tax = rate x
  taxable amount, summary = sum of the lines, gross = subtotal + tax +
  charges, net = due = gross), a currency other than the PO's, an invoice
  date in the future;
* ``401 Unauthorized`` - From/Sender identity or SharedSecret wrong;
* ``409 Conflict`` - an invoice with that invoiceID is already held (not
  rejected): duplicates are refused, whatever the payloadID.

On the Ariba-like portal the buyer's rules decide an accepted invoice
``decision_delay`` seconds later, as on its pages (the back-dating rule:
rejected; otherwise reconciled). The supplier asks for those decisions with a
``GetPendingRequest`` (``MessageType StatusUpdateRequest``) on the same
path; the answer's ``GetPendingResponse`` carries one ``StatusUpdateRequest``
per invoice decided at or after ``lastReceivedTimestamp`` (``InvoiceStatus``
``rejected`` with the reason as ``Comments``, or ``reconciled``).

Parsing goes through :mod:`defusedxml`. The checks follow the cXML User's
Guide for InvoiceDetailRequest; the DTD itself is not vendored (see
:mod:`bots.portals.cxml`).
"""

from __future__ import annotations

import hmac
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bots.domain import quantize
from bots.portals.cxml import DOCTYPE, Identities
from bots.sandbox.portals.ariba import backdated
from bots.sandbox.portals.base import PortalApp
from bots.sandbox.portals.db import InvoiceRecord, NewLine, PortalDB, PurchaseOrder
from bots.sandbox.portals.faults import Faults
from bots.sandbox.portals.web import Request, Response, server_error

PATH = "/cxml"
REQUEST_ORDER = ("InvoiceDetailRequestHeader", "InvoiceDetailOrder", "InvoiceDetailSummary")
SUMMARY_ORDER = ("SubtotalAmount", "Tax", "SpecialHandlingAmount", "ShippingAmount",
                 "GrossAmount", "NetAmount", "DueAmount")
CONFIRMATION_PREFIX = "CX-"


class Refused(Exception):
    """The document is refused with this cXML status code and message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


TEXTS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 409: "Conflict"}


@dataclass(frozen=True)
class _Line:
    po: str
    line: int
    quantity: Decimal
    amount: Decimal
    tax: Decimal


def _money(element: ET.Element | None, what: str, currency: str) -> Decimal:
    """The Money under ``element``, in ``currency`` (400 otherwise)."""
    money = element.find("Money") if element is not None else None
    if money is None:
        raise Refused(400, f"{what}: Money is missing")
    if money.get("currency") != currency:
        raise Refused(400, f"{what}: currency {money.get('currency')!r} is not the PO's "
                           f"{currency}")
    return _number(money.text, what)


def _number(text: str | None, what: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise Refused(400, f"{what}: {text!r} is not a number") from None
    if not value.is_finite():
        raise Refused(400, f"{what}: {text!r} is not a number")
    return value


def _child_order(parent: ET.Element, order: tuple[str, ...], what: str) -> None:
    """Known children of ``parent`` come in DTD order (unknown ones are ignored)."""
    ranks = [order.index(child.tag) for child in parent if child.tag in order]
    if ranks != sorted(ranks):
        raise Refused(400, f"{what}: elements out of order (expected "
                           f"{', '.join(order)})")


class CxmlEndpoint:
    """Checks and stores InvoiceDetailRequests for one reference portal's database."""

    def __init__(self, db: PortalDB, who: Identities, shared_secret: str, *,
                 clock: Callable[[], float], faults: Faults | None = None,
                 buyer: PortalApp | None = None) -> None:
        self.db, self.who, self.shared_secret, self.clock = db, who, shared_secret, clock
        self.faults = faults or Faults()
        self.buyer = buyer  # the portal whose buyer rules decide later (None: no rules)

    def handle(self, req: Request, user: str | None = None) -> Response:
        """The route handler: always HTTP 200, the outcome in Status@code (a lost answer
        after the invoice was stored, when the faults say so: HTTP 500)."""
        payload, now = "", self.clock()  # one moment: the answer's time is the record's
        try:
            root = self.read(req.body)
            if root.find("Request/GetPendingRequest") is not None:
                code, message, payload = 200, "", self.pending(root)
            else:
                code, message = 200, self.accept(root, now)
        except Refused as refusal:
            code, message = refusal.code, str(refusal)
        if code == 200 and not payload and self.faults.take_lost_submit():
            return server_error()
        return Response(self.answer(code, message, payload, now),
                        content_type="text/xml; charset=UTF-8")

    def answer(self, code: int, message: str, payload: str = "",
               now: float | None = None) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"{DOCTYPE.replace('InvoiceDetail.dtd', 'cXML.dtd')}\n"
                f"<cXML {self._stamp('reply', now)}><Response><Status code=\"{code}\" "
                f"text={quoteattr(TEXTS.get(code, 'Error'))}>{escape(message)}</Status>"
                f"{payload}</Response></cXML>\n")

    def _stamp(self, what: str, at: float | None = None) -> str:
        """payloadID and timestamp (to the millisecond) of a document the buyer writes."""
        at = self.clock() if at is None else at
        stamp = datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")
        return f'payloadID="{int(at * 1000)}.{what}@sandbox.invalid" timestamp="{stamp}"'

    # ------------------------------------------------------------------ later decisions

    def pending(self, root: ET.Element) -> str:
        """A GetPendingRequest for StatusUpdateRequests: the GetPendingResponse with one
        message per cXML invoice the buyer decided at or after ``lastReceivedTimestamp``
        (oldest first, at most ``maxMessages``), or "" when none is waiting."""
        request = root.find("Request/GetPendingRequest")
        assert request is not None
        types = {(t.text or "").strip() for t in request.findall("MessageType")}
        if not types:
            raise Refused(400, "GetPendingRequest needs at least one MessageType")
        if "StatusUpdateRequest" not in types or self.buyer is None:
            return ""
        since = request.get("lastReceivedTimestamp")
        try:
            after = datetime.fromisoformat(since).timestamp() if since else 0.0
            most = int(request.get("maxMessages", "100"))
        except ValueError:
            raise Refused(400, "GetPendingRequest@lastReceivedTimestamp or @maxMessages "
                               "is not valid") from None
        decided = [inv for inv in self.buyer.settled(self.db.invoices())
                   if inv.confirmation.startswith(CONFIRMATION_PREFIX)
                   and inv.status != "Submitted" and inv.decide_at >= after]
        decided.sort(key=lambda inv: (inv.decide_at, inv.id))
        messages = [self._status_update(inv) for inv in decided[:max(most, 1)]]
        return f"<GetPendingResponse>{''.join(messages)}</GetPendingResponse>" \
            if messages else ""

    def _status_update(self, inv: InvoiceRecord) -> str:
        """The buyer's StatusUpdateRequest about one decided invoice."""
        state = "rejected" if inv.status == "Rejected" else "reconciled"
        comments = f"<Comments xml:lang=\"en\">{escape(inv.reason)}</Comments>" \
            if inv.reason else ""
        return (f"<cXML {self._stamp(f'status.{inv.id}', inv.decide_at)} version=\"1.2.014\">"
                f"<Header><From><Credential domain={quoteattr(self.who.to_domain)}>"
                f"<Identity>{escape(self.who.to_identity)}</Identity></Credential></From>"
                f"<To><Credential domain={quoteattr(self.who.from_domain)}>"
                f"<Identity>{escape(self.who.from_identity)}</Identity></Credential></To>"
                f"<Sender><Credential domain={quoteattr(self.who.to_domain)}><Identity>"
                f"{escape(self.who.to_identity)}</Identity></Credential>"
                "<UserAgent>reference buyer network</UserAgent></Sender></Header>"
                "<Request><StatusUpdateRequest><Status code=\"200\" text=\"OK\"/>"
                f"<InvoiceStatus type=\"{state}\"><InvoiceIDInfo "
                f"invoiceID={quoteattr(inv.number)}/>{comments}</InvoiceStatus>"
                "</StatusUpdateRequest></Request></cXML>")

    # ------------------------------------------------------------------ the checks

    def read(self, body: bytes) -> ET.Element:
        """The authenticated cXML request (or Refused)."""
        try:
            root = SafeET.fromstring(body, forbid_dtd=False)
        except (ET.ParseError, DefusedXmlException) as exc:
            raise Refused(400, f"not well-formed cXML: {exc}") from None
        if root.tag != "cXML" or not root.get("payloadID") or not root.get("timestamp"):
            raise Refused(400, "cXML root with payloadID and timestamp expected")
        self.authenticate(root)
        return root

    def accept(self, root: ET.Element, now: float) -> str:
        """Check the invoice document and store the invoice; the Status message (or
        Refused). The buyer's rules decide it later (a StatusUpdateRequest)."""
        request = root.find("Request/InvoiceDetailRequest")
        if request is None:
            raise Refused(400, "Request/InvoiceDetailRequest is missing")
        _child_order(request, REQUEST_ORDER, "InvoiceDetailRequest")
        header = request.find("InvoiceDetailRequestHeader")
        summary = request.find("InvoiceDetailSummary")
        orders = request.findall("InvoiceDetailOrder")
        if header is None or summary is None or not orders:
            raise Refused(400, "InvoiceDetailRequestHeader, InvoiceDetailOrder and "
                               "InvoiceDetailSummary are required")
        number, invoice_date = self.check_header(header)
        for earlier in self.db.invoices(number=number):
            if earlier.status != "Rejected":
                raise Refused(409, f"Duplicate invoice: invoiceID {number} was already "
                                   f"received as {earlier.confirmation}")
        pos = [self.purchase_order(order) for order in orders]
        currency = pos[0].currency
        lines: list[_Line] = []
        numbers: set[str] = set()
        for order, po in zip(orders, pos, strict=True):
            if po.currency != currency:
                raise Refused(400, "all purchase orders of one invoice share a currency")
            for item in order.findall("InvoiceDetailItem"):
                lines.append(self.check_item(item, po, numbers))
        if not lines:
            raise Refused(400, "the invoice has no InvoiceDetailItem")
        total = self.check_summary(summary, lines, currency)
        decide_at, reason = 0.0, ""
        if self.buyer is not None:  # decided later, as on the portal
            decide_at = now + self.buyer.decision_delay
            reason = backdated(invoice_date, date.fromtimestamp(now))
        first = None
        for po in pos:
            mine = [NewLine(ln.line, ln.quantity, ln.amount, ln.tax) for ln in lines
                    if ln.po == po.number]
            record = self.db.add_invoice(
                number=number, po=po.number, currency=currency,
                invoice_date=invoice_date.isoformat(), lines=mine,
                total=total if first is None else Decimal(0), status="Submitted",
                attachment="cXML", prefix=CONFIRMATION_PREFIX, decide_at=decide_at,
                pending_reason=reason)
            first = first or record
        assert first is not None
        return f"Invoice {number} received as {first.confirmation}"

    def authenticate(self, root: ET.Element) -> None:
        def identity(path: str) -> tuple[str, str]:
            credential = root.find(f"Header/{path}/Credential")
            if credential is None:
                raise Refused(400, f"Header/{path}/Credential is missing")
            return credential.get("domain", ""), (credential.findtext("Identity") or "").strip()

        secret = (root.findtext("Header/Sender/Credential/SharedSecret") or "").strip()
        known_sender = identity("Sender") == (self.who.from_domain, self.who.sender_identity)
        if identity("From") != (self.who.from_domain, self.who.from_identity) or \
                not known_sender or \
                not hmac.compare_digest(secret.encode(), self.shared_secret.encode()):
            raise Refused(401, "Authentication failed: From/Sender identity or SharedSecret "
                               "not recognised")
        if identity("To") != (self.who.to_domain, self.who.to_identity):
            raise Refused(400, f"Unknown buyer in Header/To: {identity('To')[1]!r}")

    def check_header(self, header: ET.Element) -> tuple[str, date]:
        number = header.get("invoiceID", "").strip()
        if not number:
            raise Refused(400, "InvoiceDetailRequestHeader@invoiceID is required")
        if header.get("purpose") != "standardInvoice" or header.get("operation") != "new":
            raise Refused(400, "only purpose=\"standardInvoice\" operation=\"new\" is accepted")
        for tag in ("InvoiceDetailHeaderIndicator", "InvoiceDetailLineIndicator"):
            if header.find(tag) is None:
                raise Refused(400, f"InvoiceDetailRequestHeader/{tag} is required")
        try:
            invoice_date = datetime.fromisoformat(header.get("invoiceDate", "")).date()
        except ValueError:
            raise Refused(400, "InvoiceDetailRequestHeader@invoiceDate is not a date") \
                from None
        if invoice_date > date.fromtimestamp(self.clock()):
            raise Refused(400, "invoiceDate cannot be in the future")
        return number, invoice_date

    def purchase_order(self, order: ET.Element) -> PurchaseOrder:
        info = order.find("InvoiceDetailOrderInfo")
        references = [] if info is None else [
            found for found in (info.find("OrderIDInfo"), info.find("OrderReference"))
            if found is not None]  # (an element without children is falsy: no `or`)
        po_number = references[0].get("orderID", "") if references else ""
        found = self.db.purchase_orders(po_number) if po_number else []
        if not found:
            raise Refused(400, f"Unknown purchase order {po_number!r}")
        if found[0].status != "Open":
            raise Refused(400, f"Purchase order {po_number} is {found[0].status.lower()}")
        return found[0]

    def check_item(self, item: ET.Element, po: PurchaseOrder, numbers: set[str]) -> _Line:
        number = item.get("invoiceLineNumber", "")
        if not number.isdigit() or number in numbers:
            raise Refused(400, f"invoiceLineNumber {number!r} is missing or repeated")
        numbers.add(number)
        what = f"invoice line {number}"
        reference = item.find("InvoiceDetailItemReference")
        po_line = reference.get("lineNumber", "") if reference is not None else ""
        line = next((ln for ln in po.lines if str(ln.line) == po_line), None)
        if line is None:
            raise Refused(400, f"{what}: PO {po.number} has no line {po_line!r}")
        quantity = _number(item.get("quantity"), f"{what} quantity")
        if quantity <= 0:
            raise Refused(400, f"{what}: quantity must be above 0")
        unit = (item.findtext("UnitOfMeasure") or "").strip()
        if unit != (line.unit or "EA"):
            raise Refused(400, f"{what}: unit {unit!r} differs from PO line {line.line}'s "
                               f"{line.unit or 'EA'!r}")
        price = _money(item.find("UnitPrice"), f"{what} UnitPrice", po.currency)
        if price != line.unit_price:
            raise Refused(400, f"{what}: unit price {price} differs from PO line "
                               f"{line.line}'s {line.unit_price}")
        remaining = line.quantity - self.db.invoiced_quantities(po.number).get(line.line, 0)
        if quantity > remaining:
            raise Refused(400, f"{what}: quantity {quantity} exceeds the {remaining} "
                               f"remaining on PO line {line.line}")
        subtotal = _money(item.find("SubtotalAmount"), f"{what} SubtotalAmount", po.currency)
        if subtotal != quantize(quantity * price, po.currency):
            raise Refused(400, f"{what}: subtotal {subtotal} is not {quantity} x {price}")
        tax = self.check_tax(item.find("Tax"), what, po.currency, {subtotal})
        return _Line(po.number, line.line, quantity, subtotal, tax)

    def check_tax(self, tax: ET.Element | None, what: str, currency: str,
                  taxable: set[Decimal] | None) -> Decimal:
        """The Tax amount, checked against its TaxDetails (each rate x taxable amount)."""
        amount = _money(tax, f"{what} Tax", currency)
        details = tax.findall("TaxDetail") if tax is not None else []
        if not details:
            raise Refused(400, f"{what}: Tax without TaxDetail")
        detail_sum = Decimal(0)
        for detail in details:
            rate = _number(detail.get("percentageRate"), f"{what} TaxDetail@percentageRate")
            base = _money(detail.find("TaxableAmount"), f"{what} TaxableAmount", currency)
            value = _money(detail.find("TaxAmount"), f"{what} TaxAmount", currency)
            # per line, tax = rate x base; the summary's per-rate sums of rounded line
            # taxes may differ from rate x summed base by rounding, as on any invoice
            if taxable is not None and value != quantize(base * rate / 100, currency):
                raise Refused(400, f"{what}: tax {value} is not {rate} % of {base}")
            if taxable is not None and base not in taxable:
                raise Refused(400, f"{what}: taxable amount {base} is not the subtotal")
            detail_sum += value
        if detail_sum != amount:
            raise Refused(400, f"{what}: Tax {amount} differs from its details {detail_sum}")
        return amount

    def check_summary(self, summary: ET.Element, lines: list[_Line], currency: str) -> Decimal:
        _child_order(summary, SUMMARY_ORDER, "InvoiceDetailSummary")
        subtotal = _money(summary.find("SubtotalAmount"), "summary SubtotalAmount", currency)
        if subtotal != sum((ln.amount for ln in lines), Decimal(0)):
            raise Refused(400, f"summary subtotal {subtotal} is not the sum of the lines")
        tax = self.check_tax(summary.find("Tax"), "summary", currency, None)
        if tax != sum((ln.tax for ln in lines), Decimal(0)):
            raise Refused(400, f"summary tax {tax} is not the sum of the lines' tax")
        charges = sum((_money(summary.find(tag), f"summary {tag}", currency)
                       for tag in ("SpecialHandlingAmount", "ShippingAmount")
                       if summary.find(tag) is not None), Decimal(0))
        gross = _money(summary.find("GrossAmount"), "summary GrossAmount", currency)
        if gross != subtotal + tax + charges:
            raise Refused(400, f"summary gross {gross} is not subtotal + tax + charges "
                               f"{subtotal + tax + charges}")
        for tag in ("NetAmount", "DueAmount"):
            if _money(summary.find(tag), f"summary {tag}", currency) != gross:
                raise Refused(400, f"summary {tag} differs from the gross amount")
        return gross
