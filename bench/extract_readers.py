"""The readers the PDF speed benchmarks time against each other, and their stopwatch.

A library of ``bench/extract.py`` and ``bench/extract_heldout.py`` (no benchmark
of its own):

- :func:`pdfplumber_words`: pdfplumber's bare ``page.extract_words()`` on every
  page of a PDF, nothing else: the baseline (the goal is ours >= 10x it);
- :func:`pdfium_text`: a bare pypdfium2 text pass (``get_text_range`` of every
  page): the honest floor, what any reader on PDFium pays at least;
- :func:`cpu_seconds`: CPU seconds of several readers on the same PDFs, taking
  turns PDF by PDF.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from time import process_time


def pdfplumber_words(pdf: bytes) -> int:
    """pdfplumber's bare extract_words on every page; the word count."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return sum(len(page.extract_words()) for page in document.pages)


def pdfium_text(pdf: bytes) -> int:
    """A bare pypdfium2 text pass (every page's text); the characters read."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        size = 0
        for page in document:
            text_page = page.get_textpage()
            size += len(text_page.get_text_range())
            text_page.close()
            page.close()
        return size
    finally:
        document.close()


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def cpu_seconds(funcs: list[Callable[[bytes], object]], pdfs: list[bytes],
                rounds: int = 3) -> tuple[list[float], list[list[object]]]:
    """(CPU seconds, results of the first round) per function over ``pdfs``.

    CPU time of this process (``time.process_time``), not wall time: on a shared
    machine the time spent waiting for a core is nobody's speed. The functions take
    turns PDF by PDF (each meets the same load), after one warm-up call each
    (imports, caches); every PDF counts with its fastest of ``rounds`` readings by
    each function (as ``timeit`` takes the best: a load spike slows one reading and
    is gone from the next).
    """
    for func in funcs:
        func(pdfs[0])
    best = [[float("inf")] * len(pdfs) for _ in funcs]
    results: list[list[object]] = [[] for _ in funcs]
    for round_ in range(rounds):
        for n_pdf, pdf in enumerate(pdfs):
            for n, func in enumerate(funcs):
                start = process_time()
                result = func(pdf)
                spent = process_time() - start
                best[n][n_pdf] = min(best[n][n_pdf], spent)
                if not round_:
                    results[n].append(result)
    return [sum(b) for b in best], results


def load_average() -> float:
    """The one-minute load average (NaN where the system does not tell)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
