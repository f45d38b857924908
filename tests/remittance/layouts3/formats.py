"""Number, date and document-number printing for the third corpus: one style per document."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tests.remittance.layouts.vocab import MONTHS


@dataclass(frozen=True)
class Money:
    """How one document prints an amount: thousands mark, decimal mark, sign of a credit."""

    group: str       # "", ".", ",", " ", "'"
    point: str       # "." or ","
    sign: str        # "minus" -5,00 | "trailing" 5,00- | "parens" (5,00) | "cr" 5,00 CR | "dr"

    def __call__(self, amount: Decimal) -> str:
        whole, cents = divmod(int((abs(amount) * 100).to_integral_value()), 100)
        text = f"{whole:,d}".replace(",", self.group) + f"{self.point}{cents:02d}"
        if amount >= 0:
            return text
        return {"minus": f"-{text}", "trailing": f"{text}-", "parens": f"({text})",
                "cr": f"{text} CR", "dr": f"{text}DR"}[self.sign]


#: (group, point) pairs a payer in that language prints, most usual first.
_STYLES = {
    "en": ((",", "."), (",", "."), ("", "."), ("'", ".")),
    "de": ((".", ","), (".", ","), ("", ","), ("'", "."), (" ", ",")),
    "fr": ((" ", ","), (" ", ","), (".", ","), ("", ",")),
    "nl": ((".", ","), (".", ","), ("", ","), (",", ".")),
    "es": ((".", ","), (".", ","), ("", ",")),
    "it": ((".", ","), (".", ","), ("", ","), ("'", ",")),
}
_SIGNS = {"en": ("minus", "parens", "cr", "trailing"), "de": ("minus", "trailing"),
          "fr": ("minus", "trailing", "parens"), "nl": ("minus", "trailing"),
          "es": ("minus", "trailing", "parens"), "it": ("minus", "trailing")}


def money_for(lang: str, rng: random.Random, printer: bool = False) -> Money:
    """A number style for one document; ``printer`` (mainframe prints) prefers trailing minus."""
    group, point = rng.choice(_STYLES[lang])
    sign = "trailing" if printer and rng.random() < 0.6 else rng.choice(_SIGNS[lang])
    return Money(group, point, sign)



#: Date patterns per language. {D} day, {DD} 2-digit day, {MM}, {YY}, {YYYY},
#: {Mon} month name, {MON} 3-letter month upper case (the mainframe habit).
_DATES = {
    "en": ("{MM}/{DD}/{YYYY}", "{MM}/{DD}/{YY}", "{DD}-{MON}-{YYYY}", "{Mon} {D}, {YYYY}",
           "{YYYY}-{MM}-{DD}", "{DD}{MON}{YY}"),
    "de": ("{DD}.{MM}.{YYYY}", "{DD}.{MM}.{YY}", "{D}. {Mon} {YYYY}", "{YYYY}{MM}{DD}"),
    "fr": ("{DD}/{MM}/{YYYY}", "{DD}/{MM}/{YY}", "{D} {Mon} {YYYY}", "{DD}-{MM}-{YYYY}"),
    "nl": ("{DD}-{MM}-{YYYY}", "{D} {Mon} {YYYY}", "{DD}.{MM}.{YYYY}", "{DD}/{MM}/{YY}"),
    "es": ("{DD}/{MM}/{YYYY}", "{DD}.{MM}.{YYYY}", "{D} de {Mon} de {YYYY}", "{DD}-{MM}-{YY}"),
    "it": ("{DD}/{MM}/{YYYY}", "{DD}.{MM}.{YY}", "{D} {Mon} {YYYY}", "{DD}-{MM}-{YYYY}"),
}


def dates_for(lang: str, rng: random.Random, printer: bool = False) -> str:
    """A date pattern for one document (mainframe prints keep to numeric ones)."""
    choices = [p for p in _DATES[lang] if not printer or "{Mon}" not in p]
    return rng.choice(choices)


def print_date(pattern: str, lang: str, when: date) -> str:
    """``when`` printed by ``pattern`` (see :data:`_DATES`)."""
    month = MONTHS[lang].split()[when.month - 1]
    return pattern.format(D=when.day, DD=f"{when.day:02d}", MM=f"{when.month:02d}",
                          YY=f"{when.year % 100:02d}", YYYY=when.year, Mon=month,
                          MON=MONTHS["en"].split()[when.month - 1][:3].upper())


#: Shapes of our invoice numbers (one shape per document), payer vouchers, payment references.
OUR_REFS = ("91{:06d}", "R26-{:05d}", "FC2026{:04d}", "IN{:07d}", "26/{:05d}", "S{:06d}-26",
            "10{:07d}", "FV.{:06d}", "INV-26-{:05d}")
VOUCHERS = ("19{:08d}", "AP{:06d}", "51{:07d}", "BK-{:05d}", "JV{:06d}", "{:08d}")
PAYMENT_REFS = ("F110-{:06d}", "{:010d}", "ACH{:07d}", "PAY/{:06d}", "200{:07d}", "TRF{:06d}",
                "VIR-{:06d}")
ACCOUNTS = ("{:07d}", "V-{:05d}", "SUPP{:05d}", "{:06d}", "L{:06d}", "KRED{:05d}")
