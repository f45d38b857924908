"""Benchmark of `bots.cashapp.match`: 1,000,000 open items against 100,000 payments.

    .venv/bin/python bench/match.py             # full size (about 1.1 M items, 290 k lines)
    .venv/bin/python bench/match.py --scale 0.05

Prints, for the same generated data in the same process: the engine's wall
time, CPU time (the fairer figure on a shared machine) and memory, and a bare
pandas join of remittance references to open-item references (build the two
frames from the same objects, then merge) as the baseline; then the ratio
engine / baseline, and the corpus score (:mod:`bench.cashapp_quality`: auto
precision, also per rule and per confidence band, recall, the false postings
that must never happen). Data generation and scoring are not measured. The
held-out quality figures are ``bench/cashapp_heldout.py``.

Memory: peak RSS of the process (``resource`` maxrss: data and engine) and
how much the peak rose while matching; ``--tracemalloc`` also traces the
engine's own allocations (slower; the timed figure then includes tracing).
Goal: <= 20 s and <= 2 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.cashapp_corpus import Corpus, generate  # noqa: E402
from bench.cashapp_quality import breakdown, score  # noqa: E402
from bots.cashapp import Policy, match  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline(corpus: Corpus) -> tuple[float, float, int]:
    """(seconds to build frames and merge, seconds to merge only, joined rows)."""
    start = time.perf_counter()
    items = pd.DataFrame({"invoice_ref": [i.invoice_ref for i in corpus.open_items],
                          "document_no": [i.document_no for i in corpus.open_items]})
    lines = pd.DataFrame({"remittance_id": [r.id for r in corpus.remittances for _ in r.lines],
                          "invoice_ref": [x.invoice_ref for r in corpus.remittances
                                          for x in r.lines]})
    built = time.perf_counter()
    joined = lines.merge(items, on="invoice_ref", how="inner")
    end = time.perf_counter()
    return end - start, end - built, len(joined)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full size (1.0 = 50,000 customers, "
                             "100,000 payments)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace the engine's allocations (slower)")
    args = parser.parse_args()

    start = time.perf_counter()
    corpus = generate(seed=args.seed, customers=max(20, int(50_000 * args.scale)),
                      items_per_customer=20, payments=max(50, int(100_000 * args.scale)))
    lines = sum(len(r.lines) or 1 for r in corpus.remittances)
    print(f"data: {len(corpus.open_items):,} open items, {len(corpus.remittances):,} "
          f"remittances, {lines:,} lines/payments, {len(corpus.customers):,} customers "
          f"(generated in {time.perf_counter() - start:.1f} s, not measured)")
    gc.collect()

    base_total, base_merge, joined = _baseline(corpus)
    print(f"baseline pandas join: {base_total:.2f} s (frames {base_total - base_merge:.2f} s "
          f"+ merge {base_merge:.2f} s), {joined:,} joined rows on exact references")
    gc.collect()

    rss_before = _rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    result = match(corpus.open_items, corpus.remittances, corpus.customers, Policy(),
                   already_applied=corpus.already_applied)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()
    rss_after = _rss_mb()

    s = result.stats
    print(f"engine match(): {elapsed:.2f} s wall, {cpu:.2f} s CPU for {s.units:,} units "
          f"({s.units / elapsed:,.0f} units/s): auto {s.auto:,}, review {s.review:,}, "
          f"unmatched {s.unmatched:,}")
    print(f"memory: peak RSS {rss_after:,.0f} MB (data + engine), "
          f"rose {rss_after - rss_before:,.0f} MB while matching"
          + (f", engine allocations peak {traced:,.0f} MB (tracemalloc)" if traced else ""))
    print(f"ratio engine / pandas join: {elapsed / base_total:.1f}x "
          f"({elapsed / base_merge:.1f}x against the merge alone)")
    sc = score(corpus, result)
    never = ", ".join(f"{kind} {n}" for kind, n in sorted(sc.never.items())) or "none"
    print(f"quality: auto precision {sc.precision:.4f} (item and cash {sc.item_precision:.4f}; "
          f"{sc.auto_rows - sc.right_auto_rows:,} wrong of {sc.auto_rows:,} auto rows, "
          f"{sc.wrong_treatment_rows:,} only in treatment), auto recall {sc.recall:.4f}, "
          f"units auto-applied {sc.auto_share:.4f}; false postings that must never happen: "
          f"{never}")
    for line in breakdown(sc):
        print(line)
    goal = "met" if elapsed <= 20 and rss_after <= 2048 else "NOT met"
    print(f"goal (<= 20 s, <= 2 GB at scale 1.0): {goal} at scale {args.scale}")


if __name__ == "__main__":
    main()
