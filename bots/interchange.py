"""The public interchange files (``../shared/spec/interchange.md``): read strictly, written safely.

``arbots match`` reads ``OPEN.csv``, ``CUST.csv`` and the remittance JSON Lines
of ``arbots extract`` and writes ``PROPOSALS.csv``; ``arbots sap open-items`` /
``customers`` write the first two. This module is all of that file I/O.

Values
------
The files share one way of writing values: amounts as decimal strings with a
dot (never a JSON number: a float may already have lost cents), dates as ISO
``YYYY-MM-DD``, currencies as ISO 4217 codes. These readers turn one value
into its type or raise :class:`FieldError` naming the field and what is wrong::

    >>> field_amount("1234.50", "total", "USD")
    Decimal('1234.50')
    >>> try:
    ...     field_amount("12.5", "total", "JPY")
    ... except FieldError as exc:
    ...     print(exc)
    total: '12.5' has more decimals than JPY allows

Amounts have no exponent notation and at most :data:`MAX_DIGITS` digits
(spec v1.2: "amount out of range")::

    >>> try:
    ...     field_amount("1e309", "total", "USD")
    ... except FieldError as exc:
    ...     print(exc)
    total: '1e309' amount out of range (a decimal string with a dot, at most 18 digits)

Files
-----
Readers return ``(records, problems)``: a bad row or line is skipped and
reported as a :class:`BadRow` naming the file, the line and the column, and
reading goes on with the rest. A file that cannot be read at all (missing,
not UTF-8, a required column absent) raises :class:`InterchangeError`::

    items, problems = read_open_items("OPEN.csv")
    for p in problems:
        print(p)          # OPEN.csv:14: amount: '12,50' is not a decimal with a dot

Open items come as an :class:`~bots.cashapp.table.OpenItemTable` (the
engine's columnar form: shared key strings, amounts in integer minor units).
The CSV is read by pandas with the pyarrow engine and checked column by
column; a row the column checks cannot vouch for goes through the row-by-row
check, which names what is wrong. A file pyarrow would read differently from
Python's ``csv`` module (blank lines, line breaks inside quotes, rows with
too few or too many cells) is read row by row throughout: same result, slower.

Writers take the records first, then the path, and put every cell through the
one formula guard (:mod:`bots.formula_guard`): text a spreadsheet would run as
a formula gets a leading ``'``, numbers such as ``"-12.50"`` stay as they are,
and the readers here take the ``'`` off again. Proposals are written as they
are formatted, never held as text. A name ending in ``.xlsx`` makes
:func:`write_open_items` and :func:`write_customers` write a worksheet.

Limits: amounts may not carry more decimals than their currency has (a yen
amount is whole yen); a remittance amount given as a JSON number is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bots.cashapp.explain import money
from bots.cashapp.halves import halves
from bots.cashapp.rows import ProposalRows, Row
from bots.cashapp.table import OpenItemTable
from bots.domain import (
    Customer,
    OpenItem,
    Proposal,
    Remittance,
    exponent,
    format_amount,
    quantize,
    to_minor,
)
from bots.formula_guard import TRIGGERS, neutralise, neutralise_row, restore

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from bots.cashapp.engine import MatchResult, Unmatched

#: Digits an amount may have in all (ISO 20022: 18).
MAX_DIGITS = 18
_DECIMAL = re.compile(r"[+-]?([0-9]+)(?:\.([0-9]+))?")

OPEN_ITEM_COLUMNS = ("company_code", "customer", "document_no", "fiscal_year", "line_item",
                     "invoice_ref", "po_number", "doc_date", "due_date", "currency", "amount",
                     "discount_pct", "discount_date")
CUSTOMER_COLUMNS = ("customer", "name", "parent", "aliases")
PROPOSAL_COLUMNS = ("remittance_id", "line_index", "customer", "document_no", "fiscal_year",
                    "line_item", "applied_amount", "discount_amount", "deduction_amount",
                    "decision", "confidence", "rule", "reason", "treatment", "reason_code",
                    "alternative")
REQUIRED_OPEN = ("company_code", "customer", "document_no", "fiscal_year", "line_item",
                 "doc_date", "due_date", "currency", "amount")
_KEYS = ("company_code", "customer", "document_no", "fiscal_year", "line_item")


# --------------------------------------------------------------------------- values


class FieldError(ValueError):
    """One value of an interchange file is wrong; the message names the field."""


def field_amount(value: Any, field: str, currency: str) -> Decimal:
    """A decimal string with a dot, with no more decimals than ``currency`` has."""
    if isinstance(value, float):
        raise FieldError(f"{field}: {value!r} is a JSON number; amounts are decimal strings")
    if not isinstance(value, str):
        raise FieldError(f"{field}: expected a decimal string, got {value!r}")
    text = value.strip()
    shape = _DECIMAL.fullmatch(text)
    if not shape:
        try:
            Decimal(text)
        except InvalidOperation:
            raise FieldError(f"{field}: {value!r} is not a decimal with a dot") from None
        raise FieldError(f"{field}: {value!r} amount out of range (a decimal string with a "
                         f"dot, at most {MAX_DIGITS} digits)")
    amount = Decimal(text)
    whole, decimals = shape.group(1), shape.group(2) or ""
    if len(whole) + len(decimals) <= MAX_DIGITS and len(decimals) <= exponent(currency):
        return amount  # the usual case, decided by the digits as written
    if len(amount.as_tuple().digits) > MAX_DIGITS:
        raise FieldError(f"{field}: {value!r} amount out of range (more than {MAX_DIGITS} "
                         "digits)")
    if quantize(amount, currency) != amount:
        raise FieldError(f"{field}: {value!r} has more decimals than {currency} allows")
    return amount


def field_date(value: Any, field: str, required: bool = True) -> date | None:
    """An ISO date (``YYYY-MM-DD``); None for an empty optional one."""
    if value in (None, ""):
        if required:
            raise FieldError(f"{field}: is required")
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def field_currency(value: Any) -> str:
    """An ISO 4217 code, upper case."""
    text = str(value or "").strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise FieldError(f"currency: {value!r} is not an ISO 4217 code")
    return text


def field_percent(value: str, field: str) -> Decimal | None:
    """A percent in [0, 100) as a decimal string; None when empty."""
    try:
        pct = Decimal(value) if value else None
    except InvalidOperation:
        raise FieldError(f"{field}: {value!r} is not a decimal number") from None
    if pct is not None and not Decimal(0) <= pct < Decimal(100):
        raise FieldError(f"{field}: {value!r} is not a percent between 0 and 100")
    return pct


# --------------------------------------------------------------------------- files


class InterchangeError(ValueError):
    """A whole file cannot be read."""


@dataclass(frozen=True)
class BadRow:
    """One row that was skipped, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


