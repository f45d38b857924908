"""The one formula guard for every sheet and CSV file arbots writes.

Text that reaches a spreadsheet is customer-supplied (payer names, references,
reasons from remittance advices), and a spreadsheet runs a cell that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)``,
``=cmd|'/c calc'!A1``). As OWASP recommends ("CSV Injection"), such text is
neutralised with a leading ``'``, so it shows as the same text and never runs::

    >>> from decimal import Decimal
    >>> neutralise("=HYPERLINK(\\"http://evil\\")")
    '\\'=HYPERLINK("http://evil")'
    >>> neutralise("-12.50"), neutralise(Decimal("-12.50")), neutralise("ACME-1")
    ('-12.50', Decimal('-12.50'), 'ACME-1')

Triggers: ``= + - @``, tab and carriage return, their full-width forms
(``＝ ＋ － ＠``), also after leading spaces. A number stays a number: a
plain decimal such as ``"-12.50"`` or ``"+3"`` is what the interchange spec
(``shared/spec/interchange.md``) writes for amounts and is not a formula, and
values that are not text (Decimal, int, date) pass unchanged.

Limits: the guard changes the text (a leading ``'``). A reference that really
starts with ``-`` or ``@`` (not a number) comes back from our own CSV with
that ``'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def neutralise(value: object) -> object:
    """``value``, or for text a spreadsheet could run as a formula, ``'`` + the text."""
    if not isinstance(value, str) or not value.lstrip(" ").startswith(TRIGGERS):
        return value
    if _NUMBER.fullmatch(value.strip(" ")):
        return value
    return "'" + value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through :func:`neutralise`."""
    return [neutralise(value) for value in values]

