"""SD billing documents behind open invoices, with their real lines (ECC, RFC_READ_TABLE).

    docs = billing_documents(reader, items, decimals)   # {item.key[...]: BillingDocument}

For each open invoice (an :class:`~bots.domain.OpenItem`) the billing
document is found through ``BSID-VBELN`` (SAP writes the billing document
number on the customer line it posts), then read as SAP keeps it:

* ``VBRK`` header (currency ``WAERK``, net ``NETWR``, tax ``MWSBK``, the
  pricing document ``KNUMV``);
* ``VBRP`` items (quantity ``FKIMG`` in sales unit ``VRKME``, net
  ``NETWR``, tax ``MWSBP``, material and text, tax code ``MWSKZ``, sales
  order and item ``AUBEL``/``AUPOS``);
* ``VBKD`` business data of the sales order: the customer's PO number
  ``BSTKD`` and PO item ``POSEX_E`` of the item row, else of the header row
  (POSNR 000000), as SAP falls back;
* ``KONV`` conditions: the price condition (class ``KOAID`` B: unit price
  ``KBETR`` per ``KPEIN``) and the tax condition (class D: rate ``KBETR`` in
  per mille, value ``KWERT``);
* ``T006`` ISO codes of the units (``ST`` -> ``PCE``).

Amounts are internal CURR values, shifted by the currency's TCURX decimals
as everywhere (:func:`bots.sap.values.external_amount`). A unit price without
a price condition is ``NETWR / FKIMG`` to 6 decimals.

Limits: one read per table and chunk of :data:`CHUNK` numbers; KONV (a
cluster table on ECC) is read by KNUMV, its key. S/4HANA keeps conditions in
PRCD_ELEMENTS; this module reads ECC.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bots.domain import OpenItem
from bots.sap.read_table import TableReader, Where
from bots.sap.values import external_amount, parse_dats

CHUNK = 100


@dataclass(frozen=True)
class BillingLine:
    """One billing item: what was sold, at what price and tax, against which PO line."""

    item: str  # VBRP-POSNR
    material: str
    description: str
    quantity: Decimal
    unit: str  # ISO code (T006), else SAP's internal unit
    unit_price: Decimal
    net: Decimal
    tax_code: str
    tax_rate: Decimal  # percent
    tax: Decimal
    po_number: str
    po_line: str


@dataclass(frozen=True)
class BillingDocument:
    """A billing document (VBRK) with its lines; ``net + tax`` is the invoice's gross."""

    number: str
    company_code: str
    currency: str
    billing_date: date | None
    net: Decimal
    tax: Decimal
    lines: tuple[BillingLine, ...]

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


DocKey = tuple[str, str, str]  # company code, FI document, fiscal year


def plain_number(number: Decimal) -> Decimal:
    """``5.000`` -> ``5``, ``2.500`` -> ``2.5`` (never ``1E+1``)."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() \
        else number.normalize()


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _rows(reader: TableReader, table: str, fields: Sequence[str], field: str,
          values: Sequence[str], key: Sequence[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for chunk in _chunks(values):
        rows += reader.rows(table, fields, Where().isin(field, chunk), key=key)
    return rows


def billing_numbers(reader: TableReader, items: Sequence[OpenItem]) -> dict[DocKey, str]:
    """The billing document (BSID-VBELN) of each open item that has one."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in items:
        groups.setdefault((item.company_code, item.customer), []).append(item.document_no)
    found: dict[DocKey, str] = {}
    for (company, customer), documents in groups.items():
        for chunk in _chunks(documents):
            where = Where().eq("BUKRS", company).eq("KUNNR", customer).isin("BELNR", chunk)
            for row in reader.rows("BSID", ["BELNR", "GJAHR", "VBELN"], where,
                                   key=("BELNR", "GJAHR")):
                if row["VBELN"]:
                    found[(company, row["BELNR"], row["GJAHR"])] = row["VBELN"]
    return found