def _csv_rows(path: str | Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, cells) of each row, row by row; cells stripped, the guard's ``'`` off."""
    name = str(path)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InterchangeError(f"{name}: cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError:
            raise InterchangeError(f"{name}: not UTF-8 text") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise InterchangeError(f"{name}: missing column(s) {', '.join(missing)}")
        try:
            for row in reader:
                yield reader.line_num, {k: restore((v or "").strip())
                                        for k, v in row.items() if isinstance(k, str)}
        except UnicodeDecodeError:
            raise InterchangeError(f"{name}: not UTF-8 text (line {reader.line_num + 1})"
                                   ) from None
        except csv.Error as exc:
            raise InterchangeError(f"{name}:{reader.line_num}: {exc}") from None


def _required(column: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value:
            raise FieldError(f"{column}: is required")
        return sys.intern(value)
    return check


def _open_item(row: dict[str, str]) -> OpenItem:
    """One open item from its cells (the row-by-row check, which names what is wrong)."""
    for column in _KEYS:
        _required(column)(row.get(column, ""))
    currency = field_currency(row["currency"])
    discount_pct = field_percent(row.get("discount_pct", ""), "discount_pct")
    doc_date = field_date(row["doc_date"], "doc_date")
    due_date = field_date(row["due_date"], "due_date")
    assert doc_date is not None and due_date is not None
    return OpenItem(
        company_code=row["company_code"], customer=row["customer"],
        document_no=row["document_no"], fiscal_year=row["fiscal_year"],
        line_item=row["line_item"], currency=currency,
        amount=field_amount(row["amount"], "amount", currency), doc_date=doc_date,
        due_date=due_date, invoice_ref=row.get("invoice_ref", ""),
        po_number=row.get("po_number", ""), discount_pct=discount_pct,
        discount_date=field_date(row.get("discount_date"), "discount_date", required=False))


def read_open_items(path: str | Path) -> tuple[OpenItemTable, list[BadRow]]:
    """Open items from ``OPEN.csv``; bad rows skipped and reported."""
    try:
        return _open_items_from(path)
    finally:
        _release_arrow_memory()


def _open_items_from(path: str | Path) -> tuple[OpenItemTable, list[BadRow]]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InterchangeError(f"{path}: cannot open: {exc.strerror}") from None
    frame = _frame(data, REQUIRED_OPEN)
    del data
    if frame is None:
        return _open_items_by_row(path)
    return _OpenItemColumns(frame, str(path)).read()


def _release_arrow_memory() -> None:
    """Hand what pyarrow freed back to the system (after a read, its frames gone).

    Its default pool (mimalloc) keeps freed memory for later arrays: at a
    million open items some 250 MB of frames and text buffers would stay in
    the process, unused, once the columns are Python lists.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _open_items_by_row(path: str | Path) -> tuple[OpenItemTable, list[BadRow]]:
    items, problems = [], []
    for line, row in _csv_rows(path, REQUIRED_OPEN):
        try:
            items.append(_open_item(row))
        except FieldError as exc:
            problems.append(BadRow(str(path), line, str(exc)))
    return OpenItemTable.from_items(items), problems


