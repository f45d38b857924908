"""The open items of one run, indexed for the rules.

:class:`ItemIndex` is built once per run, in bulk, over the open items:
by reference key (both the customer-facing ``invoice_ref`` and our
``document_no``, see :func:`bots.cashapp.refs.ref_key`), by PO number and by
customer. The reference index maps a key to item positions (an ``int`` for
one item, a list for several: most keys are unique, and a bare ``int`` costs
far less memory than a one-element list at a million items); the PO and
customer indexes map to lists, built in bulk. The keys of each item are kept
(``ref_keys``, ``doc_keys``) for the one-character comparison of the fuzzy rule.

The rules read what they need of an item from the columns of an
:class:`~bots.cashapp.table.OpenItemTable` (a list of items is turned into
one first, its items kept): open amount in minor units, currency, customer,
company code, references and terms (:meth:`ItemIndex.terms`), so matching a
million items from a file makes no item object at all.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from bots.cashapp.amounts import Terms, terms_discount
from bots.cashapp.refs import normalise, ref_key
from bots.cashapp.table import OpenItemTable
from bots.domain import OpenItem

Slot = int | list[int]


def _positions(slot: Slot | None) -> list[int]:
    if slot is None:
        return []
    return [slot] if isinstance(slot, int) else slot


def _groups(values: Sequence[str], positions: list[int]) -> dict[str, list[int]]:
    """The ``positions`` of each value, ascending, keyed in order of first appearance."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(np.asarray(values, dtype=object))
    order = list(map(positions.__getitem__, np.argsort(codes, kind="stable").tolist()))
    ends = np.cumsum(np.bincount(codes, minlength=len(distinct))).tolist()
    return {value: order[start:end]
            for value, start, end in zip(distinct.tolist(), [0, *ends][:-1], ends, strict=True)}


def _key(ref: str) -> str:
    return (ref.lstrip("0") if ref.isdigit() else ref_key(ref)) if ref else ""


class ItemGroup:
    """The open items of several customers (a customer group) as arrays, in a given order:
    positions, open amounts, currencies, whether each has terms and the discount its terms
    grant on its open amount (:func:`~bots.cashapp.amounts.terms_discount`, 0 without).

    A group of a parent with hundreds of subsidiaries holds thousands of items; the rules
    that look for another item of the group that a payment fits filter these arrays
    first and check only the few items left.
    """

    def __init__(self, index: ItemIndex, positions: list[int]) -> None:
        import numpy as np

        table = index.table
        self.positions = np.array(positions, dtype=np.int64)
        self.amounts = np.array([table.amount_minor[p] for p in positions], dtype=np.int64)
        self.currencies = np.array([table.currency[p] for p in positions], dtype=object)
        self.has_terms = np.array([bool(table.discount_pct[p]) for p in positions], dtype=bool)
        self.discounts = np.array([terms_discount(index.terms(p), table.amount_minor[p])
                                   if table.discount_pct[p] else 0 for p in positions],
                                  dtype=np.int64)


