"""A document's number and date locale: month names in six languages, and the decision.

:mod:`bots.remittance.values` reads one amount or one date; this module adds
what depends on the document as a whole:

- :func:`read_date` reads dates with month names in EN/DE/FR/NL/ES/IT
  (``24 avril 2026``, ``24. März 2026``, ``24 de abril de 2026``,
  ``April 24, 2026``, ``24-Apr-2026``; with a weekday, an article or an
  ordinal: ``Freitag, den 24. April 2026``, ``le 1er avril 2026``,
  ``April 24th, 2026``, ``1º de abril de 2026``) and numeric ones in the order
  the document uses::

      >>> read_date("24 avril 2026")
      datetime.date(2026, 4, 24)
      >>> read_date("04/05/26", day_first=True)
      datetime.date(2026, 5, 4)

- :func:`decide_mark` decides the decimal mark once per document from the
  amounts it prints (and, when known, the open-item amounts they should
  equal); :func:`decide_day_first` the day/month order from its dates and
  language. Both say when the evidence left the choice open, so the reader
  can warn.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from bots.remittance.values import infer_decimal_mark, try_amount, try_date

_MONTH_NAMES = (
    "january february march april may june july august september october november december",
    "januar februar marz april mai juni juli august september oktober november dezember",
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "januari februari maart april mei juni juli augustus september oktober november december",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
)
MONTHS: dict[str, int] = {}
for _names in _MONTH_NAMES:
    for _n, _name in enumerate(_names.split(), 1):
        MONTHS.setdefault(_name, _n)
        MONTHS.setdefault(_name[:3], _n)
        MONTHS.setdefault(_name[:4], _n)  # "Sept", "Juil"
MONTHS.update({"mrz": 3, "mae": 3, "okt": 10, "dez": 12, "mei": 5, "mag": 5, "ago": 8,
               "dic": 12, "ene": 1, "gen": 1, "giu": 6, "lug": 7, "set": 9, "ott": 10})

MONTHS.update({"mrt": 3})  # Dutch "mrt."
_WORDY = re.compile(r"(\d{1,2})\.?[\s/-]*(?:(?:de|of)\s+)?([a-z]{3,10})\.?[\s,/-]*"
                    r"(?:de\s+)?(\d{4}|\d{2})")
_WORDY_US = re.compile(r"([a-z]{3,10})\.?[\s/-]+(\d{1,2}),?[\s/-]+(\d{4})")
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag "
    "lundi mardi mercredi jeudi vendredi samedi dimanche "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "lunes martes miercoles jueves viernes sabado domingo "
    "lunedi martedi mercoledi giovedi venerdi sabato domenica")
# "Freitag, den 24.", "le 24", "the 24th", "1er", "1º" (folded: "1o"), "2nd": what a
# date in words may carry around its day
_LEAD = re.compile(rf"^(?:(?:{'|'.join(_WEEKDAYS.split())})\.?,?\s+)?"
                   r"(?:(?:le|the|den|el|il|op|on)\s+)?")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er|re|eme|o|a)\b")
_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
_ASCII_DIGIT = re.compile(r"[0-9]")
_DIGITS_AND_MARKS = re.compile(r"[0-9./-]+")
DAY_FIRST_LANGUAGES = frozenset({"de", "fr", "nl", "es", "it"})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def read_date(text: str | None, day_first: bool = False) -> date | None:
    """A printed date, month names in six languages; None when ``text`` is none."""
    if not text or not text.strip():
        return None
    if text.isascii():  # no digit, no date; digits and marks only: a numeric date or none
        if _ASCII_DIGIT.search(text) is None:
            return None
        if _DIGITS_AND_MARKS.fullmatch(text.strip()):
            return try_date(text, day_first)
    raw = _ORDINAL.sub(r"\1", _LEAD.sub("", _fold(text.strip())))
    for pattern, order in ((_WORDY, "dmy"), (_WORDY_US, "mdy")):
        m = pattern.fullmatch(raw)
        if m:
            d, name, y = (m[1], m[2], m[3]) if order == "dmy" else (m[2], m[1], m[3])
            month = MONTHS.get(name) or MONTHS.get(name[:3])
            if month:
                return _date(int(y) + (2000 if len(y) == 2 else 0), month, int(d))
    return try_date(text, day_first)  # numeric dates: values.parse_date reads them


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# currencies whose amounts are printed with a decimal point wherever the payer sits
DOT_CURRENCIES = frozenset({"USD", "GBP", "CAD", "AUD", "NZD", "JPY", "INR", "CNY", "HKD",
                            "SGD", "MXN", "CHF"})


def decide_mark(texts: list[str], known: Iterable[Decimal] = (),
                lang: str | None = None,
                currency: str | None = None) -> tuple[str | None, bool]:
    """(decimal mark, ambiguous) for a document's amount texts.

    Evidence in order: amounts equal to ``known`` open-item amounts under one
    reading only; the printed shapes (``1.234,56``, ``12,50``); then, asked
    only when some amount could be read either way (``1.234``), the stated
    currency (USD, GBP, CHF, ...: a point) and the header language. None: no
    amount needs a decision (each reads one way). ``ambiguous`` is True when
    an amount needed one and nothing gave it.
    """
    known = set(known)
    if known:
        hits = {m: sum(_abs(try_amount(t, m)) in known for t in texts) for m in ".,"}
        if hits["."] != hits[","]:
            return ("." if hits["."] > hits[","] else ","), False
    printed = infer_decimal_mark(texts)
    if printed:
        return printed, False
    if not either_way(texts):
        return None, False
    if currency in DOT_CURRENCIES:
        return ".", False
    if lang:
        return ("," if lang in DAY_FIRST_LANGUAGES else "."), False
    return ".", True


def either_way(texts: list[str]) -> bool:
    """True when some amount reads two ways (``1.234``: 1234 or 1.234)."""
    return any(_EITHER_WAY.search(t) for t in texts)


_EITHER_WAY = re.compile(r"^[^\d]*\d{1,3}[.,]\d{3}(?!\d)[^\d]*$")


def _abs(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else abs(amount)


# currencies of the countries writing the month first (04/25/26)
MONTH_FIRST_CURRENCIES = frozenset({"USD", "CAD", "PHP"})


def decide_day_first(texts: list[str], lang: str | None = None,
                     currency: str | None = None) -> tuple[bool, bool]:
    """(day first, ambiguous) for a document's numeric date texts.

    A day over 12 in first or second place decides; then dots (``23.04.2026``
    is never US); then the language (all but EN: day first); then, for EN, the
    stated currency (GBP, EUR, AUD, INR...: day first; USD, CAD: month first);
    ambiguous only when dates like ``04/05/26`` are printed and nothing else
    says which.

        >>> decide_day_first(["04/05/26"], "en", "GBP")
        (True, False)
    """
    first = second = dots = 0
    for text in texts:
        m = _NUMERIC.fullmatch(text.strip())
        if not m:
            continue
        a, b = int(m[1]), int(m[3])
        first += a > 12
        second += b > 12
        dots += m[2] == "."
    if first != second:
        return first > second, False
    if dots:
        return True, False
    if lang and lang != "en":
        return True, False
    if currency and currency not in MONTH_FIRST_CURRENCIES:
        return True, False
    numeric = any(_NUMERIC.fullmatch(t.strip()) for t in texts)
    return False, numeric and lang is None


_MARKERS = {
    "en": "the your invoice payment date amount paid total our of and please remittance advice "
          "reference no number discount net check cheque",
    "de": "ihre ihr unsere rechnung zahlung betrag datum summe und bei zahlungsavis bitte mit "
          "beleg skonto zahlbetrag rechnungsnr kundennr",
    "fr": "votre vos facture paiement montant le et avis pièce règlement escompte "
          "référence payé virement",
    "nl": "uw factuur betaling bedrag datum van en het betaald totaal ons korting kenmerk "
          "betalingsadvies",
    "es": "su factura pago importe fecha del y el aviso pagado descuento referencia",
    "it": "vs fattura pagamento importo data di del il avviso pagato sconto totale riferimento",
}
# word beginnings, for compounds ("Betalingskenmerk", "Lieferantennr.", "Überweisungsbetrag")
_STEMS = {
    "de": "rechnung zahlung betrag kunden lieferant überweis skonto abzug beleg gesamt "
          "auftrag wertstell ausführ",
    "fr": "paiement montant virement règlement fournisseur escompte retenue donneur",
    "nl": "factuur betaal betaling bedrag leverancier opdracht boekstuk korting inhoud "
          "aftrek kenmerk",
    "es": "importe pagado proveedor ordenante descuento deducci retenci",
    "it": "importo pagament fornitor ordinant bonifico sconto trattenut fattur avviso",
}
_LANGUAGES_OF: dict[str, list[str]] = {}
for _lang, _words in _MARKERS.items():
    for _word in _words.split():
        _LANGUAGES_OF.setdefault(_word, []).append(_lang)
_STEM_OF = {stem: lang for lang, stems in _STEMS.items() for stem in stems.split()}
_STEM_LENGTHS = sorted({len(stem) for stem in _STEM_OF}, reverse=True)
_TOKEN = re.compile(r"[^\W\d_]+")


def guess_language(texts: Iterable[str]) -> str | None:
    """EN, DE, FR, NL, ES or IT, by the most marker words in ``texts``; None on a tie.

    An advice printing another language beside English (``Datum / Date``) is of
    that other language.
    """
    counts = dict.fromkeys(_MARKERS, 0)
    for token in _TOKEN.findall("\n".join(texts).lower()):
        langs = _LANGUAGES_OF.get(token)
        if langs:
            for lang in langs:
                counts[lang] += 1
        elif len(token) > 5:
            stem = next((token[:n] for n in _STEM_LENGTHS if token[:n] in _STEM_OF), None)
            if stem:
                counts[_STEM_OF[stem]] += 1
    english = counts.pop("en")
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked[0][1] >= 3 and ranked[0][1] >= 0.4 * english:  # English is the second
        return ranked[0][0] if ranked[0][1] > ranked[1][1] else None  # language of
    if english and english >= ranked[0][1]:                             # bilingual advices
        return "en"
    return ranked[0][0] if ranked[0][1] > ranked[1][1] else None
