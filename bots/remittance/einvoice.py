"""E-invoices in the remittance mailbox: recognised and named, never read as payments.

Customers send invoices to the address that receives remittance advices, and
suppliers send theirs. An invoice is not a remittance (interchange spec v1.2):
it gives no output line and a failure with code ``e-invoice`` whose reason
starts with :data:`~bots.remittance.errors.EINVOICE_REASON` and says which
kind it is (intake quarantines it with that reason)::

    e-invoice, not a remittance (XRechnung (UBL) invoice RE-2026-0412)

What is recognised:

=================  ==========================================================
Factur-X/ZUGFeRD   a PDF carrying an embedded invoice XML (``factur-x.xml``,
                   ``zugferd-invoice.xml``, ``xrechnung.xml``), found with the
                   ``factur-x`` package, which extracts the CII XML
CII XML            root ``CrossIndustryInvoice`` in
                   ``urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100``
                   (Factur-X, ZUGFeRD 2.x, XRechnung CII); ZUGFeRD 1.0 root
                   ``CrossIndustryDocument`` in ``urn:ferd:CrossIndustryDocument:invoice:1p0``
UBL XML            root ``Invoice`` or ``CreditNote`` in
                   ``urn:oasis:names:specification:ubl:schema:xsd:Invoice-2`` /
                   ``...:CreditNote-2`` (Peppol BIS, XRechnung UBL)
XRechnung          either XML whose specification identifier (UBL
                   ``CustomizationID``, CII guideline ``ID``) names ``xrechnung``
plain invoice PDF  a PDF the remittance reader found nothing in, whose first page
                   has a line starting with Invoice, Tax Invoice, Rechnung,
                   Facture, Factuur, Fattura or Factura, an invoice-number
                   label and no payment-advice words (:func:`refuse_invoice_pdf`)
=================  ==========================================================

The XML is parsed by :mod:`bots.remittance.safexml` (no DTD, no entities).
A Factur-X PDF is only opened for its attachments when its bytes show an
embedded file, so ordinary PDFs cost one byte search.
"""

from __future__ import annotations

import logging
import re
from xml.etree.ElementTree import Element

from bots.domain import Remittance
from bots.remittance import safexml
from bots.remittance import sniff as _sniff
from bots.remittance.errors import EINVOICE_REASON, ExtractError

log = logging.getLogger(__name__)

NAME = "e-invoice"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#: (root local name, namespace) -> the kind of e-invoice it is.
ROOTS = {("CrossIndustryInvoice", CII): "CII", ("CrossIndustryDocument", ZUGFERD1): "ZUGFeRD 1",
         ("Invoice", UBL_INVOICE): "UBL", ("CreditNote", UBL_CREDIT_NOTE): "UBL"}
_EMBEDDED = re.compile(rb"/EmbeddedFile|/AF\s*[\[\d]|factur-x|zugferd|xrechnung", re.I)
_TITLE = re.compile(r"^\s*(?:tax\s+|commercial\s+|proforma\s+)?(?:invoice|rechnung|facture|"
                    r"factuur|fattura|factura)\b", re.I | re.M)
_NUMBER_LABEL = re.compile(r"\b(?:invoice\s*(?:no|number|nr|#|date)|rechnungs-?(?:nr|nummer|"
                           r"datum)|n[o°]\s*de\s*facture|factuurnummer|factuurnr|numero\s+"
                           r"fattura|n[uú]mero\s+de\s+factura|invoice)\b", re.I)
_ADVICE_WORDS = re.compile(r"remittance\s+(?:advice|details?|statement)|payment\s+advice|"
                           r"zahlungsavis|avis\s+de\s+(?:paiement|r[eè]glement)|"
                           r"betalingsadvies|we\s+have\s+paid|payment\s+(?:ref|no\b|number)|"
                           r"zahlungsnummer|check\s+(?:no\b|number)|cheque\s+(?:no\b|number)",
                           re.I)


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    """An XML e-invoice, by its root element and namespace."""
    root = _sniff.xml_root(head)
    return root is not None and root in ROOTS


def read(data: bytes, source: str) -> list[Remittance]:
    """Never returns: an XML e-invoice is refused with code ``e-invoice``."""
    root = _sniff.xml_root(data[:_sniff.HEAD_BYTES])
    raise ExtractError("e-invoice", describe(data, ROOTS.get(root, "XML") if root else "XML"))


def refuse_facturx(data: bytes) -> None:
    """Raise ``e-invoice`` when the PDF ``data`` carries a Factur-X/ZUGFeRD/XRechnung XML."""
    if not _EMBEDDED.search(data):
        return
    try:
        import facturx
    except ImportError:  # optional: without it, hybrid PDFs are read as plain PDFs
        return
    try:
        filename, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    except Exception:  # a PDF factur-x cannot open is the PDF reader's to judge
        log.debug("factur-x could not look into the PDF", exc_info=True)
        return
    if not xml:
        return
    kind = "Factur-X/ZUGFeRD" if "xrechnung" not in str(filename).lower() else "XRechnung"
    raise ExtractError("e-invoice", describe(xml, f"{kind} PDF, {filename}"))


def refuse_invoice_pdf(data: bytes) -> None:
    """Raise ``e-invoice`` when a PDF's first page is an invoice, not a payment advice.

    For PDFs the remittance reader found nothing in; a PDF that cannot be read
    is left to that reader's own failure.
    """
    from bots.remittance.pdf_words import read_words

    try:
        [page] = read_words(data, max_pages=1)[:1] or [[]]
    except ExtractError:
        return
    rows: dict[int, list[str]] = {}
    for word in page:  # words on one baseline (within 3 points) make a line
        rows.setdefault(round(word.top / 3), []).append(word.text)
    text = "\n".join(" ".join(words) for _, words in sorted(rows.items()))
    title = _TITLE.search(text[:3000])
    if title and _NUMBER_LABEL.search(text) and not _ADVICE_WORDS.search(text):
        raise ExtractError("e-invoice", f"{EINVOICE_REASON} (an invoice PDF titled "
                                        f"{title[0].strip()!r})")


def describe(xml: bytes, kind: str) -> str:
    """The failure reason for an e-invoice XML: its flavour and number when readable."""
    root = _parse(xml)
    if root is None:
        return f"{EINVOICE_REASON} ({kind})"
    guideline = _text(root, "CustomizationID") or next(
        (found for context in ("ExchangedDocumentContext", "SpecifiedExchangedDocumentContext")
         if (found := _text(root, f"{context}/GuidelineSpecifiedDocumentContextParameter/ID"))),
        "")
    if "xrechnung" in guideline.lower() and "XRechnung" not in kind:
        kind = f"XRechnung ({kind})"
    what = "credit note" if root.tag == "CreditNote" else "invoice"
    number = _text(root, "ID") or _text(root, "ExchangedDocument/ID") or \
        _text(root, "HeaderExchangedDocument/ID")
    return f"{EINVOICE_REASON} ({kind} {what}{' ' + number if number else ''})"


def _parse(xml: bytes) -> Element | None:
    try:
        return safexml.parse(xml)
    except ExtractError:  # an unreadable invoice is still named an e-invoice, without details
        return None


def _text(el: Element, path: str) -> str:
    found = el.find(path)
    return (found.text or "").strip() if found is not None else ""
