"""Amount logic in integer minor units: does a payment settle an open item, and how?

:func:`fit` compares what a payer paid on one line (cash, stated discount,
stated deduction and its reason) with one open item, under the threshold
table of the item's company code (:class:`~bots.cashapp.policy.Limits`), and
says how the amounts relate and what the posting does to the item, as a
:class:`Fit` with a :class:`~bots.domain.Treatment`:

* ``full``: the cash equals the open amount (credit memos: a negative line
  nets a negative item): ``clear``;
* ``discount``: cash + discount = open amount, the discount within the item's
  terms (``discount_pct``), taken by ``discount_date`` + grace days; a
  discount the payer did not state is recognised when the shortfall is exactly
  the terms discount: ``clear``;
* ``unearned``: a discount taken after the discount date, or without terms:
  not granted; it stays open as a residual item (reason ``UNEARNED_DISCOUNT``):
  ``residual``;
* ``deduction``: the payer states a deduction (with a reason, or an amount that
  explains the difference exactly); it stays open as a residual item with the
  reason's key (:mod:`bots.cashapp.reasons`): ``residual``;
* ``writeoff``: short, unexplained, by no more than ``write_off_max`` (and its
  percent): ``write_off`` (or ``residual``, as ``short_within_tolerance`` says);
* ``partial``: short beyond the tolerance without a deduction, or stated as a
  partial payment: the rest stays open on the item, ``partial`` (or a
  ``residual``, as ``short_pay`` says);
* ``overpay``: more than the open amount; the item is cleared and the excess
  goes on account;
* ``mismatch``: a payment against a credit memo, or a credit against an invoice.

Every fit that clears its item satisfies ``open = applied + discount +
deduction + writeoff``; ``partial`` leaves ``open_rest`` open. ``agrees`` says
the amounts reconcile (what a fuzzy reference needs); ``problem`` names what
stops an unattended posting: a discount that cannot be checked, a sign
mismatch, a deduction that does not explain the whole difference, a residual
above ``auto_residual_max`` or from ``dispute_min`` on (unless the table's
``dispute_cases`` is on: then such a residual posts and a dispute case takes
it), or a treatment the policy does not post unattended.

:func:`combinations` finds the sets of open items that sum to a payment,
exactly, in integer minor units: a meet-in-the-middle search over subsets of
at most ``max_combination_items`` items that stops after ``limit`` solutions
(ambiguity) and refuses to start when the subsets would exceed its budget.

Limits: inside a combination an item counts with its full open amount, or
net of its terms discount when that is earned on the payment date; a
difference within tolerance is only recognised on a single item (a tolerance
on a sum would let too many sets fit).
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import comb
from typing import NamedTuple

from bots.cashapp.policy import Limits, Policy
from bots.cashapp.reasons import classify
from bots.domain import OpenItem, Treatment, exponent, to_minor

ROUNDING_SLACK = 1  # minor units a payer's own rounding of a discount may differ
UNEARNED_DISCOUNT = "UNEARNED_DISCOUNT"
SHORT_PAY = "SHORT_PAY"
WRITE_OFF = "WRITE_OFF"


places = functools.cache(exponent)  # a currency's decimals, looked up once per currency


def minor(amount: Decimal, currency: str) -> int:
    """:func:`~bots.domain.to_minor` of a Decimal, at the cost of one shift when the amount
    has no more decimals than its currency (an amount read from a file always has)."""
    shifted = amount.scaleb(places(currency))
    whole = int(shifted)
    return whole if whole == shifted else to_minor(amount, currency)


def major(value: int, currency: str) -> Decimal:
    """:func:`~bots.domain.from_minor`: minor units as a Decimal with the currency's
    decimals (``1234, "USD"`` -> ``12.34``), without its second rounding step."""
    return Decimal(value).scaleb(-places(currency))


class Terms(NamedTuple):
    """What :func:`fit` reads of an open item besides its open amount (an
    :class:`~bots.domain.OpenItem` has the same fields, and serves as well)."""

    company_code: str
    currency: str
    discount_pct: Decimal | None
    discount_date: date | None


class Fit(NamedTuple):
    """How one payment line relates to one open item, in minor units (a tuple: a
    matching run makes hundreds of thousands)."""

    kind: str  # full|discount|unearned|deduction|writeoff|overpay|partial|mismatch
    applied: int  # cash applied to the item
    discount: int = 0  # discount granted
    deduction: int = 0  # left open as a residual item (includes `unearned`)
    writeoff: int = 0  # shortfall written off (clears the item)
    on_account: int = 0  # excess cash left on account
    open_rest: int = 0  # left open on the item (partial payments)
    problem: str = ""  # why this must not post unattended ("" when fine)
    late_days: int = 0
    treatment: Treatment = Treatment.CLEAR
    reason_key: str = ""  # the cause of the residual or write-off (bots.cashapp.reasons)
    unearned: int = 0  # of `deduction`: a discount taken without right

    @property
    def agrees(self) -> bool:
        """The amounts reconcile: cleared in full, less an explained or tolerated difference."""
        return self.kind in ("full", "discount", "unearned", "deduction", "writeoff")


def terms_discount(item: Terms | OpenItem, amount_minor: int) -> int:
    """The early-payment discount the item's terms grant, in minor units (0 if none)."""
    if not item.discount_pct or amount_minor <= 0:
        return 0
    value = Decimal(amount_minor) * item.discount_pct / 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _discount(item: Terms | OpenItem, open_minor: int, discount: int, paid_on: date | None,
              policy: Policy) -> tuple[int, int, str, int]:
    """(discount granted, unearned part, problem, days late) of a discount taken."""
    allowed = terms_discount(item, open_minor)
    if not allowed:
        return 0, discount, "", 0  # no terms: nothing was earned
    if item.discount_date is None or paid_on is None:
        return discount, 0, "no-date", 0
    late = (paid_on - item.discount_date).days
    if paid_on > item.discount_date + timedelta(days=policy.discount_grace_days):
        return 0, discount, "", late
    granted = min(discount, allowed + ROUNDING_SLACK)
    return granted, discount - granted, "", max(late, 0)


