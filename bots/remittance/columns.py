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
from collections.abc import Mapping
from functools import cache, lru_cache

# canonical field -> header texts, already normalised (lower case, single spaces, no punctuation)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "invoice_ref": (
        "invoice", "invoice no", "invoice number", "invoice num", "invoice nr", "invoice id",
        "inv", "inv no", "inv nr", "inv num", "inv number", "inv ref", "invoice ref",
        "invoice reference", "document", "document no", "document number", "doc no", "doc",
        "doc number", "your reference", "your ref", "reference", "ref", "ref no",
        "supplier invoice", "vendor invoice", "vendor invoice no", "bill no", "bill number",
        "rechnung", "rechnungsnummer", "factura", "facture", "belegnummer",
        # English ERP prints: Dynamics' "External Document No." is the vendor's invoice
        # number; "Their Ref" is the supplier's (ours); "Invoice/Credit No." lists both
        "their ref", "their reference", "external document no", "external document number",
        "external doc no", "ext doc no", "ext document no", "invoice credit no",
        "invoice credit note no", "inv cn no", "inv cr no", "inv credit no",
        # the payer's own voucher (rank 0, kept as the other document number)
        "payment voucher", "payment voucher no", "payment voucher number",
        # French prints: "Vos réf.", "Votre référence", "N° facture"
        "vos ref", "votre ref", "votre reference", "vos references", "n facture",
        "no facture", "numero de facture",
    ),
    "po_number": ("po", "po no", "po number", "purchase order", "purchase order no",
                  "order no", "order number", "customer po", "bestellnummer", "bestelnummer",
                  "bon de commande", "commande", "n commande",
                  "p o", "p o no",
                  "p o number"),
    "invoice_date": ("invoice date", "inv date", "doc date", "document date", "date",
                     "rechnungsdatum", "belegdatum",
                     # due dates, listed (as words they would swallow neighbouring labels)
                     "due date", "net due date", "date due", "discount date",
                     "echeance", "date d echeance", "vencimiento", "fecha vencimiento",
                     "fecha de vencimiento", "scadenza", "data scadenza", "vervaldatum",
                     "faelligkeit", "falligkeit", "fallig am", "nettofallig"),
    "gross_amount": ("gross", "gross amount", "invoice amount", "montant ttc", "inv amount",
                     "amount due",
                     "original amount", "invoice total", "gross amt", "inv amt", "amount",
                     "betrag", "document amount", "bruttobetrag", "brutto",
                     # what was open before this payment, as AP systems print it
                     "balance due", "invoice balance", "open balance", "amount outstanding",
                     "outstanding amount", "outstanding", "remaining amount", "open amount",
                     "amount invoiced", "invoiced amount", "invoiced", "amount before discount",
                     "amt before disc", "amount before disc", "gross before discount"),
    "discount": ("discount", "disc", "discount taken", "cash discount", "disc amt",
                 "discount amount", "skonto", "early pay discount", "kredietbeperking",
                 "early payment discount", "terms discount", "prompt payment discount",
                 "settlement discount"),
    "deduction": ("deduction", "deductions", "adjustment", "adjustments", "adj",
                  "short pay", "chargeback", "deduction amount", "adj amount", "other deductions",
                  "fee", "fees", "transaction fee", "processing fee", "short paid", "short payment",
                  "write off", "writeoff", "write off amount", "withholding tax", "wht",
                  "tax withheld", "withholding", "retention", "retainage"),
    "deduction_reason": ("reason", "deduction reason", "reason code", "adj reason",
                         "adjustment reason", "remarks", "comment", "comments", "memo"),
    # a ledger's two sides (statement of account, vendor ledger): the side most rows use
    # holds the lines' amounts, the other side the credit notes (pdf_layout decides)
    "debit": ("debit", "debits", "debit amount", "debit amt", "dr", "soll", "debe", "dare",
              "debet"),
    "credit": ("credit", "credits", "credit amount", "credit amt", "cr", "haben", "haber",
               "avere"),
    # what stays open after this payment: a column of its own, never a line's amount
    "balance": ("balance", "remaining balance", "balance remaining", "remaining", "restant",
                "resterend", "openstaand saldo", "saldo", "solde", "solde restant",
                "restbetrag", "rest", "residuo", "saldo pendiente", "pendiente",
                "balance after payment", "new balance", "residual"),
    "paid_amount": ("paid", "net paid", "amount paid", "payment", "payment amount", "net",
                    "net amount", "paid amount", "amt paid", "net pay", "remitted",
                    "amount remitted", "zahlbetrag", "net payment", "net payable",
                    "paid this check", "paid this cheque", "amount this payment", "this payment",
                    "payment this period", "amount of payment", "pmt amount", "pmt amt",
                    "remittance amount", "remittance amt", "amount applied",
                    "applied amount", "applied", "payment applied", "amount paid this check",
                    "net of discount", "amount net of discount", "settlement amount"),
}

