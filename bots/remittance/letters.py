"""Remittances written as prose: letters and e-mail bodies in EN/DE/FR/NL/ES/IT.

A payer who writes rather than tabulates says things like::

    With this transfer we settle your invoices 4711 (EUR 1.200,00) and 4712
    (EUR 800,00), less 45.00 for damaged goods.
    Rechnung 2026-0815 über 1.234,56 EUR abzüglich 3 % Skonto.
    Nous réglons vos factures F-1001 et F-1002 pour un total de 2 345,67 EUR.

:func:`read_letter` turns such a text into one :class:`~bots.domain.Remittance`::

    >>> r = read_letter("We pay invoice 4711 (EUR 1,200.00) less 45.00 for damaged goods.\\n"
    ...                 "Kind regards,\\nJane Doe\\nACME GmbH", source="mail", fmt="email")
    >>> line = r.lines[0]
    >>> line.invoice_ref, line.gross_amount, line.deduction, line.deduction_reason, line.paid_amount
    ('4711', Decimal('1200.00'), Decimal('45.00'), 'damaged goods', Decimal('1155.00'))
    >>> r.payer_name
    'ACME GmbH'

How a text is read, sentence by sentence:

1. Amounts (with decimals, or an integer next to a currency), percentages and
   dates are found first (dates with month names through
   :mod:`bots.remittance.locale`), so that no part of them is taken for an
   invoice number.
2. Key words set what the numbers after them are: invoice words
   (``invoices``, ``Rechnung``, ``factures``, ``factuur``, ``facturas``,
   ``fatture``) make the next numbers invoice references; credit-note words
   make credit lines (negative); payment-reference, customer-number and order
   words route their numbers to those fields; the payer's own voucher words
   make their numbers nobody's business. When open items are known
   (:func:`bots.remittance.known.using`), a known invoice number counts
   wherever it stands.
3. Each amount has a role from the words around it: a deduction (``less``,
   ``abzüglich``, ``moins``, ``minus``, ``menos``, ``meno``, ... with its
   reason printed after it; a discount when the reason is a discount word),
   the payment total (``total``, ``insgesamt``, ``au total``, or the amount
   of a transfer sentence no invoice claims), a paid amount (``paid 500.00``)
   or, by default, the amount of the invoice it stands beside (the first
   invoice of the sentence still without one, else the next one named).
4. The decimal mark is decided once per letter (:func:`bots.remittance.locale.decide_mark`:
   open-item amounts, the printed shapes, the language).
5. **Consistency is the judge**: amounts are read as invoice amounts with the
   deductions taken off, unless only the other reading (the deductions already
   taken off) adds up to the stated total. A line without an amount gets the
   rest of the total when it is the only one; otherwise it is left out with
   a warning. Lines that still do not add up are warned about by
   :func:`bots.remittance.records.finish`.

The payer is the first company line (a legal form: GmbH, Ltd, SA, B.V., S.p.A., ...)
of the letterhead, else of the signature block after the closing (``Kind regards,``
``Mit freundlichen Grüßen``, ``Cordialement``, ``Met vriendelijke groet``,
``Atentamente``, ``Cordiali saluti``), else the caller's hint (the From display
name of an e-mail), else the last line of the signature block.

Limits: one payment per text; an amount that is neither next to an invoice
nor labelled is not guessed at; several invoices named without amounts give
no lines (only a warning) unless one amount remains for exactly one of them;
quoted earlier messages (``> ...``, ``-----Original Message-----``, ``On ...
wrote:``) are not read.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bots.domain import PaymentMethod, Remittance, RemittanceLine
from bots.remittance import known as known_items
from bots.remittance.locale import (
    MONTHS,
    decide_day_first,
    decide_mark,
    guess_language,
    read_date,
)
from bots.remittance.values import find_currency, find_payment_method, probe_amount, try_date

# Accents folded one character for one, so positions in the folded text are positions in
# the original.
_FOLD = str.maketrans("àáâãäåçèéêëìíîïñòóôõöùúûüýÿßÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ’",
                      "aaaaaaceeeeiiiinooooouuuuyysAAAAAACEEEEIIIINOOOOOUUUUY'")


def _words(*alternatives: str) -> str:
    """Whole words: not inside another word ("abzgl." ends at its dot, not before it)."""
    return r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)"


# --------------------------------------------------------------------------- vocabulary
# Each pattern runs on the accent-folded, lower-cased text.

_KEYWORDS = {  # what the numbers after the word are
    "credit": _words(r"credit ?(?:notes?|memos?)", r"gutschrift(?:en)?", r"gutschriftsnr\.?",
                     r"avoirs?", r"note de credit", r"creditnota'?s?", r"creditfactuur",
                     r"notas? de (?:credito|abono)", r"abonos?", r"not[ae] di credito"),
    "invoice": _words(r"invoices?", r"inv\.?", r"bills?", r"rechnung(?:en)?",
                      r"rechnungs?-?(?:nr|nummer|nummern)\.?", r"re-?nr\.?", r"factures?",
                      r"facturen", r"factuur", r"factuurnr\.?", r"facturas?", r"fattur[ae]",
                      r"ft\.", r"fact\."),
    "payref": _words(r"(?:payment|transfer|remittance|our) ref(?:erence)?(?: no\.?| number)?",
                     r"(?:cheque|check)(?: no\.?| number| #)?", r"zahlungsreferenz",
                     r"unsere referenz", r"(?:scheck|verrechnungsscheck)(?:-?nr\.?)?",
                     r"reference (?:de|du) (?:paiement|virement)", r"notre reference",
                     r"cheque n[o°]?", r"betalingskenmerk", r"ons kenmerk",
                     r"referencia (?:de|del) (?:pago|transferencia)", r"nuestra referencia",
                     r"riferimento (?:del )?(?:pagamento|bonifico)", r"ns\.? riferimento",
                     r"nostro riferimento", r"assegno(?: n\.?)?"),
    "account": _words(r"customer (?:no\.?|number|account)", r"account (?:no\.?|number)",
                      r"supplier (?:no\.?|number)", r"kunden-?(?:nr|nummer)\.?",
                      r"lieferanten-?(?:nr|nummer)\.?", r"numero (?:de )?client",
                      r"n[o°] client", r"numero (?:de )?fournisseur", r"klant(?:nummer|nr\.?)",
                      r"leveranciers?(?:nummer|nr\.?)", r"numero de (?:cliente|proveedor)",
                      r"codice (?:cliente|fornitore)", r"cod\. (?:cliente|fornitore)"),
    "po": _words(r"p\.?o\.?(?: no\.?| number)?", r"purchase order", r"order(?: no\.?)?",
                 r"bestell(?:ung|nummer|nr\.?)", r"commande", r"bestel(?:ling|nummer)",
                 r"pedido", r"ordine"),
    "other": _words(r"voucher", r"document", r"doc\.?", r"beleg(?:-?nr\.?|nummer)?",
                    r"piece", r"boekstuk", r"comprobante", r"documento", r"iban", r"bic",
                    r"tel\.?", r"phone", r"fax", r"vat", r"ust-?id", r"tva", r"btw", r"iva",
                    r"p\.? ?iva"),
}
_KEYWORD = re.compile("|".join(f"(?P<{cls}>{pattern})" for cls, pattern in _KEYWORDS.items()))

_DEDUCTION_BEFORE = re.compile(_words(
    r"less", r"minus", r"deducting", r"(?:we )?(?:have )?deducted", r"deduction of",
    r"short[- ]paid by", r"abzuglich", r"abzgl\.?", r"abzug von", r"einbehalt von", r"moins",
    r"deduction faite de", r"sous deduction de", r"retenue de", r"deduit",
    r"min", r"verminderd met", r"onder aftrek van", r"aftrek van", r"na aftrek van",
    r"menos", r"descontando", r"(?:tras |despues de )?descontar", r"deduccion de",
    r"(?:apres )?deduction de", r"deducimos", r"meno", r"dedotti",
    r"detratti", r"trattenuta di", r"al netto di", r"detraendo") + r"[\s:]*$")
_DEDUCTION_VERB = re.compile(_words(
    r"deduct(?:ed)?", r"withheld", r"abgezogen", r"einbehalten", r"deduits?", r"retenus?",
    r"ingehouden", r"afgetrokken", r"descontados?", r"deducidos?", r"deducimos", r"retenidos?",
    r"trattenut[io]", r"detratt[io]", r"dedott[io]"))
_DISCOUNT = re.compile(_words(r"discount", r"skonto", r"escompte", r"remise", r"korting",
                              r"betalingskorting", r"descuento", r"pronto pago", r"sconto"))
_TOTAL_BEFORE = re.compile(_words(
    r"total(?:ling|ing| of| amount)?", r"in total", r"sum of", r"insgesamt", r"gesamt(?:betrag)?",
    r"summe", r"gesamtsumme", r"au total", r"montant total(?: de)?", r"total de", r"soit",
    r"totaal(?:bedrag)?", r"in totaal", r"en total", r"importe total(?: de)?",
    r"por un total de", r"totale", r"complessiv[io]", r"per un totale di",
    r"importo (?:totale|complessivo)(?: di)?") + r"[\s:]*(?:(?:van|de|di|of|von)\s*)?$")
_TOTAL_AFTER = re.compile(r"^\W{0,3}" + _words(r"in total", r"total", r"insgesamt", r"au total",
                                               r"in totaal", r"en total", r"in tutto",
                                               r"complessiv[ie]", r"totali?"))
_OF = re.compile(_words(r"of", r"von", r"sur", r"van", r"de", r"di") + r"\s*$")
_PAID_BEFORE = re.compile(_words(r"paid", r"paying", r"we pay", r"bezahlt", r"zahlen wir",
                                 r"payons", r"payes?", r"betaald", r"betalen wij", r"pagado",
                                 r"pagamos", r"pagato", r"paghiamo") + r"[\s:]*$")
_TRANSFER = re.compile(_words(
    r"transferr?(?:ed|ing)?", r"wired?", r"remit(?:ted)?", r"sent", r"ueberwiesen",
    r"uberwiesen", r"uberweisen", r"uberweisung", r"angewiesen", r"vire", r"virons",
    r"virement", r"verse", r"versons", r"overgemaakt", r"maken .* over", r"overschrijving",
    r"transferido", r"transferencia", r"transferimos", r"bonificato", r"bonifico",
    r"disposto", r"accreditato", r"released", r"issued", r"initiated", r"processed",
    r"payments?", r"zahlung", r"paiement", r"reglement", r"betaling", r"pago", r"pagamento"))
_REASON_LEAD = re.compile(r"^\W*(?:" + "|".join((
    r"for", r"because of", r"due to", r"as", r"on account of", r"wegen", r"fur", r"als",
    r"aufgrund", r"pour", r"au titre de", r"voor", r"wegens", r"i\.?v\.?m\.?", r"por",
    r"en concepto de", r"per", r"a titolo di", r"causa", r"de", r"d'", r"di", r"van",
    r"deducted for", r"abgezogen", r"einbehalten")) + r")\b\W*")
_REASON_CURRENCY = re.compile(r"^\W*(?:eur|euros?|usd|gbp|chf|€|\$|£)(?!\w)\W*", re.I)
_REASON_STOP = re.compile(r"[;.()\[\]]|,\s|\s(?:and|und|et|en|y|e)\s+(?=\D*\d)|$")
_CLOSING = re.compile(_words(
    r"kind regards", r"best regards", r"regards", r"yours (?:sincerely|faithfully)",
    r"sincerely", r"best", r"thank you", r"(?:many )?thanks(?: and regards)?", r"danke",
    r"merci", r"bedankt", r"gracias", r"grazie", r"mit freundlichen grus?sen",
    r"freundliche grus?se",
    r"viele grus?se", r"beste grus?se", r"grus?se", r"cordialement", r"bien cordialement",
    r"(?:sinceres |meilleures )?salutations(?: distinguees)?", r"bien a vous",
    r"met vriendelijke groet(?:en)?",
    r"vriendelijke groet(?:en)?", r"groeten", r"atentamente", r"saludos(?: cordiales)?",
    r"un saludo", r"cordiali saluti", r"distinti saluti", r"saluti") + r"\W*$")
_SALUTATION = re.compile(_words(r"dear", r"hello", r"hi", r"good (?:morning|afternoon)",
                                r"sehr geehrte[rn]?", r"hallo", r"guten (?:tag|morgen)",
                                r"goede(?:ndag|morgen|middag)", r"buenos dias", r"buenas tardes",
                                r"liebe[rs]?", r"madame", r"monsieur", r"bonjour", r"geachte",
                                r"beste", r"estimad[oa]s?", r"hola", r"gentil[ie]",
                                r"spettabile", r"egregi[oa]", r"buongiorno"))
_LEGAL_FORM = re.compile(r"\b(?:GmbH|AG|KG|OHG|UG|e\.K\.|Ltd\.?|Limited|LLC|Inc\.?|Corp\.?|"
                         r"Corporation|PLC|plc|Co\.|SA|S\.A\.|SAS|SARL|S\.?A\.?R\.?L\.?|"
                         r"B\.?V\.?|N\.?V\.?|S\.L\.|SL|S\.?p\.?A\.?|S\.?r\.?l\.?|S\.?n\.?c\.?|"
                         r"Srl|SpA|Oy|AB|A/S)(?=\W|$)")
_NOT_A_COMPANY = re.compile(_words(r"accounts payable", r"buchhaltung", r"kreditoren\w*",
                                   r"comptabilite", r"crediteuren\w*", r"contabilidad",
                                   r"contabilita", r"finance", r"treasury", r"tesoreria",
                                   r"manager", r"clerk", r"sachbearbeit\w*"), re.I)
#: Between the parts of a letterhead or signature line ("Accounts Payable | Globex Corp.").
_SEPARATOR = re.compile(r"\s*[·|•,]\s*|\s+[-–]\s+|\s{3,}")
_VALUE_DATE = re.compile(_words(r"value date", r"valuta(?:datum)?", r"wertstellung",
                                r"date de valeur", r"fecha(?: de)? valor", r"data (?:di )?valuta")
                         + r"\W*$")
_TODAY = re.compile(r"(?<!\w)(?:(?P<yesterday>yesterday|gestern|gisteren|ayer|ieri)|"
                    r"today|heute|aujourd'hui|ce jour|vandaag|hoy|oggi|in data odierna)(?!\w)")
_QUOTED_HISTORY = re.compile(r"^\s*(?:-{3,}\s*(?:original|urspr|message d'origine|"
                             r"oorspronkelijk|mensaje original|messaggio originale).*|"
                             r"(?:on|am|le|op|el|il) .{4,80}(?:wrote|schrieb|a ecrit|schreef|"
                             r"escribio|ha scritto)\s*:\s*)$", re.I)

_CCY = r"(?:EUR|USD|GBP|CHF|CAD|AUD|SEK|NOK|DKK|PLN|CZK|JPY|€|\$|£)"
_NUMBER = (r"\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?!\d)"
           r"|\d+[.,]\d{2}(?!\d)|\d+(?![\d.,]\d)")
_AMOUNT = re.compile(r"(?<![\w.,/-])(?P<lead>[-−](?=[^\d\s]))?(?P<pre>" + _CCY + r"\s?)?"
                     r"(?P<sign>[-−])?(?P<num>" + _NUMBER + r")(?P<post>\s?" + _CCY
                     # a currency just before the next amount is that amount's
                     + r"(?![A-Za-z])(?!\s?[-−(]?\d))?(?P<neg>-(?!\w))?", re.I)
_PERCENT = re.compile(r"(?<![\w.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?(?:%|percent|prozent|"
                      r"pour ?cent|procent|por ?ciento|per ?cento)")
_MONTH = "|".join(sorted((m for m in MONTHS if len(m) >= 3), key=len, reverse=True))
_DATE = re.compile(r"(?<!\w)(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
                   r"\d{1,2}\.?[\s-]*(?:de\s+)?(?:" + _MONTH + r")\.?[\s,-]*(?:de\s+)?\d{4}|"
                   r"(?:" + _MONTH + r")\.?\s+\d{1,2},?\s+\d{4})(?!\w)", re.I)
_REF = re.compile(r"(?<![\w/-])(?:[A-Za-z]{1,6}[-/ ]?)?\d[\w]*(?:[-/.]\w+)*")
#: In a listing, "FV.001234" is one reference; "Nr.4711" is the number word and 4711.
_LISTED_REF = re.compile(r"(?<![\w/-])(?:[A-Za-z]{1,6}[-/ .]?)?\d[\w]*(?:[-/.]\w+)*")
_NUMBER_WORD = re.compile(r"(?:nr|no|n|num|nro|nb|nbr)\.", re.I)
#: An amount in parentheses, or followed by CR: a credit (the character before and the
#: three after the amount, joined by "|").
_CREDIT_MARKS = re.compile(r"\(\|\).*|.?\|\s?CR(?:\W.*)?", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÄÖÜÉÈ¿¡\"'])")
_ABBREVIATION = re.compile(r"\b(?:nr|no|inv|n|ca|bzw|abzgl|ref|cod|fact|ft|vs|ns|sig|"
                           r"sr|sra|dr|mr|mrs|ms|hr|fr|st|z\.b)\.$", re.I)
_ROW_OF_AMOUNTS = re.compile(r"\d[.,]\d{2}\s{2,}(?=\S*\d[.,]\d{2})")
#: How far the reader looks ahead from a number: events, and characters. Letters are read
#: in linear time whatever their length; past :data:`MAX_CHARS` a text is no letter.
_LOOKAHEAD, _WINDOW, MAX_CHARS = 16, 200, 100_000
_DECIMALS = re.compile(r"[.,]\d{1,2}$")
_BULLET = re.compile(r"^\s*(?:[-•*·–]|\d{1,2}[.)])\s+")


@dataclass
class _Mention:
    """One invoice (or credit note) a sentence names, and what the text says of it."""

    ref: str
    credit: bool
    amount: Decimal | None = None
    paid_stated: bool = False
    stated_gross: Decimal | None = None
    deductions: list[tuple[Decimal, str | None]] = field(default_factory=list)
    discount: Decimal = Decimal(0)
    discount_pct: Decimal | None = None
    po_number: str | None = None
    invoice_date: date | None = None


@dataclass
class _Reading:
    mentions: list[_Mention] = field(default_factory=list)
    totals: list[Decimal] = field(default_factory=list)
    transfer_amounts: list[Decimal] = field(default_factory=list)
    unexplained: list[Decimal] = field(default_factory=list)  # amounts no rule placed
    payment_ref: str | None = None
    payer_account: str | None = None
    payment_date: date | None = None

    by_ref: dict[str, _Mention] = field(default_factory=dict)

    def mention(self, ref: str, credit: bool) -> _Mention:
        if ref not in self.by_ref:
            self.by_ref[ref] = _Mention(ref, credit)
            self.mentions.append(self.by_ref[ref])
        return self.by_ref[ref]


def read_letter(text: str, *, source: str, fmt: str, hints: dict[str, str] | None = None,
                currency: str | None = None, mark: str | None = None,
                listing: bool = False) -> Remittance | None:
    """The remittance a prose letter or message body states, or None when it names no
    invoice with an amount. ``hints``: payment fields already known ("Label: value"
    lines, the e-mail's sender as ``payer_name``, the day it was sent as ``sent_on`` for
    "today we transferred"); ``currency``: the one already found; ``mark``: the decimal
    mark when the caller knows it.

    ``listing``: the text is a payment's remittance information (a bank advice's
    "Verwendungszweck", an MT103's ``:70:``), which names nothing but what is paid:
    every reference in it is an invoice's unless a word says otherwise, a word printed
    before each reference (``RE 4711``, ``FACT 4711``, ``INV NO 4711``, ``Nr.4711``) is
    no part of it, and an amount in parentheses or marked ``CR`` is a credit.
    """
    hints = hints or {}
    if len(text) > MAX_CHARS:
        return None
    body, letterhead, signature = _parts(text)
    sentences = _sentences(body)
    if not sentences:
        return None
    amount_texts = [m[0] for s in sentences for m in _AMOUNT.finditer(s) if _is_money(m)]
    known = known_items.current()
    if mark is None:
        mark, _ambiguous = decide_mark(amount_texts, known.amounts if known else (),
                                       guess_language([body]))
    day_first, _unsure = decide_day_first([m[0] for m in _DATE.finditer(body)],
                                          guess_language([body]))
    reading = _Reading()
    in_list = False
    for sentence in sentences:
        starts_list = _read_sentence(sentence, reading, mark, day_first, known,
                                     listing or (in_list and bool(_BULLET.match(sentence))),
                                     listing)
        in_list = starts_list or (in_list and bool(_BULLET.match(sentence)))
    if reading.payment_date is None and hints.get("sent_on"):
        reading.payment_date = _relative_day(body, hints["sent_on"])
    if not any(m.amount is not None for m in reading.mentions) and not reading.totals \
            and not reading.transfer_amounts:
        return None
    if not reading.mentions:
        return None
    total = _stated_total(reading, hints, mark)
    warnings: list[str] = []
    lines = _lines(reading, total, warnings)
    if not lines:
        return None
    if reading.unexplained:
        warnings.append("amounts not read as a line, deduction or total: "
                        + ", ".join(str(a) for a in reading.unexplained))
    currency = currency or hints.get("currency") or find_currency(body) or (
        "EUR" if re.search(r"\beuros?\b", body, re.I) else None)
    if not currency:
        currency = "USD" if guess_language([body]) in (None, "en") else "EUR"
        warnings.append(f"currency not stated; assumed {currency}")
    when = hints.get("payment_date")
    method = find_payment_method(hints.get("payment_method", "") or body)
    return Remittance(
        id="", source=source, format=fmt, currency=currency.upper()[:3],
        lines=lines, payer_name=_payer(letterhead, signature, hints),
        payer_account=hints.get("payer_account") or reading.payer_account,
        payment_ref=hints.get("payment_ref") or reading.payment_ref,
        payment_date=(try_date(when) if when else None) or reading.payment_date,
        payment_method=PaymentMethod(method) if method else None,
        total=total, warnings=warnings)


def is_prose(text: str) -> bool:
    """Whether ``text`` is written as prose: invoices named in sentences ("invoices 4711
    and 4712", "less 45.00"), or a letter (salutation or closing, a list introduced by a
    sentence) whose lines are not table rows of several amounts. The plain-text reader
    asks before it reads one invoice per line."""
    if len(text) > MAX_CHARS:
        return False
    lines = text.splitlines()
    folded = [line.translate(_FOLD).lower().strip() for line in lines]
    for line in folded:
        named = any(v for m in _KEYWORD.finditer(line)
                    for k, v in m.groupdict().items() if k in ("invoice", "credit"))
        if named and _has_prose_marks(line):
            return True
    if any(len(_ROW_OF_AMOUNTS.findall(line)) >= 2 for line in lines):
        return False
    return any(_SALUTATION.match(line) or (_CLOSING.search(line) and len(line.split()) <= 5)
               or (line.endswith(":") and _KEYWORD.search(line)) for line in folded)


def _has_prose_marks(folded: str) -> bool:
    return bool(re.search(_words(r"and", r"und", r"et", r"en", r"y", r"e", r"less", r"abzuglich",
                                 r"moins", r"minus", r"menos", r"meno", r"settles?",
                                 r"begleichen", r"reglons", r"voldoen", r"saldamos", r"saldo",
                                 r"we pay", r"zahlen wir", r"payons", r"betalen",
                                 r"pagamos", r"paghiamo"), folded))


# --------------------------------------------------------------------------- text parts


def _parts(text: str) -> tuple[str, list[str], list[str]]:
    """(body, letterhead lines, signature lines); quoted history dropped."""
    lines: list[str] = []
    for line in text.splitlines():
        if _QUOTED_HISTORY.match(line.translate(_FOLD)):
            break
        if not line.lstrip().startswith(">"):
            lines.append(line.rstrip())
    closing = next((n for n, line in enumerate(lines)
                    if _CLOSING.search(line.translate(_FOLD).lower().strip())
                    and len(line.split()) <= 5), len(lines))
    salutation = next((n for n, line in enumerate(lines[:closing])
                       if _SALUTATION.match(line.translate(_FOLD).lower().strip())), None)
    if salutation is None:  # no greeting: a first block without amounts is the letterhead
        block = next((n for n, line in enumerate(lines) if n and not line.strip()), 0)
        if any(_KEYWORD.search(line.translate(_FOLD).lower()) or _AMOUNT.search(line)
               and re.search(r"\d[.,]\d\d", line) for line in lines[:block]):
            block = 0
        letterhead, start = lines[:block], block
    else:
        letterhead, start = lines[:salutation], salutation  # "Hello, we paid ..." is body
    signature = [line.strip() for line in lines[closing + 1:] if line.strip()][:6]
    return "\n".join(lines[start:closing]), letterhead, signature


def _sentences(body: str) -> list[str]:
    """Sentences of the body: paragraphs joined, split at sentence ends and bullet lines."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        rows = [row for row in block.splitlines() if row.strip()]
        merged: list[str] = []
        for row in rows:
            if merged and _continues(merged[-1], row):
                merged[-1] += " " + row.strip()
            else:
                merged.append(row.strip())
        for part in merged:
            sentences.extend(_split_sentences(part))
    return [s for s in sentences if s.strip()]


