"""How the generated advices print amounts and dates: the number and date locales.

::

    >>> money(Decimal("-1234.5"), NumberStyle(group=".", mark=",", negative="trailing"))
    '1.234,50-'
    >>> day(date(2026, 4, 24), "long", "fr")
    '24 avril 2026'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tests.remittance.layouts.vocab import MONTHS


@dataclass(frozen=True)
class NumberStyle:
    """Grouping separator, decimal mark and how a negative amount is shown."""

    group: str = ","       # "," "." " " "\u00a0" "'" or "" (no grouping)
    mark: str = "."
    negative: str = "leading"  # leading "-1.00" | trailing "1.00-" | parens "(1.00)" | cr "1.00 CR"


def money(amount: Decimal, style: NumberStyle) -> str:
    """``amount`` as this locale prints it, always with two decimals."""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = style.group.join([whole, *groups]) + style.mark + cents
    if amount >= 0:
        return text
    return {"leading": f"-{text}", "trailing": f"{text}-", "parens": f"({text})",
            "cr": f"{text} CR"}[style.negative]


DATE_FORMATS = ("dmy.", "dmy/", "dmy-", "mdy/2", "mdy/4", "long", "dmon", "iso")


def day(when: date, form: str, lang: str) -> str:
    """``when`` printed in one of :data:`DATE_FORMATS`, month names in ``lang``."""
    if form == "dmy.":
        return f"{when:%d.%m.%Y}"
    if form == "dmy/":
        return f"{when:%d/%m/%Y}"
    if form == "dmy-":
        return f"{when:%d-%m-%Y}"
    if form == "mdy/2":
        return f"{when:%m/%d/%y}"
    if form == "mdy/4":
        return f"{when:%m/%d/%Y}"
    if form == "dmon":
        return f"{when:%d-%b-%Y}"
    if form == "iso":
        return when.isoformat()
    month = MONTHS[lang].split()[when.month - 1]
    return {"en": f"{month} {when.day}, {when.year}",
            "de": f"{when.day}. {month} {when.year}",
            "es": f"{when.day} de {month} de {when.year}"}.get(
                lang, f"{when.day} {month} {when.year}")


# the locales each language prints in: (number styles, date formats), picked per document
LOCALES: dict[str, tuple[tuple[NumberStyle, ...], tuple[str, ...]]] = {
    "en": ((NumberStyle(), NumberStyle(group=""), NumberStyle(negative="parens")),
           ("mdy/2", "mdy/4", "long", "dmon")),
    "de": ((NumberStyle(".", ","), NumberStyle("", ","), NumberStyle(".", ",", "trailing")),
           ("dmy.", "long")),
    "fr": ((NumberStyle(" ", ","), NumberStyle("\u00a0", ","), NumberStyle(".", ",")),
           ("dmy/", "long")),
    "nl": ((NumberStyle(".", ","), NumberStyle("", ","), NumberStyle(".", ",", "trailing")),
           ("dmy-", "long")),
    "es": ((NumberStyle(".", ","), NumberStyle("", ",")), ("dmy/", "long")),
    "it": ((NumberStyle(".", ","), NumberStyle("'", ",")), ("dmy/", "long", "dmy.")),
}
SWISS = NumberStyle("'", ".")  # 1'234.56, for CHF advices
