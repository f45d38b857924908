"""Which column of a remittance table holds what: header words and their synonyms.

Payers label the same thing a dozen ways (``Invoice #``, ``Inv No.``,
``Document``, ``Your Reference``). :func:`field_for_header` maps one header
cell to a canonical field of :class:`bots.domain.RemittanceLine`, or None::

    >>> field_for_header("Inv. No.")
    'invoice_ref'
    >>> field_for_header("Net Paid")
    'paid_amount'

PDF tables, HTML tables in e-mails and CSV/XLSX sheets all use this one map,
so a synonym added here helps every format.
"""

from __future__ import annotations

import re

# canonical field -> header texts, already normalised (lower case, single spaces, no punctuation)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "invoice_ref": (
        "invoice", "invoice no", "invoice number", "invoice num", "invoice nr", "invoice id",
        "inv", "inv no", "inv nr", "inv num", "inv number", "inv ref", "invoice ref",
        "invoice reference", "document", "document no", "document number", "doc no", "doc",
        "doc number", "your reference", "your ref", "reference", "ref", "ref no",
        "supplier invoice", "vendor invoice", "vendor invoice no", "bill no", "bill number",
        "rechnung", "rechnungsnummer", "factura", "facture", "belegnummer",
    ),
    "po_number": ("po", "po no", "po number", "purchase order", "purchase order no",
                  "order no", "order number", "customer po", "bestellnummer"),
    "invoice_date": ("invoice date", "inv date", "doc date", "document date", "date",
                     "rechnungsdatum"),
    "gross_amount": ("gross", "gross amount", "invoice amount", "inv amount", "amount due",
                     "original amount", "invoice total", "gross amt", "inv amt", "amount",
                     "betrag", "document amount"),
    "discount": ("discount", "disc", "discount taken", "cash discount", "disc amt",
                 "discount amount", "skonto"),
    "deduction": ("deduction", "deductions", "adjustment", "adjustments", "adj",
                  "short pay", "chargeback", "deduction amount", "adj amount", "other deductions"),
    "deduction_reason": ("reason", "deduction reason", "reason code", "adj reason",
                         "adjustment reason", "remarks", "comment", "comments", "memo"),
    "paid_amount": ("paid", "net paid", "amount paid", "payment", "payment amount", "net",
                    "net amount", "paid amount", "amt paid", "net pay", "remitted",
                    "amount remitted", "zahlbetrag", "net payment"),
}

_LOOKUP = {text: field for field, texts in SYNONYMS.items() for text in texts}
_PUNCT = re.compile(r"[^a-z0-9]+")


def normalise_header(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces (``"Inv. No."`` -> ``"inv no"``)."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def field_for_header(text: str) -> str | None:
    """The canonical field a header cell names, or None when it names none."""
    key = normalise_header(text)
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "Invoice Amount (USD)", "Net Paid USD": drop a trailing currency word
    trimmed = re.sub(r"\s+(usd|eur|gbp|cad|jpy|chf|amount)$", "", key)
    return _LOOKUP.get(trimmed)


def map_header_row(cells: list[str]) -> dict[int, str]:
    """Column index -> field for a header row; the first column wins a field."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        field = field_for_header(cell or "")
        if field and field not in taken:
            mapping[i] = field
            taken.add(field)
    return mapping


def looks_like_header(cells: list[str]) -> bool:
    """True when a row names an invoice column and at least one amount column."""
    fields = set(map_header_row(cells).values())
    return "invoice_ref" in fields and bool(fields & {"paid_amount", "gross_amount"})
