"""``arbots extract`` on a 10,000-document backlog, as a user runs it: 1 vs 2 processes.

    python -m bench extract_volume
    ARBOTS_BENCH_EXTRACT_DOCS=2000 python -m bench extract_volume   # smaller

A folder of mixed documents is generated first (not timed): PDF advices of
the layout families (``tests/remittance/layouts``) and of the first PDF
corpus (``tests/remittance/pdf_corpus.py``, as ``bench extract`` uses), and
e-mails (plain and HTML), CSV, XLSX and X12 820 files of
``tests/remittance/corpus.py``; 40 % PDF. Distinct documents are generated
up to a cap per kind and then repeated under new names (each copy is read
in full; its remittance is written once, as a duplicate).

Then ``arbots extract FOLDER --out FILE --jobs N`` runs as a child process:

1. ``--jobs 1`` on all documents: the one-process rate (the baseline);
2. ``--jobs 2`` on all documents: the goal is at least 1.8x the baseline;
3. ``--jobs 2`` on the first tenth: its peak memory beside (2)'s shows that
   memory does not grow with the number of documents (streaming output).

Memory is the peak of the sum of the resident sets of the command's process
tree (the command, its fork server and workers), sampled every 50 ms, and
the largest single process. CPU seconds per role: the command's own
(``wait4``: it hands out the documents and writes the results), the fork
server's (it imports the readers once) and the workers' (sampled, as they
are not the command's children); from them, the speed-up two idle cores
would allow (a loaded machine's wall figures mislead). The load average is
printed beside each figure.
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.remittance import corpus  # noqa: E402
from tests.remittance.layouts import FAMILIES, make_advice  # noqa: E402
from tests.remittance.pdf_corpus import LAYOUTS, make_sample  # noqa: E402

DOCS = int(os.environ.get("ARBOTS_BENCH_EXTRACT_DOCS", "10000"))
UNIQUE_PDFS = 400  # distinct PDFs generated (reportlab is the slow part), then repeated
UNIQUE_TEXT = 300  # distinct documents per text generator
GOAL = 1.8


def _pdfs(seed: int) -> Iterator[tuple[str, bytes]]:
    """Distinct PDFs, layout families and the first corpus taking turns."""
    family_docs = (make_advice(FAMILIES[n % len(FAMILIES)], n // len(FAMILIES), seed).pdf
                   for n in itertools.count())
    names = list(LAYOUTS)
    corpus_docs = (make_sample(names[n % len(names)], n // len(names), seed).pdf
                   for n in itertools.count())
    for n in range(UNIQUE_PDFS):
        yield "pdf", next(family_docs) if n % 2 else next(corpus_docs)


def _texts(seed: int) -> Iterator[tuple[str, bytes]]:
    """Distinct e-mails, sheets and 820s, the generators taking turns."""
    cases = corpus.cases(seed, per_format=UNIQUE_TEXT)
    for row in zip(*cases.values(), strict=True):
        for case in row:
            yield case.name.rsplit(".", 1)[-1], case.data


def generate(folder: Path, count: int, seed: int = 7) -> None:
    """``count`` documents in ``folder``, 40 % PDF, named in reading order."""
    pdfs, texts = list(_pdfs(seed)), list(_texts(seed))
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for n in range(count):
        ext, data = (pdfs[n % len(pdfs)] if rng.random() < 0.4 else texts[n % len(texts)])
        (folder / f"doc-{n:05d}.{ext}").write_bytes(data)


@dataclass
class Extract:
    """One measured ``arbots extract``: wall seconds, lines, memory and CPU of its tree."""

    seconds: float
    written: int
    peak_sum: int  # bytes: the largest sum of the tree's resident sets
    peak_one: int  # bytes: the largest single process
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds, last seen
    workers: set[int] = field(default_factory=set)  # pids of the fork server's children

    @property
    def parent_cpu(self) -> float:
        return self.cpu.get(-1, 0.0)

    @property
    def worker_cpu(self) -> float:
        return sum(self.cpu.get(pid, 0.0) for pid in self.workers)

    @property
    def other_cpu(self) -> float:
        """The fork server's and multiprocessing's resource tracker's."""
        return self.total_cpu - self.parent_cpu - self.worker_cpu

    @property
    def total_cpu(self) -> float:
        return sum(self.cpu.values())


