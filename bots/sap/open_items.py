"""Open customer items: in bulk from BSID/BSAD, or per customer through the BAPI.

Two roads to the same :class:`~bots.domain.OpenItem`:

* :func:`iter_open_items` reads ``BSID`` (and ``BSAD`` for items cleared
  after the key date) with ``RFC_READ_TABLE``: fast, any number of customers,
  but the amounts are *internal* and are shifted here by the currency's TCURX
  decimals (JPY: the stored 15.00 is 1500 yen).
* :func:`open_items_of` calls ``BAPI_AR_ACC_GETOPENITEMS`` for one customer:
  SAP does the key-date logic and the amounts are already external.

Both give ordinary receivables only, as the interchange spec wants: items with
a special G/L indicator (``UMSKZ``: down payments, guarantees, bills of
exchange) and noted items are left out. Amounts are signed by the
debit/credit indicator (``S`` positive: the customer owes us; ``H``
negative). Due and discount dates come from the baseline date and the terms
days (:func:`bots.domain.due_dates`); a credit memo not linked to an invoice
(no ``REBZG``) is due on its baseline date.

The customer's purchase order number is read from the assignment field
``ZUONR`` (the demo system puts it there; many systems fill ZUONR from the
PO by sort key). The BAPI3007_2 field names are the inferred English names
of ``shared/reference/sap-structures.md``; confirm them on a real system.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import chain, pairwise, repeat
from operator import itemgetter
from typing import Any

from bots.domain import OpenItem, due_dates, exponent, quantize
from bots.sap.errors import SapBusinessError, SapTechnicalError, raise_for_return
from bots.sap.parallel import Partition, read_partitions
from bots.sap.read_table import TableReader, TextPage, Where
from bots.sap.rfc import Rfc
from bots.sap.values import alpha, external_amount, parse_dats, to_dats

ITEM_KEY = ("BUKRS", "BELNR", "GJAHR", "BUZEI")
#: Slices of the item tables per connection of a parallel read: more slices than
#: connections, so that one big customer range does not leave the others idle.
PARTITIONS_PER_CONNECTION = 4
MEMO_LIMIT = 65536  # distinct texts (dates, terms) remembered per read, at most
ITEM_FIELDS = ("KUNNR", "BUDAT", "BLDAT", "WAERS", "XBLNR", "BLART", "SHKZG", "WRBTR",
               "SGTXT", "ZUONR", "ZFBDT", "ZBD1T", "ZBD2T", "ZBD3T", "ZBD1P", "MANST",
               "REBZG", "MANSP")


def currency_decimals(reader: TableReader) -> dict[str, int]:
    """TCURX: decimals of the currencies that do not have 2."""
    return {row["CURRKEY"]: int(row["CURRDEC"])
            for row in reader.rows("TCURX", ["CURRKEY", "CURRDEC"])}


def iter_open_items(reader: TableReader, company_codes: Sequence[str], key_date: date,
                    decimals: dict[str, int],
                    parallel: Sequence[TableReader] = ()) -> Iterator[OpenItem]:
    """Open items of ``company_codes`` at ``key_date``, page by page from BSID/BSAD.

    With two or more ``parallel`` readers (one connection each) both tables
    are read in customer ranges over all of them at once, BSAD's ranges
    taken up by the connections that BSID's last ranges leave idle
    (:func:`customer_ranges`, :func:`bots.sap.parallel.read_partitions`);
    the items come in the same order either way: primary-key order, BSID first.
    """
    dats = to_dats(key_date)
    parsers = _Parsers(decimals)
    tables = ("BSID", "BSAD")
    if len(parallel) > 1:
        ranges = customer_ranges(reader, company_codes,
                                 PARTITIONS_PER_CONNECTION * len(parallel))
        parts = [Partition(name, _item_where(table, dats, where), table)
                 for table in tables for name, where in ranges]
        pages = read_partitions(parallel, tables[0], ITEM_FIELDS, parts, key=ITEM_KEY)
    else:
        pages = chain.from_iterable(reader.text_pages(
            table, ITEM_FIELDS, _item_where(table, dats, Where().isin("BUKRS", company_codes)),
            key=ITEM_KEY) for table in tables)
    for page in pages:
        yield from _from_table(page, parsers)


def _item_where(table: str, dats: str, where: Where) -> Where:
    """A copy of ``where`` (the company codes, the customer range) with the open-item
    conditions of ``table``."""
    where = Where(list(where.tokens)).eq("UMSKZ", " ").cmp("BSTAT", "<>", "S").cmp(
        "BUDAT", "<=", dats)
    if table == "BSAD":
        where.cmp("AUGDT", ">", dats)
    return where


def customer_ranges(reader: TableReader, company_codes: Sequence[str],
                    count: int) -> list[tuple[str, Where]]:
    """About ``count`` slices of the item tables' key, in key order: (name, WHERE).

    BSID and BSAD are keyed MANDT, BUKRS, KUNNR, ...; each slice is one
    company code and a range of customer numbers, cut where the customers of
    KNB1 split into equal counts. The first range of a company code has no
    lower bound and the last no upper one, so an item of a customer missing
    from KNB1 is still read.
    """
    codes = sorted(set(company_codes))
    per_code = max(1, -(-count // len(codes)))
    ranges = []
    for code in codes:
        customers = sorted({row["KUNNR"] for row in
                            reader.rows("KNB1", ["KUNNR"], Where().eq("BUKRS", code))})
        cuts = sorted({customers[len(customers) * i // per_code] for i in range(1, per_code)}
                      if customers else set())
        for low, high in zip([None, *cuts], [*cuts, None], strict=True):
            where, name = Where().eq("BUKRS", code), f"BUKRS {code}, KUNNR"
            if low is not None:
                where.cmp("KUNNR", ">=", low)
                name += f" from {low}"
            if high is not None:
                where.cmp("KUNNR", "<", high)
                name += f" below {high}"
            ranges.append((name if low or high else f"BUKRS {code}", where))
    return ranges


class _Memo(dict):  # type: ignore[type-arg]
    """``memo[key]``: ``compute(key)``, computed once per distinct key.

    A lookup that hits is a dict lookup in C, so ``map(memo.__getitem__, column)``
    converts a column of repeated texts (dates, terms, levels) at C speed. At
    :data:`MEMO_LIMIT` keys it starts afresh, so a ledger of unusually varied
    texts cannot make it grow with the number of items.
    """

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        if len(self) >= MEMO_LIMIT:
            self.clear()
        value = self[key] = self.compute(key)
        return value


class _Parsers:
    """The conversions of one read, each distinct text converted once."""

    def __init__(self, decimals: dict[str, int]) -> None:
        self.decimals = decimals
        self.dates = _Memo(parse_dats)
        self.levels = _Memo(lambda text: int(text.strip() or 0))
        self.terms: dict[tuple[int, ...], _Memo] = {}  # by where the terms are in a row
        self.as_stored = _Memo(lambda currency: decimals.get(currency, 2) == 2 == exponent(
            currency))  # currency -> its amounts need no TCURX shift


#: The fields of the terms, one after the other in a row: one text per row for all five.
_TERMS = ("ZFBDT", "ZBD1T", "ZBD2T", "ZBD3T", "ZBD1P")


def _from_table(page: TextPage, parsers: _Parsers) -> list[OpenItem]:
    """The items of one page of BSID/BSAD rows (:data:`ITEM_KEY` + :data:`ITEM_FIELDS`).

    A million-row read spends most of its own time here, holding the GIL, so
    the page is converted column by column (:meth:`TextPage.column`: a list of
    one field's texts), mostly in C loops (``map``): texts stripped; dates,
    terms and dunning levels looked up by their text (each distinct text
    converted once); the items built by :func:`_items`.
    """
    if not page.texts:
        return []
    column, strip = page.column, str.strip

    def texts(name: str) -> list[str]:
        return list(map(strip, column(name)))

    currency, credit = texts("WAERS"), [flag == "H" for flag in column("SHKZG")]
    bldat = column("BLDAT")
    doc_dates = list(map(parsers.dates.__getitem__, bldat))
    if None in doc_dates:
        row = doc_dates.index(None)
        raise SapBusinessError(f"{page.value(row, 'BUKRS')} {page.value(row, 'BELNR')}/"
                               f"{page.value(row, 'GJAHR')}: item without a document date "
                               "(BLDAT)")
    ends, terms = _terms_at(page)
    memo = parsers.terms.get(ends) or parsers.terms.setdefault(ends, _Memo(
        lambda key: _terms_of(ends, *key)))
    unlinked = [c and not ref for c, ref in zip(credit, texts("REBZG"), strict=True)]
    baseline, due, discount, pct = zip(*map(memo.__getitem__, zip(
        map(itemgetter(terms), page.texts), bldat, unlinked, strict=True)), strict=True)
    assignment = texts("ZUONR")
    return _items(texts("BUKRS"), texts("KUNNR"), texts("BELNR"), texts("GJAHR"),
                  texts("BUZEI"), currency, _amounts(column("WRBTR"), currency, credit, parsers),
                  doc_dates, due, texts("XBLNR"), assignment,
                  list(map(parsers.dates.__getitem__, column("BUDAT"))), baseline, pct, discount,
                  texts("BLART"), list(map(parsers.levels.__getitem__, column("MANST"))),
                  assignment, texts("MANSP"), texts("SGTXT"))


def _terms_at(page: TextPage) -> tuple[tuple[int, ...], slice]:
    """Where the terms fields (:data:`_TERMS`) end in their text, and where their text is
    in a row (they are adjacent, as requested)."""
    cuts = [page.slices[name] for name in _TERMS]
    if any(a.stop != b.start for a, b in pairwise(cuts)):
        raise SapTechnicalError(f"RFC_READ_TABLE: the fields {', '.join(_TERMS)} are not "
                                "adjacent in the row")
    start = cuts[0].start
    return tuple(c.stop - start for c in cuts), slice(start, cuts[-1].stop)


def _terms_of(ends: tuple[int, ...], text: str, bldat: str,
              unlinked: bool) -> tuple[date, date, date | None, Decimal | None]:
    """(baseline, due date, discount date, discount %) from the terms' text (its fields
    ending at ``ends``), the document date (when there is no baseline date) and whether the item
    is a credit memo not linked to an invoice; no discount date: no discount %."""
    zfbdt, days1, days2, days3, pct1 = (text[a:b] for a, b in pairwise((0, *ends)))
    baseline, due, discount, pct = _terms(zfbdt if parse_dats(zfbdt) else bldat, days1, days2,
                                          days3, pct1, unlinked)
    return baseline, due, discount, pct if discount else None


#: One setter per field of OpenItem, in field order (its slots).
_SLOTS = tuple(getattr(OpenItem, f.name).__set__ for f in fields(OpenItem))


def _items(*columns: Sequence[Any]) -> list[OpenItem]:
    """OpenItems from one column per field, in :class:`OpenItem`'s field order.

    ``OpenItem`` is a frozen dataclass with slots and no ``__post_init__``: its
    ``__init__`` sets each slot with ``object.__setattr__``, which costs more
    than a third of a million-row read. Here the items are made empty and each
    slot of all of them is set in one C loop (the slot's own setter), giving
    the same items (``tests/sap/test_sap_open_items.py`` compares them).
    """
    items = list(map(object.__new__, repeat(OpenItem, len(columns[0]))))
    for setter, values in zip(_SLOTS, columns, strict=True):
        deque(map(setter, items, values), maxlen=0)
    return items


def _amounts(numbers: list[str], currency: list[str], credit: list[bool],
             parsers: _Parsers) -> list[Decimal]:
    """Signed external amounts from the WRBTR texts (internal, 2 decimals)."""
    amounts = [_number(n) if n[-1:] in "- " else Decimal(n) for n in numbers]  # '12.50-'...
    if not all(map(parsers.as_stored.__getitem__, set(currency))):
        decimals = parsers.decimals
        amounts = [a if parsers.as_stored[c] else external_amount(a, c, decimals.get(c, 2))
                   for a, c in zip(amounts, currency, strict=True)]
    return [-a if c else a for a, c in zip(amounts, credit, strict=True)]


@lru_cache(maxsize=65536)
def _terms(baseline_dats: str, days1: str, days2: str, days3: str, pct1: str,
           credit_memo_unlinked: bool) -> tuple[date, date, date | None, Decimal]:
    """(baseline, due date, discount date, discount %) from the terms as text.

    Cached: a ledger has few distinct combinations of baseline date and terms.
    """
    baseline = parse_dats(baseline_dats)
    if baseline is None:
        raise SapBusinessError(f"baseline date {baseline_dats!r} is not a date")
    pct = _number(pct1)
    due, discount = due_dates(baseline, int(_number(days1)), int(_number(days2)),
                              int(_number(days3)), pct,
                              credit_memo_unlinked=credit_memo_unlinked)
    return baseline, due, discount, pct


def _number(text: str) -> Decimal:
    """A packed number as RFC_READ_TABLE writes it (``'1500.00'``, ``'12.50-'``)."""
    text = text.strip()
    if text.endswith("-"):
        return -Decimal(text[:-1])
    return Decimal(text or "0")


def open_items_of(rfc: Rfc, company_code: str, customer: str, key_date: date) -> list[OpenItem]:
    """One customer's open items at ``key_date`` (BAPI_AR_ACC_GETOPENITEMS)."""
    result = rfc.call("open_items", COMPANYCODE=company_code, CUSTOMER=alpha(customer),
                      KEYDATE=to_dats(key_date), NOTEDITEMS="")
    raise_for_return(rfc.name("open_items"), [result["RETURN"]])
    return [_from_bapi(line) for line in result["LINEITEMS"] if not line["SP_GL_IND"]]


def _from_bapi(line: dict) -> OpenItem:
    currency = line["CURRENCY"]
    amount = quantize(line["AMT_DOCCUR"], currency)
    credit = line["DB_CR_IND"] == "H"
    doc_date = parse_dats(line["DOC_DATE"])
    if doc_date is None:
        raise SapBusinessError(f"{line['COMP_CODE']} {line['DOC_NO']}/{line['FISC_YEAR']}: "
                               "item without a document date")
    baseline, due, discount, pct = _terms(
        line["BLINE_DATE"] if parse_dats(line["BLINE_DATE"]) else line["DOC_DATE"],
        str(line["DSCT_DAYS1"]), str(line["DSCT_DAYS2"]), str(line["NETTERMS"]),
        str(line["DSCT_PCT1"]), credit and not line["INV_REF"])
    return OpenItem(
        company_code=line["COMP_CODE"], customer=line["CUSTOMER"], document_no=line["DOC_NO"],
        fiscal_year=line["FISC_YEAR"], line_item=line["ITEM_NUM"], currency=currency,
        amount=-amount if credit else amount, doc_date=doc_date, due_date=due,
        invoice_ref=line["REF_DOC_NO"], po_number=line["ALLOC_NMBR"],
        posting_date=parse_dats(line["PSTNG_DATE"]), baseline_date=baseline,
        discount_pct=pct if discount else None, discount_date=discount,
        doc_type=line["DOC_TYPE"], dunning_level=int(line["DUNN_LEVEL"] or 0),
        assignment=line["ALLOC_NMBR"], text=line["ITEM_TEXT"], dunning_block=line["DUNN_BLOCK"])