class ItemIndex:
    """Open items by reference key, PO number and customer; amounts in minor units."""

    def __init__(self, items: Sequence[OpenItem]) -> None:
        table = items if isinstance(items, OpenItemTable) else OpenItemTable.from_items(items)
        self.items: Sequence[OpenItem] = table  # table[pos] is the item (made on demand)
        self.table = table
        n = len(table)
        refs, docs, po_numbers, customers = (table.invoice_ref, table.document_no,
                                             table.po_number, table.customer)
        # Every structure below holds the same int objects (one per position, not
        # one per use: 30 MB a million). Keys are built in bulk; dict(zip()) keeps the
        # last position of a repeated key, so repeated keys (rare) are then collected.
        positions = list(range(n))
        self.ref_keys = [_key(ref) for ref in refs]
        self.doc_keys = [_key(doc) for doc in docs]
        keys = self.ref_keys + [d if d != r else "" for r, d in zip(self.ref_keys,
                                                                    self.doc_keys, strict=True)]
        by_key: dict[str, Slot] = dict(zip(keys, itertools.chain(positions, positions),
                                           strict=True))
        by_key.pop("", None)
        if len(by_key) < len(keys) - keys.count(""):
            repeated = {k for k, c in Counter(keys).items() if c > 1 and k}
            lists: dict[str, list[int]] = {k: [] for k in repeated}
            for i, k in enumerate(keys):
                if k in repeated:
                    lists[k].append(positions[i if i < n else i - n])
            by_key.update({k: sorted(v) for k, v in lists.items()})
        # PO numbers repeat (an order's invoices): each distinct one normalised once
        with_po = [pos for pos, po in zip(positions, po_numbers, strict=True) if po]
        normalised = {po: normalise(po) for po in set(po_numbers) if po}
        by_po = _groups([normalised[po_numbers[pos]] for pos in with_po], with_po)
        by_po.pop("", None)
        self._by_key, self._by_po = by_key, by_po
        self._by_customer = _groups(customers, positions)

    def release_lookups(self) -> None:
        """Let the reference and PO lookups go once the rules are done (the rows read
        only the columns): at a million items, some 130 MB before the rows are made.
        Afterwards :meth:`by_key` and :meth:`by_po` find nothing."""
        self._by_key, self._by_po = {}, {}
        self.ref_keys, self.doc_keys = [], []

    @property
    def customers(self) -> set[str]:
        """Every customer number that has open items."""
        return set(self._by_customer)

    def amount(self, pos: int) -> int:
        """The open amount of item ``pos`` in minor units."""
        return self.table.amount_minor[pos]

    def currency(self, pos: int) -> str:
        """The currency of item ``pos``, read from its column (no item is made)."""
        return self.table.currency[pos]

    def customer(self, pos: int) -> str:
        """The customer number of item ``pos``, read from its column."""
        return self.table.customer[pos]

    def company_code(self, pos: int) -> str:
        """The company code of item ``pos``, read from its column."""
        return self.table.company_code[pos]

    def document_no(self, pos: int) -> str:
        """Our document number (BELNR) of item ``pos``."""
        return self.table.document_no[pos]

    def invoice_ref(self, pos: int) -> str:
        """The invoice reference (XBLNR) of item ``pos``, '' when none."""
        return self.table.invoice_ref[pos]

    def label(self, pos: int) -> str:
        """How a person names item ``pos``: its invoice reference, else its document number."""
        return self.table.invoice_ref[pos] or self.table.document_no[pos]

    def document(self, pos: int) -> tuple[str, str, str, str]:
        """(company code, customer, document, year) of item ``pos``: its accounting document."""
        t = self.table
        return t.company_code[pos], t.customer[pos], t.document_no[pos], t.fiscal_year[pos]

    def has_terms(self, pos: int) -> bool:
        """Item ``pos`` has a cash-discount percentage (payment terms), read from its column."""
        return bool(self.table.discount_pct[pos])

    def terms(self, pos: int) -> Terms:
        """What the amount checks read of item ``pos`` (:class:`~bots.cashapp.amounts.Terms`)."""
        t = self.table
        return Terms(t.company_code[pos], t.currency[pos], t.discount_pct[pos],
                     t.discount_date[pos])

    def by_key(self, key: str) -> list[int]:
        """Items whose invoice reference or document number has ``key``."""
        return _positions(self._by_key.get(key)) if key else []

    def only(self, key: str) -> int | None:
        """The one item whose invoice reference or document number has ``key``; None when
        no item or several have it."""
        slot = self._by_key.get(key) if key else None
        return slot if isinstance(slot, int) else None

    def by_po(self, po: str) -> list[int]:
        """Items whose PO number normalises to ``po``."""
        return self._by_po.get(po, []) if po else []

    def of_customer(self, customer: str) -> list[int]:
        """Items of one customer account."""
        return self._by_customer.get(customer, [])