_LOOKUP = {text: field for field, texts in SYNONYMS.items() for text in texts}
_AMOUNTS = frozenset({"gross_amount", "paid_amount", "discount", "deduction"})
_PUNCT = re.compile(r"[^a-z0-9]+")
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b")
_CURRENCIES = frozenset({"usd", "eur", "gbp", "cad", "jpy", "chf", "sek", "nok", "dkk", "pln",
                         "czk", "huf", "aud"})
_CURRENCY_TAIL = re.compile(rf"\s+(?:{'|'.join(sorted(_CURRENCIES))}|amount)$")


@lru_cache(maxsize=8192)
def normalise_header(text: str) -> str:
    """Lower case, accents off, punctuation to spaces (``"Inv. No."`` -> ``"inv no"``)."""
    folded = text.lower()
    if not folded.isascii():  # ASCII has nothing to decompose or drop
        folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    folded = _POSSESSIVE.sub("", folded)  # "Supplier's Ref" -> "supplier ref"
    folded = folded.replace("(s)", "s")  # "Invoice(s)" -> "invoices"
    return " ".join(_PUNCT.sub(" ", folded).split())


def is_listed(text: str) -> bool:
    """True when ``text`` is a header listed in :data:`SYNONYMS` (not read by its words)."""
    return normalise_header(text) in _LOOKUP


@lru_cache(maxsize=8192)
def field_for_header(text: str) -> str | None:
    """The canonical field a header cell names, or None when it names none."""
    key = normalise_header(text)
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "Invoice Amount (USD)", "Net Paid USD": drop a trailing currency word; a trailing
    # "amount" only off an amount label ("Net Paid Amount", never "Doc. Amount")
    trimmed = _CURRENCY_TAIL.sub("", key)
    if trimmed in _LOOKUP and (not key.endswith("amount") or _LOOKUP[trimmed] in _AMOUNTS):
        return _LOOKUP[trimmed]
    if key in _CURRENCIES:  # an amount column headed by its currency alone: "EUR"
        return "gross_amount"
    return None if key in _PAYMENT_LOOKUP else _by_words(key)


# Fallback for headers not listed above ("Supplier Inv #", "Net Amt", "Rech.-Nr.", and the
# words of six languages): a header made only of header words is read by its key word,
# first rule first. German and Dutch compounds are split first ("Rechnungsbetrag").
_ABBREVIATIONS = {"inv": "invoice", "amt": "amount", "disc": "discount", "ded": "deduction",
                  "adj": "adjustment", "doc": "document", "ref": "reference", "rech": "rechnung",
                  "dt": "date", "orig": "original", "no": "number", "nr": "number",
                  "num": "number", "nbr": "number", "id": "number", "remarks": "remark",
                  "comments": "comment", "deductions": "deduction", "adjustments": "adjustment",
                  "re": "rechnung", "n": "number", "nummer": "number", "numero": "number",
                  "rif": "reference", "dto": "discount",
                  # invoice abbreviations of six languages: "Rg.-Nr.", "Rechn.-Nr.", "Fact. n°",
                  # "Nº fra.", "Fatt. n.", "FT nr.", and of amounts: "Betr.", "Mont.", "Imp."
                  "rg": "rechnung", "rechn": "rechnung", "fact": "facture", "fatt": "fattura",
                  "fra": "factura", "fac": "factura", "ft": "invoice", "nro": "number",
                  "betr": "betrag", "mont": "montant", "imp": "importe", "bel": "beleg",
                  # English ERP abbreviations: "Pmt Amt", "Trans. Ref", "Trx No", "Txn Date"
                  "pmt": "payment", "pymt": "payment", "trans": "transaction",
                  "trx": "transaction", "txn": "transaction", "jnl": "journal",
                  "vch": "voucher", "vou": "voucher", "ext": "external", "cn": "credit",
                  # "Invoice/CM No." (credit memo), "Remit Amt"
                  "cm": "credit", "remit": "remitted"}
