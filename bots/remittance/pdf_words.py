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
from collections.abc import Callable
from functools import cache
from types import ModuleType
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
#
# PDFium's C API through pypdfium2's raw ctypes bindings, not its helper objects (a
# finalizer and weak references for every page and text page); and the call made twice
# per word as a bare C function pointer, which passes its ctypes arguments unchecked
# (three times faster a call than the checked binding).

_PDFIUM_ERRORS = {1: "unknown error", 2: "file not found", 3: "not a PDF, or damaged",
                  4: "password needed", 5: "unsupported security handler",
                  6: "page not found"}
_FPDF_ERR_PASSWORD = 4
_FORM_DEPTH = 3  # form XObjects looked into for an image, levels deep


def _pdfium_words(data: bytes, max_pages: int) -> list[list[Word]]:
    import pypdfium2  # noqa: F401  (initialises PDFium)
    import pypdfium2.raw as raw

    doc = raw.FPDF_LoadMemDocument64(data, len(data), None)
    try:
        count = raw.FPDF_GetPageCount(doc) if doc else 0
        if count < 1:
            error = raw.FPDF_GetLastError()
            if error == _FPDF_ERR_PASSWORD:
                raise ExtractError("encrypted", "the PDF is password-protected")
            raise ExtractError("corrupt", "PDFium cannot open it "
                                          f"({_PDFIUM_ERRORS.get(error, 'no pages')})")
        _check_page_count(count, max_pages)
        pages, has_images = [], False
        for index in range(count):
            page = raw.FPDF_LoadPage(doc, index)
            if not page:
                raise ExtractError("corrupt", f"PDFium cannot read page {index + 1}")
            try:
                words = _page_words(raw, page)
                if not words and not has_images:
                    has_images = _image_in(raw, page)
            finally:
                raw.FPDF_ClosePage(page)
            pages.append(words)
        _no_text(pages, has_images)
        return pages
    finally:
        if doc:
            raw.FPDF_CloseDocument(doc)


def _page_words(raw: ModuleType, page: object) -> list[Word]:
    """The words of one page: runs of non-space characters of PDFium's text, each
    boxed by its first and last characters' loose boxes (two C calls a word)."""
    height = raw.FPDF_GetPageHeightF(page)
    textpage = raw.FPDFText_LoadPage(page)
    if not textpage:
        raise ExtractError("corrupt", "PDFium cannot read the text of a page")
    try:
        count = raw.FPDFText_CountChars(textpage)
        if count < 0:
            raise ExtractError("corrupt", "PDFium cannot count the characters of a page")
        text = _page_text(raw, textpage, count)
        if len(text) != count:  # characters outside UCS-2: one char at a time
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 32)
                           for i in range(count))
        first, last = raw.FS_RECTF(), raw.FS_RECTF()
        first_ref, last_ref = ctypes.byref(first), ctypes.byref(last)
        loose_box = _loose_char_box()
        words = []
        new = tuple.__new__  # a Word without its keyword-parsing constructor (one per word)
        for match in _WORD.finditer(text):
            start, end = match.span()
            loose_box(textpage, start, first_ref)
            if end - start > 1:
                loose_box(textpage, end - 1, last_ref)
                x1 = last.right
            else:
                x1 = first.right
            words.append(new(Word, (match.group(), first.left, x1, height - first.top,
                                    height - first.bottom)))
        return words
    finally:
        raw.FPDFText_ClosePage(textpage)


def _page_text(raw: ModuleType, textpage: object, count: int) -> str:
    """The text of characters ``0..count-1`` as pypdfium2's ``get_text_range`` reads
    it: characters with no place in the text left off at both ends (crbug.com/pdfium/2079:
    PDFium would read past the range), UTF-16 decoded, undecodable units dropped."""
    text_index = raw.FPDFText_GetTextIndexFromCharIndex
    first, last = 0, count - 1
    while first <= last and text_index(textpage, first) == -1:
        first += 1
    while first <= last and text_index(textpage, last) == -1:
        last -= 1
    if first > last:
        return ""
    size = text_index(textpage, last) + 2 - text_index(textpage, first)
    buffer = (ctypes.c_ushort * size)()
    written = raw.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    return ctypes.string_at(buffer, 2 * max(written - 1, 0)).decode("utf-16-le", "ignore")


@cache
def _loose_char_box() -> Callable[..., int]:
    """``FPDFText_GetLooseCharBox`` as a C function pointer without argument types."""
    import pypdfium2.raw as raw

    return ctypes.cast(raw.FPDFText_GetLooseCharBox, ctypes.CFUNCTYPE(ctypes.c_int))


def _image_in(raw: ModuleType, parent: object, level: int = 0) -> bool:
    """Whether a page (``level`` 0) or a form XObject in it shows an image."""
    count_objects, get_object = (raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject) \
        if level else (raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject)
    count = count_objects(parent)
    if count < 0:
        raise ExtractError("corrupt", "PDFium cannot list the objects of a page")
    for index in range(count):
        found = get_object(parent, index)
        if not found:
            raise ExtractError("corrupt", "PDFium cannot read an object of a page")
        kind = raw.FPDFPageObj_GetType(found)
        if kind == raw.FPDF_PAGEOBJ_IMAGE or (
                kind == raw.FPDF_PAGEOBJ_FORM and level < _FORM_DEPTH - 1
                and _image_in(raw, found, level + 1)):
            return True
    return False


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
