"""Benchmark: PDF remittance reading speed and accuracy, against bare pdfplumber.

Run ``python bench/extract.py`` (or ``python -m bench extract``)::

    python bench/extract.py --pages 500 --workers 2

On the generated corpus (``tests/remittance/pdf_corpus.py``, seeded, at least
``--pages`` pages of every layout) it measures, in one run on the same pages:

- **ours**: :func:`bots.remittance.pdf.extract_pdf` with the PDFium backend,
  the whole reader (words, table, header fields, Remittance objects);
- **baseline**: pdfplumber's bare ``extract_words`` on every page, nothing
  else (what any pdfplumber-based reader pays before reading a table);
- **ours on pdfplumber**: ``extract_pdf(backend="pdfplumber")``, the reference
  path, for its accuracy;
- **pdfium text**: a bare pypdfium2 text pass, the honest floor;

each in one process (per core, in CPU seconds; the four take turns PDF by PDF
so that they share the machine's load fairly, each PDF counted with its best of
``--rounds`` readings: :func:`bench.extract_readers.cpu_seconds`) and, for ours
and the baseline, with ``--workers`` processes (wall clock, all cores by
default; ours over five rounds, the mean taken, as one round is over in a few
seconds). It prints pages per second, the ratio ours/baseline, ours against the
floor and the line-level F1 (invoice_ref + paid_amount) of both backends. The
goal: at least 10x the baseline per core, same F1.

Figures depend on the machine and its load; run on an idle machine for
numbers to publish.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.extract_readers import (  # noqa: E402
    cpu_seconds,
    load_average,
    pdfium_text,
    pdfplumber_words,
)
from bots.domain import Remittance  # noqa: E402
from bots.remittance.pdf import extract_pdf  # noqa: E402
from tests.remittance.pdf_corpus import LAYOUTS, Sample, line_f1, make_sample  # noqa: E402

GOAL = 10.0


def corpus(pages: int, seed: int) -> list[Sample]:
    """Samples of every layout in turn until they hold at least ``pages`` pages."""
    names, found, total = list(LAYOUTS), list[Sample](), 0
    while total < pages:
        sample = make_sample(names[len(found) % len(names)], len(found) // len(names), seed)
        found.append(sample)
        total += sample.pages
    return found


def ours(pdf: bytes) -> Remittance:
    """The whole reader, PDFium backend."""
    return extract_pdf(pdf, "bench.pdf", templates=())[0]


def ours_on_pdfplumber(pdf: bytes) -> Remittance:
    """The whole reader, pdfplumber backend (the reference path)."""
    return extract_pdf(pdf, "bench.pdf", backend="pdfplumber", templates=())[0]


def pooled(func: Callable[[bytes], object], pdfs: list[bytes], workers: int) -> float:
    """Seconds for ``func`` over ``pdfs`` spread over ``workers`` processes."""
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(func, pdfs[:workers])  # warm-up: imports in every worker
        start = time.perf_counter()
        pool.map(func, pdfs, chunksize=4)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table; exit 0 when the goal is met, else 1."""
    parser = argparse.ArgumentParser(prog="bench extract", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="corpus size in pages")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the all-cores run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3,
                        help="readings of every PDF per reader in the one-process run")
    args = parser.parse_args(argv)

    samples = corpus(args.pages, args.seed)
    pdfs = [s.pdf for s in samples]
    pages = sum(s.pages for s in samples)
    truths = [s.truth for s in samples]
    print(f"corpus: {len(samples)} PDFs, {pages} pages, {len(LAYOUTS)} layouts, seed "
          f"{args.seed}; {os.cpu_count()} cores, load average {load_average():.2f}")

    (t_ours, t_base, t_ref, t_floor), (read, _, read_ref, _) = cpu_seconds(
        [ours, pdfplumber_words, ours_on_pdfplumber, pdfium_text], pdfs, args.rounds)
    rounds = 5  # ours is quick: several rounds, so that it meets the same load swings
    t_ours_n = pooled(ours, pdfs * rounds, args.workers) / rounds
    t_base_n = pooled(pdfplumber_words, pdfs, args.workers)
    f1 = line_f1(zip(read, truths, strict=True))  # type: ignore[arg-type]
    f1_ref = line_f1(zip(read_ref, truths, strict=True))  # type: ignore[arg-type]

    rows = [
        ("ours (pdfium), 1 process, CPU", t_ours, f"{f1:.4f}"),
        ("pdfplumber extract_words only, 1 process, CPU", t_base, "-"),
        ("ours on pdfplumber backend, 1 process, CPU", t_ref, f"{f1_ref:.4f}"),
        ("pypdfium2 bare text (floor), 1 process, CPU", t_floor, "-"),
        (f"ours (pdfium), {args.workers} processes", t_ours_n, ""),
        (f"pdfplumber extract_words only, {args.workers} processes", t_base_n, "-"),
    ]
    print(f"{'':<52} {'seconds':>8} {'pages/s':>9} {'line F1':>8}")
    for label, seconds, score in rows:
        print(f"{label:<52} {seconds:>8.2f} {pages / seconds:>9.1f} {score:>8}")
    per_core, all_cores = t_base / t_ours, t_base_n / t_ours_n
    print(f"ratio ours/baseline per core: {per_core:.1f}x; with {args.workers} processes: "
          f"{all_cores:.1f}x (goal >= {GOAL:.0f}x per core, same F1); ours/pdfium text "
          f"{t_floor / t_ours:.2f}x (the floor); load average {load_average():.2f}")
    return 0 if per_core >= GOAL and f1 >= f1_ref else 1


if __name__ == "__main__":
    sys.exit(main())
