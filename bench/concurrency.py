"""Concurrency bench: two writers at once on one landscape must not do anything twice.

    python -m bench concurrency                  # 20 pairs, 5 scheduler-plus-manual trials
    python -m bench.concurrency --pairs 2 --with-scheduler 1

Two cases, each on a fresh reduced sandbox world (as in :mod:`bench.crash`):

* **pair**: two ``arbots run nightly`` started together on one configuration;
* **scheduler + manual**: the scheduler daemon (``arbots schedule``) with the
  nightly job due now (a run of yesterday is in the store, so the daemon
  catches up at once) and a manual ``arbots run nightly`` started with it;
  once both runs have ended the daemon is stopped with SIGTERM.

Then the same counts as the crash bench (:func:`bench.crash.count_damage`):
duplicate postings, notes, portal submissions and reminders, lost mails,
portal invoices without their SAP note, open intents, leftover browsers, runs
left running. The verdict wants every count at 0. The "reruns" column holds
the exit codes of the two runs (a run that refuses because the other holds the
landscape is fine, so long as the work is done once).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.crash import (
    RUN_TIMEOUT,
    Trial,
    TrialWorld,
    bench_folder,
    count_damage,
    end_trial_processes,
    print_table,
    wait_or_kill,
)

DEFAULT_PAIRS = 20
DEFAULT_SCHEDULER = 5


def _codes(codes: Sequence[int | None]) -> str:
    return ",".join("hung" if c is None else str(c) for c in codes)


def pair_trial(n: int, folder: Path) -> Trial:
    """Two nightly runs started together; the damage counted once both have ended."""
    world = TrialWorld(folder)
    began = time.perf_counter()
    mails = world.reset()
    children = [world.start("run", "nightly", log=f"run{i}") for i in (1, 2)]
    codes = [wait_or_kill(child) for child in children]
    trial = Trial(f"pair {n}", "-", None, 0.0, _codes(codes), count_damage(world, mails))
    end_trial_processes(world.token)
    trial.seconds = time.perf_counter() - began
    return trial


def ran_yesterday(world: TrialWorld, job: str = "nightly") -> None:
    """Record that the scheduled ``job`` ran yesterday, so that it is due (a catch-up) now."""
    from bots.config import load_config
    from bots.domain import RunStatus, Trigger
    from bots.store import Store

    yesterday = datetime.now(UTC) - timedelta(days=1)
    cfg = load_config(world.config, home=world.folder)
    with Store(cfg.store_path, clock=lambda: yesterday) as store:
        run = store.start_run(Trigger.SCHEDULE, ("nightly",), job=job)
        store.finish_run(run.id, RunStatus.OK, {})


def _scheduled_run_ended(world: TrialWorld, since: str) -> bool:
    db = world.store()
    if db is None:
        return False
    with closing(db):
        try:
            row = db.execute("SELECT count(*) FROM runs WHERE trigger = 'schedule' AND "
                             "started >= ? AND status <> 'running'", (since,)).fetchone()
        except sqlite3.Error:
            return False
    return bool(row[0])


def scheduler_trial(n: int, folder: Path) -> Trial:
    """The scheduler's catch-up run and a manual run at the same time."""
    world = TrialWorld(folder)
    began = time.perf_counter()
    mails = world.reset()
    ran_yesterday(world)
    since = datetime.now(UTC).isoformat(timespec="seconds")
    daemon = world.start("schedule", log="scheduler")
    manual = world.start("run", "nightly", log="manual")
    manual_code = wait_or_kill(manual)
    deadline = time.monotonic() + RUN_TIMEOUT
    while (not _scheduled_run_ended(world, since) and daemon.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.05)
    scheduled = "ran" if _scheduled_run_ended(world, since) else "no run"
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
    daemon_code = wait_or_kill(daemon)
    trial = Trial(f"sched {n}", "-", None, 0.0,
                  f"{_codes([manual_code])},{scheduled}:{_codes([daemon_code])}",
                  count_damage(world, mails))
    end_trial_processes(world.token)
    trial.seconds = time.perf_counter() - began
    return trial


def concurrency_trials(pairs: int, with_scheduler: int, folder: Path, *,
                       echo: bool = True) -> list[Trial]:
    """``pairs`` pair trials, then ``with_scheduler`` scheduler-plus-manual trials."""
    trials = []
    plan = [(pair_trial, n) for n in range(1, pairs + 1)] + \
        [(scheduler_trial, n) for n in range(1, with_scheduler + 1)]
    for trial_of, n in plan:
        sub = folder / f"{trial_of.__name__}-{n:03d}"
        trial = trial_of(n, sub)
        trials.append(trial)
        if echo:
            bad = ", ".join(f"{c} {k}" for c, k in trial.counts.items() if k) or "clean"
            print(f"  {trial.name}: {trial.seconds:.1f}s, exit codes {trial.reruns}: {bad}",
                  flush=True)
    return trials


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int,
                        default=int(os.environ.get("CONCURRENCY_PAIRS", DEFAULT_PAIRS)))
    parser.add_argument("--with-scheduler", type=int, default=DEFAULT_SCHEDULER,
                        help="scheduler-plus-manual trials (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the trials' worlds")
    args = parser.parse_args(argv)
    with bench_folder(args.keep) as folder:
        trials = concurrency_trials(args.pairs, args.with_scheduler, folder)
        ok = print_table(f"{args.pairs} pairs of concurrent nightly runs, "
                         f"{args.with_scheduler} scheduler-plus-manual", trials)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
