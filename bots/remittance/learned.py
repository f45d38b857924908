"""Learned templates: which column of a payer's layout holds our invoice reference.

When a person corrects an advice (the *Corrected invoice ref* column of the
worklist, ``arbots review apply``), :func:`learn_label` finds the column of
the advice that printed the corrected reference. The store keeps it as a
learned template, keyed by the payer (:func:`payer_key`) and the layout
(:func:`fingerprint`: the format and the header labels, digits removed). The
readers consult the learned templates set by :func:`using`; a hint for the
advice's payer and layout names the invoice column, before header words and
open items::

    with using(Learned((Hint("acme corp", fp, "Document"),))):
        extract("advice.xlsx")

While reading, :func:`recording` collects the :class:`Layout` of each table
read (its labels and the cell texts of its rows), so that intake can keep it
with the remittance and a later correction can be learned from it.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from bots.domain import Remittance, stable_id
from bots.remittance.columns import normalise_header
from bots.remittance.known import ref_key


def payer_key(name: str | None) -> str:
    """The payer as templates are keyed: its name normalised (``"ACME Corp."`` -> ``acme corp``)."""
    return normalise_header(name or "")


def fingerprint(labels: Sequence[str], fmt: str) -> str:
    """The same for the same layout, different between layouts: the format and the
    normalised header labels (digits removed, so ``Amount 2026`` stays one layout)."""
    texts = [re.sub(r"\d", "", normalise_header(label)).strip() for label in labels]
    return stable_id("layout", fmt, *texts, length=16)


@dataclass(frozen=True)
class Hint:
    """One learned template: for ``payer`` and layout ``fingerprint``, the invoice
    reference is the column labelled ``label``."""

    payer: str
    fingerprint: str
    label: str


@dataclass(frozen=True)
class Learned:
    """The learned templates known while reading."""

    hints: tuple[Hint, ...] = ()

    def label_for(self, payer: str | None, layout: str) -> str | None:
        """The invoice column label learned for ``payer`` and ``layout``, or None."""
        key = payer_key(payer)
        return next((h.label for h in self.hints if key and h.payer == key
                     and h.fingerprint == layout), None)


@dataclass(frozen=True)
class Layout:
    """A table as read: its labels, the column chosen as invoice reference, its rows."""

    fingerprint: str
    format: str
    payer: str
    labels: tuple[str, ...]
    chosen: str  # the label of the column read as invoice reference
    rows: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, object]) -> Layout:
        def strings(value: object) -> tuple[str, ...]:
            return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()
        rows = obj.get("rows")
        return cls(str(obj["fingerprint"]), str(obj["format"]), str(obj["payer"]),
                   strings(obj.get("labels")), str(obj["chosen"]),
                   tuple(strings(r) for r in rows) if isinstance(rows, list | tuple) else ())

    def holds(self, remittance: Remittance) -> bool:
        """True when every line of ``remittance`` is a row of this table."""
        if self.chosen not in self.labels or not remittance.lines:
            return False
        at = self.labels.index(self.chosen)
        refs = {ref_key(row[at]) for row in self.rows if at < len(row)}
        return all(ref_key(line.invoice_ref) in refs for line in remittance.lines)


def learn_label(layout: Layout, extracted: str, corrected: str) -> str | None:
    """The label of the column that printed ``corrected`` on the row read as
    ``extracted`` (or, that row not found, on any row); None when the advice
    prints it nowhere (then there is nothing to learn)."""
    want = ref_key(corrected)
    if not want:
        return None
    at = layout.labels.index(layout.chosen) if layout.chosen in layout.labels else -1
    rows = [r for r in layout.rows if 0 <= at < len(r) and ref_key(r[at]) == ref_key(extracted)]
    for row in rows or list(layout.rows):
        for i, text in enumerate(row):
            if i < len(layout.labels) and ref_key(text) == want:
                return layout.labels[i]
    return None


_HINTS: contextvars.ContextVar[Learned | None] = contextvars.ContextVar(
    "learned_templates", default=None)
_LAYOUTS: contextvars.ContextVar[list[Layout] | None] = contextvars.ContextVar(
    "layouts_read", default=None)


def current() -> Learned | None:
    """The learned templates set by :func:`using` around this read, if any."""
    return _HINTS.get()


@contextmanager
def using(learned: Learned | None) -> Iterator[None]:
    """Make ``learned`` the learned templates for the reads inside the block."""
    token = _HINTS.set(learned)
    try:
        yield
    finally:
        _HINTS.reset(token)


@contextmanager
def recording() -> Iterator[list[Layout]]:
    """Collect the layout of every table read inside the block."""
    layouts: list[Layout] = []
    token = _LAYOUTS.set(layouts)
    try:
        yield layouts
    finally:
        _LAYOUTS.reset(token)


def is_recording() -> bool:
    """True inside :func:`recording` (a reader notes its layout only then)."""
    return _LAYOUTS.get() is not None


def record(layout: Layout) -> None:
    """Note a table read (kept only inside :func:`recording`)."""
    layouts = _LAYOUTS.get()
    if layouts is not None:
        layouts.append(layout)
