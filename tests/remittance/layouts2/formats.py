"""How amounts, dates and document numbers are printed: one style per document."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tests.remittance.layouts2.words import MONTHS


@dataclass(frozen=True)
class Money:
    """A number style: grouping, decimal mark, how a negative amount looks."""

    group: str       # "", ".", ",", " ", "'"
    decimal: str     # "." or ","
    negative: str    # "lead" -12,00 | "trail" 12,00- | "paren" (12,00) | "cr" 12,00 CR

    def __call__(self, amount: Decimal) -> str:
        cents = int((abs(amount) * 100).to_integral_value())
        units, frac = divmod(cents, 100)
        digits = str(units)
        if self.group:
            parts: list[str] = []
            while len(digits) > 3:
                parts.insert(0, digits[-3:])
                digits = digits[:-3]
            digits = self.group.join([digits, *parts])
        text = f"{digits}{self.decimal}{frac:02d}"
        if amount >= 0:
            return text
        return {"lead": f"-{text}", "trail": f"{text}-", "paren": f"({text})",
                "cr": f"{text} CR"}[self.negative]


#: Number styles usual for each language (the first is the most common).
_MONEY: dict[str, tuple[tuple[str, str], ...]] = {
    "en": ((",", "."), (",", "."), ("", ".")),
    "de": ((".", ","), (".", ","), ("", ",")),
    "fr": ((" ", ","), (" ", ","), (".", ","), ("", ",")),
    "nl": ((".", ","), (".", ","), ("", ",")),
    "es": ((".", ","), (".", ","), ("", ",")),
    "it": ((".", ","), (".", ","), ("", ",")),
}
_NEGATIVE = {"en": ("lead", "paren", "cr"), "de": ("lead", "trail"), "fr": ("lead", "trail"),
             "nl": ("lead", "trail"), "es": ("lead", "trail", "paren"), "it": ("lead", "trail")}


def money_style(lang: str, rng: random.Random) -> Money:
    """A number style for one document in ``lang``."""
    group, dec = rng.choice(_MONEY[lang])
    return Money(group, dec, rng.choice(_NEGATIVE[lang]))


#: Date styles per language; ``{M}`` is the month name, ``{m3}`` its first three letters.
_DATES: dict[str, tuple[str, ...]] = {
    "en": ("{mm}/{dd}/{yyyy}", "{mm}/{dd}/{yy}", "{M} {d}, {yyyy}", "{dd}-{M3U}-{yyyy}",
           "{yyyy}-{mm}-{dd}", "{dd}/{mm}/{yyyy}"),
    "de": ("{dd}.{mm}.{yyyy}", "{dd}.{mm}.{yy}", "{d}. {M} {yyyy}", "{yyyy}-{mm}-{dd}"),
    "fr": ("{dd}/{mm}/{yyyy}", "{dd}/{mm}/{yy}", "{d} {M} {yyyy}", "{dd}.{mm}.{yyyy}"),
    "nl": ("{dd}-{mm}-{yyyy}", "{d} {M} {yyyy}", "{dd}/{mm}/{yyyy}", "{yyyy}-{mm}-{dd}"),
    "es": ("{dd}/{mm}/{yyyy}", "{dd}-{mm}-{yyyy}", "{d} de {M} de {yyyy}", "{dd}/{mm}/{yy}"),
    "it": ("{dd}/{mm}/{yyyy}", "{dd}.{mm}.{yyyy}", "{d} {M} {yyyy}", "{dd}-{mm}-{yy}"),
}


def date_style(lang: str, rng: random.Random) -> str:
    """A date pattern for one document in ``lang`` (see :func:`print_date`)."""
    return rng.choice(_DATES[lang])


def print_date(pattern: str, lang: str, when: date) -> str:
    """``when`` printed by ``pattern``."""
    month = MONTHS[lang][when.month - 1]
    return pattern.format(d=when.day, dd=f"{when.day:02d}", mm=f"{when.month:02d}",
                          yy=f"{when.year % 100:02d}", yyyy=when.year, M=month,
                          M3U=MONTHS["en"][when.month - 1][:3].upper())


#: Shapes of OUR invoice numbers (one per document), payers' vouchers, PO numbers.
REF_SHAPES = ("90{:06d}", "RG-2026-{:05d}", "FA26/{:05d}", "INV{:06d}", "F-2026-{:04d}",
              "2026-{:06d}", "18{:08d}", "AR{:07d}", "{:06d}/26", "V26{:06d}")
VOUCHER_SHAPES = ("15{:08d}", "PV-{:06d}", "{:09d}", "AP26-{:05d}", "KR{:07d}", "VCH{:06d}")
PO_SHAPES = ("45{:08d}", "PO-{:06d}", "OC{:06d}", "B{:07d}")
