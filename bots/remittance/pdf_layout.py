"""Finding the remittance table on a page of words, whatever the layout.

No template per payer: the table is found by its header row and read by
column positions.

1. **Lines.** Words whose vertical middles are close form a line, read left to
   right (:func:`lines_of`). Between words, a gap wider than 0.8 text
   heights is a column gap: :attr:`Line.text` marks it with a tab, so label
   readers know where a value ends.
2. **Header row.** A line with no digits whose words are mostly header labels
   in six languages (:mod:`bots.remittance.columns`; each phrase as a whole
   first, ``Ihre Referenz / Your Reference``, else its longest labels:
   ``Inv. No.``, ``Net Paid``), naming an invoice column and an amount column;
   a row of payment labels (``Payment date``, ``Advice No.``) is none. Each
   header phrase becomes a :class:`Column` spanning its x-range; unknown labels
   (``Description``) become columns too, so their text does not spill into
   the neighbours. Of two document-number columns the one naming OUR invoice
   (``Your reference``, not the payer's ``Voucher``/``Beleg-Nr.``/``Pièce``)
   is ``invoice_ref``, the other ``alt_ref`` (open items may swap them).
3. **Rows.** The following lines are cut into phrases at column gaps; each
   phrase goes to the column its box overlaps most, or to the nearest column
   when it overlaps none (a short reference under a wide centred header). A
   line is a row when its invoice cell holds a reference with a digit and its
   amount cells read as amounts (amounts without a reference among the rows
   are kept aside for a warning). A line starting with ``Total`` (``Summe``,
   ``Totaal``, ``Totale``) is a totals row: its paid (or gross) amount is kept
   as the printed total and it is not a line, and the table ends there until
   the next header row (a footer's phone number is no row); subtotal, carried- and
   brought-forward rows (``Zwischensumme``, ``Übertrag``, ``A reporter``,
   ``Suma y sigue``, ``Riporto``) are neither lines nor the total. A
   text-only line just under a row continues it (a wrapped description or
   reason).
4. **Pages.** A new header row starts a new segment; a page without one
   continues with the previous columns (header printed on page 1 only), moved
   with its value columns when the table stands further left or right there
   (:class:`_Pages`); a later header row that no longer says which document
   number is ours (``Beleg | Beleg-Nr.``) keeps the roles of the one before by
   position. A row that repeats the running sum of the rows above, this page's
   sum or the sum since the last subtotal is a carried, brought-forward or
   subtotal row whatever its words (``Stand Blatt 1``, a bare amount under a
   rule), unless no row follows it (then it may be the total). A row split at
   a page break (its reference at one page's foot, its amounts atop the next)
   is read as one. A segment whose
   rows repeat an earlier segment exactly (the two copies of a check stub) is
   dropped.

A header stacked on two lines (``Invoice``/``Number``, ``Net``/``Paid``) is
read as one when that names more columns than its first line alone.

The value rows under a header check it (:func:`_checked_by_values`): a column
labelled as an amount whose cells are dates (``Payment Due``) is the date
column, a document-number column over money is none. Labels set so close that
they run together (``GROSS PAID AMOUNT``, on a line printer even within a word:
``VOUCHER NOINVOICE NUMBERINV``) are cut where the cells below are set flush:
money flush right, text flush left (:func:`_flush_edges`). A ledger's ``Debit``
and ``Credit`` columns: the side most invoice rows use holds the paid amounts,
the other side (``contra``) credit notes; the totals check may turn them round.

Limits: at most two header lines; columns are taken from the header row, so
a table whose header is missing on every page is not found here (a per-payer
template can name the columns).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, lru_cache
from operator import attrgetter
from typing import NamedTuple

from bots.remittance.columns import (
    could_be_header,
    could_head_a_column,
    field_for_header,
    is_listed,
    is_modifier,
    may_name_a_field,
    normalise_header,
    reference_rank,
    split_labels,
)
from bots.remittance.labels import is_payment_label
from bots.remittance.pdf_words import Word
from bots.remittance.values import probe_amount

AMOUNT_FIELDS = ("paid_amount", "gross_amount", "discount", "deduction")
_TOTALS = ("paid_amount", "gross_amount")  # the amount columns a line's amount comes from
TEXT_FIELDS = ("deduction_reason", "po_number", None)  # None: an unknown column
_TOTAL = re.compile(r"(?:grand\s*|(?:payment|check|cheque|net|vendor|supplier|remittance|advice"
                    r"|eft|ach|wire)\s*)?(?:totale?s?|totaal|summe|gesamt(?:summe|betrag)?|somme"
                    r"|suma\s*total)\b", re.IGNORECASE)
# rows that sum part of the table: never lines, never the advice's total
_RUNNING = re.compile(r"(?:page\s*|sub-?\s*|sous-?\s*)totale?s?\b|subtotaal|zwischensumme"
                      r"|seitensumme|(?:carried|brought|balance)\s*forward|[üu]bertrag"
                    r"|vortrag\b|teilsumme|zwischentotal|tussentotaal|paginatotaal"
                    r"|totale?\s*(?:parziale|parcial|partiel)\b|report[ée]\b"
                    r"|(?:van\s*vorige|naar\s*volgende)\s*(?:pagina|blad)|over\s*te\s*brengen"
                    r"|overgebracht|viene\s*de\s*(?:la\s*)?(?:p[áa]gina|hoja)\b"
                      r"|(?:balance\s*|total\s*|amount\s*)?(?:carried|brought)\s*(?:forward|fwd|over)"
                      r"|(?:balance\s*)?[bc]\s*/\s*f(?:wd)?\b|continued\b"
                      r"|totale?s?\s*(?:(?:of|for|de|di)\s*)?(?:this\s*)?(?:page|pagina|página"
                      r"|hoja|blad|seite)\b"
                      r"|totale?s?\s*(?:de\s*la|della)\s*(?:page|pagina)\b"
                    r"|(?:totale?s?\s*)?(?:[àa]|da)\s*r(?:eporter|iportare)|report\b|transport\b"
                      r"|suma\s*(?:y\s*sigue|anterior)|riporto\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_NOT_DIGIT = re.compile(r"\D")
_PLACES = re.compile(r"[.,](\d{1,3})\D*$")  # an amount's decimals ("1.234,56-", "12.50 CR")
_X0 = attrgetter("x0")
_AMOUNT_RUN = re.compile(r"[-(]?\d[\d.,'\u00a0 ]*\d[)-]?")
# what values.parse_amount reads: "$1,234.56", "(25.00)", "25.00-", "USD 1.234,56", "12.50 CR",
# ",00" (a line printer's zero)
_AMOUNT = re.compile(r"^(?:[A-Z]{3} ?)?[(+-]? ?(?:[A-Z]{3} ?)?[$€£¥₹]? ?\**[.,]?\d[\d.,' ]*[)-]?"
                     r"(?: ?(?:[A-Z]{3}|CR|DR))?$", re.IGNORECASE)
# two amounts in one cell ("981.16 0.00"): columns read wrong, never one amount
# an amount cell saying nothing: empty, a dash, or only the currency code of a currency
# column set close beside it ("USD" under "DISC. TAKEN CURRENCY")
_NO_AMOUNT = re.compile(r"[-–— ]*(?:[A-Z]{3})?[-–— ]*")
_PLACEHOLDER = re.compile(r"[-\u2013\u2014]+")  # a dash printed for an empty cell
_RULER = re.compile(r"[-=_\u2013\u2014\s]{8,}")  # a line printer's rule under a header
_TWO_AMOUNTS = re.compile(r"\d[.,]\d{2}[)-]?\s+[-(]?[$€£]?\d")
_MAX_PHRASE = 4  # header labels of up to four words ("Amount of Invoice Paid")


class Line(NamedTuple):
    """Words on one printed line of one page, left to right.

    ``text`` is the words with single spaces, and a tab where a column gap falls.
    """

    page: int
    top: float
    bottom: float
    words: tuple[Word, ...]
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _column_gap(a: Word, b: Word) -> float:
    """Wider than this is a column gap: 0.8 text heights (a Courier space is 0.6)."""
    return 0.8 * max(a.bottom - a.top, b.bottom - b.top, 1.0)


def lines_of(pages: list[list[Word]]) -> list[Line]:
    """Every page's words grouped into lines, top to bottom, page after page."""
    lines: list[Line] = []
    for number, words in enumerate(pages, 1):
        current: list[Word] = []
        mid = 0.0
        for word in sorted(words, key=_top_plus_bottom):
            top, bottom = word[3], word[4]
            word_mid = (top + bottom) / 2
            if current and abs(word_mid - mid) <= 0.35 * (bottom - top):
                current.append(word)
                continue
            if current:
                lines.append(_line(number, current))
            current, mid = [word], word_mid
        if current:
            lines.append(_line(number, current))
    return lines


def _top_plus_bottom(word: Word) -> float:
    return word[3] + word[4]


def _line(page: int, words: list[Word]) -> Line:
    """One line of ``words``; tuple unpacking rather than attributes (it runs per word)."""
    words.sort(key=_X0)
    text, _, last_x1, top, bottom = words[0]
    parts = [text]
    last_height = bottom - top
    for text, x0, x1, word_top, word_bottom in words[1:]:
        # a tab at a column gap (:func:`_column_gap`, inlined)
        height = word_bottom - word_top
        gap = 0.8 * max(height, last_height, 1.0)
        parts.append("\t" if x0 - last_x1 > gap else " ")
        parts.append(text)
        if word_top < top:
            top = word_top
        if word_bottom > bottom:
            bottom = word_bottom
        last_x1, last_height = x1, height
    return Line(page, top, bottom, tuple(words), "".join(parts))


# --------------------------------------------------------------------------- header row


@dataclass(frozen=True)
class Column:
    """One column of a table: the field it holds (None: unknown) and its x-range."""

    field: str | None
    x0: float
    x1: float
    label: str
    # a label made of two (``Aftrek Omschrijving``: deduction, reason): the field of the
    # other kind (amount vs text), for the words of that kind under it
    other: str | None = None


