"""Remittances written as plain text: e-mail bodies, ``.txt`` attachments, bank free text.

Two passes over the text, the first that finds lines wins:

1. **A text table**: lines split into cells on tabs, ``|`` or two or more
   spaces; a header row (``Invoice   Date   Amount Paid``) makes it a grid for
   :func:`bots.remittance.tables.remittances_from_rows`.
2. **Prose** (:mod:`bots.remittance.letters`): invoices named in sentences
   ("settles your invoices 4711 (EUR 1.200,00) and 4712 ...", "less 45.00 for
   damaged goods"), in six languages.
3. **Invoice lines**: a line naming an invoice (``Invoice 12345``,
   ``INV-12345``, ``Rechnung Nr. 12345``, or a line starting with a
   reference-like token) and ending with an amount (``1,234.56``); with two
   amounts on the line the first is the gross, the last the paid amount.

"Label: value" lines give the payment fields (``Check No: 55012``,
``Payment date: 2026-04-12``, ``Total: 10,290.00``).

:func:`find_refs` is the same invoice-reference finder, for free text that
carries references without amounts (camt ``<Ustrd>``, BAI2 ``REMI``, MT940
``:86:``).

Limits: an amount must show its decimals or a currency code after it
(``1,234.56``, ``1234 EUR``); a bare integer is not taken for money, since it
may well be an invoice number, except when the advice's currency (stated, or
named by the total) has no decimals (JPY, KRW): then whole numbers right of
the invoice reference (``Invoice INV-2026-009837    1937870``,
``¥1,937,870``) are its amounts. Sentences that merely mention an invoice ("see invoice 123
attached") are read as lines only when they also carry an amount.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from bots.domain import PaymentMethod, Remittance, RemittanceLine, exponent
from bots.remittance import sniff as _sniff
from bots.remittance.columns import payment_field_for_label
from bots.remittance.errors import ExtractError
from bots.remittance.letters import is_prose, read_letter
from bots.remittance.tables import remittances_from_rows
from bots.remittance.values import (
    find_currency,
    find_payment_method,
    probe_amount,
    try_amount,
    try_date,
)

NAME = "text"
NO_LINES = "no invoice lines (a reference and an amount) and no remittance table"
FORMAT = "email"  # the spec names no "text" format: message bodies are "email"

_CCY = r"(?:USD|EUR|GBP|CAD|CHF|JPY|KRW|AUD|SEK|INR)"
_AMOUNT = re.compile(
    r"(?<![\w.,/:-])(\(?-?(?:[$€£¥]\s?|" + _CCY + r"\s?)?"
    r"\d{1,3}(?:[,.'\u00a0 ]\d{3})*(?:[.,]\d{2}|(?<=\d)(?=\s*" + _CCY + r"\b))"
    r"\)?-?)(?!\d)(?![.,/:]\d)"
    r"|(?<![\w.,/:-])(\(?-?(?:[$€£¥]\s?)?\d+[.,]\d{2}\)?-?)(?!\d)(?![.,/:]\d)")
#: A whole amount, grouped or not (``1937870``, ``¥1,937,870``): money only in a currency
#: without decimals, and only right of the invoice reference.
_WHOLE_AMOUNT = re.compile(
    r"(?<![\w.,/:-])(\(?-?(?:[$€£¥₩]\s?|" + _CCY + r"\s?)?"
    r"(?:\d{1,3}(?:[,.'\u00a0 ]\d{3})+|\d+)(?:\s?" + _CCY + r")?\)?-?)(?!\d)(?![.,/:-]\d)")
_REF_AFTER_WORD = re.compile(
    r"\b(?:invoice|inv|bill|document|doc|rechnung|facture|factura|belegnr|re|credit memo|"
    r"credit note|gutschrift|cm)\b\.?\s*"
    r"(?:no\.?|number|nr\.?|num\.?|#|ref\.?|:)?\s*[#:]?\s*"
    r"([A-Z0-9][A-Z0-9\-/_.]*\d[A-Z0-9\-/_]*|\d[A-Z0-9\-/_]*)", re.I)
_REF_TOKEN = re.compile(r"\b((?:INV|IN|RE|BILL|DOC)[-_#/]?\d[\w\-/]*)\b", re.I)
_LEADING_REF = re.compile(r"^\s*#?([A-Z]{0,4}[-_]?\d[\w\-/]{3,})\s")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_PAID_WORDS = ("paid", "payment", "net", "remitted", "zahlbetrag", "bezahlt", "betaald")
_ROLE_WORD = re.compile(r"\b(paid|payment|net|remitted|zahlbetrag|bezahlt|betaald|gross|of|"
                        r"due|invoice amount|original|betrag)\b\W*$", re.I)
_SEGMENTS = re.compile(r"\t|\s{3,}")
_CELL_SPLIT = re.compile(r"\t|\s*\|\s*|\s{2,}")
_LABEL = re.compile(r"^\s*([A-Za-z][\w .#/-]{1,40}?)\s*[:=]\s*(.+?)\s*$")


def is_available() -> bool:
    return True


def sniff(head: bytes, name: str) -> bool:
    return _sniff.is_text(head)


def decode(data: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Text from bytes: the declared charset, then UTF-8, then cp1252 (with a warning)."""
    warnings: list[str] = []
    for charset in filter(None, [declared, "utf-8"]):
        try:
            return data.decode(charset), warnings
        except (LookupError, ValueError):  # unknown, not fitting, or a NUL in the name
            if charset == declared:
                warnings.append(f"declared charset {declared!r} does not fit the text")
    warnings.append("text is not UTF-8; read as cp1252")
    return data.decode("cp1252", errors="replace"), warnings