def _frame(data: bytes, required: Sequence[str]) -> pd.DataFrame | None:
    """The CSV as a frame of text columns, or None when it must be read row by row.

    Row by row: a header that is not UTF-8, lacks a required column or repeats
    one; a carriage return outside CRLF; a line count that is not the row
    count plus one (blank lines, line breaks inside quotes); anything pyarrow
    refuses (ragged rows, invalid UTF-8).
    """
    import pandas as pd
    import pyarrow as pa

    end = data.find(b"\n")
    first = data[:end] if end >= 0 else data
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), [])
    except (UnicodeDecodeError, csv.Error):
        return None
    if len(set(header)) != len(header) or not set(required) <= set(header):
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    text = pd.ArrowDtype(pa.string())
    try:
        frame = pd.read_csv(io.BytesIO(data), engine="pyarrow", dtype_backend="pyarrow",
                            dtype=dict.fromkeys(header, text), keep_default_na=False)
    except (ValueError, pa.ArrowException):  # pandas' ParserError is a ValueError
        return None
    if list(frame.columns) != header or len(frame) + 1 != lines:
        return None
    return frame


#: Characters Python's ``str.strip()`` removes, as a regex class (RE2 syntax).
_SPACE = r"[\t-\r\x1c-\x20\x{85}\p{Z}]"


