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


def infer_decimal_mark(texts: list[str]) -> str | None:
    """The decimal mark ('.' or ',') a column of printed amounts uses, or None if unsure.

    One cell with both separators decides (the last one is the mark); else a
    separator followed by one, two or more than three digits does (``12,5``,
    ``1234,56``). ``1,234`` alone stays ambiguous: None, and the caller keeps
    :func:`parse_amount`'s guess.
    """
    votes = {".": 0, ",": 0}
    for text in texts:
        raw = _CURRENCY_NOISE.sub("", str(text or "")).strip("()+-")
        dot, comma = raw.rfind("."), raw.rfind(",")
        if dot >= 0 and comma >= 0:
            votes["." if dot > comma else ","] += 1
        elif max(dot, comma) >= 0 and len(raw) - max(dot, comma) - 1 != 3:
            votes["." if dot >= 0 else ","] += 1
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


def infer_day_first(texts: list[str]) -> bool:
    """True when a column of printed dates puts the day first (some ``13/01/2026``)."""
    for text in texts:
        m = re.fullmatch(r"\s*(\d{1,2})([./-])(\d{1,2})\2\d{2,4}\s*", str(text or ""))
        if m and (m[2] == "." or int(m[1]) > 12):
            return True
    return False


_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK",
          "HUF", "INR", "CNY", "MXN", "BRL", "ZAR", "KWD", "BHD", "SGD", "HKD", "NZD", "RON")
_CODE_RE = re.compile(r"\b(" + "|".join(_CODES) + r")\b")


def find_currency(text: str) -> str | None:
    """The first ISO currency code (``EUR``) or symbol (``€``) in ``text``, as a code."""
    m = _CODE_RE.search(text.upper())
    if m:
        return m[1]
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return code
    return None


_METHOD_WORDS = (("ach", "ach"), ("eft", "ach"), ("sepa", "wire"), ("wire", "wire"),
                 ("swift", "wire"), ("transfer", "wire"), ("cheque", "check"),
                 ("check", "check"), ("card", "card"), ("visa", "card"))


def find_payment_method(text: str) -> str | None:
    """``ach``/``check``/``wire``/``card`` named in ``text`` ("ACH CTX", "Cheque"), else None."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    return next((method for word, method in _METHOD_WORDS if word in words), None)
