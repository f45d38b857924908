"""``arbots extract --jobs N`` (issue 12, item 4): worker processes, the spec's order, and
a worker that dies costing only its own document.

The worker's death is real: with ``ARBOTS_TEST_KILL_WORKER_ON`` set, the worker
that picks up the marked file kills itself with SIGKILL before reading it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from bots.remittance.pool import BATCH, KILL_ENV, WorkerLost, read_in_order


def _advices(folder: Path, count: int) -> list[Path]:
    """``count`` small CSV advices, each paying one invoice of its own number."""
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"advice-{n:02d}.csv"
        rows = "".join(f"INV-{n:02d}-{k},{k}.00\n" for k in range(1, 2 + n % 4))
        path.write_text("Invoice,Paid\n" + rows, encoding="utf-8")
        paths.append(path)
    return paths


def _extract(folder: Path, out: Path, jobs: int) -> tuple[int, list[str], str]:
    run = CliRunner().invoke(main, ["extract", str(folder), "--out", str(out),
                                    "--jobs", str(jobs)])
    lines = out.read_text(encoding="utf-8").splitlines()
    return run.exit_code, [json.loads(line)["source"] for line in lines], run.output


def test_results_come_in_the_order_of_the_tasks() -> None:
    sizes = [4000, 1, 3000, 2, 1, 2500, 5, 1, 7, 3500, 1, 2]  # slow and fast mixed
    got = list(read_in_order(math.factorial, ((str(n), n) for n in sizes), jobs=2, window=3))
    assert [name for name, _ in got] == [str(n) for n in sizes]
    assert [value for _, value in got] == [math.factorial(n) for n in sizes]


def test_documents_and_results_bigger_than_a_pipe_pass_both_ways() -> None:
    """A worker sending a big result while the parent sends it the next big task: no
    deadlock (each holds two tasks at a time)."""
    tasks = [(str(n), bytes([97 + n]) * 3_000_000) for n in range(6)]
    got = list(read_in_order(bytes.upper, iter(tasks), jobs=2))
    assert [value for _, value in got] == [payload.upper() for _, payload in tasks]


def test_two_jobs_write_what_one_writes_in_the_same_order(tmp_path: Path) -> None:
    paths = _advices(tmp_path / "in", 12)
    code1, one, _ = _extract(tmp_path / "in", tmp_path / "one.jsonl", 1)
    code2, two, _ = _extract(tmp_path / "in", tmp_path / "two.jsonl", 2)
    assert code1 == code2 == 0
    assert one == two == [str(p) for p in paths]
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_a_killed_worker_quarantines_only_its_document(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _advices(tmp_path / "in", 9)
    marked = paths[4].rename(paths[4].with_name("advice-04-kill.csv"))
    monkeypatch.setenv(KILL_ENV, "-kill.csv")
    code, sources, output = _extract(tmp_path / "in", tmp_path / "out.jsonl", 2)
    assert code == 1
    assert sources == [str(p) for p in paths if p != paths[4]]
    assert f"{marked}: the worker process died: killed by SIGKILL (internal)" in \
        " ".join(output.split())
    assert "9 file(s), 1 failure(s)" in output


def test_a_lost_worker_is_reported_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KILL_ENV, "doomed")
    got = list(read_in_order(math.factorial, [("a", 5), ("doomed", 6), ("c", 7),
                                               ("doomed too", 8), ("e", 9)], jobs=2))
    assert [name for name, _ in got] == ["a", "doomed", "c", "doomed too", "e"]
    assert got[1][1] == got[3][1] == WorkerLost("the worker process died: killed by SIGKILL")
    assert [got[0][1], got[2][1], got[4][1]] == [120, 5040, 362880]


def test_a_worker_dying_in_a_batch_loses_only_the_task_it_was_reading(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks go out in batches (``BATCH``): those the dead worker had read before the
    fatal one, and those after it, are read again by another worker."""
    monkeypatch.setenv(KILL_ENV, "doomed")
    names = [f"doomed {n}" if n in (9, 22) else str(n) for n in range(40)]
    got = list(read_in_order(math.factorial, ((name, n) for n, name in enumerate(names)),
                             jobs=2))
    assert BATCH > 1
    assert [name for name, _ in got] == names
    lost = WorkerLost("the worker process died: killed by SIGKILL")
    assert [value for _, value in got] == [lost if name.startswith("doomed")
                                           else math.factorial(n) for n, name in
                                           enumerate(names)]
