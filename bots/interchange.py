"""Values of the public interchange files, read strictly (``../shared/spec/interchange.md``).

The CSV files of ``arbots match`` and the JSON Lines of ``arbots extract``
share one way of writing values: amounts as decimal strings with a dot (never a
JSON number: a float may already have lost cents), dates as ISO
``YYYY-MM-DD``, currencies as ISO 4217 codes. These readers turn one value
into its type or raise :class:`FieldError` naming the field and what is wrong::

    >>> field_amount("1234.50", "total", "USD")
    Decimal('1234.50')
    >>> try:
    ...     field_amount("12.5", "total", "JPY")
    ... except FieldError as exc:
    ...     print(exc)
    total: '12.5' has more decimals than JPY allows

Amounts have no exponent notation and at most :data:`MAX_DIGITS` digits
(spec v1.2: "amount out of range")::

    >>> try:
    ...     field_amount("1e309", "total", "USD")
    ... except FieldError as exc:
    ...     print(exc)
    total: '1e309' amount out of range (a decimal string with a dot, at most 18 digits)
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bots.domain import quantize

#: Digits an amount may have in all (ISO 20022: 18).
MAX_DIGITS = 18
_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class FieldError(ValueError):
    """One value of an interchange file is wrong; the message names the field."""


def field_amount(value: Any, field: str, currency: str) -> Decimal:
    """A decimal string with a dot, with no more decimals than ``currency`` has."""
    if isinstance(value, float):
        raise FieldError(f"{field}: {value!r} is a JSON number; amounts are decimal strings")
    if not isinstance(value, str):
        raise FieldError(f"{field}: expected a decimal string, got {value!r}")
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        try:
            Decimal(text)
        except InvalidOperation:
            raise FieldError(f"{field}: {value!r} is not a decimal with a dot") from None
        raise FieldError(f"{field}: {value!r} amount out of range (a decimal string with a "
                         f"dot, at most {MAX_DIGITS} digits)")
    amount = Decimal(text)
    if len(amount.as_tuple().digits) > MAX_DIGITS:
        raise FieldError(f"{field}: {value!r} amount out of range (more than {MAX_DIGITS} "
                         "digits)")
    if quantize(amount, currency) != amount:
        raise FieldError(f"{field}: {value!r} has more decimals than {currency} allows")
    return amount


def field_date(value: Any, field: str, required: bool = True) -> date | None:
    """An ISO date (``YYYY-MM-DD``); None for an empty optional one."""
    if value in (None, ""):
        if required:
            raise FieldError(f"{field}: is required")
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def field_currency(value: Any) -> str:
    """An ISO 4217 code, upper case."""
    text = str(value or "").strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise FieldError(f"currency: {value!r} is not an ISO 4217 code")
    return text
