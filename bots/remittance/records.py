"""What every reader does to a Remittance once it has one: ids, checks, warnings.

Readers build :class:`bots.domain.Remittance` objects; the front door then
calls :func:`finish` on each, which

* gives it its stable id (``stable_id("r", sha256(file bytes), index)``: the same
  bytes always give the same ids, whichever reader read them);
* refuses amounts the interchange cannot carry (:func:`~bots.remittance.values.check_amount`:
  more than 18 digits, more decimals than the currency has, not finite), raising
  :class:`~bots.remittance.values.AmountOutOfRange` for the whole document;
* writes every amount with its currency's decimals: a zero a reader filled in
  (``0.00``) is the currency's zero (``0`` yen), and ``1937870.00`` printed by
  an ERP for yen is ``1937870`` (only a real fraction of a yen is refused);
* strips bidi controls and zero-width characters from references and names;
* adds the spec's warnings: lines that do not add up to the stated total, a
  negative total (a payment advice with a negative total is not a payment),
  the notes the reader made (impossible dates), the invisible characters removed;
* rounds nothing: an amount is only re-written when it keeps its value.

Readers may call :func:`remittance_id` themselves (the PDF reader does), the
front door overwrites it with the same value anyway.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from bots.domain import Remittance, quantize, stable_id
from bots.remittance.values import check_amount, clean_text

LINES_DO_NOT_ADD_UP = "lines do not add up to total"
NEGATIVE_TOTAL = "negative total: a payment advice with a negative total is not a payment"
_TEXT_FIELDS = ("payer_name", "payer_account", "payment_ref")
_LINE_TEXT_FIELDS = ("invoice_ref", "po_number", "deduction_reason")
_AMOUNT_FIELDS = ("paid_amount", "gross_amount", "discount", "deduction")


@functools.lru_cache(maxsize=1)  # once per file, not per remittance of a bank statement
def content_hash(data: bytes) -> str:
    """The sha256 of a file's bytes, hex (what the store records too)."""
    return hashlib.sha256(data).hexdigest()


def remittance_id(data: bytes, index: int) -> str:
    """The stable id of the ``index``-th remittance read from ``data``."""
    return stable_id("r", content_hash(data), index)


def finish(remittance: Remittance, data: bytes, index: int,
           notes: Iterable[str] = ()) -> Remittance:
    """Set the stable id, check the amounts, clean the text, add the standard warnings.

    Works in place and returns ``remittance``; raises AmountOutOfRange (an
    ExtractError) when an amount is out of range. ``notes`` are the reader's
    notes on the document (:func:`bots.remittance.values.collecting_notes`).
    """
    remittance.id = remittance_id(data, index)
    currency = remittance.currency
    check_amounts(remittance)
    _at_currency_decimals(remittance)
    warn = remittance.warnings
    warn.extend(n for n in notes if n not in warn)
    _clean_texts(remittance)
    if remittance.total is not None and remittance.total < 0 and NEGATIVE_TOTAL not in warn:
        warn.append(NEGATIVE_TOTAL)
    if remittance.total is not None and remittance.lines:
        paid = sum((line.paid_amount for line in remittance.lines), Decimal(0))
        if quantize(paid, currency) != quantize(remittance.total, currency) \
                and LINES_DO_NOT_ADD_UP not in warn:
            warn.append(f"{LINES_DO_NOT_ADD_UP}: lines {paid} vs total {remittance.total}")
    return remittance


def check_amounts(remittance: Remittance) -> None:
    """Every amount of ``remittance`` within the interchange's range, else AmountOutOfRange."""
    currency = remittance.currency
    if remittance.total is not None:
        check_amount(remittance.total, currency, "total")
    for n, line in enumerate(remittance.lines):
        for name in _AMOUNT_FIELDS:
            value = getattr(line, name)
            if value is not None:
                check_amount(value, currency, f"lines[{n}].{name}")


def _at_currency_decimals(remittance: Remittance) -> None:
    """Every amount written with the currency's decimals (exact: they passed check_amounts)."""
    currency = remittance.currency
    if remittance.total is not None:
        remittance.total = quantize(remittance.total, currency)
    for line in remittance.lines:
        for name in _AMOUNT_FIELDS:
            value = getattr(line, name)
            if value is not None:
                setattr(line, name, quantize(value, currency))


def _clean_texts(remittance: Remittance) -> None:
    """Strip invisible characters from references and names, with one warning each."""
    targets: list[tuple[object, str, str]] = [(remittance, name, name)
                                              for name in _TEXT_FIELDS]
    targets += [(line, name, f"lines[{n}].{name}") for n, line in enumerate(remittance.lines)
                for name in _LINE_TEXT_FIELDS]
    for obj, name, label in targets:
        value = getattr(obj, name)
        if not value:
            continue
        cleaned, changed = clean_text(value)
        if changed:
            setattr(obj, name, cleaned)
            remittance.warnings.append(f"bidi or zero-width characters removed from {label} "
                                       f"{cleaned!r}")
