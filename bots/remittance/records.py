"""What every reader does to a Remittance once it has one: ids, checks, warnings.

Readers build :class:`bots.domain.Remittance` objects; the front door then
calls :func:`finish` on each, which

* gives it its stable id (``stable_id("r", sha256(file bytes), index)``: the same
  bytes always give the same ids, whichever reader read them);
* adds the spec's warnings: lines that do not add up to the stated total,
  amounts with more decimals than the currency has;
* rounds nothing: amounts stay as stated, the JSON writer formats them.

Readers may call :func:`remittance_id` themselves (the PDF reader does), the
front door overwrites it with the same value anyway.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from bots.domain import Remittance, exponent, quantize, stable_id

LINES_DO_NOT_ADD_UP = "lines do not add up to total"


def content_hash(data: bytes) -> str:
    """The sha256 of a file's bytes, hex (what the store records too)."""
    return hashlib.sha256(data).hexdigest()


def remittance_id(data: bytes, index: int) -> str:
    """The stable id of the ``index``-th remittance read from ``data``."""
    return stable_id("r", content_hash(data), index)


def finish(remittance: Remittance, data: bytes, index: int) -> Remittance:
    """Set the stable id and add the standard warnings (in place; returns it)."""
    remittance.id = remittance_id(data, index)
    warn = remittance.warnings
    currency = remittance.currency
    if remittance.total is not None and remittance.lines:
        paid = sum((line.paid_amount for line in remittance.lines), Decimal(0))
        if quantize(paid, currency) != quantize(remittance.total, currency) \
                and LINES_DO_NOT_ADD_UP not in warn:
            warn.append(f"{LINES_DO_NOT_ADD_UP}: lines {paid} vs total {remittance.total}")
    amounts = [remittance.total] + [line.paid_amount for line in remittance.lines]
    if any(a is not None and _too_precise(a, currency) for a in amounts):
        warn.append(f"amounts with more than {exponent(currency)} decimals for {currency} "
                    "are rounded half-up in the output")
    return remittance


def _too_precise(amount: Decimal, currency: str) -> bool:
    return quantize(amount, currency) != amount