_WORD_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("deduction_reason", frozenset({"reason", "remark", "comment", "grund", "bemerkung",
                                    "motif", "reden", "omschrijving", "motivo", "causale"})),
    ("discount", frozenset({"discount", "skonto", "escompte", "remise", "korting", "descuento",
                            "sconto", "abbuono"})),
    ("deduction", frozenset({"deduction", "adjustment", "chargeback", "short", "writeoff",
                             "retention", "retainage",
                             "abzug", "kurzung",
                             "retenue", "inhouding", "aftrek", "deduccion", "retencion",
                             "trattenuta", "detrazione", "abzuge", "einbehalt", "withholding",
                             "withheld", "offset", "verrekening", "compensatie", "ritenuta",
                             "deducciones", "minderung"})),
    ("paid_amount", frozenset({"paid", "remitted", "payment", "net", "zahlbetrag", "bezahlt",
                               "zahl", "zahlung", "uberwiesen", "paye", "reglement", "betaald",
                               "netto", "pagado", "neto", "pagato", "verse", "betaling",
                               "payer", "betalen", "betaal", "abonado", "liquido", "regle",
                               "uberweisung", "bezahlung",
                               # "paid" as a past participle in six languages
                               "settled", "transferred", "gezahlt", "ausgeglichen",
                               "beglichen", "acquitte", "vire", "overgemaakt", "voldaan",
                               "uitbetaald", "transferido", "liquidado", "bonificato",
                               "versato", "saldato", "liquidato", "ausgleich", "pagare",
                               "pagar", "zahlen", "auszahlung", "payable", "applied"})),
    ("po_number", frozenset({"po", "purchase", "order", "bestellung", "bestellnummer",
                             "commande", "bestelling", "pedido", "ordine"})),
    ("invoice_date", frozenset({"date", "datum", "fecha", "data"})),
    ("gross_amount", frozenset({"amount", "gross", "due", "original", "betrag", "montant",
                                "importe", "brutto", "bedrag", "bruto", "importo", "lordo",
                                "brut", "valor", "valore", "initial", "initiale", "total", "totale",
                                "totaal", "gesamt",
                                "originale", "oorspronkelijk", "ursprunglich", "nominal", "value",
                                "invoiced", "outstanding"})),
    ("invoice_ref", frozenset({"invoice", "document", "bill", "rechnung", "facture", "factura",
                               "beleg", "reference", "referenz", "referentie", "referencia",
                               "riferimento", "factuur", "fattura", "kenmerk", "voucher",
                               "piece", "boekstuk", "asiento", "protocollo", "registrazione",
                               "buchung", "ecriture", "documento", "fournisseur", "proveedor",
                               "fornitore", "documentnr", "zeichen", "fremdbeleg",
                               # the payer's own entries in an English ledger print
                               "transaction", "journal", "entry", "posting", "clearing"})),
)
_HEADER_WORDS = frozenset().union(*(words for _, words in _WORD_RULES)) | {
    "number", "your", "supplier", "vendor", "taken", "applied", "short", "pay", "of", "usd",
    "eur", "gbp", "chf", "jpy", "cad", "value", "total", "in", "dc", "lc", "fc", "our", "ihre",
    "ihr", "unser", "unsere", "uw", "ons", "onze", "votre", "notre", "su", "nuestro", "vs",
    "ns", "de", "du", "la", "el", "cash", "pronto", "pago", "vostro", "nostro", "a", "te",
    "other", "sonstige", "autres", "overige", "otras", "altre", "bei", "uns", "chez", "nous",
    "vos", "sus", "obtenu", "obtenido", "ottenuto", "gewahrt", "genomen", "aplicado",
    "applicato", "applique", "toegepast", "internal", "interne", "intern", "lieferant",
    "leverancier", "their", "external", "credit", "note", "this", "ap",
    "payee", "creditor", "before",
    # the feminine and plural possessives ("Nuestra ref.", "Vostra fattura")
    "nuestra", "nuestros", "nuestras", "nostra", "nostri", "nostre", "vuestro", "vuestra",
    "vuestros", "vuestras", "vostra", "vostri", "vostre",
    # "Montant TTC", "Retenue de garantie", "Bon de commande" (a tax column names nothing)
    "ttc", "garantie", "guarantee", "garanzia", "garantia", "bon"}