def header_columns(line: Line, synonyms: Mapping[str, str] | None = None) -> list[Column] | None:
    """The columns a header row names, or None when ``line`` is not a header row.

    Each phrase (words up to a column gap) is read as one label first
    (``Ihre Referenz / Your Reference``); a phrase naming nothing as a whole
    is split into the longest labels it holds. ``synonyms`` adds header texts
    (normalised, as :func:`normalise_header` gives them) to the shared map,
    e.g. a per-payer template's columns.
    """
    words = line.words
    if len(words) < 2 or _DIGIT.search(line.text) or (
            not synonyms and not could_be_header(line.text)):
        return None
    if not synonyms and 2 * sum(may_name_a_field(w.text) for w in words) < len(words):
        return None  # mostly words no label is made of (a sentence): too few labels
    columns = _label_columns(phrases(words), synonyms or {})
    known = sum(len(c.label.split()) for c in columns if c.field)
    taken = {c.field for c in columns if c.field}
    if sum(is_payment_label(c.label) for c in columns) >= 2:
        return None  # a row of payment labels in boxes (date, advice number, currency)
    return columns if _is_header(taken, known, len(words)) else None


def _label_columns(parts: list[list[Word]], synonyms: Mapping[str, str]) -> list[Column]:
    """Every phrase of a header line as a column: a label's field, else unknown (None);
    a run of labels set close (five words or more) split as
    :func:`~bots.remittance.columns.split_labels` says when that names more fields."""
    columns: list[Column] = []
    for phrase in parts:
        found = _phrase_columns(phrase, synonyms)
        split = split_labels(tuple(w.text for w in phrase), synonyms) \
            if len(phrase) >= 5 and not is_payment_label(" ".join(w.text for w in phrase)) \
            else None
        if split and len({f for _, f in split if f}) > len({c.field for c in found if c.field}):
            i = 0
            for length, name in split:
                part = phrase[i:i + length]
                columns.append(Column(name, part[0].x0, part[-1].x1,
                                      " ".join(w.text for w in part)))
                i += length
            continue
        columns += found
    return _resolve(columns)


def _phrase_columns(phrase: list[Word], synonyms: Mapping[str, str]) -> list[Column]:
    """The columns one header phrase names: one label, two set close, or its longest
    labels left to right (without synonyms read once per document,
    :func:`phrase_columns`: the header tests ask for a phrase again and again)."""
    if synonyms:
        return _columns_named(tuple(phrase), synonyms)
    return list(phrase_columns(tuple(phrase)))


@lru_cache(maxsize=4096)
def phrase_columns(phrase: tuple[Word, ...]) -> tuple[Column, ...]:
    """:func:`_phrase_columns` of ``phrase`` with the shared labels only (a cache
    :func:`bots.remittance.pdf.extract_pdf` empties for every document)."""
    return tuple(_columns_named(phrase, {}))


def _columns_named(phrase: tuple[Word, ...], synonyms: Mapping[str, str]) -> list[Column]:
    text = " ".join(w.text for w in phrase)
    if is_payment_label(text):  # a label of the payment, e.g. in a box
        return [Column(None, phrase[0].x0, phrase[-1].x1, text)]
    name = _field(text, synonyms)
    span = tuple(phrase)
    cut = (_two_labels(span, text, synonyms) or _label_pair(span, text, synonyms)) \
        if name else None
    if cut:
        halves = (span[:cut], span[cut:])
        return [Column(_field(label, synonyms), part[0].x0, part[-1].x1, label)
                for part, label in zip(halves, (" ".join(w.text for w in h) for h in halves),
                                       strict=True)]
    if name:
        return [Column(name, phrase[0].x0, phrase[-1].x1, text,
                       _other_kind(name, text, phrase, synonyms))]
    columns: list[Column] = []
    hits: dict[int, tuple[int, str] | None] = {}  # the longest label at each word, once

    def label_at(n: int) -> tuple[int, str] | None:
        if n not in hits:
            hits[n] = _longest_label(span, n, synonyms)
        return hits[n]

    i = 0
    while i < len(span):
        hit = label_at(i)
        if hit:
            length, name = hit
            part = span[i:i + length]
            columns.append(Column(name, part[0].x0, part[-1].x1,
                                  " ".join(w.text for w in part)))
            i += length
            continue
        # an unknown label: its words up to the next known label
        j = i + 1
        while j < len(span) and not label_at(j):
            j += 1
        columns.append(Column(None, span[i].x0, span[j - 1].x1,
                              " ".join(w.text for w in span[i:j])))
        i = j
    return columns


def _two_labels(span: tuple[Word, ...], text: str, synonyms: Mapping[str, str]) -> int | None:
    """Where an unlisted phrase is two labels of different amount fields set close
    together (``PAID AMOUNT CASH DISC.``): the word count of the first, or None. Two
    one-word halves of a phrase read as a paid or gross amount are one label
    (``Importe pagado``, ``Montant du règlement``)."""
    if len(span) < 2 or is_listed(text) or normalise_header(text) in synonyms:
        return None
    whole = _field(text, synonyms)
    for cut in sorted(range(1, len(span)), key=lambda n: -min(n, len(span) - n)):
        first = _field(" ".join(w.text for w in span[:cut]), synonyms)
        second = _field(" ".join(w.text for w in span[cut:]), synonyms)
        if first in AMOUNT_FIELDS and second in AMOUNT_FIELDS and first != second \
                and (first in _TOTALS or second in _TOTALS) \
                and (min(cut, len(span) - cut) >= 2 or whole not in _TOTALS):
            return cut
    return None


def _label_pair(span: tuple[Word, ...], text: str, synonyms: Mapping[str, str]) -> int | None:
    """Where an unlisted phrase is two labels set close together, of different fields or
    one naming none (``Your Invoice Doc. Date``, ``Supplier Invoice Internal ID``): the
    word count of the first, or None. Both halves have
    two words or more and one of them is a listed label, so one label of several words
    (``Amount of Invoice Paid``, ``Invoice Amount Paid``) stays whole."""
    if len(span) < 4 or is_listed(text) or normalise_header(text) in synonyms:
        return None
    for cut in range(2, len(span) - 1):
        first, second = (" ".join(w.text for w in part) for part in (span[:cut], span[cut:]))
        one, other = _field(first, synonyms), _field(second, synonyms)
        if (one or other) and one != other and (is_listed(first) or is_listed(second)):
            return cut
    return None


def _other_kind(name: str, text: str, phrase: Sequence[Word],
                synonyms: Mapping[str, str]) -> str | None:
    """The field of the other kind a word of an unlisted two-word label names, if any."""
    if len(phrase) < 2 or is_listed(text) or normalise_header(text) in synonyms:
        return None
    amount = name in AMOUNT_FIELDS
    return next((f for w in phrase if (f := _field(w.text, synonyms))
                 and (f in AMOUNT_FIELDS) != amount and f != "invoice_ref"), None)


def _resolve(columns: list[Column]) -> list[Column]:
    """One column per field: of several invoice-reference columns the one naming OUR
    invoice (:func:`~bots.remittance.columns.reference_rank`) keeps the field, the
    others become ``alt_ref`` (the payer's own voucher, kept for the open-item check);
    of other repeated fields the first keeps it, and a second paid or gross amount
    column is ``alt_amount`` (the totals check may read it as the paid amount)."""
    refs = [c for c in columns if c.field == "invoice_ref"]
    best = max(refs, key=lambda c: reference_rank(c.label), default=None)
    out, taken = [], set()
    for column in columns:
        name = column.field
        if name == "invoice_ref" and column is not best:
            name = "alt_ref" if "alt_ref" not in taken else None
        elif name in taken:  # a second amount column of one name ("Betrag | Betrag")
            name = "alt_amount" if name in _TOTALS and "alt_amount" not in taken else None
        if name:
            taken.add(name)
        out.append(column if name == column.field else
                   Column(name, column.x0, column.x1, column.label, column.other))
    return out


def _is_header(fields: set[str], known: int, parts: int) -> bool:
    """An invoice column, an amount column (or a ledger's two sides), and mostly known
    labels."""
    return "invoice_ref" in fields and (bool(fields & {"paid_amount", "gross_amount"})
                                        or _SIDES <= fields) and known * 2 >= parts


def _stackable(upper: Line, lower: Line, synonyms: Mapping[str, str] | None) -> bool:
    """Whether ``upper`` and ``lower`` may be one header printed on two lines."""
    return upper.page == lower.page and lower.top - upper.bottom <= 0.8 * upper.height \
        and not _DIGIT.search(upper.text) and not _DIGIT.search(lower.text) \
        and not _RULER.fullmatch(lower.text) and not _RULER.fullmatch(upper.text) \
        and (bool(synonyms) or could_be_header(upper.text, lower.text))


def stacked_header_columns(upper: Line, lower: Line,
                           synonyms: Mapping[str, str] | None = None,
                           spans: list[tuple[float, float]] | None = None,
                           ) -> list[Column] | None:
    """The columns of a header printed on two lines (``Invoice``/``Number``), or None.

    Each line is cut into phrases at column gaps (and, given the ``spans`` of the
    value columns under the header, where they change: :func:`_aligned_phrases`); a
    phrase of the lower line joins the upper phrase it overlaps horizontally,
    and the pair is read as one label (``Net`` over ``Paid`` is ``Net Paid``),
    else either half alone.
    """
    if not _stackable(upper, lower, synonyms):
        return None
    groups: list[tuple[float, float, list[str]]] = []
    for row, line in enumerate((upper, lower)):
        parts = _aligned_phrases(line, spans) if spans else phrases(line.words)
        if row:
            parts = [cut for phrase in parts for cut in _cut_under(phrase, groups, synonyms)]
        for phrase in parts:
            x0, x1, text = phrase[0].x0, phrase[-1].x1, " ".join(w.text for w in phrase)
            for n, (g0, g1, texts) in enumerate(groups):
                if len(texts) == row and min(x1, g1) - max(x0, g0) > 0:
                    groups[n] = (min(x0, g0), max(x1, g1), texts + [text])
                    break
            else:
                groups.append((x0, x1, [""] * row + [text]))
    columns, taken = [], set()
    for x0, x1, texts in sorted(groups):
        label = " ".join(texts).strip()
        candidates = (_field(text, synonyms or {}) for text in (label, *texts))
        name = next((f for f in candidates if f and (f not in taken or f == "invoice_ref")),
                    None)
        if name:
            taken.add(name)
        columns.append(Column(name, x0, x1, label))
    columns = _resolve(columns)
    return columns if _is_header(taken, _known(columns), len(columns)) else None


