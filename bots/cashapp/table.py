"""Open items held by column: the form the engine takes a million open items in.

A list of :class:`~bots.domain.OpenItem` costs one object per item, a
``Decimal`` per amount and a string per repeated key. :class:`OpenItemTable`
keeps one list per field instead: the keys that repeat (company code,
customer, year, line item, currency) as shared strings, dates as shared
``date`` objects, the open amount in integer minor units (an ``array`` of
64-bit ints: 8 bytes an item, not a Python int's 36). It is a
``Sequence[OpenItem]``: ``table[pos]`` makes the item the first time it is
asked for and keeps it, so the engine pays only for the items its rules look
at. :class:`~bots.cashapp.index.ItemIndex` reads the key columns directly::

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> item = OpenItem("1000", "0000100042", "1800000123", "2026", "001", "USD",
    ...                 Decimal("10500.00"), date(2026, 3, 1), date(2026, 3, 31), "90012345")
    >>> table = OpenItemTable.from_items([item])
    >>> table.amount_minor[0], table.invoice_ref[0], table[0] is item
    (1050000, '90012345', True)

The interchange reader (:func:`bots.interchange.read_open_items`) builds one
column by column from the file. Limits: the table is read-only; an item's
amount made from the table has its currency's decimals (``1.5`` read as
``1.50``, the same value).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import overload

from bots.domain import OpenItem, from_minor


@dataclass(eq=False)
class OpenItemTable(Sequence[OpenItem]):
    """Open items by column (see the module docstring); every column has one entry per item."""

    company_code: list[str]
    customer: list[str]
    document_no: list[str]
    fiscal_year: list[str]
    line_item: list[str]
    currency: list[str]
    amount_minor: array[int]
    doc_date: list[date]
    due_date: list[date]
    invoice_ref: list[str]
    po_number: list[str]
    discount_pct: list[Decimal | None]
    discount_date: list[date | None]
    _made: list[OpenItem | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._made = [None] * len(self.document_no)

    @classmethod
    def from_items(cls, items: Iterable[OpenItem]) -> OpenItemTable:
        """The table of ``items``; ``table[pos]`` gives back the same objects."""
        items = list(items)
        table = cls(**{name: [getattr(it, name) for it in items] for name in _COLUMNS
                       if name != "amount_minor"},
                    amount_minor=array("q", [it.amount_minor for it in items]))
        table._made = list(items)
        return table

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, pos: int) -> OpenItem: ...

    @overload
    def __getitem__(self, pos: slice) -> list[OpenItem]: ...

    def __getitem__(self, pos: int | slice) -> OpenItem | list[OpenItem]:
        if isinstance(pos, slice):
            return [self[n] for n in range(*pos.indices(len(self)))]
        item = self._made[pos]
        if item is None:
            item = self._made[pos] = self._make(pos)
        return item

    def _make(self, pos: int) -> OpenItem:
        currency = self.currency[pos]
        return OpenItem(
            company_code=self.company_code[pos], customer=self.customer[pos],
            document_no=self.document_no[pos], fiscal_year=self.fiscal_year[pos],
            line_item=self.line_item[pos], currency=currency,
            amount=from_minor(self.amount_minor[pos], currency), doc_date=self.doc_date[pos],
            due_date=self.due_date[pos], invoice_ref=self.invoice_ref[pos],
            po_number=self.po_number[pos], discount_pct=self.discount_pct[pos],
            discount_date=self.discount_date[pos])


#: The columns (``amount_minor`` is OpenItem's property of that name).
_COLUMNS = ("company_code", "customer", "document_no", "fiscal_year", "line_item", "currency",
            "amount_minor", "doc_date", "due_date", "invoice_ref", "po_number", "discount_pct",
            "discount_date")
