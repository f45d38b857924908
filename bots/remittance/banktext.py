"""The free text of bank bookings: which invoices a payer names in it.

Bank files carry a few dozen characters of purpose text per booking (MT940
``:86:``, camt ``<Ustrd>``, BAI2 ``REMI``/``88`` records). Payers write their
invoice numbers there after an invoice word in their own language, often
several in a row::

    >>> invoice_refs("Factuurnr 123456 Klantnr 00123")
    ['123456']
    >>> invoice_refs("Rechnung 4711 und 4712 vom 12.03.2026")
    ['4711', '4712']
    >>> invoice_refs("facture n° F-2026-77 du 12.03.2026")
    ['F-2026-77']

Invoice words and their abbreviations: EN (Invoice, Inv, Bill), DE (Rechnung, Rechn.,
Rg., RE, Rechnungsnr., RE-Nr., Rg.-Nr.), NL (Factuur, Facturen, Factuurnr), FR
(facture, Fact., FA), ES (factura, Fra., Fac.), IT (fattura, Fatt., FT), each with
or without a number word (Nr., n°, nº, No., #); lists joined by ``,`` ``;`` ``&``
``+`` and/und/en/et/y/e. A date is never a
reference, nor is a token that runs into one (``12.03.2026``). Without an
invoice word, the tokens :func:`bots.remittance.plaintext.find_refs` knows
(``INV-1234``, ``RE 4711``) are used.

:func:`lines_for` turns the references into lines: one reference takes the
whole booking; several take the amounts the text states after each of them
when those add up to the booking, else they are named in a warning.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bots.domain import RemittanceLine
from bots.remittance.plaintext import find_refs
from bots.remittance.values import try_amount

# the invoice word and its abbreviations in six languages ("Rg.", "Rechn.", "Fact.", "Fra.",
# "Fatt.", "FT", "FA", "Inv."), then a number word ("Nr.", "n°", "nº", "No.", "#")
_INVOICE_WORD = (r"(?:rechnungs?(?:-?nr|-?nummer)?|rechn|rech|rg|re|factuur(?:nr|nummer)?|"
                 r"facturen|factures?|facturas?|fattur[ae]|fatt|fact|fac|fra|fa|ft|invoices?|"
                 r"inv|bills?)")
_NUMBER_WORD = r"(?:n[or°º]?|nr|nummer|number|num|n[uú]mero|#)"
_REF_TOKEN = r"(?:[A-Z]{1,4}[-/]?)?\d[\w\-/]*(?![\w\-/])(?![.,]\d)"  # 12.03.2026 is no ref
_SEPARATOR = r"\s*(?:,|;|&|\+|\bund\b|\ben\b|\bet\b|\band\b|\by\b|\be\b)\s*"
_INVOICE_REFS = re.compile(
    r"(?<![^\W\d_])" + _INVOICE_WORD + r"(?![^\W\d_])\.?\s*-?\s*(?:" + _NUMBER_WORD
    + r"(?![^\W\d_])\.?)?\s*[:#.]?\s*"
    r"(" + _REF_TOKEN + r"(?:" + _SEPARATOR + _REF_TOKEN + r")*)", re.I)
_LIST_SEP = re.compile(_SEPARATOR, re.I)
_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
                        r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")  # 20260412
_AMOUNT = re.compile(r"(?<![\w,.])(?:\d{1,3}(?:[.']\d{3})+|\d+),\d{2}(?![\d,])"
                     r"|(?<![\w,.])(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}(?![\d.])")
_CUSTOMER_NO = re.compile(r"\b(?:kunden-?nr|kd\.?-?nr|kundennummer|klantnr|klantnummer|"
                          r"client\s*n[o°]|customer\s*no)\b\.?\s*[:.]?\s*(\d[\w\-]*)", re.I)


def invoice_refs(text: str) -> list[str]:
    """Invoice references in free text, in order, without repeats (see the module)."""
    refs: list[str] = []
    for m in _INVOICE_REFS.finditer(text):
        for token in _LIST_SEP.split(m[1]):
            token = token.rstrip(".-/")
            if token and not _DATE_LIKE.fullmatch(token) and token not in refs:
                refs.append(token)
    if not refs:
        refs = [r for r in find_refs(text) if not _DATE_LIKE.fullmatch(r)]
    return refs


def customer_number(text: str) -> str | None:
    """Our customer number as the payer states it ("Kundennr. 4711", "Klantnr 00123")."""
    m = _CUSTOMER_NO.search(text)
    return m[1] if m else None


def lines_for(refs: list[str], text: str, total: Decimal,
              warnings: list[str]) -> list[RemittanceLine]:
    """One line per reference: the whole ``total`` for one, the stated amounts for several.

    Several references whose amounts the ``text`` does not state (or that do not
    add up to ``total``) give no lines and a warning naming them.
    """
    if len(refs) == 1:
        return [RemittanceLine(invoice_ref=refs[0], paid_amount=total)]
    if not refs:
        return []
    amounts: list[Decimal] = []
    for ref, after in zip(refs, [*refs[1:], None], strict=True):
        start = text.find(ref) + len(ref)
        stop = text.find(after, start) if after else len(text)
        found = _AMOUNT.search(text, start, stop if stop >= start else len(text))
        value = try_amount(found[0]) if found else None
        if value is None:
            break
        amounts.append(value)
    if len(amounts) == len(refs) and sum(amounts) == total:
        return [RemittanceLine(invoice_ref=r, paid_amount=a)
                for r, a in zip(refs, amounts, strict=True)]
    warnings.append(f"references without amounts: {', '.join(refs)}")
    return []
