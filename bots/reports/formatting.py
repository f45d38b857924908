"""How the report shows durations, amounts and times to a person.

Pure text helpers shared by the HTML page, the XLSX summary and the run
history. Amounts keep their currency's decimals and get thousands
separators; they never pass through a float::

    >>> display_amount(Decimal("1234567.5"), "USD")
    '1,234,567.50'
    >>> display_amount(Decimal("1500"), "JPY")
    '1,500'
    >>> format_duration(3725)
    '1h 02m 05s'
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bots.domain import quantize


def display_amount(amount: Decimal, currency: str) -> str:
    """``amount`` rounded to the currency's decimals, with thousands separators."""
    return format(quantize(amount, currency), ",f")


def seconds_between(start: datetime, end: datetime | None) -> int | None:
    """Whole seconds from ``start`` to ``end``; None while there is no end."""
    return None if end is None else int((end - start).total_seconds())


def format_duration(seconds: int | None) -> str:
    """Whole seconds as ``"1h 02m 05s"`` / ``"4m 10s"`` / ``"9s"``; None is ``"running"``."""
    if seconds is None:
        return "running"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def format_time(moment: datetime | None) -> str:
    """``2026-04-12 02:00:05 UTC`` (the offset as given; ``-`` when None)."""
    if moment is None:
        return "-"
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    zone = moment.tzname()
    return f"{text} {zone}" if zone else text


def format_rate(rate: float | None) -> str:
    """A fraction as a percent with one decimal (``"97.1 %"``); ``"-"`` when None."""
    return "-" if rate is None else f"{100 * rate:.1f} %"
