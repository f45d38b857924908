"""Advices without a grid: one block of ``label: value`` pairs per invoice.

Supplier portals (Coupa, Ariba, Tungsten, Basware) and some ERP prints give
each invoice paid its own block instead of a table row::

    Your Invoice: S006393-26        Net Amount: 7,580.59
    Gross Amount: 7,580.59          Deduction: -

    Your Invoice: S006411-26        Net Amount: 150.13
    ...

:func:`find_records` reads such a page as a
:class:`~bots.remittance.pdf_layout.Table` (a block is a row, a label a
column), so the PDF reader treats it as it treats a grid: the decimal mark
decided from the cells, the totals check, open items choosing between two
document numbers. It is asked only when no table was found.

1. **Pairs.** On every line, ``Label: value`` (several per line, at column
   gaps or one after another), ``Label:`` (or a label without colon: one
   naming a line field, or any short run of words when the next column holds
   digits) with its value in the next column, dot leaders
   (``Montant ........ 12,00``) dropped, a label no vocabulary names before
   an amount or a long number in one chunk (``Importo in pagamento 163,98``),
   a row of labels with their values on the line under them (stacked
   records), and a header of two label rows over records of two rows each.
   A label's field is its column-header meaning
   (:func:`bots.remittance.columns.field_for_header`, the table reader's
   vocabulary in EN/DE/FR/NL/ES/IT).
2. **Records.** The label naming our invoice (of two document numbers, the
   higher :func:`~bots.remittance.columns.reference_rank`: ``Your Invoice``
   over ``Voucher``; else the repeated label no vocabulary names whose values
   all look like references, of several the one ranked surest of naming ours:
   ``Externe Belegnr.`` over ``Interne Nr.``) anchors the records. A record is the
   paragraph (lines without a wider gap) around its reference, split at each
   return of its first label when it holds several references.
3. **Roles.** Each record label is a column: its field from the label. The
   paid and gross amounts are chosen among the amount labels of most records
   (named or not) by arithmetic: gross - discount - deduction = paid in every
   record, the paid amounts adding up to an amount printed elsewhere on the
   page (the total), then the labels' words. An amount label nobody named
   (``Avoir imputé``, ``Verrechnung``) is taken off when that makes the
   records add up and it weighs less than the paid amounts.

When the table reader found a table, the records are preferred on a tie when
its header row is printed again over every invoice (a row of labels over each
invoice's values is a record, and arithmetic reads its roles), or when their
paid amounts add up to an amount printed on the page and the table's do not.

A document must speak of a payment (a payment number or date label, as
:mod:`bots.remittance.pdf_fields` reads them, or a payment word in its
title) or repeat its records, so that an invoice's ``Invoice number: ...
Amount: ...`` is never taken for an advice.

Limits: a record must print its reference with a label; a label no
vocabulary names is read without colon only beside digits, and serves only
when it repeats (most records) or is what is taken off.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from statistics import median

from bots.remittance.columns import field_for_header, normalise_header, reference_rank
from bots.remittance.label_grammar import field_of_label
from bots.remittance.labels import is_payment_label
from bots.remittance.locale import read_date
from bots.remittance.pdf_fields import labelled_values
from bots.remittance.pdf_layout import AMOUNT_FIELDS, Line, Table, phrases
from bots.remittance.pdf_words import Word
from bots.remittance.values import probe_amount

#: The fields a record's label can name (a table column's).
LINE_FIELDS = frozenset({"invoice_ref", "invoice_date", "po_number", "deduction_reason",
                         *AMOUNT_FIELDS})
_PLACEHOLDER = re.compile(r"[-\u2013\u2014/.*]*")  # a value printed for nothing: "-", "--"
_COLON = re.compile(r":(?:\s+|$)")
_LEADERS = re.compile(r"\s*(?:\.\s?){3,}[\s:]*$")  # dot leaders to the value: "Montant ......"
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")
_CENTS = re.compile(r"\d[.,]\d{2}$")  # an amount, not a reference
_LONG_NUMBER = re.compile(r"\d{7,}")
_DECIMALS = re.compile(r"\d[.,]\d{2}(?!\d)")
# what may be a date: a space, digits around two separators, or six to eight digits alone
_DATE_LIKE = re.compile(r"\s|\d[./-]\d+[./-]\d|^\d{6,8}$")
_REFERENCE = re.compile(r"[A-Za-z]{0,6}[-/.]?\d[\w/.-]*")
_LETTER = re.compile(r"[^\W\d_]")
_AMOUNT_SHAPE = re.compile(r"^(?:[A-Z]{3} ?)?[(+-]?[$€£]? ?[(+-]?\d[\d.,' ]*[)-]?"
                           r"(?: ?(?:[A-Z]{3}|CR|DR|[$€£])){0,2}$", re.I)  # "894.90 CR GBP",
# "1.234,56 €", "€ -120,00"


@dataclass(frozen=True)
class Pair:
    """One ``label: value`` on the page; ``line``: index of the value's line."""

    line: int
    x: float
    label: str
    value: str
    field: str | None
    label_line: int  # the label's own line (the line above when stacked)

    @property
    def key(self) -> str:
        return normalise_header(self.label)