def _cut_under(phrase: list[Word], groups: list[tuple[float, float, list[str]]],
               synonyms: Mapping[str, str] | None) -> list[list[Word]]:
    """A lower header phrase cut where its words run on to the right of the upper label
    they start under, when those words name a field of their own (``factura
    Descuento`` under ``Total``: ``Total factura`` and ``Descuento``), or where its
    words go on under the next upper label (``PAGATO ORIGINALE`` under ``IMPORTO`` and
    ``IMP.``)."""
    def under(word: Word) -> int:
        return next((n for n, (g0, g1, _) in enumerate(groups)
                     if min(word.x1, g1) - max(word.x0, g0) > 0), -1)

    if len(phrase) < 2:
        return [phrase]
    cuts: list[list[Word]] = []
    last = None
    for word in phrase:
        place = under(word)
        if cuts and place == last:
            cuts[-1].append(word)
        else:
            cuts.append([word])
        last = place
    if len(cuts) >= 2 and all(under(cut[0]) >= 0 for cut in cuts):
        return cuts  # the halves of labels above ("IMPORTO / PAGATO", "IMP. / ORIGINALE")
    # only words running on to the right of the label above (a left-aligned label); a
    # right-aligned one ("Paid" over "Amount CAD") has the lower phrase start further left
    if len(cuts) != 2 or under(cuts[0][0]) < 0 or under(cuts[1][0]) >= 0 \
            or not _field(" ".join(w.text for w in cuts[1]), synonyms or {}):
        return [phrase]
    return cuts


def phrases(words: tuple[Word, ...]) -> list[list[Word]]:
    """``words`` (of one line, left to right) cut at column gaps (:func:`_column_gap`)."""
    if not words:
        return []
    current = [words[0]]
    found = [current]
    _, _, last_x1, top, bottom = words[0]
    last_height = bottom - top
    for word in words[1:]:
        _, x0, x1, top, bottom = word
        height = bottom - top
        if x0 - last_x1 <= 0.8 * max(height, last_height, 1.0):
            current.append(word)
        else:
            current = [word]
            found.append(current)
        last_x1, last_height = x1, height
    return found


def _field(text: str, synonyms: Mapping[str, str]) -> str | None:
    return synonyms.get(normalise_header(text)) or field_for_header(text) if text else None


def _longest_label(words: tuple[Word, ...], i: int,
                   synonyms: Mapping[str, str]) -> tuple[int, str] | None:
    """(word count, field) of the longest header label starting at ``words[i]`` (and
    running to no column gap)."""
    longest = 1
    while longest < min(_MAX_PHRASE, len(words) - i) and \
            words[i + longest].x0 - words[i + longest - 1].x1 \
            <= _column_gap(words[i + longest - 1], words[i + longest]):
        longest += 1
    for length in range(longest, 0, -1):
        name = _field(" ".join(w.text for w in words[i:i + length]), synonyms)
        if name:
            return length, name
    return None


# --------------------------------------------------------------------------- rows


@dataclass
class Table:
    """What the table reader found: rows of cell texts keyed by field."""

    rows: list[dict[str, str]] = field(default_factory=list)
    total_text: str | None = None  # the paid/gross amount of a "Total" row
    used: set[int] = field(default_factory=set)  # indices of the lines read as table
    dropped_copies: int = 0  # segments dropped as exact copies of an earlier one
    # lines of amounts without an invoice reference: (their text, their amount cells)
    unreferenced: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # the rows under each header row found (copies dropped): ``rows`` is their concatenation
    segments: list[list[dict[str, str]]] = field(default_factory=list)
    labels: tuple[str, ...] = ()  # the labels of the first header row (the layout)
    # the labels of the columns read as ``invoice_ref`` and ``alt_ref``
    ref_labels: dict[str, str] = field(default_factory=dict)
    headerless: bool = False  # no header row: the columns were told by their values
    first_header: int = 0  # index of the first header row's line (all lines: none)

    def swap_references(self) -> None:
        """Read the other document-number column as the invoice reference."""
        for row in self.rows:
            row["invoice_ref"], row["alt_ref"] = row.get("alt_ref", ""), row["invoice_ref"]
        self.ref_labels = {"invoice_ref": self.ref_labels.get("alt_ref", ""),
                           "alt_ref": self.ref_labels.get("invoice_ref", "")}

    def alt_amount_paid(self) -> Table | None:
        """This table read with its second amount column (``alt_amount``) as the paid
        amount, the first as the gross; None when it has no second amount column."""
        if not any(row.get("alt_amount") for row in self.rows):
            return None
        segments = [[{**row, "gross_amount": row.get("paid_amount") or row.get(
            "gross_amount", ""), "paid_amount": row.get("alt_amount", "")} for row in seg]
            for seg in self.segments]
        return replace(self, rows=[row for seg in segments for row in seg], segments=segments)

    def other_side(self) -> Table | None:
        """A ledger's table read with its other side (``contra``) as the paid amounts, the
        paid side as credit notes; None when it has no other side."""
        if not any(row.get("contra") for row in self.rows):
            return None
        segments = [[{**row, "paid_amount": row.get("contra", ""),
                      "contra": row.get("paid_amount", "")} for row in seg]
                    for seg in self.segments]
        return replace(self, rows=[row for seg in segments for row in seg], segments=segments)

    def without_segment(self, n: int) -> Table:
        """This table with the rows of segment ``n`` left out (a false header row's)."""
        kept = [seg for i, seg in enumerate(self.segments) if i != n]
        return replace(self, rows=[row for seg in kept for row in seg], segments=kept)


def assign(line: Line, columns: list[Column]) -> dict[str | None, str]:
    """The words of ``line`` per column field (unknown columns under None).

    Words go phrase by phrase (words up to a column gap): a phrase goes to the
    column it overlaps most, or, overlapping none, to the nearest one. A phrase
    overlapping several columns (columns printed too close) goes word by word. A
    dash printed for nothing is a cell only where the column holds nothing else.
    """
    cells: dict[str | None, list[str]] = {}
    dashes: dict[str | None, list[str]] = {}  # "-" phrases: a cell's own only when alone
    for phrase in phrases(line.words):
        column, overlapped = _place(phrase[0].x0, phrase[-1].x1, columns)
        texts = [w.text for w in phrase]
        if all(map(_PLACEHOLDER.fullmatch, texts)):
            if overlapped:  # not in a column the header did not name
                dashes.setdefault(column.field, []).extend(texts)
            continue  # "-" for nothing: never another cell's minus ("2.292,92" then "-")
        if overlapped > 1 and len(phrase) > 1:
            last: str | None = ""
            for unit in _amount_groups(phrase):
                name = _place(unit[0].x0, unit[-1].x1, columns)[0].field
                if name in ("invoice_ref", "alt_ref") and last in TEXT_FIELDS \
                        and not _DIGIT.search(unit[0].text):
                    name = last  # a text running on over a reference column ("Nota di credito")
                cells.setdefault(name, []).extend(w.text for w in unit)
                last = name
        elif column.other:
            amount = column.field in AMOUNT_FIELDS
            for word in phrase:
                own = bool(_AMOUNT.match(word.text)) == amount
                cells.setdefault(column.field if own else column.other, []).append(word.text)
        else:
            cells.setdefault(column.field, []).extend(texts)
    for name, texts in dashes.items():
        cells.setdefault(name, texts)
    return {name: " ".join(texts) for name, texts in cells.items()}


def _amount_groups(phrase: list[Word]) -> list[list[Word]]:
    """The words of ``phrase``, the groups of an amount printed with spaces (``21 943,92``)
    kept together."""
    units: list[list[Word]] = []
    for word in phrase:
        if units and _GROUP_TAIL.match(word.text) and _GROUP_HEAD.match(units[-1][-1].text) \
                and (len(units[-1]) == 1 or _GROUP_TAIL.match(units[-1][-1].text)):
            units[-1].append(word)
        else:
            units.append([word])
    return units


def _place(x0: float, x1: float, columns: list[Column]) -> tuple[Column, int]:
    """(the column [x0, x1] overlaps most, else the nearest; how many it overlaps)."""
    best, overlap, count = None, 0.0, 0
    for column in columns:
        o = (x1 if x1 < column.x1 else column.x1) - (x0 if x0 > column.x0 else column.x0)
        if o > 0:
            count += 1
            if o > overlap:
                best, overlap = column, o
    if best is None:
        best = min(columns, key=lambda c: max(c.x0 - x1, x0 - c.x1))
    return best, count


def _row_kind(cells: dict[str | None, str], text: str) -> str:
    """'total', 'running' (subtotal, carried forward), 'row', 'unreferenced' (amounts,
    no invoice), 'text' (may continue a row) or 'other'."""
    if _RUNNING.match(text):
        return "running"
    if _TOTAL.match(text):
        return "total"
    ref = cells.get("invoice_ref", "")
    amounts = [cells[f] for f in (*AMOUNT_FIELDS, "contra")
               if f in cells and not _NO_AMOUNT.fullmatch(cells[f])]
    if amounts and (cells.get("paid_amount") or cells.get("gross_amount") or cells.get("contra")) \
            and all(_AMOUNT.match(a) and not _TWO_AMOUNTS.search(a) for a in amounts):
        return "row" if _DIGIT.search(ref) and len(ref.split()) <= 2 else "unreferenced"
    if not ref and not amounts and any(cells.get(f) for f in TEXT_FIELDS):
        return "text"
    return "other"


def find_table(lines: list[Line], synonyms: Mapping[str, str] | None = None) -> Table:
    """Read the remittance table(s) of a document; see the module docstring."""
    table = _find_table(lines, synonyms)
    if table.segments:
        return table
    bodies = _Bodies(lines)  # a partial header row above the first full one (its rows unread)
    partial = next(((index, columns) for index in range(table.first_header)
                    if index not in table.used
                    and (columns := _partial_header(bodies, index, synonyms))), None)
    if partial is not None:
        return _find_table(lines, synonyms, (*partial, True))
    start = _headerless_start(lines)
    if start is None:
        return table
    found = _find_table(lines, synonyms, (*start, False))
    found.headerless = True
    return found