# Which document number a column holds: the payer's own (voucher, "Beleg-Nr.", "Pièce")
# or the reference to our invoice ("Your reference", "Ihre Referenz", "Invoice No").
_OURS = frozenset({"your", "ihre", "ihr", "uw", "votre", "vos", "su", "sus", "vs", "vostro",
                   "vostra", "vostri", "vostre", "vuestro", "vuestra", "vuestros", "vuestras",
                   "fremdbeleg",
                   "invoice", "rechnung", "facture", "factura", "factuur", "fattura", "bill",
                   "supplier", "vendor", "fournisseur", "proveedor", "fornitore", "kenmerk"})
_PAYERS_OWN = frozenset({"our", "unser", "unsere", "ons", "onze", "notre", "nos", "nuestro",
                         "nuestra", "nuestros", "nuestras", "ns", "nostro", "nostra", "nostri",
                         "nostre", "voucher", "buchung", "piece", "ecriture", "boekstuk",
                         "asiento", "protocollo", "registrazione", "transaction", "journal",
                         "entry", "posting", "clearing", "ap"})
# whose document it is, said outright: the payer's ("Our", "Unsere", "Interne") or ours
# as the payer's supplier ("Your", "fournisseur", "Fremdbeleg")
_PAYER_POSSESSIVE = frozenset({"our", "unser", "unsere", "ons", "onze", "notre", "nos",
                               "nuestro", "nuestra", "nuestros", "nuestras", "ns", "nostro",
                               "nostra", "nostri", "nostre", "internal", "interne", "intern"})
_SUPPLIERS = frozenset({"your", "ihre", "ihr", "uw", "votre", "vos", "su", "sus", "vs",
                        "vostro", "vostra", "vostri", "vostre", "vuestro", "vuestra", "vuestros",
                        "vuestras", "their", "external", "payee", "creditor", "supplier",
                        "vendor", "fournisseur", "proveedor", "fornitore",
                        "lieferant", "leverancier", "fremdbeleg"})
_REFERENCE_WORDS = frozenset({"reference", "referenz", "referentie", "referencia",
                              "riferimento", "kenmerk", "zeichen"})
_COMPOUND_ENDS = ("nummer", "datum", "betrag", "bedrag", "korting", "summe", "nr")


@lru_cache(maxsize=16384)
def header_words(key: str) -> frozenset[str]:
    """The header words of ``key``, abbreviations spelled out, compounds split."""
    words: set[str] = set()
    for word in key.split():
        word = _ABBREVIATIONS.get(word, word)
        if word not in _HEADER_WORDS and word.endswith("s") and word[:-1] in _HEADER_WORDS:
            word = word[:-1]  # a German genitive or a plural: "Rechnungs-Nr.", "Belegs"
        if word not in _HEADER_WORDS:
            for end in _COMPOUND_ENDS:
                if word.endswith(end) and len(word) > len(end) + 2:
                    head = word[:-len(end)]
                    head = head[:-1] if head.endswith("s") and head[:-1] in _HEADER_WORDS \
                        else head
                    if head in _HEADER_WORDS or _ABBREVIATIONS.get(head) in _HEADER_WORDS:
                        words |= {_ABBREVIATIONS.get(head, head), _ABBREVIATIONS.get(end, end)}
                        break
            else:
                words.add(word)
            continue
        words.add(word)
    return frozenset(words)