class _OpenItemColumns:
    """Open items from a frame, column by column; the rows in doubt one by one."""

    def __init__(self, frame: pd.DataFrame, name: str) -> None:
        import numpy as np

        self.frame, self.name = frame, name
        self.doubt = np.zeros(len(frame), dtype=bool)  # rows for the row-by-row check

    def read(self) -> tuple[OpenItemTable, list[BadRow]]:
        import numpy as np

        currency = self._repeating("currency", field_currency)
        columns = {
            "company_code": self._repeating("company_code", _required("company_code")),
            "customer": self._repeating("customer", _required("customer")),
            "document_no": self._distinct("document_no", required=True),
            "fiscal_year": self._repeating("fiscal_year", _required("fiscal_year")),
            "line_item": self._repeating("line_item", _required("line_item")),
            "currency": currency,
            "amount_minor": self._amounts(currency),
            "doc_date": self._repeating("doc_date", lambda v: field_date(v, "doc_date")),
            "due_date": self._repeating("due_date", lambda v: field_date(v, "due_date")),
            "invoice_ref": self._distinct("invoice_ref"),
            "po_number": self._repeating("po_number", sys.intern),
            "discount_pct": self._repeating(
                "discount_pct", lambda v: field_percent(v, "discount_pct")),
            "discount_date": self._repeating(
                "discount_date", lambda v: field_date(v, "discount_date", required=False)),
        }
        problems = []
        keep = ~self.doubt
        for pos in np.flatnonzero(self.doubt).tolist():
            try:
                item = _open_item(self._row(pos))
            except FieldError as exc:
                problems.append(BadRow(self.name, pos + 2, str(exc)))
                continue
            keep[pos] = True
            for column, values in columns.items():
                values[pos] = item.amount_minor if column == "amount_minor" \
                    else getattr(item, column)
        table = OpenItemTable(**{column: values[keep].tolist()
                                 for column, values in columns.items() if column != "amount_minor"},
                              amount_minor=array("q", columns["amount_minor"][keep].tobytes()))
        return table, problems

    def _row(self, pos: int) -> dict[str, str]:
        return {str(column): restore(str(value).strip())
                for column, value in self.frame.iloc[pos].items()}

    def _repeating(self, column: str, parse: Callable[[str], Any]) -> np.ndarray:
        """A column of few distinct values: each checked once, one object per value."""
        import numpy as np
        import pandas as pd

        if column not in self.frame:  # an optional column left out: empty cells
            value = parse("")
            return np.full(len(self.frame), value, dtype=object)
        codes, distinct = pd.factorize(self.frame[column])
        values = np.empty(len(distinct), dtype=object)
        wrong = []
        for k, raw in enumerate(distinct.to_numpy(dtype=object).tolist()):  # in bulk
            try:
                values[k] = parse(restore(raw.strip()))
            except FieldError:
                wrong.append(k)
        if wrong:
            self.doubt |= np.isin(codes, wrong)
        return values[codes]

    def _distinct(self, column: str, required: bool = False) -> np.ndarray:
        """A column of mostly distinct text: cells with edge spaces or a ``'`` are in doubt."""
        import numpy as np

        if column not in self.frame:
            return np.full(len(self.frame), "", dtype=object)
        cells = self.frame[column]
        doubt = cells.str.contains(f"^(?:'|{_SPACE})|{_SPACE}$", regex=True)
        if required:
            doubt |= cells.str.len() == 0
        self.doubt |= doubt.to_numpy(dtype=bool)
        return cells.to_numpy(dtype=object)

    def _amounts(self, currency: np.ndarray) -> np.ndarray:
        """Amounts as minor units; cells not plainly a decimal within the currency in doubt."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        cells = pa.array(self.frame["amount"])
        codes, distinct = pd.factorize(currency)  # a bad currency: code -1, in doubt already
        ok, shift = _plain_amounts(cells, np.array([exponent(c) for c in distinct] + [0])[codes])
        self.doubt |= ~ok
        digits = pc.replace_substring_regex(pc.filter(cells, pa.array(ok)), r"^\+|\.", "")
        minor = np.zeros(len(ok), dtype=np.int64)
        minor[ok] = pc.cast(digits, pa.int64()).to_numpy() * 10 ** shift[ok]
        return minor


def _plain_amounts(cells: pa.Array, places: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ok, shift): which cells are plainly amounts :func:`field_amount` takes as written
    (a decimal with a dot, no more decimals than ``places``, minor units of at most 18
    digits), and the power of ten from their digits to minor units. Null cells: not ok."""
    import numpy as np
    import pyarrow.compute as pc

    text = pc.fill_null(cells, "")
    plain = pc.match_substring_regex(text, r"^[+-]?[0-9]+(\.[0-9]+)?$")
    length = pc.utf8_length(text).to_numpy()
    dot = pc.find_substring(text, ".").to_numpy()
    sign = pc.match_substring_regex(text, r"^[+-]").to_numpy(zero_copy_only=False)
    decimals = np.where(dot < 0, 0, length - dot - 1)
    shift = places - decimals
    ok = (plain.to_numpy(zero_copy_only=False) & (decimals <= places)
          & (length - sign - (dot >= 0) + shift <= MAX_DIGITS))
    return ok, shift


def read_customers(path: str | Path) -> tuple[list[Customer], list[BadRow]]:
    """Customers from ``CUST.csv``; bad rows skipped and reported."""
    customers, problems = [], []
    for line, row in _csv_rows(path, ("customer", "name")):
        if not row.get("customer") or not row.get("name"):
            problems.append(BadRow(str(path), line, "customer and name are required"))
            continue
        aliases = tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
        customers.append(Customer(number=sys.intern(row["customer"]), name=row["name"],
                                  parent=row.get("parent", ""), aliases=aliases))
    return customers, problems


