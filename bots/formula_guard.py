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

Our own readers undo it (:func:`restore`), so a reference that really starts
with ``-`` or ``@`` survives ``arbots sap open-items`` -> ``arbots match``::

    >>> [restore(neutralise(v)) for v in ("-ABC", "'=x", "'quoted", "-12.50")]
    ['-ABC', "'=x", "'quoted", '-12.50']

Limits: another program reading our files sees the leading ``'`` (spreadsheets
hide it, as they do for any quote-prefixed cell).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def neutralise(value: object) -> object:
    """``value``, or for text a spreadsheet could run as a formula, ``'`` + the text."""
    if not isinstance(value, str):
        return value
    if value.startswith("'") and restore(value) != value:
        return "'" + value  # already looks guarded: guard again so restore() is exact
    if not value.lstrip(" ").startswith(TRIGGERS) or _NUMBER.fullmatch(value.strip(" ")):
        return value
    return "'" + value


def restore(value: str) -> str:
    """The text :func:`neutralise` was given: the guard's ``'`` dropped, nothing else."""
    if value.startswith("'") and value.lstrip("'").lstrip(" ").startswith(TRIGGERS):
        return value[1:]
    return value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through :func:`neutralise`."""
    return [neutralise(value) for value in values]

