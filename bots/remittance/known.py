"""Open items known while reading: which printed numbers are OUR invoices.

An advice often prints the payer's own voucher number beside the reference to
our invoice, and its amounts in a locale the page alone may leave open. When
the open items are known (``arbots extract --open-items OPEN.csv``, the nightly
intake), the readers use them to decide: the column whose values are our
invoice references, the decimal mark under which amounts equal open amounts::

    with using(KnownItems.of([("90012345", Decimal("1200.00"))])):
        extract("advice.pdf")        # the PDF reader consults current()

``invoice_ref`` stays as printed: open items only decide, they never rewrite.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from bots.cashapp.refs import normalise
from bots.domain import OpenItem


def ref_key(text: str) -> str:
    """A reference as cash application compares it (:func:`bots.cashapp.refs.normalise`:
    no case, punctuation, ``INV``/``NR``/... prefixes or leading zeros)."""
    return normalise(text)


@dataclass(frozen=True)
class KnownItems:
    """Invoice references (as :func:`ref_key`) and open amounts (absolute values)."""

    refs: frozenset[str] = field(default_factory=frozenset)
    amounts: frozenset[Decimal] = field(default_factory=frozenset)

    @classmethod
    def of(cls, items: Iterable[tuple[str, Decimal]]) -> KnownItems:
        """From (invoice_ref, open amount) pairs."""
        pairs = list(items)
        return cls(frozenset(ref_key(r) for r, _ in pairs if ref_key(r)),
                   frozenset(abs(a) for _, a in pairs))

    @classmethod
    def of_open_items(cls, items: Iterable[OpenItem]) -> KnownItems:
        """From open items: their printed invoice numbers and our document numbers."""
        pairs = []
        for item in items:
            pairs.append((item.document_no, item.amount))
            if item.invoice_ref:
                pairs.append((item.invoice_ref, item.amount))
        return cls.of(pairs)

    def has_ref(self, text: str) -> bool:
        return bool(text) and ref_key(text) in self.refs


_CURRENT: contextvars.ContextVar[KnownItems | None] = contextvars.ContextVar(
    "known_open_items", default=None)


def current() -> KnownItems | None:
    """The open items set by :func:`using` around this read, if any."""
    return _CURRENT.get()


@contextmanager
def using(items: KnownItems | None) -> Iterator[None]:
    """Make ``items`` the known open items for the reads inside the block."""
    token = _CURRENT.set(items)
    try:
        yield
    finally:
        _CURRENT.reset(token)
