"""Reading SAP tables in bulk through ``RFC_READ_TABLE``.

``RFC_READ_TABLE`` returns each row as one text line (``WA``) of at most 512
characters, the fields at the offsets and lengths it reports in ``FIELDS``.
:class:`TableReader` hides the three things that make it awkward:

* **Width.** A field list wider than 512 characters raises
  ``DATA_BUFFER_EXCEEDED``. The reader first asks for the field layout only
  (``NO_DATA='X'``; halving the list when even that is too wide), then packs
  the fields into groups that fit, each group repeating the key fields, and
  stitches the rows of the groups back together by key.
* **Paging.** ``ROWCOUNT``/``ROWSKIPS`` in pages of ``page_size`` rows.
  ``RFC_READ_TABLE`` has no ``ORDER BY``: the rows come in primary-key order
  on most databases, but nothing guarantees it (on HANA two calls may order
  differently, and ``ROWSKIPS`` then skips rows or repeats them). With our
  ordered reader ``Z_ARBOTS_READ_TABLE`` (``bots/sap/abap``) configured as
  ``[sap.functions] read_table``, a table of :data:`PRIMARY_KEYS` is paged by
  key range instead: each page asks for the rows after the last key read
  (:meth:`Where.after`), so no row is skipped or read twice. The stitching
  checks that every group returned the same keys and fails loudly if the
  data moved between calls.
* **WHERE text.** :class:`Where` builds the ``OPTIONS`` lines (72 characters
  each, never splitting a literal) from conditions whose values are quoted
  here, so a value can never change the meaning of the clause.

Rows come out as ``dict[field, str]`` with the text stripped, a page at a
time by column (:meth:`TableReader.column_pages`), or a page at a time as
SAP sent it (:meth:`TableReader.text_pages`, :class:`TextPage`: for a
million rows, cut by its reader column by column); the caller converts types
(:mod:`bots.sap.values`).

Limits: a single field longer than 512 characters cannot be read this way;
the row order across pages is SAP's (primary key on all common databases).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from bots.sap.errors import SapBusinessError, SapTechnicalError
from bots.sap.rfc import Rfc

ROW_LIMIT = 512
OPTION_WIDTH = 72

#: One page by column: {field: its stripped texts, in row order}.
Columns = dict[str, list[str]]

#: Readers that return rows in primary-key order (RFC_READ_TABLE does not promise it).
ORDERED_READERS = frozenset({"Z_ARBOTS_READ_TABLE"})
#: Primary keys (without the client) of the tables read in bulk: key-range paging.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "BSID": ("BUKRS", "KUNNR", "UMSKS", "UMSKZ", "AUGDT", "AUGBL", "ZUONR", "GJAHR", "BELNR",
             "BUZEI"),
    "BSAD": ("BUKRS", "KUNNR", "UMSKS", "UMSKZ", "AUGDT", "AUGBL", "ZUONR", "GJAHR", "BELNR",
             "BUZEI"),
    "BKPF": ("BUKRS", "BELNR", "GJAHR"),
    "KNA1": ("KUNNR",),
    "KNB1": ("KUNNR", "BUKRS"),
    "KNB5": ("KUNNR", "BUKRS", "MABER"),
}


def quote(value: str) -> str:
    """An ABAP string literal: ``O'Brien`` -> ``'O''Brien'``."""
    return "'" + value.replace("'", "''") + "'"


@dataclass
class Where:
    """A WHERE clause for ``OPTIONS``: conditions joined with AND, values quoted.

    >>> Where().eq("BUKRS", "1000").isin("KUNNR", ["0000100001"]).lines()
    [{'TEXT': "BUKRS = '1000' AND KUNNR IN ( '0000100001' )"}]
    """

    tokens: list[str] = field(default_factory=list)

    def _add(self, *tokens: str) -> Where:
        if self.tokens:
            self.tokens.append("AND")
        self.tokens.extend(tokens)
        return self

    def cmp(self, name: str, op: str, value: str) -> Where:
        """``name op 'value'`` for op in = <> < > <= >=."""
        if op not in ("=", "<>", "<", ">", "<=", ">="):
            raise ValueError(f"unsupported operator {op!r}")
        return self._add(name, op, quote(value))

    def eq(self, name: str, value: str) -> Where:
        return self.cmp(name, "=", value)

    def isin(self, name: str, values: Iterable[str]) -> Where:
        """``name IN ( 'a' , 'b' )``; an empty list is refused (it would select nothing)."""
        items = [quote(v) for v in values]
        if not items:
            raise ValueError(f"IN list for {name} is empty")
        tokens = [name, "IN", "("]
        for i, item in enumerate(items):
            tokens.extend([item] if i == 0 else [",", item])
        return self._add(*tokens, ")")

    def after(self, key: Sequence[str], values: Sequence[str]) -> Where:
        """Rows whose ``key`` comes after ``values`` in key order (key-range paging).

        >>> Where().after(["BUKRS", "KUNNR"], ["1000", "0000100001"]).tokens[:5]
        ['(', 'BUKRS', '>', "'1000'", 'OR']
        """
        if not key or len(key) != len(values):
            raise ValueError(f"key {list(key)} and values {list(values)} do not match")
        tokens = [key[-1], ">", quote(values[-1])]
        for name, value in zip(reversed(key[:-1]), reversed(values[:-1]), strict=True):
            tokens = [name, ">", quote(value), "OR", "(", name, "=", quote(value), "AND", "(",
                      *tokens, ")", ")"]
        return self._add("(", *tokens, ")")

    def lines(self) -> list[dict[str, str]]:
        """The OPTIONS table: lines of at most 72 characters, split between tokens."""
        lines: list[str] = []
        current = ""
        for token in self.tokens:
            if len(token) > OPTION_WIDTH:
                raise ValueError(f"WHERE token longer than {OPTION_WIDTH} characters: "
                                 f"{token[:20]}...")
            candidate = f"{current} {token}" if current else token
            if len(candidate) > OPTION_WIDTH:
                lines.append(current)
                candidate = token
            current = candidate
        if current:
            lines.append(current)
        return [{"TEXT": line} for line in lines]


