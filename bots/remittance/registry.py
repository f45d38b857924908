"""The format readers, and the contract each one keeps.

A reader is a module (or any object) with:

``NAME: str``
    short name, used in messages (``"camt"``, ``"x12-820"``).
``sniff(head: bytes, name: str) -> bool``
    True when the content looks like this format. ``head`` is the first
    :data:`~bots.remittance.sniff.HEAD_BYTES` of the file; ``name`` (the file
    name) is a hint only.
``read(data: bytes, source: str) -> list[Remittance]``
    the remittances in ``data``; ids may be left empty (the front door sets
    them). Raises :class:`~bots.remittance.errors.ExtractError` for input it
    cannot read. Returning ``[]`` means "read fine, but no payment advice".
``is_available() -> bool``
    False when an optional dependency is missing (the front door then reports
    ``unsupported`` instead of crashing).

A *container* reader (e-mail, zip) also has
``parts(data: bytes, source: str, limits: Limits) -> list[Part]``: the files
inside it, which the front door extracts in turn (depth-capped), naming them
``source#part``.

:func:`readers` lists them in sniffing order: the first whose ``sniff`` says
yes reads the file. Order matters where formats overlap (an XLSX is a zip; a
BAI2 file is comma-separated text; an e-mail is text).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any, Protocol

from bots.domain import Remittance
from bots.remittance import sniff
from bots.remittance.errors import ExtractError


@dataclass(frozen=True)
class Part:
    """A file inside a container: its name, bytes and a payer-name hint."""

    name: str
    data: bytes
    payer_hint: str | None = None


class Reader(Protocol):
    """What the front door needs of a reader (modules fit it as they are)."""

    NAME: str

    def sniff(self, head: bytes, name: str) -> bool: ...

    def read(self, data: bytes, source: str) -> list[Remittance]: ...

    def is_available(self) -> bool: ...


class _PdfReader:
    """PDF advices, read by :mod:`bots.remittance.pdf` (imported when first needed)."""

    NAME = "pdf"

    @staticmethod
    def sniff(head: bytes, name: str) -> bool:
        return sniff.is_pdf(head)

    @staticmethod
    def is_available() -> bool:
        return importlib.util.find_spec("bots.remittance.pdf") is not None

    @staticmethod
    def read(data: bytes, source: str) -> list[Remittance]:
        from bots.remittance import einvoice

        einvoice.refuse_facturx(data)  # a Factur-X/ZUGFeRD PDF is an e-invoice (spec v1.2)
        module: Any = importlib.import_module("bots.remittance.pdf")
        try:
            return list(module.extract_pdf(data, source))
        except ExtractError as exc:
            if exc.code == "not-a-remittance":
                einvoice.refuse_invoice_pdf(data)  # so is a plain invoice PDF
            raise


class _ImageReader:
    """Scanned images: recognised only to say plainly that they need OCR."""

    NAME = "image"

    @staticmethod
    def sniff(head: bytes, name: str) -> bool:
        return sniff.is_image(head)

    @staticmethod
    def is_available() -> bool:
        return True

    @staticmethod
    def read(data: bytes, source: str) -> list[Remittance]:
        raise ExtractError("needs-ocr", "an image (scanned advice?); no OCR is configured")


@functools.cache
def readers() -> tuple[Reader, ...]:
    """The readers in sniffing order (imported on first use: they import this module)."""
    from bots.remittance import (
        archive,
        bai2,
        camt,
        einvoice,
        email,
        htmltables,
        mt940,
        plaintext,
        sheets,
        x12_820,
    )

    return (_PdfReader(), sheets.XlsxReader(), sheets.OleReader(), archive, camt, einvoice,
            x12_820, bai2, mt940, email, htmltables, sheets.CsvReader(), _ImageReader(),
            plaintext)


def reader_for(head: bytes, name: str) -> Reader | None:
    """The first reader whose ``sniff`` accepts the content, or None."""
    for reader in readers():
        if reader.sniff(head, name):
            return reader
    return None