def _continues(previous: str, row: str) -> bool:
    """Whether ``row`` goes on with the sentence of ``previous`` (a wrapped line)."""
    if _BULLET.match(row) or _BULLET.match(previous):
        return False
    end = previous.rstrip()
    if end.endswith((".", "!", "?", ":", ";")):
        return False
    return not (row.strip()[:1].isupper() and end[-1:].isdigit())


def _split_sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[start:m.start()]):
            continue
        out.append(text[start:m.start()])
        start = m.end()
    out.append(text[start:])
    return out


# --------------------------------------------------------------------------- one sentence


def _is_money(m: re.Match[str]) -> bool:
    """An amount match that is money: decimals or a currency beside it (``1.200`` alone is not)."""
    return bool(m["pre"] or m["post"]) or _DECIMALS.search(m["num"]) is not None


def _read_sentence(sentence: str, reading: _Reading, mark: str | None, day_first: bool,
                   known: known_items.KnownItems | None, list_item: bool,
                   listing: bool = False) -> bool:
    """Read one sentence into ``reading``; True when it opens a list of invoices
    (``listing``: see :func:`read_letter`)."""
    folded = sentence.translate(_FOLD).lower()
    taken = [False] * len(sentence)
    events: list[tuple[int, int, str, object]] = []

    def claim(start: int, end: int) -> bool:
        if any(taken[start:end]):
            return False
        taken[start:end] = [True] * (end - start)
        return True

    for m in _DATE.finditer(folded):
        if claim(m.start(), m.end()):
            events.append((m.start(), m.end(), "date",
                           read_date(sentence[m.start():m.end()], day_first)))
    for m in _PERCENT.finditer(folded):
        if claim(m.start(), m.end()):
            events.append((m.start(), m.end(), "pct", Decimal(m[1].replace(",", "."))))
    for m in _AMOUNT.finditer(sentence):
        if not _is_money(m):
            continue
        value = probe_amount(m["num"], mark)
        if value is None or not claim(m.start(), m.end()):
            continue
        if m["lead"] or m["sign"] or m["neg"] or (listing and _CREDIT_MARKS.fullmatch(
                sentence[max(0, m.start() - 1):m.start()] + "|" + sentence[m.end():m.end() + 3])):
            value = -value
        events.append((m.start(), m.end(), "amt", value))
    for m in _KEYWORD.finditer(folded):
        kind = next(k for k, v in m.groupdict().items() if v)
        if re.match(r"[-/]?\d", folded[m.end():]):  # "INV-000123" is a reference
            continue
        if claim(m.start(), m.end()):
            events.append((m.start(), m.end(), "kw", kind))
    for m in (_LISTED_REF if listing else _REF).finditer(sentence):
        token = m[0].rstrip(".-/")
        start = m.start()
        if " " in token:  # "RE 4711": the word is a prefix only when it is upper case
            word, _, rest = token.partition(" ")
            if not word.isupper() or listing:  # in a listing, a word before each reference
                token, start = rest, m.start() + len(word) + 1
        elif listing and (number := _NUMBER_WORD.match(token)):  # "Nr.4711", not "FV.0012"
            token, start = token[number.end():], m.start() + number.end()
        if len(token) < 3 or not any(c.isdigit() for c in token) \
                or not claim(start, start + len(token)):
            continue
        events.append((start, start + len(token), "ref", token))
    events.sort(key=lambda e: e[0])
    return _interpret(sentence, folded, events, reading, known, list_item)


