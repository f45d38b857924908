"""cXML 1.2 InvoiceDetailRequest: the invoice as a buyer network takes it, and its answer.

    doc = invoice_request(invoice, identities, secret, now=datetime.now(UTC))
    body = to_bytes(doc)                     # POST it (:mod:`bots.portals.cxml_sender`)
    status = read_status(response_bytes)     # Status@code, @text and the buyer's words
    redacted(doc)                            # what goes to the run folder

The document (cXML User's Guide, InvoiceDetailRequest; ``version`` 1.2.014):

* ``cXML`` with a **deterministic** ``payloadID`` (:func:`payload_id`, from
  the submission's idempotency key: the same invoice always gets the same ID,
  so a resend after a crash is recognised by the buyer) and ``timestamp``;
* ``Header``: ``From``/``To``/``Sender`` credentials (``domain`` +
  ``Identity``), the Sender's ``SharedSecret`` (from a secret reference, read
  only here and never written anywhere but the request body) and UserAgent;
* ``InvoiceDetailRequestHeader`` (``invoiceID`` = our invoice number,
  ``purpose="standardInvoice"``, ``operation="new"``, ``invoiceDate``),
  ``InvoiceDetailHeaderIndicator``, ``InvoiceDetailLineIndicator
  isTaxInLine="yes"``;
* one ``InvoiceDetailOrder`` per PO (``OrderIDInfo orderID``), one
  ``InvoiceDetailItem`` per line: ``invoiceLineNumber`` (1, 2, ... over the
  invoice), ``quantity``, ``UnitOfMeasure`` (the line's ISO unit, ``EA``
  when none), ``UnitPrice``, ``InvoiceDetailItemReference lineNumber`` = the
  PO line, ``SubtotalAmount`` and ``Tax`` with one ``TaxDetail``
  (``percentageRate``, taxable and tax amount; category ``vat``, or
  ``sales`` for a US company);
* ``InvoiceDetailSummary``: ``SubtotalAmount``, ``Tax`` (one ``TaxDetail``
  per rate), ``SpecialHandlingAmount`` / ``ShippingAmount`` for charges,
  ``GrossAmount``, ``NetAmount``, ``DueAmount``.

Money is written from ``Decimal`` with the currency's decimals, never through
a float. Answers are parsed with :mod:`defusedxml` (no entities, no external
references).

The buyer's later decisions (``StatusUpdateRequest``) are read by
:mod:`bots.portals.cxml_status`, on the same envelope (:func:`envelope`).

Limits: credit memos (``purpose="lineLevelCreditMemo"``) and discounts are
not handled; the DTD is not vendored (its licence, published at
cxml.org/license.html, lets the unmodified DTDs be copied only with the
licence text attached, which could not be fetched from here), so the
structure follows the User's Guide and the reference endpoint checks it
(:mod:`bots.sandbox.portals.cxml`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bots.domain import format_amount, quantize, stable_id
from bots.portals.artifacts import file_safe
from bots.portals.invoice import InvoiceLine, PortalInvoice

VERSION = "1.2.014"
DOCTYPE = (f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{VERSION}/'
           'InvoiceDetail.dtd">')
USER_AGENT = "arbots"
REDACTED = "***"


@dataclass(frozen=True)
class Identities:
    """Who talks to whom: the network IDs of our supplier account and of the buyer."""

    from_identity: str
    to_identity: str
    sender_identity: str
    from_domain: str = "NetworkID"
    to_domain: str = "NetworkID"
    deployment: str = "production"  # production | test


@dataclass(frozen=True)
class Status:
    """The ``Status`` of a cXML response: code, text and the buyer's words."""

    code: int
    text: str
    message: str

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300

    @property
    def words(self) -> str:
        """Code, text and message in one line, for reports."""
        return f"{self.code} {self.text}" + (f": {self.message}" if self.message else "")


class CxmlError(ValueError):
    """A response that is not a cXML answer with a Status."""


