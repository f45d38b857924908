"""Test doubles for the scheduler: a fake clock and a store of last starts in a dict."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bots.config import ScheduleJob
from bots.scheduling import Daemon


class FakeClock:
    """Time that moves only when the daemon sleeps; at ``end`` it asks to stop."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.t, self.end = start, end
        self.on_end: Callable[[], None] = lambda: None

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the daemon must never sleep for nothing"
        self.t += timedelta(seconds=seconds)
        if self.t >= self.end:
            self.on_end()

    def advance(self, **delta: float) -> None:
        """Let time pass inside a job (a run that takes a while)."""
        self.t += timedelta(**delta)


class World:
    """Jobs run against a fake clock; last starts persist in ``starts`` across daemons."""

    def __init__(self, tmp: Path, jobs: tuple[ScheduleJob, ...]) -> None:
        self.tmp, self.jobs = tmp, jobs
        self.starts: dict[str, datetime] = {}
        self.runs: list[tuple[str, datetime]] = []
        self.behaviour: dict[str, Callable[[FakeClock], str]] = {}

    def daemon(self, start: datetime, end: datetime) -> tuple[Daemon, FakeClock]:
        clock = FakeClock(start, end)

        def run_job(job: ScheduleJob, stop: threading.Event) -> str:
            self.starts[job.name] = clock.now()  # what the lead's runner records
            self.runs.append((job.name, clock.now()))
            return self.behaviour.get(job.name, lambda _clock: "ok")(clock)

        daemon = Daemon(self.jobs, run_job, self.starts.get,
                        lock_path=self.tmp / "arbots-scheduler.lock", clock=clock,
                        max_nap=3600)
        clock.on_end = daemon.stop.set
        return daemon, clock

    def run(self, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
        """Run a daemon from ``start`` until ``end``; the runs it started."""
        before = len(self.runs)
        daemon, _ = self.daemon(start, end)
        daemon.run()
        return self.runs[before:]