def _interpret(sentence: str, folded: str, events: list[tuple[int, int, str, object]],
               reading: _Reading, known: known_items.KnownItems | None, list_item: bool) -> bool:
    """Give the sentence's numbers their meaning (see the module docstring)."""
    cls: str | None = "invoice" if list_item else None
    named: list[_Mention] = []  # invoices named in this sentence, in order
    orphans: list[Decimal] = []  # invoice amounts printed before their invoice
    pending: deque[_Mention] = deque()  # invoices named here still without an amount
    transfer = bool(_TRANSFER.search(folded))
    last_end = 0
    opens_list = False
    for n, (start, end, kind, value) in enumerate(events):
        before = folded[max(last_end, start - 60):start]
        if kind == "kw":
            cls = str(value)
            opens_list = cls in ("invoice", "credit")
        elif kind == "ref":
            ref = str(value)
            if cls in ("invoice", "credit") or (known is not None and known.has_ref(ref)
                                                and cls not in ("payref", "account", "po")):
                mention = reading.mention(ref, cls == "credit")
                named.append(mention)
                if mention.amount is None:
                    pending.append(mention)
                if orphans and mention.amount is None:
                    if _own_amount_follows(events, n):
                        # "payment of $3,450.75 covering invoices 100234 ($1,200.00) ...": the
                        # invoice has its own amount, the one before is the payment's
                        reading.transfer_amounts += [a for a in orphans
                                                     if a not in reading.totals]
                        orphans.clear()
                    else:
                        mention.amount = orphans.pop(0)
            elif cls == "payref":
                reading.payment_ref = reading.payment_ref or ref
            elif cls == "account":
                reading.payer_account = reading.payer_account or ref
            elif cls == "po" and named:
                named[-1].po_number = named[-1].po_number or ref
        elif kind == "date":
            when = value if isinstance(value, date) else None
            if _VALUE_DATE.search(before):  # "mit Valuta 10.03.2026"
                reading.payment_date = reading.payment_date or when
            elif named and n and events[n - 1][2] == "ref" and events[n - 1][3] == named[-1].ref:
                named[-1].invoice_date = when  # "Rechnung 4711 vom 12.03.2026"
            elif transfer and reading.payment_date is None:
                reading.payment_date = when
        elif kind == "pct":
            near = folded[max(0, start - 30):_next_start(events, n, len(folded), "amt")]
            target = named[-1] if named else (reading.mentions[-1] if reading.mentions else None)
            if target is not None and _DISCOUNT.search(near):
                target.discount_pct = Decimal(str(value))
        elif kind == "amt":
            amount = Decimal(str(value))
            after = sentence[end:_next_start(events, n, len(sentence))]
            if _DEDUCTION_BEFORE.search(before) or _DEDUCTION_VERB.search(before) \
                    or _verb_after(folded, events, n):
                target = _deduction_target(named, reading, events, n, cls)
                if target is not None:
                    reason = _reason(after)
                    if reason and _DISCOUNT.search(reason.translate(_FOLD).lower()):
                        target.discount += abs(amount)
                    else:
                        target.deductions.append((abs(amount), reason))
            elif _DISCOUNT.search(before) and (named or reading.mentions):
                target = named[-1] if named else reading.mentions[-1]  # "2 % Skonto (24,69)"
                target.discount, target.discount_pct = abs(amount), None
            elif _TOTAL_BEFORE.search(before) or _TOTAL_AFTER.search(
                    after.translate(_FOLD).lower()):
                reading.totals.append(amount)
            else:
                while pending and pending[0].amount is not None:
                    pending.popleft()
                if named and named[-1].paid_stated and named[-1].stated_gross is None \
                        and _OF.search(before):  # "paid 500.00 of 1,000.00"
                    named[-1].stated_gross = amount
                elif pending:
                    first = pending.popleft()
                    first.amount = amount
                    first.paid_stated = bool(_PAID_BEFORE.search(before))
                elif _ref_follows(events, n, known):  # "EUR 1.200,00 for invoice 4711"
                    orphans.append(amount)
                    if transfer and sum(e[2] == "amt" for e in events) == 1:
                        reading.totals.append(amount)  # "we transferred X for invoice R"
                else:
                    (reading.transfer_amounts if transfer else reading.unexplained).append(amount)
        last_end = end
    reading.unexplained.extend(orphans)
    return opens_list and sentence.rstrip().endswith(":")