def _by_words(key: str) -> str | None:
    words = header_words(key)
    if not words or len(words) > 8 or not words <= _HEADER_WORDS | {"code"}:
        return None
    if "code" in words:  # "Deduction Code" names the reason; a lone "Code" names nothing
        return "deduction_reason" if words & {"deduction", "adjustment", "reason"} else None
    for field, keys in _WORD_RULES:
        if words & keys:
            return field
    return None


@lru_cache(maxsize=8192)
def _keys(field: str) -> frozenset[str]:
    """Every header word that can name ``field``, listed or by rule."""
    listed = set().union(*(header_words(text) for text in SYNONYMS.get(field, ())))
    return frozenset(listed | next((keys for f, keys in _WORD_RULES if f == field), set()))


_REF_KEYS = _keys("invoice_ref")
_AMOUNT_KEYS = _keys("paid_amount") | _keys("gross_amount") | _keys("debit") | _keys("credit") \
    | _CURRENCIES


def could_be_header(*texts: str) -> bool:
    """False when ``texts`` (a line, or the lines of a header printed on two) have no word
    that can name an invoice column, or none that can name an amount column: then they
    are no header row (a quick test before the full one)."""
    words = frozenset().union(*(header_words(normalise_header(text)) for text in texts))
    return bool(words & _REF_KEYS) and bool(words & _AMOUNT_KEYS)


_LABEL_WORDS = frozenset(word for texts in SYNONYMS.values() for text in texts
                         for word in text.split()) | _CURRENCIES | {"amount"}
_RULE_WORDS = _HEADER_WORDS | {"code"}


def may_name_a_field(word: str) -> bool:
    """False when the printed ``word`` can be part of no header label that names a field
    (:func:`field_for_header`): a word of no listed label and no header word."""
    return all(part in _LABEL_WORDS or header_words(part) <= _RULE_WORDS
               for part in normalise_header(word).split())


def is_modifier(text: str) -> bool:
    """True when ``text`` is header words naming no field (``Ons``, ``Unsere``, ``Your``):
    the first half of a label printed on two lines."""
    words = header_words(normalise_header(text))
    return bool(words) and words <= _HEADER_WORDS and field_for_header(text) is None


def could_head_a_column(text: str) -> bool:
    """True when ``text`` has a word that can name an invoice or an amount column: a
    header row that names only one of them (the other told by its values)."""
    return bool(header_words(normalise_header(text)) & (_REF_KEYS | _AMOUNT_KEYS))


def reference_rank(text: str) -> int:
    """How surely an invoice-reference header names OUR invoice number.

    3: ours (``Your reference``, ``Ihre Referenz``, ``Invoice No``, ``N° facture``);
    2: a reference (``Reference``, ``Referenz``, ``Document Ref.``): beside a document
    number it is the reference the payer keeps of our invoice (SAP prints ``Doc. No.``
    for its own document and ``Reference`` for ours);
    1: any document (``Document No.``, ``Belegnummer``, ``Doc #``);
    0: the payer's own (``Voucher``, ``Our ref.``, ``Pièce``, ``Buchungsnr.``,
    ``Transaction No.``, ``Journal No.``).
    Of two invoice columns in one table the higher rank is the invoice reference.
    """
    words = header_words(normalise_header(text))
    if words & _PAYER_POSSESSIVE:
        return 0
    if words & _SUPPLIERS:  # "N° de pièce fournisseur": the supplier's document, ours
        return 3
    if words & _PAYERS_OWN:
        return 0
    if words & _OURS:
        return 3
    return 2 if words & _REFERENCE_WORDS else 1