def _find_table(lines: list[Line], synonyms: Mapping[str, str] | None,
                preset: tuple[int, list[Column], bool] | None = None) -> Table:
    """The table under the header rows of ``lines``; ``preset``: (index, columns, whether
    that line is a header row) of a table found otherwise: under a header row naming only
    one of the invoice and amount columns (:func:`_partial_header`), or without a header
    row (:func:`_headerless_start`), its columns told by their values."""
    table = Table()
    bodies = _Bodies(lines, synonyms)
    segments: list[list[dict[str, str]]] = []
    seconds: list[list[dict[str, str]]] = []  # the right half's rows of a doubled table
    columns: list[Column] | None = None
    halves: tuple[list[Column], list[Column]] | None = None
    last_row: Line | None = None
    # the columns, page and previous total text of a table ended by a total row
    ended: tuple[list[Column], int, str | None] | None = None
    pages = _Pages(lines)  # continuation pages: columns realigned, running sums
    carried: list[tuple[int, tuple[str, tuple[str, ...]], int]] = []  # bare running amounts
    for index, line in enumerate(lines):
        if index in table.used:  # the second line of a stacked header
            continue
        if preset and index == preset[0] and not preset[2]:  # its first row
            columns, halves, last_row = preset[1], None, None
            segments.append([])
            seconds.append([])
            new_columns = None
        elif preset and index == preset[0]:  # its header row
            new_columns = preset[1]
        else:
            new_columns = bodies.header(index)
            stacked = _stacked_header(bodies, index, synonyms) \
                if index + 1 < len(lines) else None
            if stacked and (new_columns is None or _strength(stacked) > _strength(new_columns)
                            or (_strength(stacked) == _strength(new_columns)
                                and _better_reference(stacked, bodies.header(index + 1)))):
                # (as strong, and the lower line a header row itself whose reference names
                # our invoice less surely: read alone, it would start a table of its own
                # under half labels, "NO. | DOC REF | PAID" under "INVOICE | AMOUNT")
                new_columns = stacked
                table.used.add(index + 1)
            elif new_columns is not None:
                new_columns = _aligned_header(bodies, index, new_columns, synonyms)
            if new_columns is not None:
                new_columns = _checked_by_values(new_columns, bodies(
                    index + 2 if index + 1 in table.used else index + 1))
        if new_columns is not None:
            new_columns = pages.header(new_columns, line.page)
            if not segments:
                table.first_header = index
            if not table.labels:
                table.labels = tuple(c.label for c in new_columns)
                table.ref_labels = {c.field: c.label for c in new_columns
                                    if c.field in ("invoice_ref", "alt_ref")}
            columns, last_row, ended = new_columns, None, None
            halves = _side_by_side(columns)
            segments.append([])
            seconds.append([])
            table.used.add(index)
            continue
        if halves is None and (columns is not None or ended is not None):
            moved = pages.columns_on(line.page)
            if moved is not None and columns is not None:  # a page without a header row
                columns = moved
            elif moved is not None and ended is not None:
                ended = (moved, ended[1], ended[2])
        if columns is None and ended is not None and line.page == ended[1] \
                and _carries(line, ended[0], pages):
            table.used.add(index)  # "A riportare" under a page's total: no advice total
            continue
        if columns is None and ended is not None and _continues(line, ended, segments[-1]):
            # a total that was a page's: the table goes on on the next page
            columns, halves, table.total_text, ended = ended[0], None, ended[2], None
        if columns is None:
            continue
        used = False
        for part, part_columns, rows in _parts(line, columns, halves, segments[-1],
                                               seconds[-1]):
            cells = assign(part, part_columns)
            if " " in cells.get("invoice_ref", "") and (
                    ref := reference_in_text(cells["invoice_ref"])):
                cells["invoice_ref"] = ref  # "Rechnung 4711" in a text column
            kind = _row_kind(cells, part.text)
            repeats = kind in ("row", "unreferenced") and pages.repeats_a_sum(cells)
            if kind == "row" and repeats and not pages.has_reference_shape(cells):
                kind = "running"  # "Suma página 1: ..." under the references: no invoice
            elif kind == "row" and not pages.fits(line.page, cells):
                kind = "other"  # "70012 | 06.05.2026 | 2" in a page's head: no row
            elif kind == "total" and pages.is_part_sum(cells):
                kind = "running"  # "Total de la page": the page's sum, not the whole
            elif kind == "unreferenced" and not repeats and (
                    whole := pages.joined(line, cells)) is not None:
                half, cells = whole  # a row split at the page break: its two halves
                table.used.add(half)
                kind = "row"
            if kind == "row":
                rows.append({k or "description": v for k, v in cells.items()})
                pages.row(line, cells)
                last_row, used = line, True
            elif kind == "total" and segments[-1]:
                if halves is None:
                    ended = (columns, line.page, table.total_text)
                table.total_text = _total_amount(line, cells) or table.total_text
                columns = last_row = None  # the table ends at its total (a footer is no row)
                used = True
                break
            elif kind == "running":
                pages.close_block()
                last_row, used = None, True
            elif kind == "text" and rows and _just_under(line, last_row, 1.5):
                _continue_row(rows[-1], cells)
                last_row, used = line, True
            elif kind == "unreferenced" and repeats:
                # a subtotal or carried amount under unknown words, or bare; unless no
                # row follows (then the whole's sum is the total, "Überweisungsbetrag")
                carried.append((index, (" ".join(w.text for w in part.words), tuple(
                    cells[f] for f in (*_TOTALS, "contra") if cells.get(f))), pages.count))
                pages.close_block()
                last_row = None
            elif kind == "unreferenced" and _just_under(line, last_row, 3):
                # not table.used: the line may be a labelled total ("Total paid: ...")
                table.unreferenced.append((" ".join(w.text for w in part.words), tuple(
                    cells[f] for f in (*_TOTALS, "contra") if cells.get(f))))
                last_row = line
            elif kind == "other":
                pages.half_row(index, line, cells)
        if used:
            table.used.add(index)
    if not segments:
        table.first_header = len(lines)
    for index, entry, before in carried:
        if pages.count > before:
            table.used.add(index)  # rows follow: it carried a sum forward
        elif table.total_text is None and _row_cents({"paid_amount": entry[1][0]}) \
                == pages.whole:
            table.total_text = entry[1][0]  # the last, the whole's sum: the total row
            table.used.add(index)
        else:
            table.unreferenced.append(entry)
    for n, rows in enumerate(segments):
        rows += seconds[n]
        if rows and rows in segments[:n]:
            table.dropped_copies += 1
        elif rows:
            table.rows.extend(rows)
            table.segments.append(rows)
    return table


class _Pages:
    """What a table that runs over several pages needs to be read on each page.

    **Columns on a continuation page.** A page printed without the header row
    (or the table set a little further left or right, each column sized by that
    page's values) keeps the columns of the header row, moved with the value
    columns: the edges where cells are set flush row after row (text flush left,
    money flush right: :func:`_flush_edges`) on the header's page and on this
    page are paired in order when they are of the same kinds left to right, each
    column moving with the edge nearest it; otherwise the one shift that lines
    up most edges moves them all.

    **Running sums.** The rows read so far add up (in minor units, whatever the
    decimal mark) to the whole, this page's and this block's sums (a block ends
    at a subtotal or carried row). A row that repeats one of them (``Übertrag``,
    ``Seitensumme``, a brought-forward amount at a page's head, a bare subtotal
    under a rule) carries a sum, whatever words it prints.
    """

    def __init__(self, lines: list[Line]) -> None:
        self.by_page: dict[int, list[Line]] = {}
        for line in lines:
            self.by_page.setdefault(line.page, []).append(line)
        self.base: list[Column] | None = None  # the header row's columns
        self.base_page = 0
        self.base_rows: list[Line] = []  # the rows read on the header row's page
        self.base_edges: list[tuple[float, bool]] | None = None  # their flush edges
        self.page = 0  # the page the columns were last set for
        self.count = 0  # rows read
        self.whole = self.on_page = self.block = 0  # sums in minor units
        self.rows_on_page = self.rows_in_block = 0
        self.row_page = 0
        self.shapes: set[str] = set()  # the references read, digits as 9
        self.places: set[int] = set()  # the decimal places of the amounts read
        # (line index, page, cells) of a row's first half: references, no amounts
        self.half: tuple[int, int, dict[str | None, str]] | None = None

    def header(self, columns: list[Column], page: int) -> list[Column]:
        """A header row on ``page`` names the columns from here on; on a later page, its
        two document numbers keep the roles of the header before when its labels no
        longer say which is ours (``Ihre Belegnr. | Unsere Belegnr.`` on page 1,
        ``Beleg | Beleg-Nr.`` on page 2); one naming only some of the fields of the
        header before (``Fattura | Pagato``) leaves that header's columns in force,
        moved with this page's values, else with the labels it prints
        (:func:`_fewer_labels`)."""
        if self.base is not None and page > self.base_page:
            columns = _same_roles(self.base, columns)
            if _names_fewer(self.base, columns):
                return self._moved_to(page) or _fewer_labels(self.base, columns)
        self.base, self.base_page, self.page, self.base_rows = columns, page, page, []
        self.base_edges = None
        return columns

    def row(self, line: Line, cells: Mapping[str | None, str]) -> None:
        """A row read: its amount into the sums, its reference's shape remembered."""
        if line.page == self.base_page and len(self.base_rows) < 2 * _MAX_BODY:
            self.base_rows.append(line)
        if line.page != self.row_page:
            self.row_page, self.on_page, self.rows_on_page = line.page, 0, 0
        amount = _row_cents(cells) or 0
        self.whole += amount
        self.on_page += amount
        self.block += amount
        self.count += 1
        self.rows_on_page += 1
        self.rows_in_block += 1
        self.shapes.add(_DIGITS.sub("9", cells.get("invoice_ref", "")))
        self.places.add(_places(cells))
        self.half = None

    def half_row(self, index: int, line: Line, cells: Mapping[str | None, str]) -> None:
        """Note ``lines[index]`` as the first half of a row split at a page break when it
        follows rows on their page and prints a reference but no amount."""
        ref = cells.get("invoice_ref", "")
        if line.page == self.row_page and _DIGIT.search(ref) and len(ref.split()) <= 2 \
                and not any(cells.get(f) and not _NO_AMOUNT.fullmatch(cells[f])
                            for f in (*AMOUNT_FIELDS, "contra")):
            self.half = (index, line.page, dict(cells))

    def joined(self, line: Line, cells: Mapping[str | None, str],
               ) -> tuple[int, dict[str | None, str]] | None:
        """(the first half's line index, the whole row's cells) when ``line``, amounts
        alone, printed as the rows print theirs, on the page after a row's first half and
        before any row there, is its second half; else None."""
        half = self.half
        if half is not None and (line.page > half[1] + 1 or self.row_page != half[1]):
            self.half = half = None  # rows went on without it
        if half is None or line.page != half[1] + 1 or _places(cells) not in self.places \
                or any(v for k, v in cells.items() if k not in _AMOUNT_NAMES):
            return None  # not yet: a page's head, a label with an amount
        self.half = None
        return half[0], {**half[2], **{k: v for k, v in cells.items() if v}}

    def fits(self, page: int, cells: Mapping[str | None, str]) -> bool:
        """Whether a row on ``page`` prints its amount as the rows read do: on a page
        read under an earlier page's header, an amount of other decimal places (``2``
        under ``1.234,56``: the page number of a box of keys) makes no row."""
        return page == self.base_page or self.count < 2 or _places(cells) in self.places

    def close_block(self) -> None:
        """A subtotal or carried row ends the block of rows above it."""
        self.block = self.rows_in_block = 0

    def repeats_a_sum(self, cells: Mapping[str | None, str]) -> bool:
        """Whether the line's amount is the whole, this page's or this block's sum of two
        rows or more."""
        amount = _row_cents(cells)
        return bool(amount) and any(rows >= 2 and amount == total for total, rows in (
            (self.whole, self.count), (self.on_page, self.rows_on_page),
            (self.block, self.rows_in_block)))

    def is_part_sum(self, cells: Mapping[str | None, str]) -> bool:
        """Whether the line's amount is this page's or this block's sum of two rows or
        more but not the whole's: a page's or a group's total, never the advice's."""
        amount = _row_cents(cells)
        return bool(amount) and amount != self.whole and any(
            rows >= 2 and amount == total for total, rows in (
                (self.on_page, self.rows_on_page), (self.block, self.rows_in_block)))

    def has_reference_shape(self, cells: Mapping[str | None, str]) -> bool:
        """Whether the invoice cell has the shape of a reference read before."""
        return _DIGITS.sub("9", cells.get("invoice_ref", "")) in self.shapes

    def columns_on(self, page: int) -> list[Column] | None:
        """The header's columns moved to the values of ``page``, once, on the first line
        of a page after the header's; None on any other line."""
        if page == self.page or self.base is None:
            return None
        return self._moved_to(page) or self.base

    def _moved_to(self, page: int) -> list[Column] | None:
        """The header's columns moved to the values of ``page`` (None: too few rows on
        the header's page or this one to tell)."""
        self.page = page
        if self.base is None or len(self.base_rows) < 2:
            return None
        body: list[Line] = []
        for line in self.by_page.get(page, ())[:3 * _MAX_BODY]:
            if len(body) < _MAX_BODY and _money_row(line):
                body.append(line)
        if len(body) < 2:
            return None
        if self.base_edges is None:  # the header's page is read by now
            self.base_edges = _edges(self.base_rows)
        return _moved(self.base, self.base_edges, _edges(body))