def _own_amount_follows(events: list[tuple[int, int, str, object]], n: int) -> bool:
    """Whether the ``n``-th event (an invoice) is followed by its own amount ("100234
    ($1,200.00), 100235 ..."), not by the amount of the next one ("EUR 80,00 for invoice
    R1, EUR 20,00 for invoice R2"); dates in between are skipped."""
    after = [e for e in events[n + 1:n + 1 + _LOOKAHEAD] if e[2] != "date"]
    if not after or after[0][2] != "amt":
        return False
    return not (len(after) > 1 and after[1][2] == "kw" and after[1][3] in ("invoice", "credit"))


def _verb_after(folded: str, events: list[tuple[int, int, str, object]], n: int) -> bool:
    """A deduction verb after the amount ("45,00 EUR für Fracht abgezogen"), not one that
    leads to the next amount ("..., dedotto lo sconto del 3 %")."""
    following = next((e[0] for e in events[n + 1:n + 1 + _LOOKAHEAD]
                      if e[2] in ("amt", "pct")), None)
    end = events[n][1]
    tail = folded[end:min(following or len(folded), end + _WINDOW)]
    verb = _DEDUCTION_VERB.search(tail)
    if verb is None:
        return False
    return following is None or bool(re.search(r"[,;.]", tail[verb.end():]))


