"""The nightly through Temporal on a real dev server, with workers in subprocesses.

Each test has its own sandbox world and task queues. The worlds are the crash
bench's reduced world (10 customers, 8 mails, 4 portal invoices), so the
counts of the sandbox itself (:func:`bench.crash.count_damage`) say whether
anything was done twice or lost.
"""

from __future__ import annotations

import json
import os
import signal
import time
from contextlib import closing
from pathlib import Path

import pytest

from bench.crash import KillPoint, RunWatch, TrialWorld, count_damage
from tests.engine.conftest import runs_of, start_worker, temporal_world

pytestmark = pytest.mark.slow
RUN_TIMEOUT = 300  # seconds for a nightly of the small world


def _counts(world: TrialWorld) -> dict[str, dict[str, int]]:
    (run,) = runs_of(world)
    return json.loads(run["counts"])


def _wait_for(what: str, condition, timeout: float = RUN_TIMEOUT) -> None:
    """Poll ``condition`` until it holds (the processes under test give no other signal)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _stage(world: TrialWorld, mails: list[str]) -> str:
    """The bot the world's (only) run is at, as the crash bench tells it."""
    runs = runs_of(world)
    if not runs:
        return "(starting)"
    watch = RunWatch(world, runs[0]["pid"], mails)
    try:
        return watch.stage()
    finally:
        watch.close()


def test_the_nightly_through_temporal_counts_as_the_local_engine(
        tmp_path: Path, temporal_address: str, cleanup) -> None:
    local = TrialWorld(tmp_path / "local")
    local.reset()
    began = time.perf_counter()
    assert local.run("run", "nightly") == 0
    local_seconds = time.perf_counter() - began

    world, mails = temporal_world(tmp_path / "temporal", temporal_address)
    worker = start_worker(world, "worker")
    cleanup.append((world, [worker]))
    began = time.perf_counter()
    run = world.start("run", "nightly")
    _wait_for("the run's record", lambda: bool(runs_of(world)))
    second = world.start("run", "nightly", log="second")
    assert second.wait(timeout=120) == 75  # the workflow id of tonight's nightly is taken
    assert run.wait(timeout=RUN_TIMEOUT) == 0
    temporal_seconds = time.perf_counter() - began

    assert _counts(world) == _counts(local)
    (record,) = runs_of(world)
    assert record["status"] == "ok"
    report = json.loads((world.var / "runs" / record["id"] / "report.json").read_text())
    assert list(report["bots"]) == ["openitems", "intake", "cashapp", "portals", "collections"]
    assert "already running on this landscape tonight" in (world.folder / "second.log"
                                                           ).read_text()
    damage = count_damage(world, mails)
    assert {k: v for k, v in damage.items() if v} == {}, damage
    assert world.run("run", "nightly", log="rerun") == 0  # a finished run may run again
    assert [r["status"] for r in runs_of(world)] == ["ok", "ok"]
    print(f"\nnightly of the small world: local {local_seconds:.1f} s, "
          f"temporal {temporal_seconds:.1f} s (command to exit, one worker process)")


def test_a_worker_killed_mid_run_leaves_its_bot_to_another_without_duplicates(
        tmp_path: Path, temporal_address: str, cleanup) -> None:
    world, mails = temporal_world(tmp_path / "world", temporal_address)
    first = start_worker(world, "first")
    processes = [first]
    cleanup.append((world, processes))
    run = world.start("run", "nightly")
    _wait_for("the first worker's run", lambda: any(
        r["pid"] == first.pid for r in runs_of(world)))
    watch = RunWatch(world, first.pid, mails)
    try:
        _wait_for("two portal submissions' ledger events",
                  lambda: watch.reached(KillPoint("portals", events=2)))
    finally:
        watch.close()
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    processes.append(start_worker(world, "second"))

    assert run.wait(timeout=RUN_TIMEOUT) == 0
    (record,) = runs_of(world)
    assert record["status"] == "ok"
    damage = count_damage(world, mails)
    assert {k: v for k, v in damage.items() if v} == {}, damage
    counts = json.loads(record["counts"])
    assert counts["portals"]["submitted"] + counts["portals"].get(
        "found_after_interruption", 0) + counts["portals"]["skipped"] == 4
    db = world.store()
    assert db is not None
    with closing(db):
        retried = db.execute("SELECT count(*) FROM audit WHERE run_id = ? AND event = "
                             "'intent:pending'", (record["id"],)).fetchone()[0]
        done_twice = db.execute("SELECT count(*) FROM (SELECT key FROM audit WHERE event = "
                                "'done' GROUP BY key HAVING count(*) > 1)").fetchone()[0]
    assert done_twice == 0
    print(f"\nkilled in portals; the second worker took over, {retried} write(s) looked up")


def test_a_refused_logon_fails_the_run_at_once_with_its_reason(
        tmp_path: Path, temporal_address: str, cleanup, monkeypatch) -> None:
    world, _ = temporal_world(tmp_path / "world", temporal_address)
    monkeypatch.setenv("ARBOTS_SAP_CONNECTION", "tests.engine.sap_refusing:connect")
    cleanup.append((world, [start_worker(world, "worker")]))
    assert world.run("run", "nightly") == 2
    (record,) = runs_of(world)
    assert record["status"] == "failed"
    assert "Name or password is incorrect" in record["message"]
    report = json.loads((world.var / "runs" / record["id"] / "report.json").read_text())
    assert report["bots"]["openitems"]["status"] == "failed"
    assert len(report["bots"]) == 1  # the bots after it did not run, as on the local engine
    attempts = (world.folder / "worker.log").read_text().count("Completing activity as failed")
    assert attempts == 1  # non-retryable: a retry with a wrong password would lock the user


def test_ctrl_c_skips_the_bots_not_yet_started(tmp_path: Path, temporal_address: str,
                                               cleanup) -> None:
    world, mails = temporal_world(tmp_path / "world", temporal_address)
    cleanup.append((world, [start_worker(world, "worker")]))
    run = world.start("run", "nightly")
    _wait_for("the first bot's snapshot", lambda: _stage(world, mails) not in (
        "(starting)", "openitems"))
    run.send_signal(signal.SIGINT)
    assert run.wait(timeout=RUN_TIMEOUT) == 130
    (record,) = runs_of(world)
    assert record["status"] == "interrupted"
    assert record["message"].startswith("stopped on request before: ")
    report = json.loads((world.var / "runs" / record["id"] / "report.json").read_text())
    assert report["bots"]["collections"] == {**report["bots"]["collections"],
                                             "status": "skipped", "counts": {"stopped": 1}}