@dataclass(frozen=True)
class FieldLayout:
    """One field of a result row, as ``FIELDS`` describes it."""

    name: str
    offset: int
    length: int
    type: str  # ABAP type letter: C N D P I ...


@dataclass(frozen=True)
class TextPage:
    """One ``RFC_READ_TABLE`` page as it came: each row's text and each field's place in it.

    >>> page = TextPage({"BUKRS": slice(0, 4), "WAERS": slice(4, 9)}, ["1000USD", "2000JPY"])
    >>> page.columns(), page.column("WAERS"), page.value(1, "BUKRS")
    ({'BUKRS': ['1000', '2000'], 'WAERS': ['USD', 'JPY']}, ['USD', 'JPY'], '2000')
    """

    slices: dict[str, slice]  # field -> its characters in a row's text
    texts: list[str]  # the rows' WA texts, right-stripped as pyrfc strips CHAR

    def __len__(self) -> int:
        return len(self.texts)

    def value(self, row: int, name: str) -> str:
        """The stripped text of field ``name`` in row ``row``."""
        return self.texts[row][self.slices[name]].strip()

    def columns(self) -> Columns:
        """The page by column: {field: its stripped texts}."""
        return {name: [wa[cut].strip() for wa in self.texts] for name, cut in self.slices.items()}

    def column(self, name: str) -> list[str]:
        """The texts of field ``name``, row by row, not stripped (cut in a C loop)."""
        return list(map(itemgetter(self.slices[name]), self.texts))