def _next_start(events: list[tuple[int, int, str, object]], n: int, default: int,
                kind: str | None = None) -> int:
    """Where the next event (of ``kind``, if given) after the ``n``-th starts; at most
    :data:`_WINDOW` characters on (a sentence of thousands of numbers stays linear)."""
    found = next((e[0] for e in events[n + 1:n + 1 + _LOOKAHEAD] if kind in (None, e[2])),
                 default)
    return min(found, events[n][1] + _WINDOW)


def _ref_follows(events: list[tuple[int, int, str, object]], n: int,
                 known: known_items.KnownItems | None) -> bool:
    """Whether an invoice is named after the ``n``-th event ("... for invoice 4711", or an
    open item's number), not just any number (an IBAN, a phone number)."""
    return any((kind == "kw" and value in ("invoice", "credit"))
               or (kind == "ref" and known is not None and known.has_ref(str(value)))
               for _, _, kind, value in events[n + 1:n + 1 + _LOOKAHEAD])


def _deduction_target(named: list[_Mention], reading: _Reading,
                      events: list[tuple[int, int, str, object]], n: int,
                      cls: str | None) -> _Mention | None:
    """The invoice a deduction belongs to: the last one named, else the next one named."""
    if named:
        return named[-1]
    later = [e for e in events[n + 1:n + 1 + _LOOKAHEAD] if e[2] == "ref"]
    if later:  # "less 45.00 on invoice 4712": claimed when the ref is read
        ref = str(later[0][3])
        return reading.mention(ref, cls == "credit")
    return reading.mentions[-1] if reading.mentions else None