def read_remittances(path: str | Path) -> tuple[list[Remittance], list[BadRow]]:
    """Remittances from JSON Lines (``arbots extract`` output); bad lines skipped.

    Read by pyarrow's JSON reader and checked column by column; a line the
    checks cannot vouch for is read on its own, which names what is wrong. A
    file pyarrow refuses (a line that is not a JSON object, an amount given
    as a JSON number, a repeated key ...) is read line by line throughout.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InterchangeError(f"{path}: cannot open: {exc.strerror}") from None
    return read_remittances_data(data, str(path))


def read_remittances_data(data: bytes, name: str) -> tuple[list[Remittance], list[BadRow]]:
    """:func:`read_remittances` of the bytes of a file called ``name``."""
    try:
        return _remittances_from(data, name)
    finally:
        _release_arrow_memory()


def _remittances_from(data: bytes, name: str) -> tuple[list[Remittance], list[BadRow]]:
    table = _json_table(data)
    if table is None:
        return _remittances_by_line(data, name)
    return _RemittanceColumns(table, data, name).read()


def _remittance(text: str, name: str, line: int) -> Remittance | BadRow:
    """One line's remittance, or why not (the line-by-line check)."""
    from bots.remittance.jsonl import from_json  # it reads values with this module's parsers

    try:
        return from_json(json.loads(text))
    except json.JSONDecodeError as exc:
        return BadRow(name, line, f"not valid JSON: {exc.msg}")
    except FieldError as exc:
        return BadRow(name, line, str(exc))


def _lines(data: bytes, name: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line that is not blank."""
    for n, raw in enumerate(io.BytesIO(data), start=1):
        try:
            text = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InterchangeError(f"{name}: not UTF-8 text (line {n})") from None
        if text.strip():
            yield n, text


def _remittances_by_line(data: bytes, name: str) -> tuple[list[Remittance], list[BadRow]]:
    out: list[Remittance] = []
    problems: list[BadRow] = []
    for n, text in _lines(data, name):
        found = _remittance(text, name, n)
        if isinstance(found, BadRow):
            problems.append(found)
        else:
            out.append(found)
    return out, problems


_LINE_FIELDS = ("invoice_ref", "po_number", "invoice_date", "gross_amount", "discount",
                "deduction", "deduction_reason", "paid_amount")
_REMITTANCE_FIELDS = ("id", "source", "format", "payer_name", "payer_account", "payment_ref",
                      "payment_date", "payment_method", "currency", "total")


def _json_table(data: bytes) -> pa.Table | None:
    """The JSON Lines as a table of the spec's fields, or None when read line by line."""
    import pyarrow as pa
    import pyarrow.json as pj

    line = pa.struct([(f, pa.string()) for f in _LINE_FIELDS])
    schema = pa.schema([(f, pa.string()) for f in _REMITTANCE_FIELDS]
                       + [("lines", pa.list_(line)), ("warnings", pa.list_(pa.string()))])
    try:
        table = pj.read_json(io.BytesIO(data), read_options=pj.ReadOptions(
            block_size=max(1 << 20, min(len(data), 64 << 20))), parse_options=pj.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="ignore"))
    except (pa.ArrowException, ValueError):
        return None
    lines = sum(1 for raw in data.split(b"\n") if raw.strip())  # one object per line
    return table if table.num_rows == lines else None


