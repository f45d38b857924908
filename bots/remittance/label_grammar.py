"""What a payment-field label means, from the words it is made of (EN DE FR NL ES IT).

:data:`bots.remittance.labels.LABELS` lists labels seen on advices; every
payer's system prints its own (``Überweisungsdatum``, ``Remittance total``,
``Cód. proveedor``, ``Zahllauf-Nr.``). :func:`field_of_label` reads a label as
a combination of concepts instead of a fixed phrase:

- **what** it is: a date (``date``, ``Datum``, ``fecha``, ``data``, ``...tag``),
  an identifier (``no``, ``Nr.``, ``n°``, ``number``, ``référence``, ``ID``,
  ``code``, ``Beleg``, ``account``) or an amount (``amount``, ``Betrag``,
  ``montant``, ``bedrag``, ``importe``, ``importo``, ``total``, ``Summe``);
- **of what**: the payment (``payment``, ``Zahlung``, ``Überweisung``,
  ``virement``, ``règlement``, ``betaling``, ``pago``, ``bonifico``,
  ``remittance``, ``advice``, ``cheque``...), the supplier's account at the
  payer (``supplier``, ``vendor``, ``Kreditor``, ``Lieferant``, ``fournisseur``,
  ``tiers``, ``crediteur``, ``relatie``, ``proveedor``, ``acreedor``,
  ``fornitore``) or the customer's at us (``customer``, ``Kunde``, ``client``,
  ``klant``, ``cliente``); or something else (an invoice, an order, a due or
  print date, a discount, a bank account, a tax id), which rules the label out.

German and Dutch compounds are read by the stems inside a word
(``Überweisungsdatum`` = transfer + date, ``Crediteurnummer`` = creditor +
number)::

    >>> field_of_label("Überweisungsdatum")
    ('payment_date', 2)
    >>> field_of_label("Zahllauf-Nr.")
    ('payment_ref', 2)
    >>> field_of_label("Cód. proveedor")
    ('payer_account', 2)
    >>> field_of_label("Remittance total")
    ('total', 2)
    >>> field_of_label("Fecha de emisión")
    ('payment_date', 1)
    >>> field_of_label("Rechnungsdatum") is None
    True
    >>> field_of_label("Referenz"), field_of_label("Lief.-Nr.")
    (('payment_ref', 1), ('payer_account', 2))

The second number is the strength: 2 when the label names the payment (or the
account) itself, 1 for a bare ``Date:``, ``Total:``, ``Amount:``, ``Reference:``
or ``No.`` taken only when no label names the field better.

Both a supplier number (our number in the payer's books: ``Lieferantennr.``,
``Kreditorennummer``, ``Vendor ID``) and a customer number (the payer's number
in ours: ``Kundennr.``, ``Our account number with you``) give ``payer_account``,
the one field the interchange spec has for the payer's number. Both identify
the payer, but only the second is our SAP customer number; the first is what
SAP keeps as the customer's "account at customer" (KNB1-EIKTO), and equal
digits in the two number ranges mean nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from bots.remittance.regex_trie import alternation

# stems, accent-folded and lower case; a stem matches any part of a word (compounds);
# marked "~", only the start of a word, and a whole word when shorter than four letters;
# marked "=", a whole word only (an abbreviation: "Lief.", "Prov.")
_DATE = ("date", "dated", "datum", "fecha", "~data", "datu")
_DATE_END = ("tag", "dag")  # "Zahltag", "Valutatag", "Betaaldag"
_ID = ("~no", "~nr", "~n", "~num", "numero", "number", "nummer", "~ref", "reference", "referenz",
       "referentie", "referencia", "riferimento", "~rif", "~id", "kenmerk", "~code",
       "codigo", "~cod", "codice", "beleg", "account", "~acct", "konto", "~compte",
       "~cuenta", "~conto", "~nro", "~nb", "~nbr", "~ident", "opdracht")
_AMOUNT = ("amount", "~amt", "betrag", "montant", "bedrag", "importe", "importo", "monto",
           "~sum", "summe", "somme", "total", "totaal", "gesamt", "cantidad", "somma",
           "ammontare")
_TOTAL = ("total", "totaal", "totale", "summe", "gesamt", "~sum", "somme")
_PAYMENT = ("pay", "paid", "remit", "settle", "transfer", "wire", "cheque", "~check",
            "~eft", "~ach", "trace", "advice", "disburs", "execut", "~value",
            "zahl", "uberweis", "ausfuhr", "~avis", "valuta", "wertstell", "scheck",
            "ausgleich", "paie", "paye", "regle", "virement", "vire", "valeur", "remise",
            "betaal", "betaling", "overboek", "overgemaakt", "overmak", "uitvoer",
            "advies", "pago", "pagad", "ejecuc", "~valor", "aviso", "remesa", "~orden",
            "transferid", "pagament", "pagat", "bonific", "esecuz", "disposiz", "distinta",
            "avviso", "assegno", "~run", "lauf", "operaz", "operac", "transac", "transakt",
            "batch", "gutschrift", "accredit", "abono", "~credit", "buchung", "boeking",
            "comptab", "contabil", "operation",
            # SWIFT's "Instructed amount" (:33B:), the amount the payer sent
            "instruct")
_SUPPLIER = ("supplier", "vendor", "creditor", "lieferant", "kreditor", "fournisseur",
             "~tiers", "creancier", "leverancier", "crediteur", "relatie", "proveedor",
             "acreedor", "fornitore", "creditore",
             # abbreviated: "Lief.-Nr.", "Kred.-Nr.", "Fourn.", "Frs", "Lev.nr.", "Prov.",
             # "Forn.", "Suppl.", "Vend.", "Cred.nr.", "Acr."
             "=lief", "=kred", "=fourn", "~frs", "~lev", "=prov", "=forn", "=suppl",
             "=vend", "=cred", "~acr")
_CUSTOMER = ("customer", "kunde", "~client", "klant", "cliente",
             # the payer as our debtor ("Debitorennr."), and abbreviated: "Kd.-Nr.", "Cust."
             "debitor", "debiteur", "deudor", "debitore", "~kd", "=kund", "=cust", "~cli")
# a bare reference or number ("Referenz", "Ref. No.", "Our reference", "N°"): the
# payment's reference when nothing names it better (strength 1); never "Your ..."
_BARE_REF = frozenset({"ref", "reference", "referenz", "referentie", "referencia",
                       "riferimento", "rif", "kenmerk", "no", "nr", "n", "num", "nro",
                       "number", "nummer", "numero", "our", "unsere", "unser", "notre",
                       "onze", "nuestra", "nuestro", "ns", "nostro", "nostra", "de", "di"})
_BARE_COMPOUND = re.compile(r"(?:referenz|referentie|kenmerk)(?:nummer|nr)$")
# a label naming any of these is about something else than the payment's own fields
_OTHER = ("invoice", "~inv", "rechnung", "factur", "fattur", "factuur", "~due", "fallig",
          "echeance", "vencim", "scadenz", "verval", "~order", "bestell", "commande",
          "pedido", "ordine", "~po", "print", "druck", "impression", "stampa", "afdruk",
          "~page", "seite", "pagina", "discount", "skonto", "escompte", "korting",
          "descuento", "sconto", "gross", "brutto", "~brut", "open", "offen", "balance",
          "saldo", "iban", "~bic", "swift", "~tel", "~fax", "~vat", "~ust", "~tva", "~btw",
          "~iva", "~kvk", "siret", "steuer", "empfang", "payee", "beneficiar", "begunstig",
          "destinatar", "~name", "~naam", "nombre", "~nome", "~nom", "address", "adresse",
          "~email", "~mail", "phone", "contact", "~payer", "zahler", "payeur", "betaler",
          "pagador", "ordenante", "ordinante", "pagatore", "auftraggeber", "opdrachtgever",
          "donneur", "deduct", "abzug", "retenue", "aftrek", "retenc", "trattenut",
          "delivery", "lieferdat", "lieferschein", "lieferung", "livraison", "levering",
          "entrega", "consegna",
          "period", "zeitraum", "periode", "periodo", "bank", "banque", "banco", "banca",
          "currency", "wahrung", "devise", "moneda", "divisa", "munteenheid")
# "paid" alone, as a label of the amount paid, in six languages (accents folded)
_PAID = frozenset({"paid", "remitted", "transferred", "betaald", "overgemaakt", "bezahlt",
                   "gezahlt", "uberwiesen", "paye", "regle", "verse", "vire", "pagado",
                   "abonado", "transferido", "pagato", "bonificato", "liquidato", "versato"})
_CURRENCIES = frozenset("eur usd gbp chf cad aud nzd jpy sek nok dkk pln czk huf mxn inr".split())
_WORD = re.compile(r"[a-z]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def _has(text: str, stems: tuple[str, ...]) -> bool:
    """Whether a word of ``text`` (the label's words joined by spaces) has one of ``stems``."""
    return _stem_pattern(stems).search(text) is not None


@cache
def _stem_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    """One search for ``stems`` in words joined by spaces (stems are letters, so a
    match never spans two words): a stem anywhere in a word; "~" only at its start,
    and the whole word when shorter than four letters."""
    anywhere = {s for s in stems if not s.startswith(("~", "="))}
    starts = {s[1:] for s in stems if s.startswith("~") and len(s) > 4}
    whole = {s[1:] for s in stems if (s.startswith("~") and len(s) <= 4) or s.startswith("=")}
    parts = [alternation(anywhere)] if anywhere else []
    parts += [rf"(?<![a-z])(?:{alternation(starts)})"] if starts else []
    parts += [rf"(?<![a-z])(?:{alternation(whole)})(?![a-z])"] if whole else []
    return re.compile("|".join(parts))


@lru_cache(maxsize=4096)
def field_of_label(label: str) -> tuple[str, int] | None:
    """(field, strength) that ``label`` names, or None (see the module docstring).

    Fields: ``payment_date``, ``payment_ref``, ``total``, ``payer_account``.
    """
    words = [w for w in _WORD.findall(_fold(label)) if w not in _CURRENCIES]  # "Betrag EUR"
    if not words or len(words) > 6:
        return None
    text = " ".join(words)
    supplier, customer = _has(text, _SUPPLIER), _has(text, _CUSTOMER)
    if supplier or customer:
        other = _has(text, _OTHER) or _has(text, _DATE) or _has(text, _AMOUNT)
        return None if other else ("payer_account", 2)
    if _has(text, _OTHER):
        return None
    payment = _has(text, _PAYMENT)
    dated = _has(text, _DATE) or any(w.endswith(_DATE_END) and len(w) > 4 for w in words)
    if dated:
        return "payment_date", 2 if payment else 1
    if _has(text, _AMOUNT):
        if payment:
            return "total", 2
        alone = len(words) == 1 or _has(text, _TOTAL)  # "Amount:", "Betrag:", "Total:"
        return ("total", 1) if alone else None
    if payment and _has(text, _ID):
        return "payment_ref", 2
    if len(words) == 1 and words[0] in _PAID:  # "Betaald:", "Overgemaakt:", "Réglé:"
        return "total", 1
    if not payment and any(w not in ("our", "unsere", "unser", "notre", "onze", "nuestra",
                                     "nuestro", "ns", "nostro", "nostra", "de", "di")
                           for w in words) \
            and all(w in _BARE_REF or _BARE_COMPOUND.match(w) for w in words):
        return "payment_ref", 1
    return None