def _sample(process: psutil.Process, run: Extract) -> None:
    """Add the tree's resident sets now to the peaks and its processes' CPU seconds."""
    sizes = []
    for p in [process, *process.children(recursive=True)]:
        try:
            sizes.append(p.memory_info().rss)
            times = p.cpu_times()
            run.cpu[-1 if p.pid == process.pid else p.pid] = times.user + times.system
            if p.pid != process.pid and p.ppid() != process.pid:
                run.workers.add(p.pid)
        except psutil.Error:
            continue
    run.peak_sum = max(run.peak_sum, sum(sizes))
    run.peak_one = max(run.peak_one, max(sizes, default=0))


def run_extract(folder: Path, out: Path, jobs: int) -> Extract:
    """One command, measured; the command's own CPU from ``wait4``, its workers' sampled."""
    started = time.perf_counter()
    log = out.with_suffix(".log")
    with log.open("wb") as sink:
        child = psutil.Popen([sys.executable, "-m", "bots.cli", "extract", str(folder),
                              "--out", str(out), "--jobs", str(jobs)],
                             stdout=sink, stderr=subprocess.STDOUT)
    run = Extract(0.0, 0, 0, 0)
    while True:
        _sample(child, run)
        ended, status, usage = os.wait4(child.pid, os.WNOHANG)
        if ended:
            break
        time.sleep(0.05)
    run.seconds = time.perf_counter() - started
    run.cpu[-1] = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    if code not in (0, 1) or not out.exists():  # 1: some documents failed, as some do
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"arbots extract --jobs {jobs} exited {code}:\n{tail}")
    with out.open(encoding="utf-8") as lines:
        run.written = sum(1 for _ in lines)
    return run


def _line(label: str, docs: int, run: Extract) -> None:
    print(f"{label:<34} {docs:>6,} docs {run.seconds:7.1f} s {docs / run.seconds:7.1f} docs/s  "
          f"CPU {run.total_cpu:6.1f} s (command {run.parent_cpu:5.1f}, workers "
          f"{run.worker_cpu:5.1f}, fork server {run.other_cpu:4.1f})  {run.written:>6,} lines  "
          f"peak RSS tree {run.peak_sum / 2**20:6.0f} MiB (largest process "
          f"{run.peak_one / 2**20:4.0f})  load {os.getloadavg()[0]:.2f}", flush=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="arbots-bench-extract-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        generate(root / "all", DOCS)
        small = root / "tenth"
        small.mkdir()
        for path in sorted((root / "all").iterdir())[:DOCS // 10]:
            (small / path.name).symlink_to(path)
        print(f"generated {DOCS:,} documents ({UNIQUE_PDFS} distinct PDFs, {UNIQUE_TEXT} "
              f"per text format) in {time.perf_counter() - started:.1f} s; "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}", flush=True)
        one = run_extract(root / "all", root / "one.jsonl", 1)
        _line("arbots extract --jobs 1", DOCS, one)
        two = run_extract(root / "all", root / "two.jsonl", 2)
        _line("arbots extract --jobs 2", DOCS, two)
        tenth = run_extract(small, root / "tenth.jsonl", 2)
        _line("arbots extract --jobs 2, a tenth", DOCS // 10, tenth)
        same = (root / "one.jsonl").read_bytes() == (root / "two.jsonl").read_bytes()
    speedup = one.seconds / two.seconds
    # what two cores allow from the CPU spent: the work spread over two, or the command's
    # own share (every result goes through it), whichever is longer
    bound = one.total_cpu / max(two.total_cpu / 2, two.parent_cpu)
    print(f"2 processes / 1: {speedup:.2f}x faster (goal {GOAL}x); output identical: {same}; "
          f"peak RSS tree {tenth.peak_sum / 2**20:.0f} MiB with {DOCS // 10:,} documents, "
          f"{two.peak_sum / 2**20:.0f} MiB with {DOCS:,}; load {os.getloadavg()[0]:.2f}")
    print(f"from the CPU seconds: --jobs 1 {one.total_cpu:.1f} s, --jobs 2 {two.total_cpu:.1f} s "
          f"of which the command {two.parent_cpu:.1f} s: on two idle cores --jobs 2 could be "
          f"{bound:.2f}x faster")
    return 0 if speedup >= GOAL and same else 1


if __name__ == "__main__":
    sys.exit(main())
