"""Ctrl-C, SIGTERM and kill -9 on a real ``arbots run``: status, exit code, report, lease."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.runner import run_bots
from bots.store import Store
from tests.cli.cli_world import Running, arbots, sandbox_template, store_rows, wait_for, world

__all__ = ["sandbox_template", "world"]  # fixtures


def report_of(cfg: Config, run_id: str) -> dict[str, Any]:
    return json.loads((cfg.runs_dir / run_id / "report.json").read_text(encoding="utf-8"))


def started_run(cfg: Config) -> str | None:
    rows = store_rows(cfg, "SELECT id FROM runs WHERE status = 'running'")
    return rows[0][0] if rows else None


def no_lease(cfg: Config) -> bool:
    return store_rows(cfg, "SELECT count(*) FROM leases") == [(0,)]


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stop_signal_finishes_the_step_writes_the_report_and_exits_128_plus(
        world: Config, sig: signal.Signals, code: int) -> None:
    run = Running(world, "run", "nightly")
    try:
        wait_for(lambda: started_run(world), "the run to start")
        run_id = started_run(world)
        run.proc.send_signal(sig)
        assert run.wait() == code, run.stderr
    finally:
        run.kill()
    assert f"stopping after the current step ({sig.name})" in run.stderr
    assert "Traceback" not in run.stderr
    assert store_rows(world, "SELECT status FROM runs WHERE id = ?", run_id) == \
        [("interrupted",)]
    report = report_of(world, run_id)
    assert report["status"] == "interrupted" and report["ended"]
    assert "skipped" in {b["status"] for b in report["bots"].values()}
    assert no_lease(world)


@pytest.mark.slow
def test_a_second_ctrl_c_stops_at_once_and_still_records_the_run(world: Config) -> None:
    run = Running(world, "run", "nightly")
    try:
        wait_for(lambda: started_run(world), "the run to start")
        run_id = started_run(world)
        run.proc.send_signal(signal.SIGINT)
        wait_for(lambda: "press Ctrl-C again" in run.stderr or run.proc.poll() is not None,
                 "the first Ctrl-C to be seen")
        if run.proc.poll() is None:
            run.proc.send_signal(signal.SIGINT)
        assert run.wait() == 130, run.stderr
    finally:
        run.kill()
    assert "Traceback" not in run.stderr
    assert store_rows(world, "SELECT status FROM runs WHERE id = ?", run_id) == \
        [("interrupted",)]
    assert report_of(world, run_id)["status"] == "interrupted"
    assert no_lease(world)


class CtrlCAt:
    """Progress that raises KeyboardInterrupt (a second Ctrl-C) at the ``n``-th item."""

    def __init__(self, n: int) -> None:
        self.n, self.seen = n, 0

    def track(self, items, description, total=None):  # noqa: ANN001, ANN201
        for item in items:
            self.seen += 1
            if self.seen == self.n:
                raise KeyboardInterrupt
            yield item


def test_keyboard_interrupt_inside_a_bot_ends_the_run_interrupted(world: Config) -> None:
    outcome = run_bots(world, ("openitems", "collections"), Trigger.ON_DEMAND,
                       threading.Event(), progress=CtrlCAt(3))
    assert outcome.status == RunStatus.INTERRUPTED and outcome.exit_code == 130
    bots = {b.name: b for b in outcome.report.bots}
    stopped = [b for b in bots.values() if b.errors and "second Ctrl-C" in b.errors[0].reason]
    assert len(stopped) == 1
    assert report_of(world, outcome.run_id)["status"] == "interrupted"
    with Store(world.store_path) as store:
        assert store.run(outcome.run_id).status == "interrupted"
        assert store.lease_of_run(outcome.run_id) is None
        assert not store.db.in_transaction



def test_ctrl_c_while_the_report_is_written_does_not_lose_the_report(
        world: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    from bots.cli.run import stop_on_signals
    from bots.reports import writer

    write = writer.write_run_report

    def interrupted_write(run_dir: Path, report: Any) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the second Ctrl-C, as the report is written
        write(run_dir, report)

    monkeypatch.setattr(writer, "write_run_report", interrupted_write)
    stop = threading.Event()
    stop.set()  # the first Ctrl-C has been seen: the next one stops at once
    with stop_on_signals(stop):
        outcome = run_bots(world, ("collections",), Trigger.ON_DEMAND, stop)
    assert outcome.status == RunStatus.INTERRUPTED
    assert report_of(world, outcome.run_id)["status"] == "interrupted"
    assert (world.runs_dir / outcome.run_id / "report.html").exists()
    assert no_lease(world)

@pytest.mark.slow
def test_a_killed_run_is_aborted_by_the_next_one_which_says_what_it_took_over(
        world: Config) -> None:
    run = Running(world, "run", "nightly")
    try:
        wait_for(lambda: store_rows(world, "SELECT count(*) FROM external_writes "
                                           "WHERE status = 'done'") not in ([], [(0,)]),
                 "the run's first external write", seconds=120)
        killed = started_run(world)
        run.proc.kill()  # SIGKILL: no handler, no report, the lease row stays
        run.wait()
    finally:
        run.kill()
    assert store_rows(world, "SELECT run_id FROM leases") == [(killed,)]
    assert not (world.runs_dir / killed / "report.json").exists()

    rerun = arbots(world, "run", "collections")
    assert rerun.returncode == 0, rerun.stderr
    assert store_rows(world, "SELECT status FROM runs WHERE id = ?", killed) == [("aborted",)]
    aborted = report_of(world, killed)
    assert aborted["status"] == "aborted" and aborted["ended"]
    assert aborted["external_writes"], "the aborted run's report lists its writes"
    (rerun_id,) = [r for (r,) in store_rows(world, "SELECT id FROM runs") if r != killed]
    takeover = report_of(world, rerun_id)["bots"]["takeover"]
    assert takeover["counts"]["runs_aborted"] == 1
    waiting = report_of(world, rerun_id)["waiting"]["takeover"]
    assert any(killed in w["item"] for w in waiting)
    assert store_rows(world, "SELECT count(*) FROM external_writes WHERE status = 'intent'") \
        == [(0,)] or takeover["counts"]["pending_writes"] > 0
    assert no_lease(world)
    runs = arbots(world, "runs")
    assert "aborted" in runs.stderr and "Traceback" not in runs.stderr


def test_runs_marks_a_dead_run_aborted_and_writes_its_report(world: Config,
                                                            tmp_path: Path) -> None:
    with Store(world.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("collections",), dry_run=True)
        ledger = store.ledger(run.id)
        ledger.begin("collection_note", "note-1", "1000/0000100001", {})
        store.db.execute("UPDATE runs SET pid = ? WHERE id = ?", (_dead_pid(), run.id))
    listing = arbots(world, "runs")
    assert listing.returncode == 0, listing.stderr
    assert f"run {run.id} stopped without finishing" in " ".join(listing.stderr.split())
    assert store_rows(world, "SELECT status FROM runs WHERE id = ?", run.id) == [("aborted",)]
    report = report_of(world, run.id)
    assert report["status"] == "aborted"
    assert [w["state"] for w in report["external_writes"]] == ["intent"]


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


class StealLease:
    """Progress that, at the first item, lets another run take the lease, then waits
    until the run has noticed (its stop event is set by the heartbeat)."""

    def __init__(self, cfg: Config, stop: threading.Event) -> None:
        self.cfg, self.stop = cfg, stop

    def track(self, items, description, total=None):  # noqa: ANN001, ANN201
        for number, item in enumerate(items):
            if number == 0:
                with Store(self.cfg.store_path) as store:
                    store.db.execute("UPDATE leases SET run_id = 'thief'")
                assert self.stop.wait(30), "the heartbeat did not notice the lost lease"
            yield item


def test_a_run_that_lost_its_lease_stops_and_ends_aborted(world: Config,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("ARBOTS_LEASE_TTL", "1")  # a heartbeat every 0.25 s
    stop = threading.Event()
    outcome = run_bots(world, ("openitems", "collections"), Trigger.ON_DEMAND, stop,
                       progress=StealLease(world, stop))
    assert outcome.status == RunStatus.ABORTED and outcome.exit_code == 1
    assert "lost the landscape's lease" in outcome.message
    assert {b.name: b.status.value for b in outcome.report.bots}["collections"] == "skipped"
    assert store_rows(world, "SELECT run_id FROM leases") == [("thief",)], \
        "the thief's lease is not released by the loser"


def test_the_run_after_an_interrupted_one_says_whose_work_it_finishes(world: Config) -> None:
    stopped = run_bots(world, ("openitems", "collections"), Trigger.ON_DEMAND,
                       threading.Event(), progress=CtrlCAt(200))  # a second Ctrl-C
    assert stopped.status == RunStatus.INTERRUPTED
    rerun = run_bots(world, ("collections",), Trigger.ON_DEMAND)
    assert rerun.status == RunStatus.OK
    takeover = {b.name: b for b in rerun.report.bots}["takeover"]
    assert takeover.counts["runs"] == 1 and takeover.counts["runs_aborted"] == 0
    assert takeover.waiting[0].item == f"run {stopped.run_id} (interrupted)"
    assert takeover.counts["pending_open"] == 0
    assert report_of(world, rerun.run_id)["bots"]["takeover"]["counts"]["runs"] == 1


def test_a_handled_ctrl_c_inside_exec_does_not_turn_exit_130_into_a_sigint_death(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "handled.py").write_text(  # run with -m, as ``python -m bots.cli`` is
        "from bots.cli.common import forget_handled_ctrl_c\n"
        "try:\n    exec('raise KeyboardInterrupt')\nexcept KeyboardInterrupt:\n    pass\n"
        "forget_handled_ctrl_c()\nraise SystemExit(130)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "handled"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert done.returncode == 130, done.stderr