def _same_roles(before: list[Column], now: list[Column]) -> list[Column]:
    """``now`` with its invoice and other document-number columns swapped when the other
    one stands where the invoice column of ``before`` stood and the labels of ``now`` do
    not name our invoice more surely (:func:`~bots.remittance.columns.reference_rank`)."""
    ours = next((c for c in before if c.field == "invoice_ref"), None)
    new = next((c for c in now if c.field == "invoice_ref"), None)
    if ours is None or new is None:
        return now
    under = max(now, key=lambda c: min(c.x1, ours.x1) - max(c.x0, ours.x0))
    if under.field != "alt_ref" or min(under.x1, ours.x1) <= max(under.x0, ours.x0) \
            or reference_rank(new.label) > reference_rank(under.label):
        return now
    swap = {"invoice_ref": "alt_ref", "alt_ref": "invoice_ref"}
    return [replace(c, field=swap[c.field]) if c.field in swap else c for c in now]


def _names_fewer(before: list[Column], now: list[Column]) -> bool:
    """Whether ``now`` names some of the fields ``before`` named, and no other."""
    named = {c.field for c in now if c.field}
    fields = {c.field for c in before if c.field}
    return bool(named) and named < fields


def _fewer_labels(before: list[Column], now: list[Column]) -> list[Column]:
    """The columns of ``before`` moved to where ``now`` (a later page's header naming
    fewer fields: ``Fattura | Pagato`` over a table of date, invoice, voucher, gross,
    discount and paid) prints their labels; the columns it leaves out move with the
    named ones nearest them."""
    named = {c.field: c for c in now if c.field}

    def anchor(column: Column) -> tuple[float, bool]:  # money set flush right
        amount = column.field in _AMOUNT_NAMES
        return (column.x1 if amount else column.x0), amount

    pairs = [(anchor(c), anchor(named[c.field])) for c in before if c.field in named]
    return _moved(before, [old for old, _ in pairs], [new for _, new in pairs])


def _places(cells: Mapping[str | None, str]) -> int:
    """The decimal places of a row's paid (else gross) amount (``1.234,56``: 2, ``7``: 0)."""
    text = cells.get("paid_amount") or cells.get("gross_amount") or ""
    found = _PLACES.search(text)
    return len(found[1]) if found else 0


def _row_cents(cells: Mapping[str | None, str]) -> int | None:
    """A row's paid (else gross) amount in minor units, whatever its marks: ``1.234,56``
    and ``1,234.56`` are both 123456; None when the cell is no money."""
    text = cells.get("paid_amount") or cells.get("gross_amount") or ""
    if not _MONEY.match(text):
        return None
    value = int(_NOT_DIGIT.sub("", text))
    return -value if "-" in text or "(" in text else value


def _money_row(line: Line) -> bool:
    """A line of two phrases or more, one of them money, no totals or running row."""
    parts = phrases(line.words)
    return len(parts) >= 2 and not _TOTAL.match(line.text) and not _RUNNING.match(line.text) \
        and any(_is_money(" ".join(w.text for w in p)) for p in parts)


def _edges(body: list[Line]) -> list[tuple[float, bool]]:
    """Where the cells of ``body`` are set flush in two rows or more (a column filled on
    few rows, such as a discount, counts), left to right: (x, True) for a right edge
    (money), (x, False) for a left edge (text)."""
    lefts, rights = _flush_edges(body, 2)
    return sorted([(x, False) for x in lefts] + [(x, True) for x in rights])


