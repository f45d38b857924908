"""Scanned advices (page images, no text layer) read with Tesseract, when installed.

Optional: when the ``tesseract`` program is on the PATH (Debian package
``tesseract-ocr``), :func:`ocr_words` renders every page with PDFium at
300 dpi, runs ``tesseract ... tsv`` on it and returns each recognised word
with its box, scaled back to PDF points (table rulings are whitened first:
they derail Tesseract's page layout), as the
:class:`~bots.remittance.pdf_words.Word` list a text layer would give. The
same layout rules then read the table. :func:`is_available` says whether OCR
can run; without it a scan is ``needs-ocr``, and so is a scan on which OCR
finds no text (a person has to look at it either way).

Limits: English language data only; words recognised with a confidence under
:data:`MIN_CONFIDENCE` are dropped; a page takes one to a few seconds; the
result is as good as the scan; one Tesseract thread per page (run pages in
parallel processes for throughput); the (the PDF reader warns that the advice was read
by OCR so that a person checks it).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import Any

import numpy as np

from bots.remittance.errors import ExtractError
from bots.remittance.pdf_words import Word

DPI = 300
RULE_PIXELS = DPI // 3  # a dark run this long (1/3 inch) is a ruling line, not a glyph
MIN_CONFIDENCE = 30
TIMEOUT_SECONDS = 120


def is_available() -> bool:
    """True when the ``tesseract`` program is installed."""
    return shutil.which("tesseract") is not None


def ocr_words(data: bytes, max_pages: int) -> list[list[Word]]:
    """The words Tesseract reads on every page of ``data`` (a PDF of page images)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractError("corrupt", f"PDFium cannot open it ({exc})") from None
    try:
        if len(doc) > max_pages:
            raise ExtractError("too-large", f"{len(doc)} pages, more than the limit of "
                                            f"{max_pages}")
        pages = []
        for index in range(len(doc)):
            page = doc[index]
            try:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            finally:
                page.close()
            png = io.BytesIO()
            _without_rules(image).save(png, format="PNG")
            pages.append(_tesseract(png.getvalue()))
    finally:
        doc.close()
    if not any(pages):
        raise ExtractError("needs-ocr", "a scan (no text layer) on which OCR found no text")
    return pages


def _without_rules(image: Any) -> Any:
    """The page image with table rulings whitened (they confuse Tesseract's layout)."""
    from PIL import Image

    pixels = np.asarray(image.convert("L"))
    dark = pixels < 128
    rules = _long_runs(dark, RULE_PIXELS) | _long_runs(dark.T, RULE_PIXELS).T
    return Image.fromarray(np.where(rules, 255, pixels).astype(np.uint8))


def _long_runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Pixels lying in a horizontal run of at least ``length`` dark pixels."""
    rows, cols = dark.shape
    if cols < length:
        return np.zeros_like(dark)
    sums = np.cumsum(np.pad(dark, ((0, 0), (1, 0))).astype(np.int32), axis=1)
    full = (sums[:, length:] - sums[:, :-length]) == length  # window [s, s+length) dark
    starts = np.cumsum(np.pad(full, ((0, 0), (1, 0))).astype(np.int32), axis=1)
    j = np.arange(cols)
    last = np.minimum(j, cols - length) + 1  # window starts s in [j-length+1, j] cover j
    first = np.maximum(j - length + 1, 0)
    return (starts[:, last] - starts[:, first]) > 0


def _tesseract(png: bytes) -> list[Word]:
    """Words of one page image from Tesseract's TSV output, in PDF points."""
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "eng", "tsv"], input=png,
                              capture_output=True, timeout=TIMEOUT_SECONDS, check=True,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except (subprocess.SubprocessError, OSError) as exc:
        raise ExtractError("needs-ocr", f"OCR failed ({type(exc).__name__})") from None
    scale = 72 / DPI
    words = []
    for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[11].strip() or float(cells[10]) < MIN_CONFIDENCE:
            continue
        left, top, width, height = (int(cells[i]) for i in (6, 7, 8, 9))
        words.append(Word(cells[11].strip(), left * scale, (left + width) * scale,
                          top * scale, (top + height) * scale))
    return words
