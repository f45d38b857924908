"""Which column of a remittance table holds what: header words and their synonyms.

Payers label the same thing a dozen ways (``Invoice #``, ``Inv No.``,
``Document``, ``Your Reference``). :func:`field_for_header` maps one header
cell to a canonical field of :class:`bots.domain.RemittanceLine`, or None::

    >>> field_for_header("Inv. No.")
    'invoice_ref'
    >>> field_for_header("Net Paid")
    'paid_amount'

PDF tables, HTML tables in e-mails and CSV/XLSX sheets all use this one map,
so a synonym added here helps every format. A header not listed but made only
of header words ("Supplier Inv #", "Net Amt", "Rech.-Nr.") is read by its key
word. :data:`PAYMENT_SYNONYMS` names the payment-level labels ("Check No:",
"Payment date:") that :func:`payment_field_for_label` recognises.
"""

from __future__ import annotations

import re
import unicodedata

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
                     "rechnungsdatum", "belegdatum"),
    "gross_amount": ("gross", "gross amount", "invoice amount", "inv amount", "amount due",
                     "original amount", "invoice total", "gross amt", "inv amt", "amount",
                     "betrag", "document amount", "bruttobetrag", "brutto"),
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
    """Lower case, accents off, punctuation to spaces (``"Inv. No."`` -> ``"inv no"``)."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return " ".join(_PUNCT.sub(" ", folded).split())


def field_for_header(text: str) -> str | None:
    """The canonical field a header cell names, or None when it names none."""
    key = normalise_header(text)
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "Invoice Amount (USD)", "Net Paid USD": drop a trailing currency word
    trimmed = re.sub(r"\s+(usd|eur|gbp|cad|jpy|chf|amount)$", "", key)
    if trimmed in _LOOKUP:
        return _LOOKUP[trimmed]
    return None if key in _PAYMENT_LOOKUP else _by_words(key)


# Fallback for headers not listed above ("Supplier Inv #", "Net Amt", "Rech.-Nr."):
# a header made only of header words is read by its key word, first rule first.
_ABBREVIATIONS = {"inv": "invoice", "amt": "amount", "disc": "discount", "ded": "deduction",
                  "adj": "adjustment", "doc": "document", "ref": "reference", "rech": "rechnung",
                  "dt": "date", "orig": "original", "no": "number", "nr": "number",
                  "num": "number", "nbr": "number", "id": "number", "remarks": "remark",
                  "comments": "comment", "deductions": "deduction", "adjustments": "adjustment"}
_WORD_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("deduction_reason", frozenset({"reason", "remark", "comment", "grund"})),
    ("discount", frozenset({"discount", "skonto"})),
    ("deduction", frozenset({"deduction", "adjustment", "chargeback", "abzug"})),
    ("paid_amount", frozenset({"paid", "remitted", "payment", "net", "zahlbetrag", "bezahlt"})),
    ("po_number", frozenset({"po", "purchase", "order", "bestellung", "bestellnummer"})),
    ("invoice_date", frozenset({"date", "datum", "fecha"})),
    ("gross_amount", frozenset({"amount", "gross", "due", "original", "betrag", "montant",
                                "importe"})),
    ("invoice_ref", frozenset({"invoice", "document", "bill", "rechnung", "facture", "factura",
                               "beleg", "reference"})),
)
_HEADER_WORDS = frozenset().union(*(words for _, words in _WORD_RULES)) | {
    "number", "your", "supplier", "vendor", "taken", "applied", "short", "pay", "of", "usd",
    "eur", "gbp", "chf", "jpy", "cad", "value", "total", "in", "dc", "lc", "fc"}


def _by_words(key: str) -> str | None:
    words = {_ABBREVIATIONS.get(w, w) for w in key.split()}
    if not words or len(words) > 5 or not words <= _HEADER_WORDS | {"code"}:
        return None
    if "code" in words:  # "Deduction Code" names the reason; a lone "Code" names nothing
        return "deduction_reason" if words & {"deduction", "adjustment", "reason"} else None
    for field, keys in _WORD_RULES:
        if words & keys:
            return field
    return None


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


# Payment-level labels: a column that groups rows into payments, or a "Label: value"
# cell/line above a table. Kept apart from SYNONYMS so that line tables never take them.
PAYMENT_SYNONYMS: dict[str, tuple[str, ...]] = {
    # "vendor/supplier number" is the payer's number for us, not our number for the payer
    "payer_name": ("payer", "payer name", "customer", "customer name", "remitter",
                   "company", "from", "paid by", "debtor", "zahler", "auftraggeber"),
    "payer_account": ("customer no", "customer number", "customer id", "account no",
                      "account number", "your customer no", "kundennummer"),
    "payment_ref": ("check no", "check number", "cheque no", "cheque number", "check",
                    "eft no", "eft number", "eft ref", "trace no", "trace number",
                    "payment ref", "payment reference", "payment no", "payment number",
                    "payment id", "remittance no", "remittance number", "ach trace",
                    "payment document", "payment doc", "advice no", "advice number",
                    "avis nr", "avis no", "reference", "zahlungsnummer"),
    "payment_date": ("payment date", "check date", "cheque date", "pay date", "value date",
                     "remittance date", "date paid", "paid on", "date of payment",
                     "zahlungsdatum"),
    "payment_method": ("payment method", "payment type", "method of payment", "pay method",
                       "zahlungsart"),
    "currency": ("currency", "ccy", "curr", "wahrung"),
    "total": ("total", "total paid", "payment total", "total payment", "check amount",
              "cheque amount", "payment amount total", "total amount", "grand total",
              "amount of payment", "eft amount", "total remitted", "payment amount",
              "amount", "gesamtbetrag"),
}

_PAYMENT_LOOKUP = {text: field for field, texts in PAYMENT_SYNONYMS.items() for text in texts}


def payment_field_for_label(text: str) -> str | None:
    """The payment-level field a label names (``"Check No:"`` -> ``"payment_ref"``), or None."""
    return _PAYMENT_LOOKUP.get(normalise_header(text))
