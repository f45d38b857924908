"""The files of the interchange spec written from SAP: ``OPEN.csv`` and ``CUST.csv``.

:func:`write_open_items`: one row per open item with the columns of
:data:`bots.cashapp.interchange.OPEN_ITEM_COLUMNS`, amounts as decimal strings
with the currency's decimals (``"1234.50"``, yen ``"1500"``), dates ISO.

:func:`write_customers`: one row per customer number with the columns of
:data:`bots.cashapp.interchange.CUSTOMER_COLUMNS` (customer, name, parent,
aliases), the customer/payer file ``arbots match --customers`` reads. SAP
keeps a customer once per company code (KNB1); the file has no company code,
so a customer of several company codes is one row.

A file name ending in ``.xlsx`` gives the same table as a worksheet, every
cell text (amounts stay exact strings). Text a spreadsheet could run as a
formula is neutralised (:mod:`bots.formula_guard`); amounts stay as they are.
Rows are written as they come, so a million items never sit in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from bots.cashapp.interchange import CUSTOMER_COLUMNS, OPEN_ITEM_COLUMNS
from bots.domain import Customer, OpenItem, format_amount
from bots.formula_guard import neutralise_row


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _percent(pct: Decimal | None) -> str:
    return format(pct.normalize(), "f") if pct else ""


def open_item_row(item: OpenItem) -> list[str]:
    """The cells of ``item`` in the order of OPEN_ITEM_COLUMNS."""
    values = {"company_code": item.company_code, "customer": item.customer,
              "document_no": item.document_no, "fiscal_year": item.fiscal_year,
              "line_item": item.line_item, "invoice_ref": item.invoice_ref,
              "po_number": item.po_number, "doc_date": _iso(item.doc_date),
              "due_date": _iso(item.due_date), "currency": item.currency,
              "amount": format_amount(item.amount, item.currency),
              "discount_pct": _percent(item.discount_pct),
              "discount_date": _iso(item.discount_date)}
    return [values[column] for column in OPEN_ITEM_COLUMNS]


def customer_row(customer: Customer) -> list[str]:
    """The cells of ``customer`` in the order of CUSTOMER_COLUMNS."""
    return [customer.number, customer.name, customer.parent, ";".join(customer.aliases)]


def write_open_items(items: Iterable[OpenItem], path: Path,
                     progress: Callable[[int], None] | None = None) -> int:
    """Write ``items`` to ``path`` (CSV, or XLSX by extension); returns the row count."""
    return _write_table("open items", OPEN_ITEM_COLUMNS, map(open_item_row, items), path,
                        progress)


def write_customers(customers: Iterable[Customer], path: Path) -> int:
    """Write one row per customer number to ``path`` (CSV, or XLSX); returns the row count.

    The first account of a number is kept (name and parent come from KNA1, the
    same in every company code).
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