def repeats_its_header(table: Table, lines: Sequence[Line] = ()) -> bool:
    """Whether the table reader's reading may be key-value records in disguise, so that
    :func:`find_records` is asked too (cheap tests): it took two lines or more per row
    (a row of labels over each invoice's values, stacked records); its header row is
    printed again among ``lines`` (the page's: a row of labels over each invoice); a
    row's reference is no reference (an amount, a placeholder: the second row of a
    two-row record); no row has a paid amount; or the column read as the reference
    names no invoice (a row of the payment's labels in boxes over their values)."""
    return len(table.used) >= 2 * len(table.rows) + 2 or _unpaid(table.rows) or _wrong(table) \
        or _headers(table, lines) > 1


def _headers(table: Table, lines: Sequence[Line]) -> int:
    """How many times ``table``'s first header row is printed on ``lines``."""
    if not 0 <= table.first_header < len(lines):
        return 0
    header = lines[table.first_header].text
    return sum(line.text == header for line in lines)


def _wrong(table: Table) -> bool:
    """Whether ``table``'s reading is wrong by its own signs: a reference that is none,
    paid amounts that are all bare numbers of seven digits or more, or a reference
    column whose label names no invoice."""
    if not all(_is_reference(row.get("invoice_ref", "")) for row in table.rows):
        return True
    if all(_LONG_NUMBER.fullmatch(row.get("paid_amount", "").strip()) for row in table.rows):
        return True  # "paid" amounts that are document numbers ("74719562")
    label = table.ref_labels.get("invoice_ref")
    return label is not None and field_for_header(label) != "invoice_ref"


def _unpaid(rows: list[dict[str, str]]) -> bool:
    return not any(row.get("paid_amount") for row in rows)


def _fields(rows: list[dict[str, str]]) -> int:
    return len({key for row in rows for key, value in row.items() if value})


def _is_reference(text: str) -> bool:
    """A digit in it, and not an amount with decimals or a date."""
    text = text.strip()
    if not _DIGIT.search(text) or (_DECIMALS.search(text) and _AMOUNT_SHAPE.match(text)):
        return False
    return not _DATE_LIKE.search(text) or not _is_date(text)


def _is_date(text: str) -> bool:
    """Whether ``text`` reads as a date; bare digits only in a year a document may carry
    (``90001208`` is an invoice number, not 8 December 9000)."""
    day = read_date(text)
    return day is not None and (not text.isdigit() or 1990 <= day.year <= 2099)


def _plausible(table: Table) -> int:
    """How many of ``table``'s rows have a reference that is one."""
    return sum(_is_reference(row.get("invoice_ref", "")) for row in table.rows)


def find_records(lines: Sequence[Line], beside: Table | None = None) -> Table | None:
    """The key-value records on ``lines`` as a table (see the module docstring), or
    None when there are none, or no more of them than ``beside`` (the table the table
    reader found) has rows."""
    pairs = [p for p in pairs_of(lines) if p.field in LINE_FIELDS or p.field is None]
    anchor, records = _records(pairs, lines)
    if not records:
        return None
    if len(records) == 1 and not speaks_of_payment(lines):
        return None
    keys = list(dict.fromkeys(p.key for record in records for p in record))
    roles = _roles(anchor, keys, records, lines)
    if "invoice_ref" not in roles.values() or not roles.keys() & _amount_keys(roles):
        return None
    rows = [_row(record, roles) for record in records]
    rows = [row for row in rows if _is_reference(row.get("invoice_ref", ""))]
    used = {n for record in records for p in record for n in (p.line, p.label_line)}
    if beside is not None and beside.rows:
        theirs = _plausible(beside)
        if len(rows) < theirs or (len(rows) == theirs and not _better(rows, used, beside,
                                                                      lines)):
            return None  # the table reads as many invoices, and nothing is wrong with it
    elif not rows:
        return None
    labels = {role: next(p.label for r in records for p in r if p.key == key)
              for key, role in roles.items() if role in ("invoice_ref", "alt_ref")}
    return Table(rows=rows, used=used, segments=[rows],
                 labels=tuple(next(p.label for r in records for p in r if p.key == key)
                              for key in keys),
                 ref_labels=labels, first_header=min(used))


