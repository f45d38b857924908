"""Reading amounts and dates as payers print them.

Every remittance format funnels its printed numbers through these two
functions, so ``1,234.56``, ``1.234,56``, ``$1,234.56``, ``(25.00)``,
``25.00-``, ``USD 1 234,56`` and ``1'234.56`` all become ``Decimal``::

    >>> parse_amount("(1,234.50)")
    Decimal('-1234.50')
    >>> parse_amount("1.234,56 EUR")
    Decimal('1234.56')
    >>> parse_date("04/12/2026")          # US first unless told otherwise
    datetime.date(2026, 4, 12)
    >>> parse_date("12.04.2026")
    datetime.date(2026, 4, 12)

Limits: a lone separator followed by exactly three digits (``1,234`` or
``1.234``) is read as a thousands separator unless ``decimal`` says otherwise;
two-digit years are taken as 20xx. Both functions raise :class:`ValueError`
naming the text they could not read; ``try_amount``/``try_date`` return None.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_CURRENCY_NOISE = re.compile(r"[A-Za-z$€£¥₹\s\u00a0']+")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def parse_amount(text: str, decimal: str | None = None) -> Decimal:
    """A printed amount as Decimal; ``decimal`` forces the decimal mark ('.' or ',')."""
    raw = text.strip()
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1]
    raw = raw.strip()
    if raw.endswith("-"):
        negative, raw = True, raw[:-1]
    if raw.upper().endswith(("CR", "DR")):
        negative, raw = raw.upper().endswith("CR") or negative, raw[:-2]
    raw = _CURRENCY_NOISE.sub("", raw)
    if raw.startswith("-"):
        negative, raw = True, raw[1:]
    elif raw.startswith("+"):
        raw = raw[1:]
    if not raw or not re.fullmatch(r"[\d.,]+", raw) or not any(c.isdigit() for c in raw):
        raise ValueError(f"not an amount: {text!r}")
    mark = decimal or _decimal_mark(raw)
    thousands = "," if mark == "." else "."
    body = raw.replace(thousands, "")
    if body.count(mark) > 1:
        raise ValueError(f"not an amount: {text!r}")
    body = body.replace(mark, ".")
    try:
        value = Decimal(body)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    return -value if negative else value


def _decimal_mark(raw: str) -> str:
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    sep = "." if last_dot >= 0 else "," if last_comma >= 0 else "."
    pos = max(last_dot, last_comma)
    if pos < 0:
        return "."
    digits_after = len(raw) - pos - 1
    if raw.count(sep) > 1:  # 1,234,567 or 1.234.567
        return "," if sep == "." else "."
    if digits_after == 3:  # 1,234 / 1.234: grouping
        return "," if sep == "." else "."
    return sep


def try_amount(text: str | None, decimal: str | None = None) -> Decimal | None:
    """Like :func:`parse_amount`, but None for empty or unreadable text."""
    if text is None or not str(text).strip():
        return None
    try:
        return parse_amount(str(text), decimal)
    except ValueError:
        return None


def parse_date(text: str, day_first: bool = False) -> date:
    """A printed date (ISO, US m/d/y, EU d.m.y, ``12 Apr 2026``, ``20260412``)."""
    raw = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", raw)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]), text)
    m = re.fullmatch(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})", raw)
    if m:
        a, sep, b, y = int(m[1]), m[2], int(m[3]), _year(m[4])
        if sep == "." or day_first or a > 12:
            return _date(y, b, a, text)
        return _date(y, a, b, text)
    m = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -,]*(\d{2}|\d{4})", raw)
    if m and m[2].lower() in _MONTHS:
        return _date(_year(m[3]), _MONTHS[m[2].lower()], int(m[1]), text)
    m = re.fullmatch(r"([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}),? (\d{4})", raw)
    if m and m[1].lower() in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), text)
    raise ValueError(f"not a date: {text!r}")


def try_date(text: str | None, day_first: bool = False) -> date | None:
    """Like :func:`parse_date`, but None for empty or unreadable text."""
    if text is None or not str(text).strip():
        return None
    try:
        return parse_date(str(text), day_first)
    except ValueError:
        return None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _date(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None