def billing_documents(reader: TableReader, items: Sequence[OpenItem],
                      decimals: dict[str, int]) -> dict[DocKey, BillingDocument]:
    """The billing documents behind ``items``, keyed by (company code, document, year).

    Items without a billing document (posted in FI, not from SD) are left out.
    """
    numbers = billing_numbers(reader, items)
    if not numbers:
        return {}
    headers = {r["VBELN"]: r for r in _rows(
        reader, "VBRK", ["VBELN", "WAERK", "FKDAT", "BUKRS", "KNUMV", "NETWR", "MWSBK"],
        "VBELN", list(numbers.values()), ("VBELN",))}
    items_of: dict[str, list[dict[str, str]]] = {}
    for r in _rows(reader, "VBRP", ["VBELN", "POSNR", "FKIMG", "VRKME", "NETWR", "MWSBP",
                                    "MATNR", "ARKTX", "MWSKZ", "AUBEL", "AUPOS"],
                   "VBELN", list(headers), ("VBELN", "POSNR")):
        items_of.setdefault(r["VBELN"], []).append(r)
    orders = [r["AUBEL"] for rows in items_of.values() for r in rows]
    business = {(r["VBELN"], r["POSNR"]): r for r in _rows(
        reader, "VBKD", ["VBELN", "POSNR", "BSTKD", "POSEX_E"], "VBELN", orders,
        ("VBELN", "POSNR"))}
    conditions: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in _rows(reader, "KONV", ["KNUMV", "KPOSN", "STUNR", "ZAEHK", "KOAID", "KBETR",
                                    "KPEIN", "KWERT", "MWSK1"],
                   "KNUMV", [h["KNUMV"] for h in headers.values()],
                   ("KNUMV", "KPOSN", "STUNR", "ZAEHK")):
        conditions.setdefault((r["KNUMV"], r["KPOSN"], r["KOAID"]), r)
    iso = {r["MSEHI"]: r["ISOCODE"] for r in reader.rows("T006", ["MSEHI", "ISOCODE"])}
    result: dict[DocKey, BillingDocument] = {}
    for key, vbeln in numbers.items():
        header = headers.get(vbeln)
        if header is None:
            continue
        currency = header["WAERK"]

        def money(text: str, currency: str = currency) -> Decimal:
            return external_amount(Decimal(text or "0"), currency, decimals.get(currency, 2))

        lines = []
        for r in items_of.get(vbeln, []):
            order = business.get((r["AUBEL"], r["AUPOS"])) or \
                business.get((r["AUBEL"], "000000"), {})
            price = conditions.get((header["KNUMV"], r["POSNR"], "B"))
            tax = conditions.get((header["KNUMV"], r["POSNR"], "D"))
            quantity = plain_number(Decimal(r["FKIMG"]))
            net = money(r["NETWR"])
            unit_price = (money(price["KBETR"]) / Decimal(price["KPEIN"] or "1")
                          if price else (net / quantity).quantize(Decimal("0.000001")))
            lines.append(BillingLine(
                item=r["POSNR"], material=r["MATNR"], description=r["ARKTX"],
                quantity=quantity,
                unit=iso.get(r["VRKME"]) or r["VRKME"], unit_price=unit_price, net=net,
                tax_code=r["MWSKZ"] or (tax["MWSK1"] if tax else ""),
                tax_rate=plain_number(Decimal(tax["KBETR"]) / 10) if tax else Decimal(0),
                tax=money(r["MWSBP"]),
                po_number=order.get("BSTKD", ""), po_line=order.get("POSEX_E", "")))
        result[key] = BillingDocument(
            number=vbeln, company_code=header["BUKRS"], currency=currency,
            billing_date=parse_dats(header["FKDAT"]), net=money(header["NETWR"]),
            tax=money(header["MWSBK"]), lines=tuple(lines))
    return result
