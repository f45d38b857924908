"""A worklist workbook as ``arbots review apply`` reads it: opened once, the rows of its
sheets kept, the file closed again.

The readers of its sheets (:func:`bots.pipeline.review.read_decisions` and
``read_corrections``, :func:`bots.pipeline.credit.apply_release_decisions`,
:func:`bots.pipeline.promises.worklist_promises`) each take the one
:class:`WorklistFile` and name its path, the sheet, the row and the column in
their errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook

Values = tuple[Any, ...]


class ReviewFileError(ValueError):
    """The worklist cannot be read; the message names the file, sheet, row and column."""


@dataclass(frozen=True)
class WorklistFile:
    """The cell values of a worklist workbook, sheet by sheet (header row first)."""

    path: Path
    sheets: Mapping[str, tuple[Values, ...]]

    def rows(self, sheet: str) -> Iterator[Values] | None:
        """The rows of ``sheet``, header first; None when the workbook has no such sheet."""
        found = self.sheets.get(sheet)
        return None if found is None else iter(found)


def load_worklist(path: Path) -> WorklistFile:
    """Read the worklist ``path`` once; :class:`ReviewFileError` when it is no workbook."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, BadZipFile) as exc:
        raise ReviewFileError(f"{path}: not a worklist workbook ({exc})") from None
    try:
        return WorklistFile(path, {name: tuple(book[name].iter_rows(values_only=True))
                                   for name in book.sheetnames})
    finally:
        book.close()