def _better(rows: list[dict[str, str]], used: set[int], beside: Table,
            lines: Sequence[Line]) -> bool:
    """Whether the records' ``rows`` beat the table ``beside`` reading as many invoices:
    the table is wrong by its own signs; it has no paid amounts and the records read
    more of each invoice; its header row is printed over every invoice; or the records'
    paid amounts add up to an amount printed on the page and the table's do not. Never
    when the records repeat a row (two copies of one table)."""
    if len({(r["invoice_ref"], r.get("paid_amount")) for r in rows}) < len(rows):
        return False
    return _wrong(beside) or (_unpaid(beside.rows) and _fields(rows) > _fields(beside.rows)) \
        or _headers(beside, lines) >= len(beside.rows) > 1 \
        or (_adds_up(rows, lines, used) and not _adds_up(beside.rows, lines, beside.used))


def _adds_up(rows: list[dict[str, str]], lines: Sequence[Line], used: set[int]) -> bool:
    """Whether the paid amounts of ``rows`` add up (read with either decimal mark) to an
    amount printed on the lines not ``used`` by them (invoice; consistency decides)."""
    printed = _page_amounts([line for n, line in enumerate(lines) if n not in used])
    return any(_sum([_amount(row.get("paid_amount", ""), mark) for row in rows]) in printed
               for mark in (".", ","))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def _amount_keys(roles: dict[str, str]) -> set[str]:
    return {key for key, role in roles.items() if role in ("paid_amount", "gross_amount")}


# --------------------------------------------------------------------------- pairs


def pairs_of(lines: Sequence[Line]) -> Iterator[Pair]:
    """Every ``label: value`` pair on ``lines``, in reading order."""
    taken: set[int] = set()  # value lines read under a two-row header
    for index, line in enumerate(lines):
        if index in taken:
            continue
        chunks = phrases(line.words)
        if _is_label_row(chunks):
            two_rows = list(_two_row_records(lines, index, chunks))
            taken |= {pair.line for pair in two_rows}
            yield from two_rows or _stacked(lines, index, chunks)
            continue
        if _over_values(lines, index, chunks):  # labels no vocabulary names, over values
            yield from _stacked(lines, index, chunks)
            continue
        under = _value_under(lines, index, chunks)
        if under is not None:  # a label alone on its line, its value alone under it
            label = _LEADERS.sub("", line.text).rstrip(" :")
            taken.add(index + 1)
            yield Pair(index + 1, chunks[0][0].x0, label, under, _field(label), index)
            continue
        skip = False
        for n, chunk in enumerate(chunks):
            if skip:
                skip = False
                continue
            text = _LEADERS.sub("", " ".join(w.text for w in chunk))
            found = list(_inline(text))
            bare = not found and _is_bare_label(text)
            if bare:  # "Invoice<gap>4711"; unnamed ("Paid this run<gap>12.00") takes digits
                found = [(text, "")]
            if found and not found[-1][1] and n + 1 < len(chunks):
                follow = " ".join(w.text for w in chunks[n + 1])
                if not _COLON.search(follow) and (not bare or _DIGIT.search(follow) or (
                        _field(text) and not _field(follow))):  # "Paid By:<gap>Pinecrest"
                    found[-1] = (found[-1][0], follow)
                    skip = True
            for label, value in found:
                if value:
                    yield Pair(index, chunk[0].x0, label, _without_date(value), _field(label),
                               index)


def _is_bare_label(text: str) -> bool:
    """A column chunk that may be a label without colon, its value in the next column:
    no digit, letters, at most six words (named or not: repetition decides later)."""
    return not _DIGIT.search(text) and _LETTER.search(text) is not None \
        and len(text.split()) <= 6


def _inline(text: str) -> Iterator[tuple[str, str]]:
    """(label, value) of each ``Label: value`` in one column chunk; a chunk without a
    colon is a label when its words before the first digit name a line field."""
    parts = _COLON.split(text)
    if len(parts) == 1:
        digit = _DIGIT.search(text)
        if digit and digit.start():
            head = text[:digit.start()]
            cut = head.rfind(" ") + 1 if not head.endswith(" ") else len(head)
            label, value = text[:cut].strip(), _without_date(text[cut:].strip())
            if len(label) > 3 and (" " not in value or _AMOUNT_SHAPE.match(value)) \
                    and (field_for_header(label) in LINE_FIELDS  # not "FT R26-01 EUR 6,45 ..."
                         or _value_of_unnamed(label, value)):
                yield label, value
        return
    label = parts[0].strip()
    for n, part in enumerate(parts[1:], 1):
        if n == len(parts) - 1:
            value, following = part.strip(), ""
        else:
            value, following = _split_value(part)
        if label and _LETTER.search(label) and len(label.split()) <= 6:
            yield label, value
        label = following


