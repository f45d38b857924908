"""Statements of account read by their arithmetic, whatever their column labels say.

A payer may send its ledger of our account with the payment (SAP "Kontoauszug",
DATEV "Kontoblatt", "Extracto de cuenta", "Estratto conto", "Relevé de compte",
"Rekeningoverzicht"): one row per booking, the amounts on two sides or signed,
often a running balance, the payment a row among the invoices. Their labels vary
with every ERP (Debe / Haber, Cargo / Abono, Soll / Haben, Belastung / Gutschrift,
Addebiti / Accrediti, Af / Bij, Charges / Payments), so here the columns are told
by the values alone (:func:`read_statement`):

1. **Rows**: runs of lines printing money (two decimals; ``-x``, ``x-``, ``(x)``,
   or a side mark after it: ``1.234,56 S``, ``H``, ``D``, ``A``, ``C``, ``Cr``,
   ``Dr``, ``1.234,56DR``: of a column printing both sides' marks credit is minus,
   of one printing one kind that kind); money columns by their right edges (amounts
   are set flush right).
2. **Balance**: a money column whose value on each row is the previous row's
   value (the next row's, newest first) plus or minus the row's amount in another
   column, on two rows or more and on most rows of the run. Each amount column's
   sign follows from it (the debit side adds, the credit side subtracts, or the
   reverse). Without a balance column, the amounts must come to nothing (the
   payment clears the invoices) and every row must print a date.
3. **Payment**: a row whose amount clears all the rows with a document number
   (of several: the one printing the payment reference printed above the table,
   else the one of the amount paid printed there, else the largest; when none clears,
   the one row of the amount paid printed there); the other rows with a document
   number are the lines, invoices positive, credit notes negative.
4. **Reference**: of the columns of document-number shapes (a digit, no date,
   no money), distinct on every row and printed on half of them at least; of two
   such columns the one whose label names our invoice more surely
   (:func:`~bots.remittance.columns.reference_rank`), else the one the header-driven
   table read as the invoice reference, else the one whose values
   are not bare digits (the payer's own entry numbers are), else the right one (an
   ERP prints its own entry number first); the other is ``alt_ref`` (open items
   may swap them).

The result is a :class:`~bots.remittance.pdf_layout.Table` whose rows carry the
signed amounts with the document's decimal mark, the payment's amount as the
table's total. None when the arithmetic proves no statement: then the reading
is left to the header-driven table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bots.remittance.columns import reference_rank
from bots.remittance.pdf_layout import Line, Table

# money: digits with exactly two decimals, maybe grouped, maybe signed
_MONEY = re.compile(r"^[(+-]?(?:\d{1,3}(?:[.,'\u00a0 ]\d{3})+|\d+)[.,]\d{2}[)-]?"
                    r"(?:[CcDd][Rr])?$")  # a side mark may touch it: "1.234,56DR"
_MONEY_HINT = re.compile(r"\d[.,]\d\d")  # a quick test before the words' own
_GROUP_HEAD = re.compile(r"^[(+-]?\d{1,3}$")
_GROUP_TAIL = re.compile(r"^\d{3}(?:[.,]\d{2})?[)-]?$")
_DEBIT_MARKS = frozenset({"s", "d", "dr", "db"})  # Soll, Debe, Dare, Debit, Débit, Debet
_CREDIT_MARKS = frozenset({"h", "a", "c", "cr"})  # Haben, Haber, Avere, Credit, Crédit
_MARKS = _DEBIT_MARKS | _CREDIT_MARKS
_REFERENCE = re.compile(r"^(?=\S*\d)[A-Za-z0-9][\w./#-]{2,23}$")
# a date: 05.09.2026, 2026-09-05, 05-Sep-26, and compact: 05SEP26, 20260905 (a valid day)
_DATE = re.compile(r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[.-]?[A-Za-z]{3}[.-]?\d{2,4}"
                   r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))$")
_MIN_ROWS = 3  # rows a statement has at least (two invoices and the payment, or more)
_MIN_CHECKS = 2  # balance steps that must check out
_SHARE = 0.8  # of the steps between a run's first and last checked row


@dataclass
class _Row:
    """One line of a run: its money by column, its other words."""

    index: int
    line: Line
    money: dict[int, Decimal] = field(default_factory=dict)  # money column -> signed value
    words: list[tuple[str, float, float]] = field(default_factory=list)  # text, x0, x1


def read_statement(lines: Sequence[Line], beside: Table | None = None) -> Table | None:
    """The statement of account printed on ``lines`` as a table of lines, or None when no
    run of rows has a statement's arithmetic (module docstring). ``beside``: the table
    read by its header labels, whose invoice column, when it has one, tells which
    document number is ours when its labels said so."""
    named = {row.get("invoice_ref", "") for row in beside.rows} \
        if beside and _chose_by_label(beside) else set()
    for run in _runs(lines):
        table = _statement(run, lines, named)
        if table is not None:
            return table
    return None


def _chose_by_label(table: Table) -> bool:
    """Whether ``table`` took its invoice column of two by what their labels say."""
    ours, other = (table.ref_labels.get(k) for k in ("invoice_ref", "alt_ref"))
    return bool(table.rows and ours and other) and \
        reference_rank(ours or "") > reference_rank(other or "")


def _has_money(line: Line) -> bool:
    return bool(_MONEY_HINT.search(line.text)) and any(_MONEY.match(w.text) for w in line.words)


def _runs(lines: Sequence[Line]) -> list[list[tuple[int, Line]]]:
    """Runs of lines printing money, at most one other line apart (a wrapped text) or on
    the next page: a header row or a block of fields between two ends a run."""
    runs: list[list[tuple[int, Line]]] = []
    last = -10
    for index, line in enumerate(lines):
        if not _has_money(line):
            continue
        if runs and (index - last <= 2 or line.page != lines[last].page):
            runs[-1].append((index, line))
        else:
            runs.append([(index, line)])
        last = index
    return [run for run in runs if len(run) >= _MIN_ROWS]


def _cells(line: Line) -> list[tuple[str, float, float]]:
    """The words of ``line``, the groups of an amount printed with spaces joined."""
    cells: list[tuple[str, float, float]] = []
    for word in line.words:
        if cells and _GROUP_TAIL.match(word.text) and _GROUP_HEAD.match(cells[-1][0]) \
                and word.x0 - cells[-1][2] <= 1.2 * (cells[-1][2] - cells[-1][1]) \
                / len(cells[-1][0]):  # one space apart, a Courier space too
            text, x0, _ = cells.pop()
            cells.append((f"{text} {word.text}", x0, word.x1))
        else:
            cells.append((word.text, word.x0, word.x1))
    return cells


def _value(text: str) -> Decimal:
    """A money cell's value (a touching side mark left aside): the separator three from
    the end is the decimal mark."""
    text = text.rstrip("CcDdRr")
    core = text.strip("()+-")
    digits = "".join(c for c in core[:-3] if c.isdigit())
    value = Decimal(f"{digits or 0}.{core[-2:]}")
    return -value if text[:1] in "-(" or text[-1:] in "-)" else value


def _rows(run: list[tuple[int, Line]]) -> list[_Row]:
    """The run's lines with their money placed in columns by right edge, signed by their
    side marks (:func:`_signed`)."""
    edges: list[float] = []  # right edge of each money column
    marks: dict[tuple[int, int], str] = {}  # (row, column) -> the side mark printed
    rows: list[_Row] = []
    for index, line in run:
        row = _Row(index, line)
        cells = _cells(line)
        tolerance = 0.6 * max(line.height, 1.0)
        money = [bool(_MONEY.match(text)) and not _DATE.match(text) for text, _, _ in cells]
        for n, (text, x0, x1) in enumerate(cells):
            if not money[n]:
                if not (n and money[n - 1] and text.lower() in _MARKS):
                    row.words.append((text, x0, x1))
                continue
            mark = text[len(text.rstrip("CcDdRr")):].lower() \
                or (cells[n + 1][0].lower() if n + 1 < len(cells) else "")
            if mark in _MARKS and n + 1 < len(cells) \
                    and cells[n + 1][0].lower() == mark and cells[n + 1][1] - x1 <= tolerance:
                x1 = cells[n + 1][2]  # "1.234,56 H" set flush right as one cell
            column = next((k for k, x in enumerate(edges) if abs(x - x1) <= tolerance), None)
            if column is None:
                edges.append(x1)
                column = len(edges) - 1
            if column not in row.money:
                row.money[column] = _value(text)
                if mark in _MARKS:
                    marks[len(rows), column] = mark
        rows.append(row)
    _signed(rows, marks)
    return rows


def _signed(rows: list[_Row], marks: dict[tuple[int, int], str]) -> None:
    """The values of ``rows`` signed by their side ``marks``: in a column printing marks
    of both sides (``S`` / ``H``, ``Dr`` / ``Cr``) credit is minus; in one printing one
    kind only (``x CR``, ``xDR``) that mark is the minus."""
    for column in {c for _, c in marks}:
        kinds = {m in _CREDIT_MARKS for (_, c), m in marks.items() if c == column}
        for (n, c), mark in marks.items():
            if c == column and (mark in _CREDIT_MARKS or len(kinds) == 1):
                rows[n].money[c] = -abs(rows[n].money[c])


def _statement(run: list[tuple[int, Line]], lines: Sequence[Line],
               named: set[str]) -> Table | None:
    """The table of one run when its arithmetic proves a statement, else None."""
    rows = _rows(run)
    found = _by_balance(rows)
    changes, balance = found if found else (_by_zero_sum(rows), None)
    if changes is None:
        return None
    start, end = min(changes), max(changes)
    if balance is not None and start and list(rows[start - 1].money) == [balance]:
        start -= 1  # the opening balance, printed in the balance column only
    if balance is not None and end + 1 < len(rows) and list(rows[end + 1].money) == [balance]:
        end += 1  # the same, newest first (or the closing balance)
    body = rows[start:end + 1]
    refs = _reference_columns(rows, changes, body, lines, named)
    if not refs:
        return None
    return _table(rows, changes, refs, body, lines)


def _by_balance(rows: list[_Row]) -> tuple[dict[int, Decimal], int] | None:
    """(row position -> the balance's change on that row, the balance column) when a
    column is a running balance of the others; None when none is."""
    columns = sorted({c for row in rows for c in row.money})
    last = len(rows) - 1
    for balance in columns:
        found = _chain(rows, balance)
        if found is not None:
            return found, balance
        found = _chain(rows[::-1], balance)  # newest first: the balance runs upwards
        if found is not None:
            return {last - n: change for n, change in found.items()}, balance
    return None


def _chain(rows: list[_Row], balance: int) -> dict[int, Decimal] | None:
    """The changes of the rows when ``balance`` is a running balance of them, else None."""
    signs: dict[tuple[int, int], int] = {}  # (column, sign) -> steps it explains
    steps: list[tuple[int, list[tuple[int, int]]]] = []  # row position, explanations
    previous, booked = Decimal(0), False
    for n, row in enumerate(rows):
        if balance not in row.money:  # no booking: a page's totals, a text
            continue
        if len(row.money) == 1 and booked:
            continue  # a balance carried over a page: the bookings tell the balance
        value = row.money[balance]
        delta = value - previous
        found = [(c, 1 if delta == v else -1) for c, v in row.money.items()
                 if c != balance and v and abs(delta) == abs(v)]
        if found:
            steps.append((n, found))
            for key in found:
                signs[key] = signs.get(key, 0) + 1
        previous, booked = value, booked or len(row.money) > 1
    if len(steps) < _MIN_CHECKS:
        return None
    with_balance = [n for n, row in enumerate(rows) if balance in row.money
                    and steps[0][0] <= n <= steps[-1][0]]
    if len(steps) < _SHARE * max(len(with_balance) - 1, 1):
        return None
    sign = {c: max((1, -1), key=lambda s, c=c: signs.get((c, s), 0))  # type: ignore[misc]
            for c, _ in signs}
    changes = {}
    first = steps[0][0]
    for n, row in enumerate(rows):
        amounts = [(c, v) for c, v in row.money.items() if c != balance and c in sign and v]
        if balance not in row.money or len(amounts) != 1 or n < first - 1 or n > steps[-1][0]:
            continue
        column, value = amounts[0]
        if n == first - 1 and not any(s[0] == n for s in steps):
            changes[n] = sign[column] * value  # the first row, over an unprinted opening
        elif any(s[0] == n for s in steps):
            changes[n] = sign[column] * value
    return changes if len(changes) >= _MIN_ROWS else None


def _by_zero_sum(rows: list[_Row]) -> dict[int, Decimal] | None:
    """Row position -> signed amount when the run has no balance column but the amounts
    of its rows printing a booking date (in one date column), one per row in one or two
    columns, come to nothing (the payment clears the rest)."""
    if sum(len(row.money) == 1 for row in rows) < _MIN_ROWS:
        return None
    starts = {n: x for n, row in enumerate(rows)
              if (x := next((x0 for t, x0, _ in row.words if _DATE.match(t)), None)) is not None}
    if len(starts) < _MIN_ROWS:
        return None
    common = Counter(round(x) for x in starts.values()).most_common(1)[0][0]
    dated = [n for n, x in starts.items() if abs(x - common) <= 2]  # the date column
    if len(dated) < _MIN_ROWS or any(len(rows[n].money) != 1 for n in dated):
        return None  # (rows without a date in the date column: totals, fields above)
    columns = sorted({c for n in dated for c in rows[n].money})
    if len(columns) > 2:
        return None
    signed = {n: (1 if rows[n].money.get(columns[0]) is not None or len(columns) == 1
                  else -1) * next(iter(rows[n].money.values())) for n in dated}
    if sum(signed.values()) != 0 or all(v >= 0 for v in signed.values()) \
            or all(v <= 0 for v in signed.values()):
        return None
    return signed


def _reference_columns(rows: list[_Row], changes: dict[int, Decimal], body: list[_Row],
                       lines: Sequence[Line], named: set[str],
                       ) -> list[tuple[float, float, dict[int, str]]]:
    """The document-number columns of the changing rows, best first (module docstring;
    ``named``: the invoice references the header-driven table read): (x0, x1, row
    position -> value); a column distinct on every row and on at least half of them.
    A column is a column of words, or of texts (``Factura 2026/0142``) whose last
    document number is the value."""
    words, texts = [], []
    for n in changes:
        words += [(n, t, x0, x1) for t, x0, x1 in rows[n].words if _is_reference(t)]
        for phrase, x0, x1 in _phrases(rows[n]):
            found = [t for t in phrase if _is_reference(t)]
            if len(phrase) > 1 and found:
                texts.append((n, found[-1], x0, x1))
    columns = [(a, b, values, texty)
               for texty, units in ((False, words), (True, texts))
               for a, b, values in _columns(units)
               if 2 * len(values) >= len(changes) and len(set(values.values())) == len(values)
               and len(values) >= 2]
    kept = [column for n, column in enumerate(columns)  # one column once: a part is none
            if not any(column[2].items() <= other[2].items() and (column[2] != other[2] or k < n)
                       for k, other in enumerate(columns) if k != n)]
    if len(kept) < 2:
        return [(a, b, values) for a, b, values, _ in kept]
    labels = _labels_over(body, lines)
    # the rows printing a document number (an opening balance prints none); the payment
    # may print none in our invoice column
    numbered = len({n for n, _, _, _ in words + texts})

    def rank(column: tuple[float, float, dict[int, str], bool],
             ) -> tuple[int, int, int, bool, float]:
        a, b, found, texty = column
        label = " ".join(t for t, x0, x1 in labels if min(x1, b) - max(x0, a) > 0)
        return (reference_rank(label) if label and not texty else 1,  # a text's: several
                sum(v in named for v in found.values()),
                min(len(found), numbered - 1),
                not all(t.isdigit() for t in found.values()), a)

    return [(a, b, values) for a, b, values, _ in sorted(kept, key=rank, reverse=True)]


def _is_reference(text: str) -> bool:
    return bool(_REFERENCE.match(text)) and not _DATE.match(text) and not _MONEY.match(text)


def _phrases(row: _Row) -> list[tuple[list[str], float, float]]:
    """The row's words (money aside) cut at column gaps: (texts, x0, x1) each."""
    found: list[tuple[list[str], float, float]] = []
    gap = 0.8 * max(row.line.height, 1.0)
    for text, x0, x1 in row.words:
        if found and x0 - found[-1][2] <= gap:
            found[-1] = (found[-1][0] + [text], found[-1][1], x1)
        else:
            found.append(([text], x0, x1))
    return found


def _columns(units: list[tuple[int, str, float, float]],
             ) -> list[tuple[float, float, dict[int, str]]]:
    """(row position, value, x0, x1) units grouped into columns by overlapping spans."""
    columns: list[tuple[float, float, dict[int, str]]] = []
    for n, text, x0, x1 in units:
        k = next((k for k, (a, b, _) in enumerate(columns) if min(x1, b) - max(x0, a) > 0),
                 None)
        if k is None:
            columns.append((x0, x1, {n: text}))
        else:
            a, b, values = columns[k]
            values.setdefault(n, text)
            columns[k] = (min(a, x0), max(b, x1), values)
    return columns


def _labels_over(body: list[_Row], lines: Sequence[Line]) -> list[tuple[str, float, float]]:
    """The words of the (up to two) lines printed just above the statement's first row."""
    return [(w.text, w.x0, w.x1) for i in _above(body, lines) for w in lines[i].words]


def _above(body: list[_Row], lines: Sequence[Line]) -> list[int]:
    """The (up to two) lines just above the statement's first row that print no money,
    no date and no ``label:``, each close under the one above: its header."""
    found: list[int] = []
    below = body[0].line
    for i in range(body[0].index - 1, max(-1, body[0].index - 3), -1):
        line = lines[i]
        if line.page != below.page or below.top - line.top > 2.5 * max(line.height, 1.0) \
                or ":" in line.text or _has_money(line) \
                or any(_DATE.match(w.text) for w in line.words):
            break
        found.insert(0, i)
        below = line
    return found


def _table(rows: list[_Row], changes: dict[int, Decimal],
           refs: list[tuple[float, float, dict[int, str]]], body: list[_Row],
           lines: Sequence[Line]) -> Table:
    """The lines of the statement: the rows with a document number, less the payment."""
    ours = refs[0][2]
    other = refs[1][2] if len(refs) > 1 else {}
    payment = _payment(changes, ours, rows, body, lines)
    referenced = [n for n in sorted(changes) if n in ours and n != payment]
    if payment is not None:
        invoice_sign = -1 if changes[payment] > 0 else 1
    else:
        invoice_sign = 1 if sum(changes[n] for n in referenced) >= 0 else -1
    mark = _mark(rows)
    table = Table()
    for n in referenced:
        row = {"invoice_ref": ours[n], "paid_amount": _text(changes[n] * invoice_sign, mark)}
        if n in other:
            row["alt_ref"] = other[n]
        dates = [t for t, _, _ in rows[n].words if _DATE.match(t)]
        if dates:
            row["invoice_date"] = dates[0]
        table.rows.append(row)
    for n in sorted(changes)[1:]:  # the first, without a document: the opening balance
        if n not in ours and n != payment:
            table.unreferenced.append((rows[n].line.text.replace("\t", " "), ()))
    table.segments = [table.rows]
    if payment is not None:
        table.total_text = _text(abs(changes[payment]), mark)
    above = _above(body, lines)
    table.used = {row.index for row in body} | set(above)
    table.first_header = above[0] if above else body[0].index
    return table


def _payment(changes: dict[int, Decimal], ours: dict[int, str], rows: list[_Row],
             body: list[_Row], lines: Sequence[Line]) -> int | None:
    """The row of the payment: its change clears the rows with a document number. Of
    several (all clear, when the payment has a document number), the one printing a
    number printed outside the table too (the payment reference above it), else the one
    whose amount is printed outside the table (the amount paid), else the largest. When
    none clears (a payment of some of the items), the one row of the amount paid, if any."""
    referenced = sum((changes[n] for n in changes if n in ours), Decimal(0))
    clearing = [n for n in changes if changes[n] and changes[n] == -(
        referenced - (changes[n] if n in ours else 0))]
    if len(clearing) == 1:
        return clearing[0]
    used = {row.index for row in body}
    outside = {text for i, line in enumerate(lines) if i not in used
               for text, _, _ in _cells(line)}
    printed = {abs(_value(text)) for text in outside
               if _MONEY.match(text) and not _DATE.match(text)}
    if not clearing:
        stated = [n for n in changes if abs(changes[n]) in printed]
        return stated[0] if len(stated) == 1 else None
    named = [n for n in clearing if any(_REFERENCE.match(t) and t in outside
                                        for t, _, _ in rows[n].words)]
    if len(named) == 1:
        return named[0]
    stated = [n for n in clearing if abs(changes[n]) in printed]
    if stated:
        return stated[0]
    return max(clearing, key=lambda n: abs(changes[n]))


def _mark(rows: list[_Row]) -> str:
    """The decimal mark the run prints."""
    for row in rows:
        for text, _, _ in _cells(row.line):
            if _MONEY.match(text):
                return text.rstrip("CcDdRr").strip("()+-")[-3]
    return "."


def _text(value: Decimal, mark: str) -> str:
    """``value`` printed with the decimal ``mark`` and no grouping (``-1234,56``)."""
    return f"{value:.2f}".replace(".", mark)
