"""Amount logic in integer minor units: does a payment settle an open item?

:func:`fit` compares what a payer paid on one line (cash, stated discount,
stated deduction) with one open item and says how the amounts relate, as a
:class:`Fit`:

* ``full``: the cash equals the open amount (credit memos: a negative line
  nets a negative item);
* ``discount``: cash + discount = open amount, the discount within the item's
  terms (``discount_pct``), taken by ``discount_date`` + grace days; a
  discount the payer did not state is recognised when the shortfall is exactly
  the terms discount;
* ``deduction``: the payer states a short pay and its reason; the deduction
  stays open as a residual item;
* ``writeoff``: short by no more than the policy tolerance; the difference is
  written off;
* ``overpay``: more than the open amount; the excess goes on account;
* ``partial``: short beyond tolerance with no reason; the rest stays open;
* ``mismatch``: a payment against a credit memo, or a credit against an invoice.

Every fit that clears its item satisfies ``open = applied + discount +
deduction + writeoff``; ``partial`` leaves ``open - applied - discount -
deduction`` open. ``agrees`` says the amounts reconcile (what a fuzzy reference
needs); ``problem`` names what stops an unattended posting (a late or
unfounded discount, a deduction without reason, a partial payment).

:func:`combinations` finds the sets of open items that sum to a payment,
exactly, in integer minor units: a meet-in-the-middle search over subsets of
at most ``max_combination_items`` items that stops at the second solution
(ambiguity) and refuses to start when the subsets would exceed its budget.

Limits: a combination uses each item's full open amount (no discounts or
write-offs inside a combination).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import comb

from bots.cashapp.policy import Policy
from bots.domain import OpenItem

ROUNDING_SLACK = 1  # minor units a payer's own rounding of a discount may differ


@dataclass(frozen=True, slots=True)
class Fit:
    """How one payment line relates to one open item, in minor units."""

    kind: str  # full|discount|deduction|writeoff|overpay|partial|mismatch
    applied: int  # cash applied to the item
    discount: int = 0
    deduction: int = 0
    writeoff: int = 0  # shortfall written off (clears the item)
    on_account: int = 0  # excess cash left on account
    open_rest: int = 0  # left open on the item (partial payments)
    problem: str = ""  # why this must not post unattended ("" when fine)
    late_days: int = 0

    @property
    def agrees(self) -> bool:
        """The amounts reconcile: cleared in full, or short within tolerance."""
        return self.kind in ("full", "discount", "deduction", "writeoff")


def terms_discount(item: OpenItem, amount_minor: int) -> int:
    """The early-payment discount the item's terms grant, in minor units (0 if none)."""
    if not item.discount_pct or amount_minor <= 0:
        return 0
    value = Decimal(amount_minor) * item.discount_pct / 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _discount_problem(item: OpenItem, amount_minor: int, discount: int, paid_on: date | None,
                      policy: Policy) -> tuple[str, int]:
    """(why the discount is not acceptable or "", days late)."""
    allowed = terms_discount(item, amount_minor)
    if not allowed:
        return "no-terms", 0
    if discount > allowed + ROUNDING_SLACK:
        return "too-big", 0
    if item.discount_date is None or paid_on is None:
        return "no-date", 0
    late = (paid_on - item.discount_date).days
    if paid_on > item.discount_date + timedelta(days=policy.discount_grace_days):
        return "late", late
    return "", max(late, 0)


def fit(item: OpenItem, open_minor: int, paid: int, discount: int, deduction: int,
        reason: str | None, paid_on: date | None, policy: Policy) -> Fit:
    """How a line paying ``paid`` (+ stated discount, deduction) settles ``item``."""
    if paid == open_minor and not discount and not deduction:
        return Fit("full", applied=paid)
    if open_minor < 0 or paid < 0:
        if (open_minor < 0) != (paid < 0):
            return Fit("mismatch", applied=paid, problem="sign")
        return Fit("partial", applied=paid, open_rest=open_minor - paid, problem="partial")
    short = open_minor - paid - discount - deduction
    late = 0
    if not discount and not deduction and short > 0:
        allowed = terms_discount(item, open_minor)
        if allowed and abs(short - allowed) <= ROUNDING_SLACK:
            discount, short = short, 0
    problem = ""
    if discount:
        problem, late = _discount_problem(item, open_minor, discount, paid_on, policy)
    if deduction and not problem:
        problem = "" if (reason or "").strip() else "no-reason"
    if short < 0:
        return Fit("overpay", applied=paid + short, discount=discount, deduction=deduction,
                   on_account=-short, problem=problem or ("" if policy.auto_on_account
                                                          else "overpay"), late_days=late)
    if short and short <= policy.writeoff_minor(item.currency, open_minor):
        return Fit("writeoff", applied=paid, discount=discount, deduction=deduction,
                   writeoff=short, problem=problem, late_days=late)
    if short:
        return Fit("partial", applied=paid, discount=discount, deduction=deduction,
                   open_rest=short, problem=problem or "partial", late_days=late)
    if deduction:
        return Fit("deduction", applied=paid, discount=discount, deduction=deduction,
                   problem=problem or ("" if policy.auto_deductions else "deduction"),
                   late_days=late)
    if discount:
        return Fit("discount", applied=paid, discount=discount, problem=problem,
                   late_days=late)
    return Fit("full", applied=paid)


def combinations(values: list[int], target: int, max_items: int, budget: int
                 ) -> tuple[list[tuple[int, ...]], bool]:
    """Up to two index sets of ``values`` (1 to ``max_items`` items) summing to ``target``.

    The bool says whether the search was complete; when it is False no claim of
    uniqueness can be made. Meet in the middle: every set is split into its
    lower ``ceil(k/2)`` indices and the rest, so only subsets of up to
    ``ceil(max_items/2)`` items are enumerated (refused when that is more than
    ``budget``). ``values`` may hold negatives (credit memos).
    """
    # Without credits, an item larger than the payment cannot be part of a set.
    usable = [i for i, v in enumerate(values) if v <= target] \
        if min(values, default=0) >= 0 else list(range(len(values)))
    n, half = len(usable), (max_items + 1) // 2
    if sum(comb(n, k) for k in range(half + 1)) > budget:
        return [], False
    by_sum: dict[int, list[tuple[int, ...]]] = {0: [()]}
    halves: list[tuple[int, tuple[int, ...]]] = []
    level: list[tuple[int, tuple[int, ...]]] = [(0, ())]
    for _ in range(half):  # subsets of 1, 2, ... items, each extended by later items
        level = [(total + values[i], subset + (i,)) for total, subset in level
                 for i in usable if not subset or i > subset[-1]]
        for total, subset in level:
            by_sum.setdefault(total, []).append(subset)
        halves += level
    found: list[tuple[int, ...]] = []
    for total, low in halves:
        for high in by_sum.get(target - total, ()):
            if len(high) in (len(low), len(low) - 1) and (not high or high[0] > low[-1]) \
                    and len(low) + len(high) <= max_items:
                found.append(low + high)
                if len(found) > 1:
                    return found, True
    return found, True