#: "FT-123 del 15/03/2026": a number, the word for "of" (dated) in six languages, a date
_OF_DATE = re.compile(r"(\S*\d\S*)\s+(?:del|dal|du|vom|van|d\.\s?d\.|de|dd\.?|of|dated)\s+"
                      r"(\S.*)$", re.I)


def _without_date(value: str) -> str:
    """``value`` without the date a number is printed with (``Fattura n. FT-123 del
    15/03/2026``, ``Rechnung Nr. 4711 vom 3. März 2026``, ``Invoice 123 dated 03/15/26``)."""
    found = _OF_DATE.match(value)
    if found and (read_date(found[2]) or read_date(found[2], True)):
        return found[1]
    return value


def _value_of_unnamed(label: str, value: str) -> bool:
    """Whether a label no vocabulary names sits before its value in one chunk
    (``Importo in pagamento 163,98``): a label of words, an amount with decimals or a
    number of four digits or more (``Seite 1`` is no pair; repetition decides later)."""
    return all(_LETTER.search(word) for word in label.split()) and (
        bool(_DECIMALS.search(value) and _AMOUNT_SHAPE.match(value))
        or (" " not in value and len(_NOT_DIGIT.sub("", value)) >= 4))


def _split_value(text: str) -> tuple[str, str]:
    """A value and the label after it ("7,580.59 Gross Amount"): the label is the
    trailing run of words with letters and no digit."""
    words = text.split()
    cut = len(words)
    while cut and _LETTER.search(words[cut - 1]) and not _DIGIT.search(words[cut - 1]):
        cut -= 1
    if cut == 0:  # words only: a value of words, no label after it
        return text.strip(), ""
    return " ".join(words[:cut]), " ".join(words[cut:])


def _is_label_row(chunks: list[list[Word]]) -> bool:
    """A row of two or more labels naming line fields, no digit, no colon pairs (a record
    may print its labels in several such rows, the reference in one of them)."""
    if len(chunks) < 2:
        return False
    texts = [" ".join(w.text for w in chunk).rstrip(":") for chunk in chunks]
    if any(_DIGIT.search(t) or ":" in t for t in texts):
        return False
    fields = [field_for_header(t) for t in texts]
    return sum(f in LINE_FIELDS for f in fields) >= 2


def _below(lines: Sequence[Line], index: int) -> Line | None:
    """The line just under ``lines[index]`` (same page, no wider gap than a line), if any."""
    if index + 1 >= len(lines):
        return None
    line, under = lines[index], lines[index + 1]
    if under.page != line.page or under.top - line.bottom > 1.5 * max(line.height, 1.0):
        return None
    return under


def _over_values(lines: Sequence[Line], index: int, chunks: list[list[Word]]) -> bool:
    """A row of two or more labels (words, no digit, named or not) over a line whose
    phrases each start under one of them, some with digits: fields printed as cards,
    each label over its value (an empty value leaves its label without phrase)."""
    if len(chunks) < 2 or not all(_is_bare_label(" ".join(w.text for w in c).rstrip(":"))
                                  for c in chunks):
        return False
    under = _below(lines, index)
    if under is None or not _DIGIT.search(under.text) or _COLON.search(under.text):
        return False
    starts = [c[0].x0 for c in chunks] + [float("inf")]
    columns = [next((n for n in range(len(chunks)) if starts[n] - 3 <= p[0].x0 < starts[n + 1]),
                    None) for p in phrases(under.words)]
    return None not in columns and len(set(columns)) == len(columns)


def _value_under(lines: Sequence[Line], index: int, chunks: list[list[Word]]) -> str | None:
    """The value of a label printed alone on its line (``Invoice Number`` or ``Paid:``)
    when the line under it holds one phrase with a digit starting where the label does."""
    if len(chunks) != 1:
        return None
    text = _LEADERS.sub("", " ".join(w.text for w in chunks[0]))
    if not _is_bare_label(text.rstrip(":")) or (":" in text and not text.endswith(":")):
        return None
    under = _below(lines, index)
    if under is None or len(below := phrases(under.words)) != 1 \
            or abs(below[0][0].x0 - chunks[0][0].x0) > 3 or not _DIGIT.search(under.text):
        return None
    value = " ".join(w.text for w in below[0])
    return None if _COLON.search(value) else value