def fit(item: Terms | OpenItem, open_minor: int, paid: int, discount: int, deduction: int,
        reason: str | None, paid_on: date | None, policy: Policy) -> Fit:
    """How a line paying ``paid`` (+ stated discount, deduction) settles ``item``."""
    if paid == open_minor and not discount and not deduction:
        return Fit("full", applied=paid)
    if open_minor < 0 or paid < 0:
        if (open_minor < 0) != (paid < 0):
            return Fit("mismatch", applied=paid, problem="sign")
        return Fit("partial", applied=paid, open_rest=open_minor - paid, problem="partial",
                   treatment=Treatment.PARTIAL)
    limits = policy.for_company(item.company_code)
    key = classify(reason, policy.reason_synonyms) if deduction or reason else ""
    if key == "DISCOUNT":  # "2% Skonto" as a deduction: a discount, checked as one
        discount, deduction, key = discount + deduction, 0, ""
    stated_partial = key == "PARTIAL"
    if stated_partial:
        deduction, key = 0, ""
    short = open_minor - paid - discount - deduction
    if not discount and not deduction and short > 0:
        allowed = terms_discount(item, open_minor)
        if allowed and abs(short - allowed) <= ROUNDING_SLACK:
            discount, short = short, 0
    problem, late, unearned = "", 0, 0
    if discount:
        discount, unearned, problem, late = _discount(item, open_minor, discount, paid_on,
                                                      policy)
    if deduction and not key:
        key = "DEDUCTION"  # stated without a reason: its amount explains the difference
    if unearned and not deduction:
        key = UNEARNED_DISCOUNT
    residual = deduction + unearned
    cur = item.currency
    kind = "unearned" if unearned and not deduction else "deduction" if residual else \
        "discount" if discount else "full"
    if short < 0:
        if discount or residual:  # a payer paying more does not also deduct
            problem = problem or "overstated"
        return _checked(Fit("overpay", applied=paid + short, discount=discount,
                            deduction=residual, on_account=-short, problem=problem,
                            late_days=late, reason_key=key, unearned=unearned,
                            treatment=Treatment.RESIDUAL if residual else Treatment.CLEAR),
                        limits, cur)
    writeoff = open_rest = 0
    if short and short <= limits.write_off_minor(cur, open_minor) and not stated_partial:
        if limits.short_within_tolerance == "residual":
            residual, key = residual + short, key or SHORT_PAY
            kind = "deduction" if kind in ("full", "discount") else kind
        else:
            writeoff, key = short, key or WRITE_OFF
            kind = "writeoff" if kind in ("full", "discount") else kind
    elif short and residual:
        problem = problem or "unexplained-rest"  # the deduction explains only part
        kind, open_rest = "partial", short
    elif short and limits.short_pay == "residual" and not stated_partial:
        residual, key, kind = short, SHORT_PAY, "deduction"
    elif short:
        kind, open_rest = "partial", short
        problem = problem or ("" if limits.auto_partial else "partial")
    treatment = Treatment.PARTIAL if kind == "partial" else Treatment.RESIDUAL if residual \
        else Treatment.WRITE_OFF if writeoff else Treatment.CLEAR
    return _checked(Fit(kind, applied=paid, discount=discount, deduction=residual,
                        writeoff=writeoff, open_rest=open_rest, problem=problem,
                        late_days=late, treatment=treatment, reason_key=key,
                        unearned=unearned), limits, cur)


def _checked(f: Fit, limits: Limits, currency: str) -> Fit:
    """``f`` with the threshold table's objection to its residual, if any."""
    if f.problem or not f.deduction or f.kind == "partial":
        return f
    disputed = f.deduction >= limits.dispute_floor(currency)
    if disputed and not limits.dispute_cases:
        problem = "dispute"
    elif f.deduction > limits.residual_cap(currency) and not disputed:
        problem = "residual-limit"
    elif not limits.auto_deductions:
        problem = "deduction"
    else:
        return f
    return f._replace(problem=problem)


def combinations(values: list[int], target: int, max_items: int, budget: int, limit: int = 2,
                 owners: list[int] | None = None) -> tuple[list[tuple[int, ...]], bool]:
    """Up to ``limit`` index sets of ``values`` (1 to ``max_items`` items) summing to ``target``.

    ``owners`` (one per value) says which values are variants of one item (its
    full amount, its amount net of a discount): a set takes at most one of them.

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
    owner = owners or list(range(len(values)))
    by_sum: dict[int, list[tuple[int, ...]]] = {0: [()]}
    halves: list[tuple[int, tuple[int, ...]]] = []
    level: list[tuple[int, tuple[int, ...]]] = [(0, ())]
    for _ in range(half):  # subsets of 1, 2, ... items, each extended by later items
        level = [(total + values[i], subset + (i,)) for total, subset in level
                 for i in usable if not subset or (i > subset[-1] and all(
                     owner[j] != owner[i] for j in subset))]
        for total, subset in level:
            by_sum.setdefault(total, []).append(subset)
        halves += level
    found: list[tuple[int, ...]] = []
    for total, low in halves:
        for high in by_sum.get(target - total, ()):
            if len(high) in (len(low), len(low) - 1) and (not high or high[0] > low[-1]) \
                    and len(low) + len(high) <= max_items and \
                    not {owner[i] for i in low} & {owner[i] for i in high}:
                found.append(low + high)
                if len(found) >= limit:
                    return found, True
    return found, True
