"""CSV and XLSX remittance sheets, whatever their columns are called.

Both readers only get the grid of cells out of the file; finding the header
row, the payment labels above it, the decimal mark of each amount column and
the totals is :mod:`bots.remittance.tables`' job.

* CSV: the delimiter (``, ; TAB |``) is sniffed, quoting is RFC 4180; the text is
  decoded as UTF-8 (BOM allowed), else cp1252 with a warning.
* XLSX: every worksheet is read (values, not formulas) with openpyxl in
  read-only mode, after the archive passes the zip-bomb checks. Numeric cells
  arrive as floats and become Decimal at once through their shortest repr.

Limits: legacy ``.xls`` (OLE) workbooks are not read; a password-protected
workbook is reported as ``encrypted``. At most :data:`MAX_ROWS` rows per sheet.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bots.domain import Remittance
from bots.remittance import sniff as _sniff
from bots.remittance.archive import BROKEN_ZIP, check_archive
from bots.remittance.errors import ExtractError
from bots.remittance.limits import DEFAULT_LIMITS
from bots.remittance.plaintext import decode
from bots.remittance.tables import remittances_from_rows

MAX_ROWS = 100_000

NO_TABLE = "no header row naming an invoice column and an amount column"


class CsvReader:
    """Delimited text with a header row."""

    NAME = "csv"

    @staticmethod
    def is_available() -> bool:
        return True

    @staticmethod
    def sniff(head: bytes, name: str) -> bool:
        return _sniff.is_csv(head)

    @staticmethod
    def read(data: bytes, source: str) -> list[Remittance]:
        text, warnings = decode(data.removeprefix(b"\xef\xbb\xbf"))
        delimiter = _sniff.csv_delimiter(text)
        if delimiter is None:
            raise ExtractError("malformed", "no consistent delimiter (, ; TAB |) found")
        rows: list[list[object]] = []
        try:
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                rows.append(list(row))
                if len(rows) > MAX_ROWS:
                    raise ExtractError("too-large", f"more than {MAX_ROWS} rows")
        except csv.Error as exc:
            raise ExtractError("malformed", f"row {len(rows) + 1}: {exc}") from None
        found = remittances_from_rows(rows, source=source, fmt="csv")
        if not found:
            raise ExtractError("not-a-remittance", NO_TABLE)
        for r in found:
            r.warnings[:0] = warnings
        return found


class XlsxReader:
    """Excel workbooks (.xlsx/.xlsm): every sheet with a header row."""

    NAME = "xlsx"

    @staticmethod
    def is_available() -> bool:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            return False
        return True

    @staticmethod
    def sniff(head: bytes, name: str) -> bool:
        return _sniff.is_xlsx(head, name)

    @staticmethod
    def read(data: bytes, source: str) -> list[Remittance]:
        import openpyxl

        check_archive(data, DEFAULT_LIMITS)
        try:
            grids = _workbook_rows(openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                                          data_only=True))
        except BROKEN_ZIP as exc:
            raise ExtractError("corrupt", f"not a readable workbook: {exc}") from None
        out: list[Remittance] = []
        for title, rows in grids:
            name = f"{source}#{title}" if len(grids) > 1 else source
            out.extend(remittances_from_rows(rows, source=name, fmt="xlsx"))
        if not out:
            raise ExtractError("not-a-remittance", NO_TABLE)
        return out


def _workbook_rows(book: Any) -> list[tuple[str, list[list[object]]]]:
    """(sheet title, rows) of every worksheet, at most MAX_ROWS rows each."""
    grids = []
    try:
        for sheet in book.worksheets:
            rows: list[list[object]] = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_ROWS:
                    raise ExtractError("too-large", f"sheet {sheet.title!r}: more than "
                                                    f"{MAX_ROWS} rows")
            grids.append((sheet.title, rows))
    finally:
        book.close()
    return grids


class OleReader:
    """Legacy OLE compound files (.xls, .doc, .msg, encrypted Office): said plainly."""

    NAME = "ole"
    _ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

    @staticmethod
    def is_available() -> bool:
        return True

    @staticmethod
    def sniff(head: bytes, name: str) -> bool:
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

    @classmethod
    def read(cls, data: bytes, source: str) -> list[Remittance]:
        if cls._ENCRYPTED in data:
            raise ExtractError("encrypted", "the Office file is password-protected")
        raise ExtractError("unsupported", "a legacy Office binary file (.xls/.doc/.msg); "
                                          "save it as .xlsx or .eml")