def _reason(after: str) -> str | None:
    """The words after a deduction amount that say why ("EUR (Preisdifferenz)", "for
    damaged goods"), without currency, leading preposition or a trailing verb."""
    text = _REASON_CURRENCY.sub("", after).lstrip(" (")
    verb = _DEDUCTION_VERB.match(text.translate(_FOLD).lower())  # "45,00 afgetrokken voor"
    text = text[verb.end():].lstrip() if verb else text
    lead = _REASON_LEAD.match(text.translate(_FOLD).lower())
    text = text[lead.end():] if lead else text
    text = text.lstrip(" (")
    stop = _REASON_STOP.search(text)
    reason = text[:stop.start() if stop else len(text)].strip(" ,:-)(")
    reason = re.sub(r"\s+(?:and|und|et|en|y|e)$", "", reason, flags=re.I)
    reason = re.sub(r"\s+(?:on|auf|sur|op|en|sobre|su|from|von)$", "", reason, flags=re.I)
    verb = _DEDUCTION_VERB.search(reason.translate(_FOLD).lower())
    reason = reason[:verb.start()].strip() if verb else reason
    return reason or None


# --------------------------------------------------------------------------- lines


def _relative_day(body: str, sent_on: str) -> date | None:
    """The payment date of a letter that says "today" or "yesterday", from the day it was
    sent (the e-mail's Date header, hint ``sent_on``)."""
    m = _TODAY.search(body.translate(_FOLD).lower())
    try:
        sent = date.fromisoformat(sent_on)
    except ValueError:
        return None
    if m is None:
        return None
    return sent - timedelta(days=1) if m["yesterday"] else sent