class _RemittanceColumns:
    """Remittances from a table, column by column; the rows in doubt line by line."""

    def __init__(self, table: pa.Table, data: bytes, name: str) -> None:
        self.table, self.data, self.name = table.combine_chunks(), data, name

    def _cells(self, column: str) -> pa.Array:
        return self.table.column(column).chunk(0)

    def read(self) -> tuple[list[Remittance], list[BadRow]]:
        import numpy as np
        import pyarrow.compute as pc

        from bots.domain import PaymentMethod, RemittanceLine

        rows = self.table.num_rows
        if rows == 0:
            return [], []
        currency, doubt = _distinct(self._cells("currency"), field_currency)
        method, wrong = _distinct(self._cells("payment_method"),
                                  lambda v: PaymentMethod(v) if v else None)
        doubt |= wrong
        paid_on, wrong = _distinct(self._cells("payment_date"),
                                   lambda v: field_date(v, "payment_date", required=False))
        doubt |= wrong
        ids = self._cells("id").to_pylist()
        doubt |= np.array([not rid for rid in ids])
        places = np.array([exponent(c) if c else 0 for c in currency])
        total, ok = _amounts(self._cells("total"), places, required=False)
        doubt |= ~ok
        warnings = self._cells("warnings").to_pylist()
        doubt |= np.array([bool(w) and None in w for w in warnings])

        lists = self._cells("lines")
        owner = pc.list_parent_indices(lists).to_numpy()
        cells = {f: lists.flatten().field(f) for f in _LINE_FIELDS}
        amounts = {}
        for f in ("gross_amount", "discount", "deduction", "paid_amount"):
            amounts[f], ok = _amounts(cells[f], places[owner], required=f == "paid_amount",
                                      zero=f in ("discount", "deduction"))
            np.logical_or.at(doubt, owner[~ok], True)
        invoice_date, wrong = _distinct(
            cells["invoice_date"], lambda v: field_date(v, "invoice_date", required=False))
        np.logical_or.at(doubt, owner[wrong], True)
        made = [RemittanceLine(invoice_ref=ref or "", paid_amount=paid, po_number=po,
                               invoice_date=day, gross_amount=gross, discount=discount,
                               deduction=deduction, deduction_reason=why)
                for ref, paid, po, day, gross, discount, deduction, why in zip(
                    cells["invoice_ref"].to_pylist(), amounts["paid_amount"],
                    cells["po_number"].to_pylist(), invoice_date, amounts["gross_amount"],
                    amounts["discount"], amounts["deduction"],
                    cells["deduction_reason"].to_pylist(), strict=True)]
        offsets = [0, *np.cumsum(np.bincount(owner, minlength=rows)).tolist()]
        source, form, payer_name, payer_account = (  # few distinct: one string each
            _distinct(self._cells(f), lambda v: v)[0] for f in ("source", "format",
                                                                 "payer_name", "payer_account"))
        payment_ref = self._cells("payment_ref").to_pylist()
        out: list[Remittance] = []
        problems: list[BadRow] = []
        line_of = self._line_numbers() if doubt.any() else []
        for n, rid in enumerate(ids):
            if doubt[n]:
                found = self._by_line(line_of[n])
                if isinstance(found, BadRow):
                    problems.append(found)
                else:
                    out.append(found)
                continue
            out.append(Remittance(
                id=rid, source=source[n] or "", format=form[n] or "", currency=currency[n],
                lines=made[offsets[n]:offsets[n + 1]], payer_name=payer_name[n],
                payer_account=payer_account[n], payment_ref=payment_ref[n],
                payment_date=paid_on[n], payment_method=method[n], total=total[n],
                warnings=warnings[n] or []))
        return out, problems

    def _line_numbers(self) -> list[int]:
        """The line number of each row (rows are the lines that are not blank)."""
        return [n for n, raw in enumerate(self.data.split(b"\n"), start=1) if raw.strip()]

    def _by_line(self, line: int) -> Remittance | BadRow:
        raw = self.data.split(b"\n", line)[line - 1]
        return _remittance(raw.decode("utf-8-sig" if line == 1 else "utf-8"), self.name, line)


def _distinct(cells: pa.Array, parse: Callable[[Any], Any]) -> tuple[list[Any], np.ndarray]:
    """Each cell parsed (a null one as None), every distinct value once; and which failed."""
    import numpy as np
    import pyarrow.compute as pc

    encoded = cells.dictionary_encode()
    values, wrong = [], []
    for raw in [*encoded.dictionary.to_pylist(), None]:  # the last stands for a null cell
        try:
            values.append(parse(raw))
            wrong.append(False)
        except ValueError:  # FieldError, or not a PaymentMethod
            values.append(None)
            wrong.append(True)
    indices = pc.fill_null(encoded.indices, len(values) - 1).to_numpy()
    return [values[i] for i in indices.tolist()], np.array(wrong)[indices]


def _amounts(cells: pa.Array, places: np.ndarray, required: bool, zero: bool = False
             ) -> tuple[list[Decimal | None], np.ndarray]:
    """Amount cells as Decimals (one object per distinct text), and which are sure.

    Sure: plainly an amount (:func:`_plain_amounts`), or null when not
    ``required``. ``zero``: null and zero amounts are ``Decimal(0)``, as the
    spec's reader makes a line's discount and deduction.
    """
    import pyarrow.compute as pc

    ok, _ = _plain_amounts(cells, places)
    if not required:
        ok |= pc.is_null(cells).to_numpy(zero_copy_only=False)

    def parse(text: str | None) -> Decimal | None:
        try:
            value = None if text is None else Decimal(text)
        except InvalidOperation:
            value = None  # not plain: the row is read on its own
        return (value or _ZERO) if zero else value

    values, _ = _distinct(cells, parse)
    return values, ok