def map_header_row(cells: list[str]) -> dict[int, str]:
    """Column index -> field for a header row; the first column wins a field.

    Of several invoice-reference columns the one of highest
    :func:`reference_rank` wins (``Your reference`` over ``Voucher No``).
    """
    fields = [field_for_header(cell or "") for cell in cells]
    refs = [i for i, f in enumerate(fields) if f == "invoice_ref"]
    best = max(refs, key=lambda i: reference_rank(cells[i]), default=None)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, field in enumerate(fields):
        if field == "invoice_ref" and i != best:
            continue
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
                   "company", "from", "paid by", "debtor", "zahler", "auftraggeber", "name"),
    "payer_account": ("customer no", "customer number", "customer id", "account no",
                      "account number", "your customer no", "kundennummer"),
    "payment_ref": ("check no", "check number", "cheque no", "cheque number", "check",
                    "eft no", "eft number", "eft ref", "trace no", "trace number",
                    "payment ref", "payment reference", "payment no", "payment number",
                    "payment id", "remittance no", "remittance number", "ach trace",
                    "payment document", "payment doc", "advice no", "advice number",
                    "avis nr", "avis no", "reference", "zahlungsnummer", "transaction id",
                    "transaction reference", "payout id"),
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



# Header labels set closer than a column gap print as one run of words ("YOUR REF OUR
# DOC NO PO NUMBER GROSS AMOUNT CASH DISCOUNT NET PAID"). Scored by words: a listed label
# of k words 4k - 1 (longer listed labels beat their listed halves), a label read by its
# words (three words at most) 2k - 1, a word naming nothing -2, a field named twice -6
# (a second invoice column is the payer's voucher), a label ending in a possessive or a
# preposition ("YOUR REF OUR") -3; an amount label and its currency ("NET PAID (EUR)") the
# label's score + 2.
_TRAILING = frozenset({"our", "your", "their", "of", "in", "de", "du", "la", "van", "der",
                       "di", "del", "unsere", "ihre", "notre", "votre", "uw", "ons", "su",
                       "nuestro", "vs", "ns"})


def _label_score(words: tuple[str, ...], extra: Mapping[str, str]) -> tuple[str | None, int]:
    text = " ".join(words)
    key = normalise_header(text)
    if len(words) > 1 and normalise_header(words[-1]) in _CURRENCIES:
        # "NET À PAYER (EUR)": the label and its currency, one label (a lone currency names
        # an amount column only where no label precedes it)
        field, score = _label_score(words[:-1], extra)
        return (field, score + 2) if field in _AMOUNTS else (None, -2 * len(words))
    field = extra.get(key) or field_for_header(text)
    if field is None:
        return None, -2 * len(words)
    if key in _LOOKUP or key in extra:
        score = 4 * len(words) - 1
    elif len(words) <= 3:
        score = 2 * len(words) - 1
    else:
        return None, -100  # four words or more, unlisted: never one label here
    return field, score - (3 if key.split()[-1:] and key.split()[-1] in _TRAILING else 0)


def split_labels(words: tuple[str, ...], extra: Mapping[str, str] | None = None
                 ) -> list[tuple[int, str | None]] | None:
    """How a run of five or more header ``words`` splits into three or more labels
    naming fields: (word count, field) per label, left to right; None when the best
    split names fewer than three fields (one or two labels are read elsewhere:
    ``Amount of Invoice Paid`` is one label, ``Disc. Payment`` two)."""
    extra = extra or {}
    n = len(words)
    if n < 5 or any(w in ("/", "|") for w in words):
        return None
    scores = {(i, j): _label_score(words[i:j], extra)
              for i in range(n) for j in range(i + 1, min(n, i + 4) + 1)}

    @cache
    def best(i: int, taken: frozenset[str]) -> tuple[int, tuple[int, ...]]:
        if i == n:
            return 0, ()
        options = []
        for j in range(i + 1, min(n, i + 4) + 1):
            field, score = scores[i, j]
            seen = taken
            if field is not None:
                again = field in taken and (field != "invoice_ref" or "alt_ref" in taken)
                score -= 6 if again else 0
                seen = taken | {"alt_ref" if field == "invoice_ref" and field in taken
                                else field}
            rest, cuts = best(j, seen)
            options.append((score + rest, (j, *cuts)))
        return max(options, key=lambda o: (o[0], -len(o[1])))

    cuts = best(0, frozenset())[1]
    spans = list(zip((0, *cuts), cuts, strict=False))
    fields = [scores[s][0] for s in spans]
    if len({f for f in fields if f}) < 3:
        return None
    return [(j - i, f) for (i, j), f in zip(spans, fields, strict=True)]