def _two_row_records(lines: Sequence[Line], index: int, chunks: list[list[Word]]
                     ) -> Iterator[Pair]:
    """Records of two rows under a header of two rows (``Invoice / Date`` over ``Gross
    / Paid``): each record's first row read under the first header row, its second
    under the second. Nothing when the line under ``chunks`` is no second label row."""
    if index + 3 >= len(lines):
        return
    second = phrases(lines[index + 1].words)
    texts = [" ".join(w.text for w in chunk) for chunk in second]
    if any(_DIGIT.search(t) or ":" in t for t in texts) or not any(_field(t) for t in texts):
        return
    row = index + 2
    if row + 1 < len(lines) and _shape(lines[row]) == _shape(lines[row + 1]):
        return  # rows alike (a reference first in each): one row per record, a bilingual header
    while row + 1 < len(lines) and lines[row].page == lines[row + 1].page == lines[index].page \
            and _DIGIT.search(lines[row].text) and _DIGIT.search(lines[row + 1].text):
        for labels, n in ((chunks, row), (second, row + 1)):
            for x, label, value in _under(labels, lines[n]):
                yield Pair(n, x, label, value, _field(label), n)
        row += 2


def _shape(line: Line) -> str | None:
    """The shape of a line's first phrase when it is a reference (``A-9999-9999``)."""
    first = " ".join(w.text for w in phrases(line.words)[0]) if line.words else ""
    if not _is_reference(first):
        return None
    return re.sub(r"[^\W\d_]", "A", re.sub(r"\d", "9", first))


def _stacked(lines: Sequence[Line], index: int, chunks: list[list[Word]]) -> Iterator[Pair]:
    """The values on the line under a row of labels, each under its label."""
    if index + 1 >= len(lines):
        return
    line, under = lines[index], lines[index + 1]
    if under.page != line.page or under.top - line.bottom > 1.5 * max(line.height, 1.0) \
            or not _DIGIT.search(under.text):  # labels under labels are no values
        return
    for x, label, value in _under(chunks, under):
        yield Pair(index + 1, x, label, value, _field(label), index)


def _under(chunks: list[list[Word]], under: Line) -> Iterator[tuple[float, str, str]]:
    """(x, label, value) of each label of ``chunks`` with the phrase of ``under`` set
    under it (starting under it, or overlapping it)."""
    below = phrases(under.words)
    for n, chunk in enumerate(chunks):
        left = chunk[0].x0
        right = chunks[n + 1][0].x0 if n + 1 < len(chunks) else float("inf")
        start = chunks[n - 1][-1].x1 if n else float("-inf")
        values = [p for p in below
                  if (left - 2 <= p[0].x0 < right) or (p[0].x0 < chunk[-1].x1 and p[-1].x1 > left
                                                       and p[-1].x1 > start)]
        value = " ".join(w.text for p in values[:1] for w in p)
        label = " ".join(w.text for w in chunk).rstrip(":")
        if value:
            yield left, label, value


def _field(label: str) -> str | None:
    found = field_for_header(label)
    return found if found in LINE_FIELDS else None


# --------------------------------------------------------------------------- records


def _records(pairs: list[Pair], lines: Sequence[Line]) -> tuple[str, list[list[Pair]]]:
    """The label anchoring the records and the pairs of each record: the paragraph
    around each reference, split at the return of its first label when it holds
    several. Labels naming an invoice are tried first (the most repeated, then the
    surest of naming OUR invoice), then the one repeated label no vocabulary names
    whose values all look like references (first when the only named one is the
    payer's own: ``Unsere Belegnr.`` beside an unnamed ``Externe Belegnr.``)."""
    refs = Counter(p.key for p in pairs if p.field == "invoice_ref" and _DIGIT.search(p.value))
    label_of = {p.key: p.label for p in pairs}
    anchors = sorted((k for k in refs if not _counts(k, pairs)),
                     key=lambda k: (-refs[k], -reference_rank(label_of[k])))
    unnamed = Counter(p.key for p in pairs if p.field is None)
    alike = [k for k, n in unnamed.items() if n > 1 and all(
        _REFERENCE.fullmatch(p.value) and not _CENTS.search(p.value)
        and not _is_date(p.value) for p in pairs if p.key == k)]
    surest = _surest(alike, label_of)
    if surest and anchors and reference_rank(label_of[anchors[0]]) == 0 \
            and reference_rank(label_of[surest[0]]) > 0:
        anchors.insert(0, surest[0])  # "Unsere Belegnr." named, "Externe Belegnr." not
    else:
        anchors += surest
    paragraphs = _paragraphs(lines)
    for anchor in anchors:
        records = _anchored(anchor, pairs, paragraphs)
        if records:
            return anchor, records
    return "", []