def payload_id(invoice: PortalInvoice, domain: str = "arbots.invalid") -> str:
    """The deterministic payloadID of ``invoice``: the same submission, the same ID."""
    key = invoice.submission.idempotency_key
    return f"{stable_id('cxml', key, length=20)}.{file_safe(invoice.invoice_no)}@{domain}"


def _money(parent: ET.Element, tag: str, amount: Decimal, currency: str) -> ET.Element:
    holder = ET.SubElement(parent, tag)
    ET.SubElement(holder, "Money", currency=currency).text = format_amount(amount, currency)
    return holder


def _credential(parent: ET.Element, domain: str, identity: str) -> ET.Element:
    credential = ET.SubElement(parent, "Credential", domain=domain)
    ET.SubElement(credential, "Identity").text = identity
    return credential


def _plain(number: Decimal) -> str:
    """A rate or quantity without exponent or trailing zeros (``19``, ``8.875``)."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _tax(parent: ET.Element, taxable: Decimal, tax: Decimal, rate: Decimal, currency: str,
         category: str, description: str) -> None:
    element = _money(parent, "Tax", tax, currency)
    ET.SubElement(element, "Description", {"xml:lang": "en"}).text = description
    detail = ET.SubElement(element, "TaxDetail", purpose="tax", category=category,
                           percentageRate=_plain(rate))
    _money(detail, "TaxableAmount", taxable, currency)
    _money(detail, "TaxAmount", tax, currency)


def _item(order: ET.Element, number: int, line: InvoiceLine, currency: str,
          category: str) -> None:
    item = ET.SubElement(order, "InvoiceDetailItem", invoiceLineNumber=str(number),
                         quantity=_plain(line.quantity))
    ET.SubElement(item, "UnitOfMeasure").text = line.unit or "EA"
    unit_price = ET.SubElement(ET.SubElement(item, "UnitPrice"), "Money", currency=currency)
    price = line.unit_price  # the currency's decimals, or more when the price has them
    unit_price.text = format_amount(price, currency) if quantize(price, currency) == price \
        else _plain(price)
    reference = ET.SubElement(item, "InvoiceDetailItemReference", lineNumber=str(line.po_line))
    ET.SubElement(reference, "Description", {"xml:lang": "en"}).text = line.description
    _money(item, "SubtotalAmount", line.amount, currency)
    _tax(item, line.amount, line.tax_amount, line.tax_rate, currency, category,
         f"{_plain(line.tax_rate)} % {line.tax_code}".strip())


def envelope(payload: str, who: Identities, shared_secret: str, now: datetime,
             request_tag: str) -> tuple[ET.Element, ET.Element]:
    """A supplier's cXML request: the root (``payload`` as payloadID, ``now`` as
    timestamp), its Header with From/To/Sender and the SharedSecret, and the empty
    ``Request/<request_tag>`` element, returned to be filled."""
    root = ET.Element("cXML", {"payloadID": payload,
                               "timestamp": now.astimezone(UTC).isoformat(timespec="seconds"),
                               "version": VERSION, "xml:lang": "en-US"})
    header = ET.SubElement(root, "Header")
    _credential(ET.SubElement(header, "From"), who.from_domain, who.from_identity)
    _credential(ET.SubElement(header, "To"), who.to_domain, who.to_identity)
    sender = ET.SubElement(header, "Sender")
    credential = _credential(sender, who.from_domain, who.sender_identity)
    ET.SubElement(credential, "SharedSecret").text = shared_secret
    ET.SubElement(sender, "UserAgent").text = USER_AGENT
    request = ET.SubElement(ET.SubElement(root, "Request", deploymentMode=who.deployment),
                            request_tag)
    return root, request


def invoice_request(invoice: PortalInvoice, who: Identities, shared_secret: str, *,
                    now: datetime, tax_category: str = "vat") -> ET.Element:
    """The cXML InvoiceDetailRequest of ``invoice`` (see the module docstring)."""
    cur = invoice.currency
    root, request = envelope(payload_id(invoice), who, shared_secret, now,
                             "InvoiceDetailRequest")
    invoice_day = datetime.combine(invoice.invoice_date, time(), UTC)
    head = ET.SubElement(request, "InvoiceDetailRequestHeader", {
        "invoiceID": invoice.invoice_no, "purpose": "standardInvoice", "operation": "new",
        "invoiceDate": invoice_day.isoformat(timespec="seconds")})
    ET.SubElement(head, "InvoiceDetailHeaderIndicator")
    ET.SubElement(head, "InvoiceDetailLineIndicator", isTaxInLine="yes")
    number = 0
    for po, lines in invoice.orders().items():
        order = ET.SubElement(request, "InvoiceDetailOrder")
        ET.SubElement(ET.SubElement(order, "InvoiceDetailOrderInfo"), "OrderIDInfo",
                      orderID=po)
        for line in lines:
            number += 1
            _item(order, number, line, cur, tax_category)
    summary = ET.SubElement(request, "InvoiceDetailSummary")
    subtotal = sum((ln.amount for ln in invoice.lines), Decimal(0))
    tax = sum((ln.tax_amount for ln in invoice.lines), Decimal(0))
    _money(summary, "SubtotalAmount", subtotal, cur)
    total_tax = _money(summary, "Tax", tax, cur)
    ET.SubElement(total_tax, "Description", {"xml:lang": "en"}).text = "Total tax"
    for rate, (taxable, amount) in _by_rate(invoice.lines).items():
        detail = ET.SubElement(total_tax, "TaxDetail", purpose="tax", category=tax_category,
                               percentageRate=_plain(rate))
        _money(detail, "TaxableAmount", taxable, cur)
        _money(detail, "TaxAmount", amount, cur)
    if invoice.charge("handling"):
        _money(summary, "SpecialHandlingAmount", invoice.charge("handling"), cur)
    if invoice.charge("freight"):
        _money(summary, "ShippingAmount", invoice.charge("freight"), cur)
    for tag in ("GrossAmount", "NetAmount", "DueAmount"):
        _money(summary, tag, invoice.total, cur)
    return root


def _by_rate(lines: tuple[InvoiceLine, ...]) -> dict[Decimal, tuple[Decimal, Decimal]]:
    sums: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        taxable, tax = sums.get(line.tax_rate, (Decimal(0), Decimal(0)))
        sums[line.tax_rate] = (taxable + line.amount, tax + line.tax_amount)
    return sums


def to_bytes(root: ET.Element) -> bytes:
    """The document as sent: XML declaration, the DOCTYPE, UTF-8."""
    body = ET.tostring(root, encoding="unicode")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n{body}\n').encode()


def redacted(root: ET.Element) -> bytes:
    """The document with every SharedSecret (and Credential password) replaced by ***."""
    copy = deepcopy(root)
    for credential in copy.iter("Credential"):
        for secret in (*credential.iter("SharedSecret"), *credential.iter("DigitalSignature"),
                       *credential.iter("CredentialMac")):
            secret.text = REDACTED
            for name in list(secret.attrib):
                del secret.attrib[name]
            for child in list(secret):
                secret.remove(child)
    return to_bytes(copy)


def parse_answer(body: bytes) -> ET.Element:
    """The root of a cXML answer with a ``Response/Status`` (raises CxmlError otherwise)."""
    try:
        root = SafeET.fromstring(body, forbid_dtd=False)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise CxmlError(f"the answer is not cXML: {exc}") from None
    if root.tag != "cXML" or root.find("Response/Status") is None:
        raise CxmlError("the answer is not a cXML Response with a Status")
    return root


def status_of(element: ET.Element) -> Status:
    """A ``Status`` element read: code, text and the words inside it."""
    try:
        code = int(element.get("code", ""))
    except ValueError:
        raise CxmlError(f"Status@code is not a number: {element.get('code')!r}") from None
    return Status(code, element.get("text", ""), " ".join((element.text or "").split()))


def read_status(body: bytes) -> Status:
    """The Status of a cXML response body (raises CxmlError when there is none)."""
    status = parse_answer(body).find("Response/Status")
    assert status is not None  # parse_answer checked it
    return status_of(status)
