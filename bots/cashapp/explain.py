"""The one sentence that explains a match to an AR specialist.

Every proposal carries a reason built the same way::

    Invoice 90012345 of ACME Corp. paid in full: reference matches exactly,
    amount 10,290.00 USD agrees after the 2% discount within terms.

that is *what* (document and customer), *outcome* (paid in full, paid short,
partly paid, overpaid, netted), *why this item* (the reference evidence from
the rule) and *what is off* (the amount clause from :class:`~bots.cashapp.amounts.Fit`),
then, when a person must look, ``review:`` and the cause.

Amounts are printed with thousands separators and the currency's decimals.
"""

from __future__ import annotations

from decimal import Decimal

from bots.cashapp.amounts import Fit
from bots.domain import OpenItem, from_minor


def money(minor: int, currency: str) -> str:
    """``1029000, "USD"`` -> ``"10,290.00 USD"``."""
    return f"{from_minor(minor, currency):,} {currency}"


def percent(value: Decimal | None) -> str:
    """``Decimal("2.000")`` -> ``"2%"``."""
    if value is None:
        return "?%"
    return f"{value.normalize():f}%"


def document(item: OpenItem) -> str:
    """``Invoice 90012345`` or ``Credit memo 5100000042``."""
    kind = "Credit memo" if item.amount < 0 else "Invoice"
    return f"{kind} {item.invoice_ref or item.document_no}"


DISCOUNT_PROBLEMS = frozenset({"no-terms", "too-big", "no-date", "late"})
_OUTCOME = {"full": "paid in full", "discount": "paid in full", "writeoff": "paid in full",
            "deduction": "paid short", "overpay": "overpaid", "partial": "partly paid",
            "mismatch": "not settled"}


def _discount_clause(fit: Fit, item: OpenItem, cur: str) -> str:
    d = money(fit.discount, cur)
    pct = percent(item.discount_pct)
    if fit.problem == "no-terms":
        return f"a discount of {d} was taken although the invoice has no discount terms"
    if fit.problem == "too-big":
        return f"the discount of {d} is more than the {pct} terms allow"
    if fit.problem == "no-date":
        return f"the {pct} discount of {d} cannot be checked without a payment date"
    if fit.problem == "late":
        return (f"the {pct} discount of {d} was taken {fit.late_days} days after the "
                f"discount date {item.discount_date}")
    return f"after the {pct} discount within terms"


def amount_clause(fit: Fit, item: OpenItem, open_minor: int,
                  deduction_reason: str | None = None) -> str:
    """What the amounts say, e.g. ``amount 10,290.00 USD agrees after the 2% discount ...``."""
    cur = item.currency
    paid = money(fit.applied, cur)
    parts = []
    if fit.kind == "mismatch":
        parts.append(f"{money(fit.applied, cur)} paid against {money(open_minor, cur)} open, "
                     "which cannot settle it")
    elif fit.kind == "partial":
        parts.append(f"{money(fit.applied, cur)} paid of {money(open_minor, cur)} open, "
                     f"{money(fit.open_rest, cur)} would stay open")
    elif fit.kind == "overpay":
        parts.append(f"{money(fit.on_account, cur)} more than the open amount was paid, "
                     "the excess goes on account")
    elif fit.kind == "deduction" or fit.problem in DISCOUNT_PROBLEMS:
        parts.append(f"{paid} paid")
    else:
        parts.append(f"amount {paid} agrees")
    if fit.discount:
        clause = _discount_clause(fit, item, cur)
        if fit.problem in DISCOUNT_PROBLEMS:
            parts.append(clause)
        else:
            parts[0] += " " + clause
    if fit.deduction:
        reason = (deduction_reason or "").strip()
        parts.append(f"{money(fit.deduction, cur)} deducted "
                     + (f"for {reason} and left open as a residual item" if reason
                        else "without a reason"))
    if fit.writeoff:
        parts.append(f"{money(fit.writeoff, cur)} short, written off within tolerance")
    return ", ".join(parts)


def sentence(item: OpenItem, customer_name: str, fit: Fit, open_minor: int, evidence: str,
             reasons_for_review: list[str], deduction_reason: str | None = None) -> str:
    """The reason of one proposal (see the module docstring)."""
    outcome = "netted" if item.amount < 0 and fit.kind == "full" else \
        "paid less a discount" if fit.problem in DISCOUNT_PROBLEMS else _OUTCOME[fit.kind]
    clause = amount_clause(fit, item, open_minor, deduction_reason)
    text = f"{document(item)} of {customer_name} {outcome}: {evidence}, {clause}"
    if reasons_for_review:
        text += "; review: " + "; ".join(reasons_for_review)
    return text + "."
