"""Benchmark: remittance extraction accuracy and speed per format, against a naive reader.

Run ``python bench/extract_accuracy.py [--per-format 60] [--pdfs 35]`` (or
``python -m bench extract_accuracy``).

Over the generated corpora - ``tests/remittance/corpus.py`` (e-mails, CSV,
XLSX, X12 820) and ``tests/remittance/pdf_corpus.py`` (PDF advices, when
present) - and the hand-written golden files (``tests/remittance/golden``),
it runs, in the same process and on the same files:

- **ours**: :func:`bots.remittance.extract` (sniffing, the format's reader,
  ids and warnings: the whole front door);
- **naive**: what a quick script would do: the first row is the header, the
  columns are found by the words "invoice" and "paid"/"amount", amounts are
  read with a dot as decimal mark; e-mails and PDF text are scanned line by
  line for "a token, then an amount"; X12 is split on ``*`` and ``~``.

It prints, per format, the line-level precision/recall/F1 (a line is correct
when invoice_ref and paid_amount both match) and files per second of both,
the F1 difference and the speed ratio ours/naive (below 1: the naive script
is faster, because it does far less). Figures depend on the machine and its
load.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bots.remittance import extract  # noqa: E402
from tests.remittance.corpus import cases, line_f1  # noqa: E402

Lines = list[tuple[str, Decimal]]
_NAIVE_LINE = re.compile(r"^\s*\S*?([A-Z]*-?\d{4,}\S*)\s.*?(-?\d[\d,]*\.\d{2})\s*$", re.I)


def ours(data: bytes, name: str) -> Lines:
    result = extract(data, name)
    return [(line.invoice_ref, line.paid_amount) for r in result.remittances for line in r.lines]


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        return None


def _naive_rows(rows: list[list[str]]) -> Lines:
    if not rows:
        return []
    head = [str(h or "").lower() for h in rows[0]]
    ref = next((i for i, h in enumerate(head) if "inv" in h), None)
    paid = next((i for i, h in enumerate(head) if "paid" in h), None)
    paid = paid if paid is not None else next((i for i, h in enumerate(head) if "amount" in h),
                                              None)
    if ref is None or paid is None:
        return []
    out = []
    for row in rows[1:]:
        if max(ref, paid) < len(row) and row[ref] and (v := _dec(row[paid])) is not None:
            out.append((str(row[ref]), v))
    return out


def _naive_text(text: str) -> Lines:
    return [(m[1], v) for line in text.splitlines() if (m := _NAIVE_LINE.match(line))
            and (v := _dec(m[2])) is not None]


def naive(data: bytes, name: str) -> Lines:
    if name.endswith(".csv"):
        text = data.decode("utf-8", "replace")
        return _naive_rows(list(csv.reader(io.StringIO(text))))
    if name.endswith(".xlsx"):
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        return _naive_rows([[c for c in row] for row in sheet.iter_rows(values_only=True)])
    if name.endswith(".820"):
        segs = [s.strip().split("*") for s in data.decode().split("~")]
        return [(s[2], v) for s in segs if s[0] == "RMR" and len(s) > 4
                and (v := _dec(s[4])) is not None]
    if name.endswith(".pdf"):
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _naive_text("\n".join(page.extract_text() or "" for page in pdf.pages))
    return _naive_text(data.decode("utf-8", "replace").split("\n\n", 1)[-1])


def measure(func: Callable[[bytes, str], Lines], files: list[tuple[str, bytes, Lines]]
            ) -> tuple[tuple[float, float, float], float]:
    """((precision, recall, F1), files per second) of ``func`` on ``files``."""
    func(files[0][1], files[0][0])  # warm up: lazy imports are not the format's speed
    started = time.perf_counter()
    got = [func(data, name) for name, data, _ in files]
    seconds = time.perf_counter() - started
    return line_f1(zip(got, (truth for _, _, truth in files), strict=True)), \
        len(files) / seconds


def corpora(per_format: int, pdfs: int) -> dict[str, list[tuple[str, bytes, Lines]]]:
    out = {kind: [(c.name, c.data, list(c.truth)) for c in found]
           for kind, found in cases(seed=11, per_format=per_format).items()}
    golden = REPO / "tests" / "remittance" / "golden"
    out["golden"] = [(p.name, p.read_bytes(), [
        (line["invoice_ref"], Decimal(line["paid_amount"]))
        for r in json.loads(p.with_name(p.name + ".json").read_text(encoding="utf-8"))
        for line in r["lines"]]) for p in sorted(golden.iterdir()) if p.suffix != ".json"]
    try:
        from tests.remittance.pdf_corpus import samples
    except ImportError:
        print("pdf corpus not present: PDFs skipped")
        return out
    out["pdf"] = [(f"{s.name}.pdf" if not s.name.endswith(".pdf") else s.name, s.pdf,
                   [(line.invoice_ref, line.paid_amount) for line in s.truth.lines])
                  for s in samples(count=pdfs, seed=11)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-format", type=int, default=60)
    parser.add_argument("--pdfs", type=int, default=35)
    args = parser.parse_args()
    print(f"{'format':12s} {'files':>5s} | {'ours P/R/F1':>17s} {'files/s':>8s} | "
          f"{'naive P/R/F1':>17s} {'files/s':>8s} | {'F1 gain':>7s} {'speed ratio':>11s}")
    for kind, files in corpora(args.per_format, args.pdfs).items():
        (p, r, f), speed = measure(ours, files)
        (np_, nr, nf), nspeed = measure(naive, files)
        print(f"{kind:12s} {len(files):5d} | {p:.3f}/{r:.3f}/{f:.3f} {speed:8.1f} | "
              f"{np_:.3f}/{nr:.3f}/{nf:.3f} {nspeed:8.1f} | {f - nf:+7.3f} "
              f"{speed / nspeed:10.3f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
