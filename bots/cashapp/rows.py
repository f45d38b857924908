"""The proposal rows of a batch, held compactly: cells for the file, objects on demand.

A million open items give some 300,000 proposal rows. A
:class:`~bots.domain.Proposal` (a frozen dataclass with three ``Decimal``
amounts) costs several times what its row costs as a tuple, and ``arbots
match`` only writes the rows out. :class:`ProposalRows` keeps each row as a
:class:`Row` (amounts in integer minor units, with the currency) and is a
``Sequence[Proposal]``: ``rows[n]`` makes the proposal the first time it is
asked for and keeps it, so callers that read proposals get the same objects
as before, and the writer formats the cells straight from the rows (the reason
sentence too: it is formatted when it is read, see :func:`text`)::

    >>> from bots.domain import Decision, Treatment
    >>> rows = ProposalRows([Row("r-1", 0, "0000100042", "1800000123", "2026", "001", "USD",
    ...                         1029000, Decision.AUTO, 0.98, "exact-ref", "Invoice ...",
    ...                         Treatment.CLEAR, discount=21000, deduction=0)])
    >>> rows[0].applied_amount, rows[0].discount_amount, rows.cells(rows.rows[0])[6:9]
    (Decimal('10290.00'), Decimal('210.00'), ['10290.00', '210.00', '0.00'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import NamedTuple, overload

from bots.cashapp.amounts import major, places
from bots.domain import Decision, Proposal, Treatment


class Row(NamedTuple):
    """One proposal row: :class:`~bots.domain.Proposal`'s fields, amounts in minor units."""

    remittance_id: str
    line_index: int | None
    customer: str
    document_no: str
    fiscal_year: str
    line_item: str
    currency: str
    applied: int
    decision: Decision
    confidence: float
    rule: str
    reason: str | Callable[[], str]  # or what formats it: see text()
    treatment: Treatment
    discount: int | None = None  # None: not stated (an on-account row), written as 0
    deduction: int | None = None
    reason_code: str = ""
    alternative: str = ""


def text(reason: str | Callable[[], str]) -> str:
    """A row's reason: the engine leaves a sentence unformatted (a ``functools.partial`` of
    :func:`~bots.cashapp.explain.sentence`) until a writer or a reader of the proposal
    asks for it, so that writing can share the work between processes."""
    return reason if isinstance(reason, str) else reason()


def plain(minor: int | None, currency: str) -> str:
    """Minor units as the file writes an amount (``-1250, "USD"`` -> ``"-12.50"``), the
    text of ``format(major(minor, currency), "f")``; ``"0"`` for None (an amount the row
    does not state). ``str`` of such a Decimal never takes the exponent form: its
    exponent is minus the currency's decimals, at most 3."""
    if minor is None:
        return "0"
    return str(Decimal(minor).scaleb(-places(currency)))


class ProposalRows(Sequence[Proposal]):
    """The rows of a batch as a ``Sequence[Proposal]`` (see the module docstring)."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self._made: list[Proposal | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, n: int) -> Proposal: ...

    @overload
    def __getitem__(self, n: slice) -> list[Proposal]: ...

    def __getitem__(self, n: int | slice) -> Proposal | list[Proposal]:
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        made = self._made[n]
        if made is None:
            made = self._made[n] = _proposal(self.rows[n])
        return made

    def __repr__(self) -> str:
        return f"ProposalRows({list(self)!r})"

    @staticmethod
    def cells(row: Row) -> list[str]:
        """The cells of ``row`` in the order of the proposals file (not formula-guarded)."""
        cur = row.currency
        return [row.remittance_id, "" if row.line_index is None else str(row.line_index),
                row.customer, row.document_no, row.fiscal_year, row.line_item,
                plain(row.applied, cur), plain(row.discount, cur), plain(row.deduction, cur),
                row.decision.value, f"{row.confidence:.2f}", row.rule, text(row.reason),
                row.treatment.value, row.reason_code, row.alternative]


def _proposal(row: Row) -> Proposal:
    cur = row.currency
    return Proposal(
        remittance_id=row.remittance_id, line_index=row.line_index, customer=row.customer,
        document_no=row.document_no, fiscal_year=row.fiscal_year, line_item=row.line_item,
        applied_amount=major(row.applied, cur), decision=row.decision,
        confidence=row.confidence, rule=row.rule, reason=text(row.reason),
        discount_amount=_ZERO if row.discount is None else major(row.discount, cur),
        deduction_amount=_ZERO if row.deduction is None else major(row.deduction, cur),
        treatment=row.treatment, reason_code=row.reason_code, alternative=row.alternative)


_ZERO = Decimal("0")  # Proposal's default amount