def _moved(columns: list[Column], old: list[tuple[float, bool]],
           new: list[tuple[float, bool]]) -> list[Column]:
    """``columns`` moved from the value edges ``old`` to ``new`` (:class:`_Pages`)."""
    if not old or not new:
        return columns
    if [kind for _, kind in old] == [kind for _, kind in new]:
        shifts = [(x, y - x) for (x, _), (y, _) in zip(old, new, strict=True)]
    else:
        shifts = _paired(old, new)
        if len(shifts) < max(2, (len(old) + 1) // 2):
            return columns
    if all(abs(dx) <= 1.0 for _, dx in shifts):
        return columns
    moved = []
    for column in columns:
        dx = min(shifts, key=lambda s: max(column.x0 - s[0], s[0] - column.x1, 0.0))[1]
        moved.append(replace(column, x0=column.x0 + dx, x1=column.x1 + dx))
    return moved


_MAX_SHIFT = 150.0  # points a column may move from page to page


def _paired(old: list[tuple[float, bool]], new: list[tuple[float, bool]],
            ) -> list[tuple[float, float]]:
    """(edge, shift) of the edges of ``old`` paired with edges of ``new`` of the same kind,
    left to right: as many pairs as can be, and of those the shifts that change least from
    pair to pair (a column set on some rows only shows its edge on one page, not the
    other: the edges around it still pair)."""
    Best = tuple[int, float, tuple[tuple[float, float], ...]]

    @cache
    def best(i: int, j: int, last: float | None) -> Best:
        if i == len(old) or j == len(new):
            return 0, 0.0, ()
        options = [best(i + 1, j, last), best(i, j + 1, last)]
        dx = new[j][0] - old[i][0]
        if old[i][1] == new[j][1] and abs(dx) <= _MAX_SHIFT:
            count, rough, pairs = best(i + 1, j + 1, dx)
            options.append((count + 1, rough + (abs(dx - last) if last is not None else 0.0),
                            ((old[i][0], dx), *pairs)))
        return max(options, key=lambda o: (o[0], -o[1]))

    return list(best(0, 0, None)[2])


def _carries(line: Line, columns: list[Column], pages: _Pages) -> bool:
    """Whether ``line``, under the total row that ended a table, carries a sum: a running
    row by its words, or an amount without invoice repeating a running sum."""
    cells = assign(line, columns)
    kind = _row_kind(cells, line.text)
    return kind == "running" or (kind == "unreferenced" and pages.repeats_a_sum(cells))


def _continues(line: Line, ended: tuple[list[Column], int, str | None],
               rows: list[dict[str, str]]) -> bool:
    """Whether ``line``, on a page after the total row that ended a table (``ended``:
    its columns and page), is a row of that table: an invoice row under its columns
    whose reference has the shape of the rows above (digits aside: ``F26/1003`` after
    ``F26/1001``), so the total was a page's total under words not known as one."""
    if line.page <= ended[1] or not rows:
        return False
    cells = assign(line, ended[0])
    if _row_kind(cells, line.text) != "row":
        return False
    return _DIGITS.sub("9", cells["invoice_ref"]) in {
        _DIGITS.sub("9", row.get("invoice_ref", "")) for row in rows}


def _side_by_side(columns: list[Column]) -> tuple[list[Column], list[Column]] | None:
    """The two halves of a table printed twice side by side (``Invoice | Paid | Invoice |
    Paid``, rows running down the left half, then the right), or None."""
    half = len(columns) // 2
    if half < 2 or len(columns) % 2 or [normalise_header(c.label) for c in columns[:half]] \
            != [normalise_header(c.label) for c in columns[half:]]:
        return None
    left = columns[:half]
    return left, [replace(c, field=f.field, other=f.other)
                  for c, f in zip(columns[half:], left, strict=True)]


def _parts(line: Line, columns: list[Column],
           halves: tuple[list[Column], list[Column]] | None,
           left: list[dict[str, str]], right: list[dict[str, str]],
           ) -> list[tuple[Line, list[Column], list[dict[str, str]]]]:
    """(line, its columns, where its rows go): the whole line, or each half of a line of a
    doubled table (:func:`_side_by_side`), split halfway between the two halves."""
    if halves is None:
        return [(line, columns, left)]
    middle = (halves[0][-1].x1 + halves[1][0].x0) / 2
    words = ([w for w in line.words if w.x0 < middle], [w for w in line.words if w.x0 >= middle])
    return [(_line(line.page, list(part)), half, rows)
            for part, half, rows in zip(words, halves, (left, right), strict=True) if part]


def _stacked_header(bodies: _Bodies, index: int,
                    synonyms: Mapping[str, str] | None) -> list[Column] | None:
    """The columns of a header on ``lines[index]`` and the line under it, its labels cut
    by the value columns below too when that names more fields; None if none."""
    upper, lower = bodies.lines[index], bodies.lines[index + 1]
    if not _stackable(upper, lower, synonyms) or (
            len(phrases(upper.words)) == 1 and not is_modifier(upper.text)
            and not _over_one_label(upper, lower) and bodies.header(index + 1)):
        return None  # one phrase over a header row: a title, unless it is "Ons" (kenmerk)
    stacked = stacked_header_columns(upper, lower, synonyms)
    if _may_hold_two(upper):  # upper labels set close, the lower ones apart ("Disc. Payment"
        # over "Taken" and "Amount"): the lower line's phrases cut the upper line
        cut = stacked_header_columns(upper, lower, synonyms,
                                     [(p[0].x0, p[-1].x1) for p in phrases(lower.words)])
        if cut is not None and (stacked is None or _strength(cut) > _strength(stacked)):
            stacked = cut
    if not (_may_hold_two(upper) or _may_hold_two(lower)) or not bodies(index + 2):
        return stacked
    aligned = stacked_header_columns(upper, lower, synonyms, bodies.spans(index + 2))
    if aligned is not None and (stacked is None or (_known(aligned), -_overlaps(aligned))
                                >= (_known(stacked), -_overlaps(stacked))):
        return aligned
    return stacked


def _overlaps(columns: list[Column]) -> int:
    """How many neighbouring ``columns`` overlap (a label reaching over the next column's:
    the values of one would be read in two)."""
    return sum(a.x1 > b.x0 for a, b in zip(columns, columns[1:], strict=False))


def _better_reference(stacked: list[Column], lower: list[Column] | None) -> bool:
    """Whether the invoice column of ``stacked`` names our invoice more surely
    (:func:`~bots.remittance.columns.reference_rank`) than that of the header row
    ``lower`` (None: no header row)."""
    if lower is None:
        return False
    ranks = [max((reference_rank(c.label) for c in columns if c.field == "invoice_ref"),
                 default=-1) for columns in (stacked, lower)]
    return ranks[0] > ranks[1]


def _over_one_label(upper: Line, lower: Line) -> bool:
    """Whether ``upper`` is a word or two standing over one label of ``lower`` alone: the
    first half of that label (``Invoice`` over ``No.``, ``Data`` over ``Fattura``, ``Dare``
    over ``(EUR)``), set as tight as the lines of one label, not a title over the table
    (set apart, ``Causale`` over ``Fattura n.``)."""
    words = upper.words
    return len(words) <= 2 and lower.top - upper.bottom <= 0.4 * upper.height and sum(
        min(words[-1].x1, p[-1].x1) - max(words[0].x0, p[0].x0) > 0
        for p in phrases(lower.words)) == 1


def _just_under(line: Line, row: Line | None, heights: float) -> bool:
    """True when ``line`` follows ``row`` on its page within ``heights`` line heights."""
    return row is not None and line.page == row.page \
        and line.top - row.bottom < heights * row.height


def _known(columns: list[Column]) -> int:
    """How many line fields ``columns`` name (a second document number not counted)."""
    return sum(c.field not in (None, "alt_ref") for c in columns)


def _distinct(columns: list[Column]) -> int:
    """How many line fields ``columns`` name, a second document number or amount not
    counted (a currency split off ``Payment Amount GBP`` names no field of its own)."""
    return sum(c.field not in (None, "alt_ref", "alt_amount") for c in columns)


def _strength(columns: list[Column]) -> tuple[int, int, int]:
    """How well ``columns`` name a table: the fields named, then fewer amount labels
    repeated (``Importo | Importo`` over ``bonificato | fattura`` says less than both),
    then fewer labels naming nothing (``Vendor`` over ``Inv No`` is one label)."""
    return _known(columns), -sum(c.field == "alt_amount" for c in columns), \
        -sum(c.field is None for c in columns)


def _total_amount(line: Line, cells: dict[str | None, str]) -> str | None:
    """The paid (else gross, else last) amount printed on a totals row."""
    for text in (cells.get("paid_amount"), cells.get("gross_amount")):
        if text and probe_amount(text.replace("*", "")) is not None:
            return text
    return last_amount_text(line.text)


def last_amount_text(text: str) -> str | None:
    """The last amount-shaped run of ``text`` (``Total paid: 1 234,56 EUR`` -> ``1 234,56``)."""
    found = _AMOUNT_RUN.findall(text)
    return found[-1].strip() if found else None


def _continue_row(row: dict[str, str], cells: dict[str | None, str]) -> None:
    """Append a wrapped line's text to the row above (reason, description)."""
    for name, text in cells.items():
        key = name or "description"
        if text and key in ("deduction_reason", "description"):
            row[key] = f"{row[key]} {text}" if row.get(key) else text


# --------------------------------------------------------------------------- columns by values

# a cell holding money: digits with two decimals ("1.200,00", "(51.90)", "99,00-", "€ 12.50", ",00")
_MONEY = re.compile(r"^(?:[A-Z]{3} ?)?[(+-]?[$€£]? ?(?:\d[\d.,' \u00a0]*)?[.,]\d{2}[)-]?"
                    r"(?: ?(?:[A-Z]{3}|CR|DR))?$")
# a document number: one token with a digit ("4711", "RE-2026-0042", "INV/88"), not a date
_REFERENCE = re.compile(r"^(?=[^\s]*\d)[A-Za-z0-9][\w./#-]{2,23}$")
_DATE_SHAPE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
# a document number after an invoice word in a text cell ("Rechnung 4711", "Invoice no. 4711
# dated ...", "Facture F-2026-001", "Fatt. n. 88/2026")
_REFERENCE_IN_TEXT = re.compile(
    r"\b(?:invoice|inv|bill|rechnung(?:s?(?:nr|nummer))?|rechn|rg|facture|fact|factura|fra"
    r"|fattura|fatt|factuur)\b\.?\s*(?:(?:n[°º]|(?:no|nr|num|nummer|number|numero|número"
    r"|núm|n)\b)\.?\s*|#\s*)?:?\s*(?P<ref>(?=[\w./-]*\d)[A-Za-z0-9][\w./-]*[A-Za-z0-9])",
    re.IGNORECASE)
# a printed date: numeric, ISO, with a month name ("05-SEP-2026", "Sep 5, 2026", "5 mars 2026")
_DATEISH = re.compile(r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[ .-]+(?:de )?[^\W\d_]{3,}\.?"
                      r"(?: de)?[ ,.-]+\d{2,4}|[^\W\d_]{3,}\.? \d{1,2},? \d{4})$")
_AMOUNT_NAMES = (*AMOUNT_FIELDS, "alt_amount")
# the words of an amount grouped by spaces: a head ("15", "-1", "€2") and groups of three
# ("976,37", "234")
_GROUP_HEAD = re.compile(r"^[-(+]?[$€£]?\d{1,3}$")
_GROUP_TAIL = re.compile(r"^\d{3}(?:[.,]\d+)?[)-]?$")
_SIDES = frozenset({"debit", "credit"})  # a ledger's two amount columns
_EDGE = 1.0  # points: a label's edge on a value column's edge (both set flush)
_MAX_BODY = 12  # rows read to tell a column by its values, or where the columns are


def _is_money(text: str) -> bool:
    return bool(_MONEY.match(text))


def _is_reference(text: str) -> bool:
    return bool(_REFERENCE.match(text)) and not _MONEY.match(text) \
        and not _DATE_SHAPE.match(text)


def reference_in_text(text: str) -> str | None:
    """The invoice number a text cell names after an invoice word (``Invoice no. 4711
    dated 02.03.2026``: ``4711``), or None; a date or an amount there is none."""
    found = _REFERENCE_IN_TEXT.search(text)
    ref = found["ref"] if found else None
    return ref if ref and _is_reference(ref) else None


def _value_row(line: Line, previous: Line) -> bool:
    """A line of table cells under ``previous``: two phrases or more, one of them money,
    no totals row and no ``label: value``."""
    if line.page != previous.page or line.top - previous.bottom >= 3 * previous.height \
            or "\t" not in line.text and " " not in line.text or ":" in line.text \
            or not _DIGIT.search(line.text) or _TOTAL.match(line.text) \
            or _RUNNING.match(line.text):
        return False
    parts = phrases(line.words)
    return len(parts) >= 2 and any(_is_money(" ".join(w.text for w in p)) for p in parts)


class _Bodies:
    """The value rows from each line on (:func:`_body`), their column spans and the
    header columns of each line, each worked out once per document (header tests ask
    for them line after line)."""

    def __init__(self, lines: list[Line], synonyms: Mapping[str, str] | None = None) -> None:
        self.lines = lines
        self.synonyms = synonyms
        self._bodies: dict[int, list[Line]] = {}
        self._spans: dict[int, list[tuple[float, float]]] = {}
        self._headers: dict[int, list[Column] | None] = {}

    def __call__(self, index: int) -> list[Line]:
        if index not in self._bodies:
            self._bodies[index] = _body(self.lines, index) if index < len(self.lines) else []
        return self._bodies[index]

    def spans(self, index: int) -> list[tuple[float, float]]:
        """:func:`_spans` of the value rows from ``lines[index]`` on."""
        if index not in self._spans:
            self._spans[index] = _spans(self(index))
        return self._spans[index]

    def header(self, index: int) -> list[Column] | None:
        """:func:`header_columns` of ``lines[index]`` (the same list each time)."""
        if index not in self._headers:
            self._headers[index] = header_columns(self.lines[index], self.synonyms)
        return self._headers[index]


def _body(lines: list[Line], index: int) -> list[Line]:
    """The value rows from ``lines[index]`` on (consecutive, on one page); a carried-forward
    row first (``Übertrag von Seite``, a page's first row under its header) is passed over."""
    body: list[Line] = []
    previous = lines[index - 1] if index else lines[index]
    for line in lines[index:index + _MAX_BODY]:
        if not body and line.page == previous.page and (
                _RUNNING.match(line.text) or _RULER.fullmatch(line.text)):
            previous = line
            continue
        if not _value_row(line, previous):
            break
        body.append(line)
        previous = line
    return body


def _partial_header(bodies: _Bodies, index: int,
                    synonyms: Mapping[str, str] | None) -> list[Column] | None:
    """The columns of a header row that names the invoice column or the amount column but
    not both (``Beschreibung | Betrag``, a lone ``Betrag``), the other told by the values
    under it (:func:`_by_values`); None when ``lines[index]`` is no such row."""
    line = bodies.lines[index]
    if _DIGIT.search(line.text) or not could_head_a_column(line.text):
        return None
    body = bodies(index + 1)
    if not body:
        return None
    columns = _label_columns(_aligned_phrases(line, bodies.spans(index + 1)), synonyms or {})
    named = sum(len(c.label.split()) for c in columns if c.field)
    if (named * 2 < len(line.words) and len(body) < 2) or not {c.field for c in columns} & {
            "invoice_ref", "paid_amount", "gross_amount"}:
        return None
    return _by_values(columns, body)


def _spans(body: list[Line]) -> list[tuple[float, float]]:
    """The x-ranges of the value columns of ``body``: its phrases, overlapping ones merged
    (a phrase overlapping two columns, a long text, merges none)."""
    spans: list[list[float]] = []  # x0, x1, phrases seen
    for line in body:
        for phrase in phrases(line.words):
            x0, x1 = phrase[0].x0, phrase[-1].x1
            hits = [s for s in spans  # overlapping: min(x1, s[1]) - max(x0, s[0]) > 0
                    if (x1 if x1 < s[1] else s[1]) - (x0 if x0 > s[0] else s[0]) > 0]
            if not hits:
                spans.append([x0, x1, 1])
            elif len(hits) == 1:
                hit = hits[0]
                hit[0], hit[1], hit[2] = min(hit[0], x0), max(hit[1], x1), hit[2] + 1
    least = 2 if len(body) >= 3 else 1  # a column seen once in many rows is no column
    found = _Spans(sorted((a, b) for a, b, seen in spans if seen >= least))
    found.lefts, found.rights = _flush_edges(body)
    return found


class _Spans(list[tuple[float, float]]):
    """The value columns' x-ranges (:func:`_spans`), with where their cells are set flush
    (``lefts``, ``rights``: :func:`_flush_edges`)."""

    lefts: list[float] = []
    rights: list[float] = []


def _flush_edges(body: list[Line], often: int = 0) -> tuple[list[float], list[float]]:
    """Where the cells of ``body`` are set flush row after row: the left edges of text
    (document numbers, dates) and the right edges of money. A cell is a run of words less
    less than a wide space apart (:func:`_one_cell`), so columns set so close that their
    values make one phrase (``VCH063752 90003385``) still show; an x inside a word of some
    row is no edge. ``often``: in how many rows at least (default: half of them, two at
    least)."""
    if len(body) < 2:
        return [], []
    lefts: dict[int, int] = {}
    rights: dict[int, int] = {}
    for line in body:
        cells: list[list[Word]] = []
        for w in line.words:
            if cells and _one_cell(cells[-1][-1], w):
                cells[-1].append(w)
            else:
                cells.append([w])
        for cell in cells:
            text = " ".join(w.text for w in cell)
            if _is_money(text) and not _DATEISH.match(text):  # "19.02.26" is a date
                rights[round(cell[-1].x1 * 2)] = rights.get(round(cell[-1].x1 * 2), 0) + 1
            else:
                lefts[round(cell[0].x0 * 2)] = lefts.get(round(cell[0].x0 * 2), 0) + 1
    often = often or max(2, (len(body) + 1) // 2)
    words = [w for line in body for w in line.words]

    def flush(edges: dict[int, int]) -> list[float]:
        return [x / 2 for x, n in edges.items() if n >= often
                and not any(w.x0 < x / 2 - _EDGE and w.x1 > x / 2 + _EDGE for w in words)]

    return flush(lefts), flush(rights)


def _one_cell(left: Word, right: Word) -> bool:
    """Whether two words of a value row, left to right, are of one cell: less than 0.6
    text heights apart, but not two numbers one Courier space (over half a height)
    apart (``100007286 BK-7167371``: two columns), unless they are the groups of one
    amount (``15 976,37``). Words without a digit (``31. März 2026``, ``Nota di
    credito``) stay together."""
    gap, height = right.x0 - left.x1, right.bottom - right.top
    if gap > 0.6 * height:
        return False
    return gap <= 0.5 * height or not (_DIGIT.search(left.text) and _DIGIT.search(right.text)) \
        or bool(_GROUP_HEAD.match(left.text) and _GROUP_TAIL.match(right.text))


def _may_hold_two(line: Line) -> bool:
    """Whether a header line has a phrase of several words that is not one bilingual
    label (two are: ``N° pièce / Voucher Réf. facture / Invoice``): two labels the value
    columns may tell apart (:func:`_aligned_phrases`)."""
    return any(sum(w.text not in ("/", "|") for w in p) > 1
               and sum(w.text in ("/", "|") for w in p[1:-1]) != 1
               for p in phrases(line.words))


def _straddles(parts: list[list[Word]], spans: list[tuple[float, float]]) -> bool:
    """Whether a phrase of several words stands over two or more value columns."""
    return any(len(p) > 1 and sum(min(p[-1].x1, b) - max(p[0].x0, a) > 0 for a, b in spans) > 1
               for p in parts)


def _aligned_phrases(line: Line, spans: list[tuple[float, float]]) -> list[list[Word]]:
    """The header ``line`` cut into phrases at column gaps and, where labels are set
    closer than a column gap (``BELEGNR. AUFTRAGSNR.``), by the value columns under it
    (``spans``, :func:`_spans`; :func:`_cut_phrase`)."""
    parts = phrases(line.words)
    if not _straddles(parts, spans) and all(len(_cut_at_edges(p, spans)) == 1 for p in parts):
        return parts
    return [piece for phrase in parts for piece in _cut_phrase(phrase, spans)]


def _cut_phrase(phrase: list[Word], spans: list[tuple[float, float]],
                edges: bool = True) -> list[list[Word]]:
    """One header phrase cut by the value columns under it: at their edges
    (:func:`_cut_at_edges`; not if ``edges`` is False), else where the column a word
    overlaps most changes. A bilingual label (``Datum / Date``) is never cut at its
    slash (:func:`_glued`); a slash ending the phrase (``DATA FATTURA /``, its English
    half on the line below) binds nothing."""
    pieces = _cut_at_edges(phrase, spans) if edges else [phrase]
    if len(pieces) > 1:  # each piece cut further where it stands over two columns
        return _glued(phrase, [part for piece in pieces for part in (
            _kind_cut(piece, spans) or _cut_phrase(piece, spans, False)
            if _straddles([piece], spans) else [piece])])
    cut: list[list[Word]] = []
    last = -1
    for word in phrase:
        column = max(range(len(spans)), key=lambda n: min(word.x1, spans[n][1])
                     - max(word.x0, spans[n][0]))
        if min(word.x1, spans[column][1]) - max(word.x0, spans[column][0]) <= 0:
            column = last if last >= 0 else column
        if cut and column == last:
            cut[-1].append(word)
        else:
            cut.append([word])
        last = column
    return _glued(phrase, cut)


def _glued(phrase: list[Word], pieces: list[list[Word]]) -> list[list[Word]]:
    """``pieces`` of a header ``phrase`` joined again across each slash between two words
    of it (``Rechnungsnr. / Invoice no.``: one label in two languages), unless the two
    sides are two labels (:func:`_two_labels_at_slash`)."""
    inner = {id(w) for w in phrase[1:-1] if w.text in ("/", "|")}
    out = pieces[:1]
    for piece in pieces[1:]:
        if (id(out[-1][-1]) in inner or id(piece[0]) in inner) and not _two_labels_at_slash(
                *(" ".join(w.text for w in side if id(w) not in inner)
                  for side in (out[-1], piece))):
            out[-1] = out[-1] + piece
        else:
            out.append(piece)
    return out


def _two_labels_at_slash(left: str, right: str) -> bool:
    """Whether the texts either side of a slash are two labels, the slash ending the
    first (its other language printed below): they name different fields (``Netto /
    Factuurbedrag``), or one names our invoice and the other the payer's own document
    (``Vs. fattura / N. registrazione``, :func:`~bots.remittance.columns.reference_rank`)."""
    fields = field_for_header(left), field_for_header(right)
    if not all(fields):
        return False
    if fields[0] != fields[1]:
        return True
    return fields[0] == "invoice_ref" and {reference_rank(left), reference_rank(right)} == {0, 3}


def _kind_cut(phrase: list[Word], spans: list[tuple[float, float]]) -> list[list[Word]] | None:
    """A header phrase over a text column (set flush left) and a money column (set flush
    right) cut where its left part names a field that is no amount and its right part an
    amount (``N. DOCUMENTO`` | ``IMPORTO BONIFICATO (EUR)``, the middle word over neither
    column), neither part reaching over the other's column; None when no such cut is
    found."""
    under = [(a, b) for a, b in spans if min(phrase[-1].x1, b) - max(phrase[0].x0, a) > 0]
    lefts: list[float] = getattr(spans, "lefts", [])
    rights: list[float] = getattr(spans, "rights", [])
    if len(under) != 2 or not any(abs(under[0][0] - x) <= _EDGE for x in lefts) \
            or not any(abs(under[1][1] - x) <= _EDGE for x in rights):
        return None
    for cut in range(1, len(phrase)):
        if phrase[cut].x0 < under[0][1] - _EDGE or phrase[cut - 1].x1 > under[1][0] + _EDGE:
            continue  # each part stays off the other's column
        first = field_for_header(" ".join(w.text for w in phrase[:cut]))
        second = field_for_header(" ".join(w.text for w in phrase[cut:]))
        if first and first not in _AMOUNT_NAMES and second in AMOUNT_FIELDS:
            return [phrase[:cut], phrase[cut:]]
    return None


def _cut_at_edges(phrase: list[Word], spans: list[tuple[float, float]]) -> list[list[Word]]:
    """``phrase`` cut where a label ends on the right edge of a value column (amounts and
    their labels set flush right: ``GROSS PAID AMOUNT`` over two columns is ``GROSS`` and
    ``PAID AMOUNT``) or starts on the left edge of one (flush left); one piece if none."""
    rights: list[float] = getattr(spans, "rights", [])
    lefts: list[float] = getattr(spans, "lefts", [])
    if lefts:
        phrase = [part for word in phrase for part in _split_word(word, lefts)]
    pieces = [[phrase[0]]]
    for before, word in zip(phrase, phrase[1:], strict=False):
        if any(abs(before.x1 - x) <= _EDGE for x in rights) \
                or any(abs(word.x0 - x) <= _EDGE for x in lefts):
            pieces.append([word])
        else:
            pieces[-1].append(word)
    kept = pieces[:1]
    for piece in pieces[1:]:  # a piece over no value column was no label of its own
        if any(min(piece[-1].x1, b) - max(piece[0].x0, a) > 0 for a, b in spans):
            kept.append(piece)
        else:
            kept[-1] += piece
    return kept


def _split_word(word: Word, lefts: list[float]) -> list[Word]:
    """A header word printed across the left edge of a text column (labels run together
    on a line printer: ``NOINVOICE`` over the end of ``VOUCHER NO`` and the start of
    ``INVOICE``) cut there, its characters taken as equally wide; the word itself when no
    edge falls inside. A label wider than its amount column set flush right reaches over
    the column's right edge, so right edges cut no word."""
    width = (word.x1 - word.x0) / len(word.text)
    cuts = sorted({k for x in lefts if word.x0 + 1.5 * width < x < word.x1 - 1.5 * width
                   and abs((k := round((x - word.x0) / width)) * width + word.x0 - x)
                   <= width / 3})
    if not cuts or not word.text.isalpha():
        return [word]
    bounds = [0, *cuts, len(word.text)]
    return [word._replace(text=word.text[a:b], x0=word.x0 + a * width,
                          x1=word.x0 + b * width) for a, b in zip(bounds, bounds[1:], strict=False)]


def _aligned_header(bodies: _Bodies, index: int, columns: list[Column],
                    synonyms: Mapping[str, str] | None) -> list[Column]:
    """``columns`` of the header row ``lines[index]``, its labels re-cut by the value
    columns under it when that names as many fields: first at the columns' edges
    (:func:`_cut_at_edges`, a phrase cut only when its pieces name more fields), else
    where the columns a label's words overlap change (:func:`_cut_phrase`)."""
    line = bodies.lines[index]
    if not _may_hold_two(line) or not bodies(index + 1):
        return columns
    spans = bodies.spans(index + 1)
    parts = phrases(line.words)
    by_edges = [piece for phrase in parts for piece in max(
        (_cut_at_edges(phrase, spans), _each_over_values(_cut_phrase(phrase, spans), spans),
         [phrase]),
        key=lambda o: sum(c.field not in (None, "alt_amount")  # a second amount names none
                          for c in _label_columns(o, synonyms or {})))]
    by_overlap = [piece for phrase in parts for piece in _cut_phrase(phrase, spans, False)] \
        if _straddles(parts, spans) else parts
    for cut in (by_edges, by_overlap):
        if len(cut) <= len(parts):
            continue
        aligned = _label_columns(cut, synonyms or {})
        taken = {c.field for c in aligned if c.field}
        if _is_header(taken, 1, 1) and _distinct(aligned) >= _distinct(columns):
            return aligned
    return columns


def _each_over_values(pieces: list[list[Word]], spans: list[tuple[float, float]],
                      ) -> list[list[Word]]:
    """``pieces`` of a header phrase when each stands over a value column (``PROTOCOLLO`` |
    ``IMPORTO PAGATO`` over two columns), else none: a piece over no column is part of a
    wider label (``Netto`` of ``Netto bedrag EUR`` over right-aligned amounts)."""
    if all(any(min(p[-1].x1, b) - max(p[0].x0, a) > 0 for a, b in spans) for p in pieces):
        return pieces
    return []


def _checked_by_values(columns: list[Column], body: list[Line]) -> list[Column]:
    """``columns`` with a field their values contradict taken back, by the rows under the
    header (``body``): an amount column whose cells are all dates is the date column
    (``Payment Due`` over ``11/08/2026``), a document-number column whose cells are all
    money is an amount column (``Invoice`` over ``Total`` read as ``Invoice``). The
    second column of the kind (``alt_amount``, ``alt_ref``) takes the field over."""
    if len(body) < 2:
        return columns
    cells = [assign(line, columns) for line in body]
    out = list(columns)
    if _SIDES <= {c.field for c in columns}:
        # a ledger: the side opposite the rows naming no document (the payment printed among
        # the invoices), else the side most invoices use, is paid
        used = {side: sum(bool(row.get(side)) and _is_reference(row.get("invoice_ref", ""))
                          for row in cells) for side in _SIDES}
        unnamed = {side for row in cells for side in _SIDES if row.get(side)
                   and _is_money(row[side]) and not _is_reference(row.get("invoice_ref", ""))}
        ours = next(iter(_SIDES - unnamed)) if len(unnamed) == 1 \
            else max(sorted(_SIDES), key=used.__getitem__)
        out = [replace(c, field="paid_amount" if c.field == ours else "contra", other=None)
               if c.field in _SIDES else c for c in out]
    for n, column in enumerate(columns):
        name = column.field
        texts = [row[name] for row in cells if row.get(name)]
        if name is None or len(texts) < 2:
            continue
        if name in (*_AMOUNT_NAMES, "invoice_ref", "alt_ref") and all(map(_DATEISH.match, texts)):
            new = None if any(c.field == "invoice_date" for c in out) else "invoice_date"
            heir = "alt_amount" if name in _TOTALS else "alt_ref" if name == "invoice_ref" \
                else None
        elif name in ("invoice_ref", "alt_ref") and all(map(_is_money, texts)):
            new = None if any(c.field == "gross_amount" for c in out) else "gross_amount"
            heir = "alt_ref" if name == "invoice_ref" else None
        else:
            continue
        out[n] = replace(column, field=new, other=None)
        k = _reference_heir(out, n) if name == "invoice_ref" else \
            next((k for k, c in enumerate(out) if heir and c.field == heir), None)
        if k is None:  # a label that named the field too but came second (a stacked header)
            k = next((k for k, c in enumerate(out) if c.field is None and c is not out[n]
                      and field_for_header(c.label) == name), None)
        if k is not None:
            out[k] = replace(out[k], field=name)
    return _paid_by_arithmetic(out, cells)


def _paid_by_arithmetic(columns: list[Column], cells: list[dict[str | None, str]],
                        ) -> list[Column]:
    """``columns`` with the paid column told by the rows' arithmetic when no label names
    it: of two gross amount columns (``Bedrag | Brutobedrag``), the one that is the other
    less the discount and deduction on every row (and differs on some) is paid."""
    fields = [c.field for c in columns]
    if "paid_amount" in fields or not {"gross_amount", "alt_amount"} <= set(fields) \
            or not {"discount", "deduction"} & set(fields):
        return columns

    def value(row: dict[str | None, str], name: str) -> Decimal | None:
        text = row.get(name, "")
        return probe_amount(text) if text and not _NO_AMOUNT.fullmatch(text) else Decimal(0)

    def less_of(paid: str, gross: str) -> bool:
        differs = False
        for row in cells:
            amounts = [a for f in (paid, gross, "discount", "deduction")
                       if (a := value(row, f)) is not None]
            if len(amounts) < 4 or not row.get(paid):
                return False
            p, g, d, e = amounts
            if g - abs(d) - abs(e) != p:
                return False
            differs = differs or p != g
        return differs

    for paid, gross in (("gross_amount", "alt_amount"), ("alt_amount", "gross_amount")):
        if less_of(paid, gross):
            names = {paid: "paid_amount", gross: "gross_amount"}
            return [replace(c, field=names[c.field]) if c.field in names else c
                    for c in columns]
    return columns


def _reference_heir(columns: list[Column], n: int) -> int | None:
    """Which column takes over the invoice reference from ``columns[n]`` (its cells were
    dates or money): of the others whose labels name a document number, the one naming
    OUR invoice most surely (:func:`~bots.remittance.columns.reference_rank`; ``Fattura``
    before ``Protocollo``), else the second document number (``alt_ref``)."""
    named = [k for k, c in enumerate(columns) if k != n and c.field in (None, "alt_ref")
             and field_for_header(c.label) == "invoice_ref"]
    if named:
        return max(named, key=lambda k: reference_rank(columns[k].label))
    return next((k for k, c in enumerate(columns) if c.field == "alt_ref"), None)


def _headerless_start(lines: list[Line]) -> tuple[int, list[Column]] | None:
    """(index, columns) of the first run of two or more rows that have a document number
    and money in columns of their own, with no header row over them; None if none."""
    index = 0
    while index < len(lines):
        body = _body(lines, index) if index else []
        if len(body) >= 2:
            columns = _by_values([], body)
            if columns is not None:
                return index, columns
        index += max(len(body), 1)
    return None


def _by_values(header: list[Column], body: list[Line]) -> list[Column] | None:
    """``header`` (maybe empty) completed by the cells of ``body``, or None.

    Phrases of the rows under no header label form columns of their own. When no
    column is named an amount, the rightmost column of money in every row is the
    paid amount; when none is named the invoice reference, the leftmost column of
    distinct document numbers (one per row) is, and a second such column is the
    other document number (``alt_ref``).
    """
    spans: list[list[float]] = [[c.x0, c.x1] for c in header]
    cells: list[list[str]] = [[] for _ in header]
    for line in body:
        for phrase in phrases(line.words):
            x0, x1 = phrase[0].x0, phrase[-1].x1
            n = next((i for i, (a, b) in enumerate(spans) if min(x1, b) - max(x0, a) > 0),
                     None)
            if n is None:
                spans.append([x0, x1])
                cells.append([])
                n = len(spans) - 1
            elif n >= len(header):
                spans[n] = [min(spans[n][0], x0), max(spans[n][1], x1)]
            cells[n].append(" ".join(w.text for w in phrase))
    names: list[str | None] = [c.field for c in header] + [None] * (len(spans) - len(header))
    free = sorted((n for n, name in enumerate(names) if name is None and
                   len(cells[n]) == len(body)), key=lambda n: spans[n][0])
    if not set(names) & {"paid_amount", "gross_amount"}:
        money = [n for n in free if all(map(_is_money, cells[n]))]
        if money:
            names[money[-1]] = "paid_amount"
        if len(money) > 1:
            names[money[-2]] = "alt_amount"
    if "invoice_ref" not in names:
        refs = [n for n in free if names[n] is None and all(
            _is_reference(t) or reference_in_text(t) for t in cells[n])
            and len(set(cells[n])) == len(body)]
        for n, name in zip(refs, ("invoice_ref", "alt_ref"), strict=False):
            names[n] = name
    if not ("invoice_ref" in names and set(names) & {"paid_amount", "gross_amount"}):
        return None
    columns = [header[n] if n < len(header) and header[n].field == names[n] else
               Column(names[n], x0, x1, header[n].label if n < len(header) else "")
               for n, (x0, x1) in enumerate(spans)]
    return sorted(columns, key=_X0)
