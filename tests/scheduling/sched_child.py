"""A real scheduler daemon in its own process, for the lock and signal tests.

    python sched_child.py idle  DIR   # holds the lock, no job due for a day
    python sched_child.py steps DIR   # two jobs overdue; "slow" runs 0.1 s steps

Every event is appended to DIR/events.log, one line each, flushed at once.
"""

from __future__ import annotations

import sys
import threading
import time as _time
from datetime import datetime, time, timedelta
from pathlib import Path

from bots.config import ScheduleJob
from bots.scheduling import Daemon


def main(mode: str, folder: Path) -> None:
    events = folder / "events.log"

    def note(line: str) -> None:
        with events.open("a") as out:
            out.write(line + "\n")

    def run_job(job: ScheduleJob, stop: threading.Event) -> str:
        note(f"start {job.name}")
        for step in range(100):
            note(f"begin {step}")
            _time.sleep(0.1)
            note(f"end {step}")
            if stop.is_set():
                note(f"stopped {job.name}")
                return "interrupted"
        return "ok"

    now = datetime.now()
    jobs = (ScheduleJob("slow", ("nightly",), time(2, 0), 1),
            ScheduleJob("next", ("collections",), time(3, 0), 1))
    if mode == "idle":
        last = {"slow": now, "next": now}  # both ran today: nothing due before tomorrow
    else:
        last = {"slow": now - timedelta(days=3), "next": now - timedelta(days=2)}
    Daemon(jobs, run_job, last.get, lock_path=folder / "arbots-scheduler.lock").run()
    note("exited")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
