"""Words and their positions on the pages of a PDF, from one of two readers.

The layout rules (:mod:`bots.remittance.pdf_layout`) need each printed word
with its box. Two backends give the same :class:`Word` list per page:

- ``"pdfium"`` (default, fast): PDFium through pypdfium2. PDFium's text page
  already orders the characters and inserts the spaces and line breaks a
  reader would see; a word is a run of non-space characters of that text, and
  only its first and last characters' boxes are asked for (two C calls per
  word, not one Python object per character).
- ``"pdfplumber"`` (reference, slow): pdfplumber's ``extract_words``, the
  well-known reader the fast path is checked against.

Coordinates are PDF points measured from the top-left corner of the page, as
pdfplumber gives them: ``top < bottom``.

Unreadable input raises :class:`~bots.remittance.errors.ExtractError`:
``empty`` (no bytes, no pages, nothing printed), ``corrupt``, ``encrypted``
(a password is needed to open it; an owner password alone does not stop us),
``too-large`` (more pages than ``max_pages``) and ``needs-ocr`` (images but no
text layer: a scan). Limits: rotated text is read as PDFium/pdfplumber give it
(no de-rotation); right-to-left scripts are not reordered.
"""

from __future__ import annotations

import ctypes
import io
import re
from typing import NamedTuple

from bots.remittance.errors import ExtractError

BACKENDS = ("pdfium", "pdfplumber")
MAX_PAGES = 200
_WORD = re.compile(r"\S+")


class Word(NamedTuple):
    """One printed word and its box (points, origin top-left)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def read_words(data: bytes, backend: str = "pdfium",
               max_pages: int = MAX_PAGES) -> list[list[Word]]:
    """The words of every page (in content order: :func:`~.pdf_layout.lines_of` sorts)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown PDF backend {backend!r}; one of {', '.join(BACKENDS)}")
    if not data or not data.strip():
        raise ExtractError("empty", "the file has no bytes")
    if b"%PDF" not in data[:1024]:
        raise ExtractError("corrupt", "no PDF header: this is not a PDF file")
    if backend == "pdfium":
        return _pdfium_words(data, max_pages)
    return _pdfplumber_words(data, max_pages)


def _check_page_count(count: int, max_pages: int) -> None:
    if count == 0:
        raise ExtractError("empty", "the PDF has no pages")
    if count > max_pages:
        raise ExtractError("too-large", f"{count} pages, more than the limit of {max_pages}")


def _no_text(pages: list[list[Word]], has_images: bool) -> None:
    if any(pages):
        return
    if has_images:
        raise ExtractError("needs-ocr", "no text layer, only page images (a scan?)")
    raise ExtractError("empty", "the PDF prints no text")


# --------------------------------------------------------------------------- pdfium


def _pdfium_words(data: bytes, max_pages: int) -> list[list[Word]]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ExtractError("encrypted", "the PDF is password-protected") from None
        raise ExtractError("corrupt", f"PDFium cannot open it ({exc})") from None
    try:
        _check_page_count(len(doc), max_pages)
        pages, has_images = [], False
        for index in range(len(doc)):
            page = doc[index]
            try:
                words = _page_words(page)
                if not words and not has_images:
                    has_images = any(True for _ in page.get_objects(
                        filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))
            finally:
                page.close()
            pages.append(words)
        _no_text(pages, has_images)
        return pages
    except pdfium.PdfiumError as exc:
        raise ExtractError("corrupt", f"PDFium cannot read a page ({exc})") from None
    finally:
        doc.close()


def _page_words(page: object) -> list[Word]:
    import pypdfium2.raw as raw

    height = page.get_height()  # type: ignore[attr-defined]
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        count = textpage.count_chars()
        if count <= 0:
            return []
        text = textpage.get_text_range(0, count)
        if len(text) != count:  # characters outside UCS-2: one char at a time
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32)
                           for i in range(count))
        box = raw.FS_RECTF()
        ref = ctypes.byref(box)
        loose_box = raw.FPDFText_GetLooseCharBox
        handle = textpage.raw
        make = Word._make
        words = []
        for match in _WORD.finditer(text):
            start = match.start()
            last = match.end() - 1
            loose_box(handle, start, ref)
            x0, top, bottom = box.left, height - box.top, height - box.bottom
            if last != start:
                loose_box(handle, last, ref)
            words.append(make((match.group(), x0, box.right, top, bottom)))
        return words
    finally:
        textpage.close()


# --------------------------------------------------------------------------- pdfplumber


def _pdfplumber_words(data: bytes, max_pages: int) -> list[list[Word]]:
    """pdfplumber's words; pdfminer's many exception types on damage become ``corrupt``."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return _pdfplumber_pages(data, max_pages)
    except ExtractError:
        raise
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise ExtractError("encrypted", "the PDF is password-protected") from None
        raise ExtractError("corrupt", f"pdfminer cannot read it ({cause})") from None
    except Exception as exc:  # pdfminer raises anything from KeyError to PSEOF on damage
        raise ExtractError("corrupt", f"pdfminer cannot read it ({type(exc).__name__}: "
                                      f"{exc})") from None


def _pdfplumber_pages(data: bytes, max_pages: int) -> list[list[Word]]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        _check_page_count(len(pdf.pages), max_pages)
        pages, has_images = [], False
        for page in pdf.pages:
            pages.append([Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
                          for w in page.extract_words()])
            has_images = has_images or bool(page.images)
        _no_text(pages, has_images)
        return pages
