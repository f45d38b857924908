"""The one sentence that explains a match to an AR specialist.

Every proposal carries a reason built the same way::

    Invoice 90012345 of ACME Corp. paid in full: reference matches exactly,
    amount 10,290.00 USD agrees after the 2% discount within terms.

that is *what* (document and customer), *outcome* (paid in full, paid short,
partly paid, overpaid, netted), *why this item* (the reference evidence from
the rule) and *what is off* (the amount clause from :class:`~bots.cashapp.amounts.Fit`),
then, when a person must look, ``review:`` and the cause. Cash put on the
customer's account instead of an invoice gets its own sentence
(:func:`on_account_sentence`): how much, whose account, and why.

Amounts are printed with thousands separators and the currency's decimals.
"""

from __future__ import annotations

from decimal import Decimal

from bots.cashapp.amounts import Fit, Terms
from bots.cashapp.policy import Limits
from bots.domain import OpenItem, exponent


def money(minor: int, currency: str) -> str:
    """``1029000, "USD"`` -> ``"10,290.00 USD"`` (formatted from the integer, no Decimal)."""
    exp = exponent(currency)
    whole, fraction = divmod(abs(minor), 10 ** exp)
    sign = "-" if minor < 0 else ""
    return f"{sign}{whole:,}.{fraction:0{exp}d} {currency}" if exp else \
        f"{sign}{whole:,} {currency}"


def percent(value: Decimal | None) -> str:
    """``Decimal("2.000")`` -> ``"2%"``."""
    if value is None:
        return "?%"
    return f"{value.normalize():f}%"


def document(label: str, open_minor: int) -> str:
    """``Invoice 90012345`` or ``Credit memo 5100000042`` (a negative open amount)."""
    return f"{'Credit memo' if open_minor < 0 else 'Invoice'} {label}"


DISCOUNT_PROBLEMS = frozenset({"no-date"})
_OUTCOME = {"full": "paid in full", "discount": "paid in full", "writeoff": "paid in full",
            "unearned": "paid short", "deduction": "paid short", "overpay": "overpaid",
            "partial": "partly paid", "mismatch": "not settled"}


def _discount_clause(fit: Fit, item: Terms | OpenItem, cur: str) -> str:
    d = money(fit.discount, cur)
    pct = percent(item.discount_pct)
    if fit.problem == "no-date":
        return f"the {pct} discount of {d} cannot be checked without a payment date"
    return f"after the {pct} discount within terms"


def _unearned_clause(fit: Fit, item: Terms | OpenItem, cur: str) -> str:
    d = money(fit.unearned, cur)
    if not item.discount_pct:
        return (f"a discount of {d} was taken although the invoice has no discount terms "
                "and is left open as a residual item")
    return (f"the {percent(item.discount_pct)} discount of {d} was taken {fit.late_days} days "
            f"after the discount date {item.discount_date}, is not granted and is left open "
            "as a residual item")


def _deduction_clause(fit: Fit, cur: str, deduction_reason: str | None) -> str:
    amount = money(fit.deduction - fit.unearned, cur)
    reason = (deduction_reason or "").strip()
    if fit.reason_key == "SHORT_PAY":
        return f"{amount} short, left open as a residual item"
    if reason:
        return f"{amount} deducted for {reason} and left open as a residual item"
    return (f"{amount} deducted without a reason, which explains the difference exactly, "
            "and left open as a residual item")


def amount_clause(fit: Fit, item: Terms | OpenItem, open_minor: int,
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
                     f"{money(fit.open_rest, cur)} stays open on the invoice")
    elif fit.kind == "overpay":
        parts.append(f"{money(fit.on_account, cur)} more than the open amount was paid, "
                     "the excess goes on account")
    elif fit.deduction or fit.problem in DISCOUNT_PROBLEMS:
        parts.append(f"{paid} paid")
    else:
        parts.append(f"amount {paid} agrees")
    if fit.discount:
        clause = _discount_clause(fit, item, cur)
        if fit.problem in DISCOUNT_PROBLEMS:
            parts.append(clause)
        else:
            parts[0] += " " + clause
    if fit.unearned:
        parts.append(_unearned_clause(fit, item, cur))
    if fit.deduction > fit.unearned:
        parts.append(_deduction_clause(fit, cur, deduction_reason))
    if fit.writeoff:
        parts.append(f"{money(fit.writeoff, cur)} short, written off within tolerance")
    return ", ".join(parts)


def problem_caveat(fit: Fit, currency: str, limits: Limits) -> str:
    """Why a person must look at ``fit``, when its amount clause does not already say so."""
    if not fit.problem:
        return ""
    residual = money(fit.deduction, currency)
    if fit.problem == "partial":
        return "the policy reviews partial payments"
    if fit.problem == "unexplained-rest":
        return (f"the deduction explains only part of the difference, "
                f"{money(fit.open_rest, currency)} stays unexplained")
    if fit.problem == "dispute":
        return (f"a residual of {residual} reaches the dispute threshold of "
                f"{money(limits.dispute_floor(currency), currency)}")
    if fit.problem == "residual-limit":
        return (f"a residual of {residual} is above the limit for unattended residuals of "
                f"{money(limits.residual_cap(currency), currency)}")
    if fit.problem == "deduction":
        return "the policy reviews every deduction"
    if fit.problem == "overstated":
        return "the payment is more than the open amount although it takes a discount or deduction"
    return ""


def sentence(item: Terms | OpenItem, label: str, customer_name: str, fit: Fit, open_minor: int,
             evidence: str, reasons_for_review: list[str],
             deduction_reason: str | None = None) -> str:
    """The reason of one proposal (see the module docstring): the item's terms, its
    ``label`` (invoice reference, else document number) and open amount."""
    outcome = "netted" if open_minor < 0 and fit.kind == "full" else \
        "paid less a discount" if fit.problem in DISCOUNT_PROBLEMS else _OUTCOME[fit.kind]
    clause = amount_clause(fit, item, open_minor, deduction_reason)
    text = f"{document(label, open_minor)} of {customer_name} {outcome}: {evidence}, {clause}"
    if reasons_for_review:
        text += "; review: " + "; ".join(reasons_for_review)
    return text + "."


def on_account_sentence(amount: str, customer_name: str, why: str,
                        reasons_for_review: list[str]) -> str:
    """The reason of an on-account row: ``50.00 USD put on account of ACME Corp.: <why>.``"""
    text = f"{amount} put on account of {customer_name}: {why}"
    if reasons_for_review:
        text += "; review: " + "; ".join(reasons_for_review)
    return text + "."