_ZERO = Decimal(0)


# --------------------------------------------------------------------------- writing


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _percent(pct: Decimal | None) -> str:
    return format(pct.normalize(), "f") if pct else ""


def open_item_row(item: OpenItem) -> list[str]:
    """The cells of ``item`` in the order of :data:`OPEN_ITEM_COLUMNS`."""
    return [item.company_code, item.customer, item.document_no, item.fiscal_year,
            item.line_item, item.invoice_ref, item.po_number, _iso(item.doc_date),
            _iso(item.due_date), item.currency, format_amount(item.amount, item.currency),
            _percent(item.discount_pct), _iso(item.discount_date)]


def customer_row(customer: Customer) -> list[str]:
    """The cells of ``customer`` in the order of :data:`CUSTOMER_COLUMNS`."""
    return [customer.number, customer.name, customer.parent, ";".join(customer.aliases)]


def write_open_items(items: Iterable[OpenItem], path: Path,
                     progress: Callable[[int], None] | None = None) -> int:
    """Write ``OPEN.csv`` (or a worksheet, by extension) as the items come; the row count."""
    return _write_table("open items", OPEN_ITEM_COLUMNS, map(open_item_row, items), path,
                        progress)


def write_customers(customers: Iterable[Customer], path: Path) -> int:
    """Write ``CUST.csv`` (or a worksheet): one row per customer number; the row count.

    The first account of a number is kept (SAP keeps a customer once per
    company code; name and parent come from KNA1, the same in each).
    """
    first: dict[str, Customer] = {}
    for customer in customers:
        first.setdefault(customer.number, customer)
    rows = (customer_row(first[number]) for number in sorted(first))
    return _write_table("customers", CUSTOMER_COLUMNS, rows, path)


