"""The open-items file of the interchange spec (``OPEN.csv``), written from SAP.

One row per open item with the columns of
:data:`bots.cashapp.interchange.OPEN_ITEM_COLUMNS`, amounts as decimal strings
with the currency's decimals (``"1234.50"``, yen ``"1500"``), dates ISO. A
file name ending in ``.xlsx`` gives the same table as a worksheet, every
cell text (amounts stay exact strings). Text a spreadsheet could run as a
formula is neutralised (:mod:`bots.formula_guard`); amounts stay as they are.
Rows are written as they come, so a million items never sit in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from bots.cashapp.interchange import OPEN_ITEM_COLUMNS
from bots.domain import OpenItem, format_amount
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


def write_open_items(items: Iterable[OpenItem], path: Path,
                     progress: Callable[[int], None] | None = None) -> int:
    """Write ``items`` to ``path`` (CSV, or XLSX by extension); returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("open items")
        sheet.append(list(OPEN_ITEM_COLUMNS))
        for item in items:
            sheet.append(neutralise_row(open_item_row(item)))
            count += 1
            if progress:
                progress(count)
        book.save(path)
        return count
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPEN_ITEM_COLUMNS)
        for item in items:
            writer.writerow(neutralise_row(open_item_row(item)))
            count += 1
            if progress:
                progress(count)
    return count
