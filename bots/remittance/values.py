"""Reading amounts, dates and names as payers print them, strictly.

Every remittance format funnels its printed numbers through these functions,
so ``1,234.56``, ``1.234,56``, ``$1,234.56``, ``(25.00)``, ``25.00-``,
``−25.00`` (Unicode minus), ``USD 1 234,56``, ``1'234.56`` and ``(48.40) CAD``
(a currency beside the sign) all become
``Decimal``::

    >>> parse_amount("(1,234.50)")
    Decimal('-1234.50')
    >>> parse_amount("1.234,56 EUR")
    Decimal('1234.56')
    >>> parse_date("04/12/2026")          # US first unless told otherwise
    datetime.date(2026, 4, 12)
    >>> parse_date("12.04.2026")
    datetime.date(2026, 4, 12)

Strict where the interchange spec (v1.2) is: an amount has no exponent
notation, is finite, has at most :data:`MAX_DIGITS` digits in all and at most
its currency's decimals. Anything else raises :class:`AmountOutOfRange`, an
:class:`~bots.remittance.errors.ExtractError` that fails the whole document
(``amount out of range``) instead of being read as a rounded guess::

    >>> try:
    ...     parse_amount("1e309")
    ... except AmountOutOfRange as exc:
    ...     print(exc.reason)
    amount out of range: '1e309' (exponent notation)

Readers parse while the front door collects their *notes*
(:func:`collecting_notes`): an impossible date (``2026-02-30``) is read as
absent and noted, and the note becomes a warning on the advice.
:func:`clean_text` strips bidi controls and zero-width characters from
references and names.

Limits: a lone separator followed by exactly three digits (``1,234`` or
``1.234``) is read as a thousands separator unless ``decimal`` says otherwise;
two-digit years are taken as 20xx; digits of other scripts (``١٢٣``) are read
when one amount uses one script only. ``parse_amount``/``parse_date`` raise
:class:`ValueError` naming the text they could not read; ``try_amount`` and
``try_date`` return None for it (``try_amount`` still raises
:class:`AmountOutOfRange`; :func:`probe_amount` does not, for code that only
asks "is this word an amount?").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal, InvalidOperation

from bots.domain import exponent
from bots.remittance.errors import ExtractError

#: Digits an amount may have in all (ISO 20022 amounts: 18), counted at the currency's decimals.
MAX_DIGITS = 18
OUT_OF_RANGE = "amount out of range"

_CURRENCY_NOISE = re.compile(r"[A-Za-z$€£¥₩₹\s\u00a0']+")
#: A currency stated before or after a signed amount: ``(48.40) CAD``, ``CAD (48.40)``.
_CURRENCY_AROUND = re.compile(
    r"\A(?:[A-Z]{3}|[$€£¥₩₹])[\s\u00a0]*|[\s\u00a0]*(?:[A-Z]{3}|[$€£¥₩₹])\Z")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})
_EXPONENT = re.compile(r"\d\s*[eE]\s*[+-]?\s*\d")
_NOT_FINITE = re.compile(r"\A[+-]?\s*(s?nan|inf|infinity)\s*\Z", re.I)
_NOT_MARK_OR_DIGIT = re.compile(r"[^\d.,]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# an amount as most cells print it, its decimal mark beyond doubt: "-1,234.56", "1234,56"
_PLAIN_DOT = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.([0-9]{2})")
_PLAIN_COMMA = re.compile(r"(-?)([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),([0-9]{2})")
_PLAIN_AMOUNTS = {None: (_PLAIN_DOT, _PLAIN_COMMA), ".": (_PLAIN_DOT,), ",": (_PLAIN_COMMA,)}
_NO_GROUPING = str.maketrans("", "", ".,")
_MARKS_AND_DIGITS = re.compile(r"[\d.,]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ ,-]*(\d{2}|\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}),? (\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


class AmountOutOfRange(ExtractError):
    """An amount the interchange cannot carry; fails the document it is in."""

    def __init__(self, text: object, why: str) -> None:
        super().__init__("out-of-range", f"{OUT_OF_RANGE}: {str(text)[:40]!r} ({why})")


def parse_amount(text: str, decimal: str | None = None) -> Decimal:
    """A printed amount as Decimal; ``decimal`` forces the decimal mark ('.' or ',')."""
    for shape in _PLAIN_AMOUNTS.get(decimal, ()):  # the common shapes, read as below
        plain = shape.fullmatch(text)
        if plain:
            value = _in_range(Decimal(f"{plain[2].translate(_NO_GROUPING)}.{plain[3]}"), text)
            return -value if plain[1] else value
    raw = text.strip().translate(_MINUS_SIGNS)
    _refuse_out_of_range(raw, text)
    raw = _CURRENCY_AROUND.sub("", raw)
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
    if not raw or not _MARKS_AND_DIGITS.fullmatch(raw) or not any(c.isdigit() for c in raw):
        raise ValueError(f"not an amount: {text!r}")
    raw = _ascii_digits(raw, text)
    mark = decimal or _decimal_mark(raw)
    thousands = "," if mark == "." else "."
    body = raw.replace(thousands, "")
    if body.count(mark) > 1:
        raise ValueError(f"not an amount: {text!r}")
    try:
        value = Decimal(body.replace(mark, "."))
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    value = _in_range(value, text)
    return -value if negative else value


def parse_plain_amount(text: str) -> Decimal:
    """A machine-written amount (XML ``xs:decimal``, X12 ``R``): ``-1234.5``, no separators."""
    raw = text.strip()
    if _PLAIN_NUMBER.fullmatch(raw):
        return _in_range(Decimal(raw), text)
    _refuse_out_of_range(raw, text)
    raise ValueError(f"not an amount: {text!r}")


def check_amount(value: Decimal, currency: str, what: str = "amount") -> Decimal:
    """``value`` if the interchange can carry it in ``currency``, else AmountOutOfRange.

    Finite, at most the currency's decimals (trailing zeros do not count:
    ``1234.00`` and ``0.00`` yen are fine, ``0.50`` yen is not) and at most
    :data:`MAX_DIGITS` digits once written with the currency's decimals. Uses
    no arithmetic, so no decimal context can overflow while checking.
    """
    if not value.is_finite():
        raise AmountOutOfRange(value, f"{what} is not a finite number")
    _sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int)
    if not any(digits):  # a zero fits every currency, however many decimals it shows
        return value
    significant = list(digits)
    while exp < 0 and len(significant) > 1 and significant[-1] == 0:
        significant.pop()
        exp += 1
    decimals = exponent(currency)
    if -exp > decimals:
        raise AmountOutOfRange(value, f"{what} has more than {decimals} decimals for {currency}")
    whole = len(significant) + exp if any(significant) else 1
    if max(whole, 1) + decimals > MAX_DIGITS:
        raise AmountOutOfRange(value, f"{what} has more than {MAX_DIGITS} digits")
    return value


def _refuse_out_of_range(raw: str, text: str) -> None:
    if _EXPONENT.search(raw):
        raise AmountOutOfRange(text, "exponent notation")
    if _NOT_FINITE.match(raw):
        raise AmountOutOfRange(text, "not a finite number")


def _in_range(value: Decimal, text: str) -> Decimal:
    # (a text of MAX_DIGITS characters or fewer prints no more digits than that)
    if len(text) > MAX_DIGITS and len(value.as_tuple().digits) > MAX_DIGITS:
        raise AmountOutOfRange(text, f"more than {MAX_DIGITS} digits")
    return value


def _ascii_digits(raw: str, text: str) -> str:
    """Digits of one script (``١٢٣``, ``１２３``) as ASCII; mixed scripts are not an amount."""
    if raw.isascii():
        return raw
    zeros = {ord(c) - unicodedata.digit(c) for c in raw if c.isdigit()}
    if len(zeros) != 1:
        raise ValueError(f"not an amount (digits of several scripts): {text!r}")
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in raw)


def float_amount(value: float) -> Decimal:
    """A spreadsheet's number as Decimal, to the 15 significant digits a spreadsheet keeps.

    Excel and LibreOffice store doubles and show (and compare) 15 significant
    digits, so a cell holding ``=0.1+0.2`` is 0.3 to the payer, not
    ``0.30000000000000004``; reading more digits than that would fail a good
    advice as ``amount out of range``. No arithmetic is done on the float.
    NaN and infinity are refused.
    """
    if not math.isfinite(value):
        raise AmountOutOfRange(repr(value), "not a finite number")
    return Decimal(format(value, ".15g"))


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
    """Like :func:`parse_amount`, but None for empty or unreadable text.

    An amount out of range still raises :class:`AmountOutOfRange`: it is an
    amount, and one the document may not carry.
    """
    if text is None or not str(text).strip():
        return None
    try:
        return parse_amount(str(text), decimal)
    except ValueError:
        return None


def probe_amount(text: str | None, decimal: str | None = None) -> Decimal | None:
    """Like :func:`try_amount`, but None for an amount out of range too (a word tested
    for being an amount, such as a 27-digit reference, is not an error)."""
    try:
        return try_amount(text, decimal)
    except AmountOutOfRange:
        return None


def parse_date(text: str, day_first: bool = False) -> date:
    """A printed date (ISO, US m/d/y, EU d.m.y, ``12 Apr 2026``, ``20260412``)."""
    raw = text.strip()
    m = _ISO_DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]), text)
    m = _NUMERIC_DATE.fullmatch(raw)
    if m:
        a, sep, b, y = int(m[1]), m[2], int(m[3]), _year(m[4])
        if sep == "." or day_first or a > 12:
            return _date(y, b, a, text)
        return _date(y, a, b, text)
    m = _DAY_MONTH_YEAR.fullmatch(raw)
    if m and m[2].lower() in _MONTHS:
        return _date(_year(m[3]), _MONTHS[m[2].lower()], int(m[1]), text)
    m = _MONTH_DAY_YEAR.fullmatch(raw)
    if m and m[1].lower() in _MONTHS:
        return _date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), text)
    raise ValueError(f"not a date: {text!r}")


def try_date(text: str | None, day_first: bool = False) -> date | None:
    """Like :func:`parse_date`, but None for empty or unreadable text.

    An impossible date (``2026-02-30``, ``31.04.2026``) is None too, and noted
    (:func:`collecting_notes`): the advice gets a warning instead of silence.
    """
    if text is None or not str(text).strip():
        return None
    try:
        return parse_date(str(text), day_first)
    except ImpossibleDate as exc:
        note(str(exc))
        return None
    except ValueError:
        return None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


class ImpossibleDate(ValueError):
    """Text shaped like a date that no calendar has (``2026-02-30``)."""


def _date(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        if 1900 <= y <= 2199:  # shaped like a date of our time, but none
            raise ImpossibleDate(f"impossible date {text.strip()!r} ignored") from None
        raise ValueError(f"not a date: {text!r}") from None


def infer_decimal_mark(texts: list[str]) -> str | None:
    """The decimal mark ('.' or ',') a column of printed amounts uses, or None if unsure.

    One cell with both separators decides (the last one is the mark); else a
    separator followed by one, two or more than three digits does (``12,5``,
    ``1234,56``). ``1,234`` alone stays ambiguous: None, and the caller keeps
    :func:`parse_amount`'s guess.
    """
    votes = mark_votes(str(text or "") for text in texts)
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


def mark_votes(texts: Iterable[str]) -> dict[str, int]:
    """How many printed amounts say the decimal mark is ``.`` or ``,``.

    ``1.234,56`` and ``12,50`` vote ``,``; ``1,234.56`` and ``12.50`` vote
    ``.``; ``1,234`` or ``1.234`` (three digits after the only mark) vote for
    neither.
    """
    votes = {".": 0, ",": 0}
    for text in texts:
        raw = _NOT_MARK_OR_DIGIT.sub("", text)
        dot, comma = raw.rfind("."), raw.rfind(",")
        if dot >= 0 and comma >= 0:
            votes["." if dot > comma else ","] += 1
        elif max(dot, comma) >= 0 and len(raw) - max(dot, comma) - 1 != 3:
            votes["." if dot >= 0 else ","] += 1
    return votes


def infer_day_first(texts: list[str]) -> bool:
    """True when a column of printed dates puts the day first (some ``13/01/2026``)."""
    for text in texts:
        m = re.fullmatch(r"\s*(\d{1,2})([./-])(\d{1,2})\2\d{2,4}\s*", str(text or ""))
        if m and (m[2] == "." or int(m[1]) > 12):
            return True
    return False


_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR"}
_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK",
          "HUF", "INR", "KRW", "CNY", "MXN", "BRL", "ZAR", "KWD", "BHD", "SGD", "HKD", "NZD", "RON")
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


# --------------------------------------------------------------------------- notes and text

_notes: ContextVar[list[str] | None] = ContextVar("remittance_value_notes", default=None)


@contextmanager
def collecting_notes() -> Iterator[list[str]]:
    """Collect the notes :func:`note` makes while one document is read (nestable)::

        with collecting_notes() as notes:
            remittances = reader.read(data, source)
        # notes: ["impossible date '2026-02-30' ignored"]
    """
    token = _notes.set([])
    try:
        found = _notes.get()
        assert found is not None
        yield found
    finally:
        _notes.reset(token)


def note(text: str) -> None:
    """Note something about the document being read (dropped when nobody collects)."""
    found = _notes.get()
    if found is not None and text not in found:
        found.append(text)


#: Bidi controls and zero-width characters: invisible, they make one reference look like
#: another ("INV\u202e123" displays reversed, "90\u200b012" is not "90012").
INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e"
                      "\u200f\u061c\u200b\u200c\u200d\ufeff\u2060")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


def clean_text(text: str) -> tuple[str, bool]:
    """``text`` without bidi controls and zero-width characters; True when any were there.

    >>> clean_text("90\u200b012")
    ('90012', True)
    """
    cleaned = _INVISIBLE_RE.sub("", text)
    return cleaned, cleaned != text