def _write_table(title: str, columns: Sequence[str], rows: Iterable[list[str]], path: Path,
                 progress: Callable[[int], None] | None = None) -> int:
    """Write ``columns`` and ``rows`` (formula-guarded) as CSV or XLSX; the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(neutralise_row(row))
            count += 1
            if progress:
                progress(count)
        book.save(path)
        return count
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(neutralise_row(row))
            count += 1
            if progress:
                progress(count)
    return count


def write_remittances(remittances: Iterable[Remittance], path: Path) -> int:
    """Write remittances as JSON Lines, as ``arbots extract`` does; the line count."""
    from bots.remittance.jsonl import write_jsonl

    with path.open("w", encoding="utf-8") as handle:
        return write_jsonl(remittances, handle)


def _proposal_cells(p: Proposal) -> list[str]:
    return [p.remittance_id, "" if p.line_index is None else str(p.line_index), p.customer,
            p.document_no, p.fiscal_year, p.line_item, format(p.applied_amount, "f"),
            format(p.discount_amount, "f"), format(p.deduction_amount, "f"), p.decision.value,
            f"{p.confidence:.2f}", p.rule, p.reason, p.treatment.value, p.reason_code,
            p.alternative]


def _unmatched_cells(u: Unmatched) -> list[str]:
    zero = format_amount(Decimal(0), u.currency)
    what = "Payment" if u.line_index is None else f"Line {u.line_index}"
    amount = money(to_minor(u.amount, u.currency), u.currency)
    return [u.remittance_id, "" if u.line_index is None else str(u.line_index), u.customer,
            "", "", "", zero, zero, zero, "review", "0.00", "unmatched",
            f"{what} ({amount}) not matched: {u.reason}.", "", "", ""]


def _ordered(result: MatchResult, order: Iterable[str]) -> list[Row | Proposal | Unmatched]:
    """Every row: proposals and unmatched lines, in the remittances' order.

    ``order``: the remittance ids as the file gives them. Rows follow it, then
    the line index; the engine's order is kept within a line (an on-account
    row without a line index comes after the lines). Without an order, the
    proposals come first, then the unmatched lines, each in the engine's order.
    """
    position: dict[str, int] = {}
    for rid in order:
        position.setdefault(rid, len(position))
    proposals = result.proposals  # the engine's rows as they are, not made into objects
    rows: list[Row | Proposal | Unmatched] = [
        *(proposals.rows if isinstance(proposals, ProposalRows) else proposals),
        *result.unmatched]
    if position:
        last = len(position)

        def key(row: Row | Proposal | Unmatched) -> int:  # (position, line) as one int
            line = row.line_index
            return position.get(row.remittance_id, last) << 32 | (
                _NO_LINE if line is None else line)

        rows.sort(key=key)  # stable: the engine's order within a line
    return rows


def _cells(row: Row | Proposal | Unmatched) -> list[str]:
    if isinstance(row, Row):
        return ProposalRows.cells(row)
    return _proposal_cells(row) if isinstance(row, Proposal) else _unmatched_cells(row)


def proposal_rows(result: MatchResult, order: Iterable[str] = ()) -> Iterator[dict[str, str]]:
    """The rows of ``PROPOSALS.csv`` as dicts (not formula-guarded); see :func:`write_proposals`."""
    for row in _ordered(result, order):
        yield dict(zip(PROPOSAL_COLUMNS, _cells(row), strict=True))


def write_proposals(result: MatchResult, path: Path, order: Iterable[str] = (),
                    processes: int = 1) -> int:
    """Write ``PROPOSALS.csv`` row by row; the number of rows written.

    ``order``: the remittance ids in the order of the remittances file (the
    spec's row order); see :func:`_ordered`. ``processes``: with 2 and at least
    :data:`SHARED_WRITE_MIN` rows, a forked process formats and writes the
    second half of the rows to a file beside ``path`` while this one writes the
    first half (:func:`bots.cashapp.halves.halves`, which also does that half
    here when the forked process fails); then the second half is appended.
    Formatting the rows (their sentences above all) is most of the work of
    writing; the bytes are the same as from one process.
    """
    rows = _ordered(result, order)
    if processes < 2 or len(rows) < SHARED_WRITE_MIN:
        _write_part(rows, path, 0, len(rows))
        return len(rows)
    rest = path.with_name(path.name + ".rest")
    try:
        halves(lambda start, stop: _write_part(rows, rest if start else path, start, stop),
               len(rows), processes, SHARED_WRITE_MIN)
        with rest.open("rb") as part, path.open("ab") as whole:
            shutil.copyfileobj(part, whole, 1 << 20)
    finally:
        rest.unlink(missing_ok=True)
    return len(rows)


def _write_part(rows: list[Row | Proposal | Unmatched], path: Path, start: int,
                stop: int) -> None:
    """Rows ``start`` to ``stop`` into ``path``, after the header row when ``start`` is 0."""
    with _proposals_file(path) as handle:
        if start == 0:
            csv.writer(handle).writerow(PROPOSAL_COLUMNS)
        _write_rows(handle, rows[start:stop])


def _proposals_file(path: Path) -> TextIO:
    return path.open("w", encoding="utf-8", newline="", buffering=1 << 20)


def _write_rows(handle: TextIO, rows: Iterable[Row | Proposal | Unmatched]) -> None:
    """The rows as CSV lines, every free-text cell through the formula guard."""
    writer = csv.writer(handle)
    for row in rows:
        cells = _cells(row)
        for i in _FREE_TEXT:
            cell = cells[i]
            if cell and cell[0] in _GUARDED_START:
                cells[i] = str(neutralise(cell))
        writer.writerow(cells)


#: Rows from which :func:`write_proposals` shares the writing with a forked process.
SHARED_WRITE_MIN = 20_000
#: The proposal cells the formula guard checks: all but the numbers and enum values
#: formatted here (``-12.50``, ``auto``), which it would leave as they are anyway.
_FREE_TEXT = tuple(i for i, column in enumerate(PROPOSAL_COLUMNS) if column not in (
    "line_index", "applied_amount", "discount_amount", "deduction_amount", "decision",
    "confidence", "treatment"))
#: The first characters of the only text :func:`neutralise` changes (a trigger, a space
#: before one, the guard's own ``'``): other cells skip the call.
_GUARDED_START = frozenset(("'", " ", *TRIGGERS))
#: Sorts a row without a line index (an on-account row of the payment) after the lines.
_NO_LINE = 2**32 - 1