_COUNT = re.compile(r"(\d{1,3})\s*(?:/|of|von|sur|van|de|di)\s*(\d{1,3})", re.I)


def _counts(key: str, pairs: list[Pair]) -> bool:
    """Whether the values of label ``key`` count the blocks (``Documento 1/5``,
    ``Invoice 2 of 5``: 1, 2, 3... of the same whole), no references."""
    found = [_COUNT.fullmatch(p.value.strip()) for p in pairs if p.key == key]
    return all(found) and len({m[2] for m in found if m}) == 1 and \
        [int(m[1]) for m in found if m] == list(range(1, len(found) + 1))


def _surest(keys: list[str], label_of: dict[str, str]) -> list[str]:
    """Of repeated unnamed labels whose values are references, the one surest of naming
    OUR invoice (``Externe Belegnr.`` over ``Interne Nr.``); none when they tie."""
    ranks = {k: reference_rank(label_of[k]) for k in keys}
    top = [k for k in keys if ranks[k] == max(ranks.values(), default=0)]
    return top if len(top) == 1 else []


def _anchored(anchor: str, pairs: list[Pair], paragraphs: list[int]) -> list[list[Pair]]:
    """The records around each ``anchor`` label (see :func:`_records`)."""
    records: list[list[Pair]] = []
    done: set[int] = set()
    # the anchor in several paragraphs: records, whatever other labels they hold
    repeated = len({paragraphs[p.line] for p in pairs if p.key == anchor}) > 1
    for pair in pairs:
        if pair.key != anchor or paragraphs[pair.line] in done:
            continue
        number = paragraphs[pair.line]
        done.add(number)
        numbers = _continued(number, anchor, pairs, paragraphs)
        inside = [p for p in pairs if paragraphs[p.line] in numbers
                  and paragraphs[p.label_line] in numbers]
        if not inside:  # a value whose label stands in another paragraph
            continue
        if sum(p.key == anchor for p in inside) == 1 and not repeated and any(
                is_payment_label(p.label) or _names_the_payment(p.label, p.key == anchor)
                for p in inside):
            continue  # the advice's own fields ("Referenz", "Zahlungsdatum"), no invoice
        lead = next((n for n, p in enumerate(inside) if p.key == anchor), 0)
        if lead and records and not {p.key for p in inside[:lead]} & {
                p.key for p in records[-1]}:  # the end of the record before, set apart by
            records[-1] += inside[:lead]  # an empty value
            inside = inside[lead:]
        first = inside[0].key
        if sum(p.key == anchor for p in inside) > 1 and \
                sum(p.key == first for p in inside) != sum(p.key == anchor for p in inside):
            first = anchor  # the first label does not repeat: records start at the reference
        parts: list[list[Pair]] = []
        for p in inside:
            if p.key == first or not parts:
                parts.append([])
            parts[-1].append(p)
        records += [_first_of_each(part) for part in parts
                    if any(p.key == anchor for p in part)]
    return records


def _continued(number: int, anchor: str, pairs: list[Pair], paragraphs: list[int]) -> set[int]:
    """Paragraph ``number`` and the paragraphs after it that continue its record: rows of
    labels over rows of values without the anchor (a record's second row of labels, set
    a little apart; labels each over its value, one a paragraph, past one label whose
    value is empty)."""
    numbers = {number}
    following = number + 1
    while True:
        part = [p for p in pairs if paragraphs[p.line] == following]
        if not part and following + 1 not in numbers:  # an empty value: look one further
            part = [p for p in pairs if paragraphs[p.line] == following + 1]
            if part:
                numbers.add(following)
                following += 1
        if not part or any(p.key == anchor or p.label_line == p.line for p in part):
            return numbers
        numbers.add(following)
        following += 1


def _names_the_payment(label: str, anchor: bool) -> bool:
    """A label of the payment's own date as the header reader reads it (``Zahlungsdatum``)
    or, as the ``anchor``, of its number (``Referentienummer``, ``Zahlungsreferenz``)."""
    found = field_of_label(label)
    return found is not None and ((found[0] == "payment_date" and found[1] == 2) or (
        anchor and found[0] == "payment_ref"))


