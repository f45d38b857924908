"""The open items of one run, indexed for the rules.

:class:`ItemIndex` is built once per run, in bulk, over the open items:
by reference key (both the customer-facing ``invoice_ref`` and our
``document_no``, see :func:`bots.cashapp.refs.ref_key`), by PO number and by
customer. Each index maps to item positions (an ``int`` for one item, a list
for several: most keys are unique, and a bare ``int`` costs far less memory
than a one-element list at a million items). The keys of each item are kept
(``ref_keys``, ``doc_keys``) for the one-character comparison of the fuzzy rule.

Amounts are converted to integer minor units on first use and kept, so a run
only pays for the items the rules look at. The rules filter a customer group's
items by ``currency``, ``customer`` and ``has_terms`` read from columns, so
scanning a group makes no item object. An :class:`~bots.cashapp.table.OpenItemTable`
(a million items from a file) gives its key columns and minor units as they
are: no item object is made for the index.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from bots.cashapp.refs import normalise, ref_key
from bots.cashapp.table import OpenItemTable
from bots.domain import OpenItem

Slot = int | list[int]


def _add(index: dict[str, Slot], key: str, position: int) -> None:
    slot = index.get(key)
    if slot is None:
        index[key] = position
    elif isinstance(slot, int):
        if slot != position:
            index[key] = [slot, position]
    elif slot[-1] != position:
        slot.append(position)


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


class ItemIndex:
    """Open items by reference key, PO number and customer; amounts in minor units."""

    def __init__(self, items: Sequence[OpenItem]) -> None:
        self.items = items
        self._minor: dict[int, int] = {}
        n = len(items)
        if isinstance(items, OpenItemTable):  # its columns as they are, no item made
            refs, docs, po_numbers, customers = (items.invoice_ref, items.document_no,
                                                 items.po_number, items.customer)
            self._currency, self._discount_pct = items.currency, items.discount_pct
            self._amount_minor: Sequence[int] | None = items.amount_minor
        else:
            refs, docs, po_numbers, customers, self._currency, self._discount_pct = (
                [getattr(it, name) for it in items]
                for name in ("invoice_ref", "document_no", "po_number", "customer", "currency",
                             "discount_pct"))
            self._amount_minor = None
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
        by_po: dict[str, Slot] = {}
        for pos, po in zip(positions, po_numbers, strict=True):
            if po:
                _add(by_po, normalise(po), pos)
        self._by_key, self._by_po = by_key, by_po
        self._by_customer = _groups(customers, positions)
        self._customer = customers

    @property
    def customers(self) -> set[str]:
        """Every customer number that has open items."""
        return set(self._by_customer)

    def amount(self, pos: int) -> int:
        """The open amount of item ``pos`` in minor units."""
        if self._amount_minor is not None:
            return self._amount_minor[pos]
        value = self._minor.get(pos)
        if value is None:
            value = self._minor[pos] = self.items[pos].amount_minor
        return value

    def currency(self, pos: int) -> str:
        """The currency of item ``pos``, read from its column (no item is made)."""
        return self._currency[pos]

    def customer(self, pos: int) -> str:
        """The customer number of item ``pos``, read from its column."""
        return self._customer[pos]

    def has_terms(self, pos: int) -> bool:
        """Item ``pos`` has a cash-discount percentage (payment terms), read from its column."""
        return bool(self._discount_pct[pos])

    def by_key(self, key: str) -> list[int]:
        """Items whose invoice reference or document number has ``key``."""
        return _positions(self._by_key.get(key)) if key else []

    def by_po(self, po: str) -> list[int]:
        """Items whose PO number normalises to ``po``."""
        return _positions(self._by_po.get(po)) if po else []

    def of_customer(self, customer: str) -> list[int]:
        """Items of one customer account."""
        return self._by_customer.get(customer, [])
