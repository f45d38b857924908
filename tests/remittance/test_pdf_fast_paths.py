"""The PDF reader's shortcuts give what the plain way gives (issue 9, speed).

:func:`bots.remittance.pdf_words.read_words` reads a page's text in one C call and
asks for two character boxes per word (its first and last character), on the
promise that the text holds exactly one character per character index of the text
page. Here the same words are built the plain way, through pypdfium2's helper
objects, one character box at a time, and must come out the same, word for word
and float for float, on the public sample PDFs and on generated advices.

The table reader reads a header phrase's labels once per document
(:func:`bots.remittance.pdf_layout.phrase_columns`): a phrase read again names the
same columns as read afresh.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from bots.remittance.pdf_layout import header_columns, lines_of, phrase_columns
from bots.remittance.pdf_words import Word, read_words
from tests.remittance.layouts_dev import FAMILIES as DEV_FAMILIES
from tests.remittance.layouts_dev import advices as dev_advices
from tests.remittance.pdf_corpus import LAYOUTS, make_sample


def plain_words(pdf: bytes) -> list[list[Word]]:
    """Every page's words: runs of non-space characters of pypdfium2's page text, each
    character's box asked for alone; a word's box is its first character's loose box
    stretched to its last one's right."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            height = page.get_height()
            text_page = page.get_textpage()
            chars = list(text_page.get_text_range())
            assert len(chars) == text_page.count_chars()  # one character per index
            words, start = [], None
            for index, char in enumerate([*chars, " "]):
                if not char.isspace() and start is None:
                    start = index
                elif char.isspace() and start is not None:
                    left, bottom, _, top = text_page.get_charbox(start, loose=True)
                    right = text_page.get_charbox(index - 1, loose=True)[2]
                    words.append(Word("".join(chars[start:index]), left, right,
                                      height - top, height - bottom))
                    start = None
            pages.append(words)
            text_page.close()
            page.close()
    finally:
        document.close()
    return pages


def _generated() -> list[tuple[str, bytes]]:
    docs = [(f"pdf_corpus/{name}", make_sample(name, 0).pdf) for name in LAYOUTS]
    docs += [(f"layouts_dev/{family.name}", dev_advices(family, 1, 5)[0].pdf)
             for family in DEV_FAMILIES[::6]]
    return docs


@pytest.mark.parametrize(("name", "pdf"), _generated(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_generated_advices_read_as_character_by_character(name: str, pdf: bytes) -> None:
    assert read_words(pdf) == plain_words(pdf), name


def test_public_sample_pdfs_read_as_character_by_character(samples: Path) -> None:
    pdfs = sorted(samples.rglob("*.pdf"))
    assert pdfs
    for path in pdfs:
        pdf = path.read_bytes()
        words = read_words(pdf)
        assert sum(map(len, words)) > 0, path.name
        assert words == plain_words(pdf), path.name


def test_header_phrases_read_once_name_the_same_columns_as_afresh() -> None:
    lines = lines_of(read_words(make_sample(next(iter(LAYOUTS)), 0).pdf))
    phrase_columns.cache_clear()
    afresh = [header_columns(line) for line in lines]
    assert any(afresh)
    assert phrase_columns.cache_info().currsize > 0
    assert [header_columns(line) for line in lines] == afresh  # from the cache