class TableReader:
    """Bulk reads of one or more tables over ``RFC_READ_TABLE``."""

    def __init__(self, rfc: Rfc, page_size: int = 5000, row_limit: int = ROW_LIMIT) -> None:
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.rfc, self.page_size, self.row_limit = rfc, page_size, row_limit
        self._lengths: dict[tuple[str, str], int] = {}

    def over(self, rfc: Rfc) -> TableReader:
        """A reader with the same settings over another connection (layouts shared)."""
        twin = TableReader(rfc, self.page_size, self.row_limit)
        twin._lengths = self._lengths
        return twin

    def rows(self, table: str, fields: Sequence[str], where: Where | None = None,
             key: Sequence[str] = ()) -> Iterator[dict[str, str]]:
        """Every row of ``table`` matching ``where``, as {field: stripped text}.

        ``key`` names fields that identify a row; it is needed (and added to
        the result) only when the field list must be split across calls.
        """
        for page in self.pages(table, fields, where, key):
            yield from page

    def pages(self, table: str, fields: Sequence[str], where: Where | None = None,
              key: Sequence[str] = ()) -> Iterator[list[dict[str, str]]]:
        """The rows of :meth:`rows`, one list per ``RFC_READ_TABLE`` page."""
        for columns in self.column_pages(table, fields, where, key):
            yield _rows(columns)

    def column_pages(self, table: str, fields: Sequence[str], where: Where | None = None,
                     key: Sequence[str] = ()) -> Iterator[Columns]:
        """The pages of :meth:`pages` by column: {field: the stripped texts, in row order}.

        A million rows cost one dict per row less this way (``key`` fields first,
        then ``fields``, each once).
        """
        order = self.order_key(table)
        key = tuple(key) or order
        fields = list(dict.fromkeys([*key, *order, *fields]))
        for pages in self._paged(table, self._groups(table, fields, key), where, order):
            if len(pages) == 1:
                yield pages[0].columns()
            else:
                yield _columns(_stitch(table, key, [_rows(page.columns()) for page in pages]),
                               fields)

    def text_pages(self, table: str, fields: Sequence[str], where: Where | None = None,
                   key: Sequence[str] = ()) -> Iterator[TextPage]:
        """The pages of :meth:`column_pages` as SAP sent them, not cut into fields.

        For reads whose fields fit in one row (ValueError otherwise): a caller
        that converts every field cuts only the fields it needs, unstripped
        (:meth:`TextPage.column`), and converts each column in one go.
        """
        order = self.order_key(table)
        key = tuple(key) or order
        groups = self._groups(table, list(dict.fromkeys([*key, *order, *fields])), key)
        if len(groups) > 1:
            raise ValueError(f"{table}: the fields are wider than {self.row_limit} characters; "
                             "read them with column_pages")
        for pages in self._paged(table, groups, where, order):
            yield pages[0]

    def _paged(self, table: str, groups: list[list[str]], where: Where | None,
               order: Sequence[str]) -> Iterator[list[TextPage]]:
        """One page of each field group at a time, by key range (``order``) or ROWSKIPS."""
        skip, last = 0, None
        while True:
            page_where = Where(list(where.tokens) if where else [])
            if last:
                page_where.after(order, last)
            options = page_where.lines()
            pages = [self._page(table, group, options, skip) for group in groups]
            yield pages
            if len(pages[0]) < self.page_size:
                return
            if order:  # every group has the same rows in the same order: any has the last
                last = [next(page for page in pages if name in page.slices).value(-1, name)
                        for name in order]
            else:
                skip += self.page_size

    def order_key(self, table: str) -> tuple[str, ...]:
        """The primary key ``table`` is paged on by key range; () to page by ``ROWSKIPS``.

        Key ranges need a reader that returns the rows in key order
        (:data:`ORDERED_READERS`) and a table whose key is known (:data:`PRIMARY_KEYS`).
        """
        if self.rfc.name("read_table") not in ORDERED_READERS:
            return ()
        return PRIMARY_KEYS.get(table, ())

    def _page(self, table: str, fields: list[str], options: list[dict[str, str]],
              skip: int) -> TextPage:
        result = self.rfc.call(
            "read_table", QUERY_TABLE=table, DELIMITER="", ROWSKIPS=skip,
            ROWCOUNT=self.page_size, OPTIONS=options,
            FIELDS=[{"FIELDNAME": f} for f in fields])
        slices = {f["FIELDNAME"]: slice(int(f["OFFSET"]), int(f["OFFSET"]) + int(f["LENGTH"]))
                  for f in result["FIELDS"]}
        return TextPage(slices, [row["WA"] for row in result["DATA"]])

    def layout(self, table: str, fields: Sequence[str]) -> list[FieldLayout]:
        """The layout SAP reports for ``fields`` (one NO_DATA call; halves when too wide)."""
        try:
            result = self.rfc.call("read_table", QUERY_TABLE=table, NO_DATA="X",
                                   FIELDS=[{"FIELDNAME": f} for f in fields])
        except SapBusinessError as exc:
            if exc.key != "DATA_BUFFER_EXCEEDED" or len(fields) < 2:
                raise
            half = len(fields) // 2
            return self.layout(table, fields[:half]) + self.layout(table, fields[half:])
        return [FieldLayout(f["FIELDNAME"], int(f["OFFSET"]), int(f["LENGTH"]), f["TYPE"])
                for f in result["FIELDS"]]

    def _groups(self, table: str, fields: list[str], key: Sequence[str]) -> list[list[str]]:
        missing = [f for f in fields if (table, f) not in self._lengths]
        if missing:
            for info in self.layout(table, missing):
                self._lengths[table, info.name] = info.length
        width = {f: self._lengths[table, f] for f in fields}
        if sum(width.values()) <= self.row_limit:
            return [fields]
        if not key:
            raise ValueError(f"{table}: {len(fields)} fields are wider than "
                             f"{self.row_limit} characters; name key fields to split them")
        key_width = sum(width[k] for k in key)
        groups: list[list[str]] = []
        current, used = list(key), key_width
        for name in fields:
            if name in key:
                continue
            if key_width + width[name] > self.row_limit:
                raise ValueError(f"{table}.{name} is too wide to read with RFC_READ_TABLE")
            if used + width[name] > self.row_limit:
                groups.append(current)
                current, used = list(key), key_width
            current.append(name)
            used += width[name]
        groups.append(current)
        return groups


def _rows(columns: Columns) -> list[dict[str, str]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _columns(rows: list[dict[str, str]], fields: Sequence[str]) -> Columns:
    return {name: [row[name] for row in rows] for name in fields}


def _stitch(table: str, key: Sequence[str],
            pages: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    """Merge the pages of the field groups into whole rows, by key."""
    merged = {tuple(row[k] for k in key): dict(row) for row in pages[0]}
    for page in pages[1:]:
        if len(page) != len(merged):
            raise SapTechnicalError(f"RFC_READ_TABLE {table}: field groups returned "
                                    f"{len(merged)} and {len(page)} rows (data changed "
                                    "while reading?)")
        for row in page:
            target = merged.get(tuple(row[k] for k in key))
            if target is None:
                raise SapTechnicalError(f"RFC_READ_TABLE {table}: a field group returned "
                                        f"the unknown key {[row[k] for k in key]}")
            target.update(row)
    return list(merged.values())
