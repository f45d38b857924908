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

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from bots.domain import OpenItem, due_dates, exponent, quantize
from bots.sap.errors import SapBusinessError, raise_for_return
from bots.sap.parallel import Partition, read_partitions
from bots.sap.read_table import TableReader, TextPage, Where
from bots.sap.rfc import Rfc
from bots.sap.values import alpha, external_amount, parse_dats, to_dats

ITEM_KEY = ("BUKRS", "BELNR", "GJAHR", "BUZEI")
#: Slices of the item tables per connection of a parallel read: more slices than
#: connections, so that one big customer range does not leave the others idle.
PARTITIONS_PER_CONNECTION = 4
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

    With two or more ``parallel`` readers (one connection each) every table
    is read in customer ranges over all of them at once
    (:func:`customer_ranges`, :func:`bots.sap.parallel.read_partitions`);
    the items come in the same order either way: primary-key order.
    """
    dats = to_dats(key_date)
    ranges = (customer_ranges(reader, company_codes, PARTITIONS_PER_CONNECTION * len(parallel))
              if len(parallel) > 1 else [])
    for table in ("BSID", "BSAD"):
        if ranges:
            parts = [Partition(name, _item_where(table, dats, where)) for name, where in ranges]
            pages = read_partitions(parallel, table, ITEM_FIELDS, parts, key=ITEM_KEY)
        else:
            pages = reader.text_pages(
                table, ITEM_FIELDS, _item_where(table, dats, Where().isin("BUKRS", company_codes)),
                key=ITEM_KEY)
        for page in pages:
            yield from _from_table(page, decimals)


def _item_where(table: str, dats: str, where: Where) -> Where:
    """``where`` (the company codes, the customer range) and the open-item conditions."""
    where.eq("UMSKZ", " ").cmp("BSTAT", "<>", "S").cmp("BUDAT", "<=", dats)
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


def _from_table(page: TextPage, decimals: dict[str, int]) -> Iterator[OpenItem]:
    """The items of one page of BSID/BSAD rows (:data:`ITEM_KEY` + :data:`ITEM_FIELDS`).

    A million-row read spends most of its own time here, holding the GIL, so
    each row is cut once (:meth:`TextPage.cutter`), only the texts kept are
    stripped, dates and terms are parsed once per distinct value, and an
    amount already in its currency's decimals is not shifted.
    """
    cut = page.cutter(_COLUMNS)
    as_stored: dict[str, bool] = {}  # currency -> its amounts need no TCURX shift
    for wa in page.texts:
        (bukrs, belnr, gjahr, buzei, kunnr, budat, bldat, waers, xblnr, blart, shkzg, wrbtr,
         sgtxt, zuonr, zfbdt, zbd1t, zbd2t, zbd3t, zbd1p, manst, rebzg, mansp) = cut(wa)
        waers = waers.strip()
        plain = as_stored.get(waers)
        if plain is None:
            plain = as_stored[waers] = decimals.get(waers, 2) == 2 == exponent(waers)
        amount = _number(wrbtr) if plain else external_amount(_number(wrbtr), waers,
                                                               decimals.get(waers, 2))
        credit = shkzg == "H"
        doc_date = _dats(bldat)
        if doc_date is None:
            raise SapBusinessError(f"{bukrs.strip()} {belnr.strip()}/{gjahr.strip()}: item "
                                   "without a document date (BLDAT)")
        baseline, due, discount, pct = _terms(zfbdt if _dats(zfbdt) else bldat, zbd1t, zbd2t,
                                              zbd3t, zbd1p, credit and not rebzg.strip())
        zuonr = zuonr.strip()
        # by position, in OpenItem's field order: keywords cost a microsecond a row more
        yield OpenItem(bukrs.strip(), kunnr.strip(), belnr.strip(), gjahr.strip(),
                       buzei.strip(), waers, -amount if credit else amount, doc_date, due,
                       xblnr.strip(), zuonr, _dats(budat), baseline,
                       pct if discount else None, discount, blart.strip(),
                       int(manst.strip() or 0), zuonr, mansp.strip(), sgtxt.strip())


_COLUMNS = (*ITEM_KEY, *ITEM_FIELDS)  # the order _from_table unpacks a row in
#: A ledger has few distinct dates: each DATS text is parsed once.
_dats = lru_cache(maxsize=65536)(parse_dats)


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