def _first_of_each(record: list[Pair]) -> list[Pair]:
    seen: set[str] = set()
    kept = []
    for pair in record:
        if pair.key not in seen:
            seen.add(pair.key)
            kept.append(pair)
    return kept


def _paragraphs(lines: Sequence[Line]) -> list[int]:
    """A paragraph number per line: a new one at a new page or a gap wider than 1.4
    times the usual distance between lines."""
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)
               if a.page == b.page and b.top > a.top]
    step = 1.4 * median(pitches) if pitches else 0.0
    numbers, number = [], 0
    for n, line in enumerate(lines):
        if n and (line.page != lines[n - 1].page or line.top - lines[n - 1].top > step):
            number += 1
        numbers.append(number)
    return numbers


#: Words of a payment advice's title (accents folded): never an invoice's.
_PAYMENT_TITLE = re.compile(
    r"(?<![a-z])(?:remittance|payment|paiement|reglement|virement|avis d|zahlung|uberweisung"
    r"|gutschrift|betaling|betaal|overboeking|bijschrijving|creditadvies|pago|transferencia"
    r"|abono|pagamento|bonifico|accredito|credit advice|avis de credit|remesa|avviso"
    r"|credit transfer|transfer received|incoming transfer|mt ?103|eingang|ontvangen"
    r"|virement recu)")
#: a SWIFT payment message's transaction reference or value date/amount tag
_SWIFT_PAYMENT = re.compile(r"^\s*:(?:20|32A):")


def speaks_of_payment(lines: Sequence[Line],
                      fields: Sequence[tuple[int, str, str]] | None = None) -> bool:
    """A payment number or date label on the page (not an invoice's own fields), a SWIFT
    payment message's ``:20:`` or ``:32A:``, or a payment word in a short chunk of its
    first three lines (the title). ``fields``: the page's labelled values when read
    already."""
    for line in lines[:3]:
        for chunk in line.text.split("\t"):
            if len(chunk.split()) <= 6 and _PAYMENT_TITLE.search(_fold(chunk)):
                return True
    if any(_SWIFT_PAYMENT.match(line.text) for line in lines):
        return True
    for _, name, _ in labelled_values(lines) if fields is None else fields:
        if name in ("payment_ref", "payment_date"):
            return True
    for line in lines:
        for chunk in line.text.split("\t"):
            found = field_of_label(chunk.partition(":")[0])
            if found and found[1] == 2 and found[0] in ("payment_ref", "payment_date"):
                return True
    return False


# --------------------------------------------------------------------------- roles


def _roles(anchor: str, keys: list[str], records: list[list[Pair]], lines: Sequence[Line]
           ) -> dict[str, str]:
    """Record label -> row field: ``anchor`` the invoice reference, the surest other
    document number ``alt_ref`` (open items may swap them)."""
    fields = {p.key: p.field for r in records for p in r}
    labels = {p.key: p.label for r in records for p in r}
    roles = {anchor: "invoice_ref"}
    refs = sorted((k for k in keys if fields[k] == "invoice_ref" and k != anchor),
                  key=lambda k: -reference_rank(labels[k]))
    if refs:
        roles[refs[0]] = "alt_ref"
    for key in keys:
        field = fields[key]
        if field in _OTHER_FIELDS and field not in roles.values():
            roles[key] = field
    _amount_roles(keys, records, lines, roles, fields)
    return roles


_OTHER_FIELDS = ("invoice_date", "po_number", "deduction_reason", "discount", "deduction")