def _stated_total(reading: _Reading, hints: dict[str, str],
                  mark: str | None) -> Decimal | None:
    """The payment total: labelled, else worded as a total, else the one amount transferred.

    Other total-like amounts that differ from it are noted as unexplained (a deduction
    the words did not make clear, or a second payment): the letter then gets a warning.
    """
    labelled = hints.get("total", "").strip().rstrip(".")
    total = probe_amount(labelled, mark) if labelled else None
    if total is None and reading.totals:
        total = reading.totals[-1]
    if total is None and len(reading.transfer_amounts) == 1:
        total = reading.transfer_amounts[0]
    reading.unexplained += [a for a in reading.totals + reading.transfer_amounts if a != total]
    return total


def _lines(reading: _Reading, total: Decimal | None,
           warnings: list[str]) -> list[RemittanceLine]:
    """Lines from the mentions; the reading of deductions that adds up to the total wins."""
    for m in reading.mentions:
        if m.discount_pct is not None and m.amount is not None and not m.paid_stated:
            m.discount = (abs(m.amount) * m.discount_pct / 100).quantize(
                Decimal("0.01"), ROUND_HALF_UP)
    missing = [m for m in reading.mentions if m.amount is None]
    if missing and total is not None and len(missing) == 1:
        rest = total - sum((_paid(m, True) for m in reading.mentions if m.amount is not None),
                           Decimal(0))
        if rest > 0:
            missing[0].amount = rest + _taken_off(missing[0])
            missing = []
    if missing:
        warnings.append("invoices named without an amount, not read as lines: "
                        + ", ".join(m.ref for m in missing))
    mentions = [m for m in reading.mentions if m.amount is not None]
    subtract = True
    if total is not None and any(m.deductions or m.discount for m in mentions):
        net = sum((_paid(m, True) for m in mentions), Decimal(0))
        as_printed = sum((_paid(m, False) for m in mentions), Decimal(0))
        subtract = not (as_printed == total and net != total)
    return [_line(m, subtract) for m in mentions]