def read(data: bytes, source: str) -> list[Remittance]:
    """A plain-text file as remittances (format ``email``: a message body)."""
    return read_decoded(data, source, remittances_from_text)


def read_decoded(data: bytes, source: str,
                 parse: Callable[..., list[Remittance]]) -> list[Remittance]:
    """Decode ``data`` (charset warnings kept), ``parse`` it, refuse when nothing is found."""
    text, warnings = decode(data)
    remittances = parse(text, source=source, fmt=FORMAT)
    if not remittances:
        raise ExtractError("not-a-remittance", NO_LINES)
    for r in remittances:
        r.warnings[:0] = warnings
    return remittances


def remittances_from_text(text: str, *, source: str, fmt: str,
                          hints: dict[str, str] | None = None,
                          currency: str | None = None) -> list[Remittance]:
    """The remittances a plain text states (a table, or invoice lines).

    Quoted lines of an earlier message (``> ...``) are not read.
    """
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(">")]
    labels = dict(hints or {})
    labels.update(labels_in(lines))
    currency = currency or labels.get("currency") or find_currency(text)
    rows = [_CELL_SPLIT.split(line.strip()) for line in lines]
    found = remittances_from_rows(rows, source=source, fmt=fmt, currency=currency,
                                  hints=labels)
    if found:
        return found
    if is_prose(text) and (letter := read_letter("\n".join(lines), source=source, fmt=fmt,
                                                 hints=labels, currency=currency)):
        return [letter]  # sentences, not one invoice per line: bots.remittance.letters
    whole_units = any(c and exponent(c) == 0
                      for c in (currency, find_currency(labels.get("total", ""))))
    invoice_lines = [line for text_line in lines
                     if (line := parse_line(text_line, whole_units=whole_units))]
    if not invoice_lines:
        return []
    currency = currency or find_currency(labels.get("total", ""))
    warnings = [] if currency else ["currency not stated; assumed USD"]
    when = labels.get("payment_date")
    method = find_payment_method(labels.get("payment_method", ""))
    return [Remittance(
        id="", source=source, format=fmt, currency=currency or "USD", lines=invoice_lines,
        payer_name=labels.get("payer_name"), payer_account=labels.get("payer_account"),
        payment_ref=labels.get("payment_ref"), payment_date=try_date(when) if when else None,
        payment_method=PaymentMethod(method) if method else None,
        total=try_amount(labels.get("total")), warnings=warnings)]


def labels_in(lines: list[str]) -> dict[str, str]:
    """Payment fields from "Label: value" lines (the first of each wins)."""
    found: dict[str, str] = {}
    for line in lines:  # "PAYMENT DATE : 04/13/2026     PAYMENT METHOD : ACH": two labels
        for segment in _SEGMENTS.split(line):
            m = _LABEL.match(segment)
            if m and (name := payment_field_for_label(m[1])):
                found.setdefault(name, m[2])
    return found


def parse_line(text: str, whole_units: bool = False) -> RemittanceLine | None:
    """One "invoice ... amount" line, or None when the line is not one.

    ``whole_units``: the currency has no decimals, so whole numbers right of
    the reference are amounts too (``Invoice INV-2026-009837    1937870``).
    """
    found = [(m.start(), m.group(1) or m.group(2)) for m in _AMOUNT.finditer(text)]
    refs = find_refs(text)
    if whole_units and not found:
        after = _after_reference(text, refs)
        found = [(m.start(), m.group(1)) for m in _WHOLE_AMOUNT.finditer(text, after)] \
            if after is not None else []
    amounts = [(start, v) for start, a in found if (v := try_amount(a)) is not None]
    if not amounts:
        return None
    values = [v for _, v in amounts]
    if not refs:
        m = _LEADING_REF.match(text)
        if not m or _DATE_LIKE.match(m[1]) or probe_amount(m[1]) == values[0]:
            return None
        refs = [m[1]]
    label = _LABEL.match(text)
    if label and payment_field_for_label(label[1]):
        return None
    paid, gross = values[-1], values[0] if len(values) >= 2 else None
    discount = abs(values[1]) if len(values) >= 3 else Decimal(0)
    roles = {_role(text[max(0, start - _ROLE_REACH):start]): v for start, v in amounts}
    if "paid" in roles:  # "paid 500.00 of 1,000.00": the words say which is which
        paid = roles["paid"]
        gross = roles.get("gross", next((v for v in values if v != paid), None))
    return RemittanceLine(invoice_ref=refs[0], paid_amount=paid, gross_amount=gross,
                          discount=discount)


def _after_reference(text: str, refs: list[str]) -> int | None:
    """Where the amount columns start: after the first reference of ``text``, else None."""
    m = _LEADING_REF.match(text)
    if refs:
        return text.index(refs[0]) + len(refs[0])
    if m and not _DATE_LIKE.match(m[1]):
        return m.end(1)
    return None


#: How far before an amount its role word may stand (a window, so that a long line stays linear).
_ROLE_REACH = 40


def _role(before: str) -> str | None:
    """``paid`` or ``gross`` when the words just before an amount say so."""
    m = _ROLE_WORD.search(before)
    if not m:
        return None
    return "paid" if m[1].lower() in _PAID_WORDS else "gross"


def find_refs(text: str) -> list[str]:
    """Invoice references named in free text, in order, without repeats."""
    refs: list[str] = []
    for m in list(_REF_AFTER_WORD.finditer(text)) + list(_REF_TOKEN.finditer(text)):
        ref = m.group(1).rstrip(".-/")
        if ref and not _DATE_LIKE.match(ref) and ref not in refs:
            refs.append(ref)
    return refs