def _amount_roles(keys: list[str], records: list[list[Pair]], lines: Sequence[Line],
                  roles: dict[str, str], fields: dict[str, str | None]) -> None:
    """The paid and gross amount labels: of the labels whose values are amounts, the
    pair that reads consistently (gross - discount - deduction = paid in every record)
    and whose paid amounts add up to an amount printed outside the records (the total),
    the labels' own words deciding the rest. An amount label no vocabulary names may
    be what is taken off (``Avoir imputé``, ``Offset``) when that makes the records
    consistent and it weighs less than the paid amounts; it takes a free one of the
    discount and deduction roles."""
    columns = {k: _values(k, records) for k in keys}
    # a label of most records (not the total printed under the last one)
    present = {k for k in keys if 2 * sum(any(p.key == k for p in r) for r in records)
               >= len(records)}
    money = [k for k in keys if k not in roles and _is_amount_column(columns[k])]
    candidates = [k for k in money if k in present]
    if not candidates:
        return
    used = {n for r in records for p in r for n in (p.line, p.label_line)}
    printed = _page_amounts([line for n, line in enumerate(lines) if n not in used])
    off = [k for k in keys if roles.get(k) in ("discount", "deduction")]
    free = [r for r in ("discount", "deduction") if r not in roles.values()]
    read = {mark: {k: [_amount(v, mark) for v in columns[k]] for k in money + off}
            for mark in (".", ",")}  # every value read once with each mark
    unnamed = [k for k in money if fields[k] is None  # printed where not zero, perhaps
               and any(_DIGIT.search(v) and not _ZERO.fullmatch(v) for v in columns[k])]
    best: tuple[tuple[object, ...], str, str | None, tuple[str, ...]] | None = None
    for paid in candidates:
        for gross in [None, *(k for k in candidates if k != paid)]:
            rest = [k for k in unnamed if k not in (paid, gross)] if gross else []
            for extra in _subsets(rest, len(free)):
                for mark in (".", ","):
                    amounts = read[mark]
                    score = (_consistent(amounts[paid], amounts[gross] if gross else None,
                                         [amounts[k] for k in (*off, *extra)]),
                             _sum(amounts[paid]) in printed,
                             all(_weight(amounts[paid]) > _weight(amounts[k]) for k in extra),
                             fields[paid] == "paid_amount",
                             gross is not None,
                             gross is None or fields[gross] == "gross_amount",
                             fields[paid] is not None,
                             -len(extra))
                    if best is None or score > best[0]:
                        best = (score, paid, gross, extra)
    assert best is not None
    _, paid, gross, extra = best
    roles[paid] = "paid_amount"
    if gross is not None:
        roles[gross] = "gross_amount"
    roles.update(zip(extra, free, strict=False))


_ZERO = re.compile(r"[^1-9]*")  # "0,00", "EUR 0.00", "-"


def _weight(amounts: list[Decimal | None]) -> Decimal:
    """The sum of a column's amounts, signs off (what is paid outweighs what is taken off)."""
    return sum((abs(a) for a in amounts if a is not None), Decimal(0))


def _subsets(keys: list[str], most: int) -> Iterator[tuple[str, ...]]:
    """The subsets of ``keys`` of at most ``most`` members, the empty one first."""
    yield ()
    for size in range(1, min(most, len(keys)) + 1):
        yield from combinations(keys, size)


def _is_amount_column(values: list[str]) -> bool:
    """All values amounts or placeholders, one at least an amount; not all bare numbers
    of seven digits or more (document numbers: ``Payment Doc.: 33985897``)."""
    return all(_PLACEHOLDER.fullmatch(v) or _AMOUNT_SHAPE.match(v) for v in values) \
        and any(_DIGIT.search(v) for v in values) \
        and not all(_LONG_NUMBER.fullmatch(v) for v in values if v)


def _amount(text: str, mark: str) -> Decimal | None:
    return Decimal(0) if _PLACEHOLDER.fullmatch(text) else probe_amount(text, mark)


def _sum(amounts: list[Decimal | None]) -> Decimal | None:
    return None if None in amounts else sum((a for a in amounts if a is not None), Decimal(0))


def _consistent(paid: list[Decimal | None], gross: list[Decimal | None] | None,
                taken_off: list[list[Decimal | None]]) -> bool:
    """Whether every record's gross less its discount and deduction is its paid amount
    (and every paid amount reads); the columns' values read with one decimal mark."""
    for n, amount in enumerate(paid):
        if amount is None:
            return False
        if gross is None:
            continue
        whole = gross[n]
        less = [column[n] for column in taken_off]
        if whole is None or None in less:
            return False
        if whole - sum((abs(x) for x in less if x is not None), Decimal(0)) != amount:
            return False
    return True


def _values(key: str, records: list[list[Pair]]) -> list[str]:
    return [next((p.value for p in r if p.key == key), "") for r in records]


def _page_amounts(lines: Sequence[Line]) -> set[Decimal]:
    """Every amount printed on ``lines`` (read with either decimal mark)."""
    found: set[Decimal] = set()
    for line in lines:
        if not _DIGIT.search(line.text):
            continue
        for chunk in re.split(r"[\t:]", line.text):
            if not _DIGIT.search(chunk):
                continue
            for mark in (".", ","):
                value = probe_amount(chunk.strip(), mark)
                if value is not None:
                    found.add(value)
    return found


def _row(record: list[Pair], roles: dict[str, str]) -> dict[str, str]:
    """One record as a table row (cell texts by field)."""
    row: dict[str, str] = {}
    for pair in record:
        role = roles.get(pair.key)
        if role and role not in row:
            value = pair.value.strip()
            row[role] = "" if _PLACEHOLDER.fullmatch(value) else value
    row.setdefault("invoice_ref", "")
    return row