def _taken_off(m: _Mention) -> Decimal:
    return m.discount + sum((d for d, _ in m.deductions), Decimal(0))


def _paid(m: _Mention, subtract: bool) -> Decimal:
    amount = abs(m.amount or Decimal(0))
    paid = amount if m.paid_stated or not subtract else amount - _taken_off(m)
    return -paid if m.credit or (m.amount or 0) < 0 else paid


def _line(m: _Mention, subtract: bool) -> RemittanceLine:
    paid = _paid(m, subtract)
    deduction = sum((d for d, _ in m.deductions), Decimal(0))
    reasons = "; ".join(r for _, r in m.deductions if r) or None
    gross: Decimal | None = m.stated_gross  # else stated only when something was taken off
    if _taken_off(m) and gross is None:
        gross = paid + _taken_off(m)
    return RemittanceLine(invoice_ref=m.ref, paid_amount=paid, po_number=m.po_number,
                          invoice_date=m.invoice_date,
                          gross_amount=gross, discount=m.discount, deduction=deduction,
                          deduction_reason=reasons)


# --------------------------------------------------------------------------- payer


def _payer(letterhead: list[str], signature: list[str], hints: dict[str, str]) -> str | None:
    """The letterhead's company, the signature's company, the hint, the signature's last line."""
    for block in (letterhead, signature):
        for line in block:
            parts = _SEPARATOR.split(line.strip())
            for n, part in enumerate(parts):
                if _LEGAL_FORM.search(part) and not _NOT_A_COMPANY.search(part):
                    if n and _LEGAL_FORM.fullmatch(part.strip()):  # "Hierros del Norte, S.A."
                        return f"{parts[n - 1].strip()}, {part.strip()}"
                    return part.strip()
    if hints.get("payer_name"):
        return hints["payer_name"]
    plain = [line for line in signature[1:] if not _NOT_A_COMPANY.search(line)
             and not re.search(r"@|www\.|\d{3}", line)]
    return plain[-1] if plain else None


