"""The scheduler's test world: time-machine's clock, last starts in a dict or the run store."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from time_machine import TimeMachineFixture

from bots.config import ScheduleJob
from bots.domain import RunStatus, Trigger
from bots.scheduling import Daemon
from bots.store import Store

UTC_ZONE = ZoneInfo("UTC")  # the tests' local time zone unless a test says otherwise


class World:
    """Jobs run on time-machine's frozen clock; last starts persist across daemons.

    They are kept in ``starts`` or, with ``store``, recorded as runs in a real
    run store (UTC timestamps in SQLite), as ``arbots schedule`` does.

    Time moves only when the daemon sleeps (``sleep`` is time-machine's ``shift``)
    or a job lets it pass (:meth:`advance`); a daemon is stopped once it sleeps
    past its ``end``. Naive times are wall-clock times in ``zone``, which
    time-machine makes the process's local time zone.
    """

    def __init__(self, tmp: Path, jobs: tuple[ScheduleJob, ...], clock: TimeMachineFixture,
                 zone: ZoneInfo = UTC_ZONE, store: bool = False) -> None:
        self.tmp, self.jobs, self.clock, self.zone = tmp, jobs, clock, zone
        self.store = tmp / "arbots.sqlite" if store else None
        self.starts: dict[str, datetime] = {}
        self.runs: list[tuple[str, datetime]] = []
        self.behaviour: dict[str, Callable[[World], str]] = {}

    def travel_to(self, moment: datetime) -> None:
        """Freeze the clock at the local wall-clock time ``moment`` (naive)."""
        self.clock.move_to(moment.replace(tzinfo=self.zone), tick=False)

    def advance(self, **delta: float) -> None:
        """Let time pass inside a job (a run that takes a while)."""
        self.clock.shift(timedelta(**delta))

    def record_start(self, job: str) -> None:
        """Remember that ``job`` starts now."""
        if self.store is None:
            self.starts[job] = datetime.now()
            return
        with Store(self.store) as store:
            run = store.start_run(Trigger.SCHEDULE, ("nightly",), job=job)
            store.finish_run(run.id, RunStatus.OK, {})

    def last_start(self, job: str) -> datetime | None:
        """When ``job`` last started, as the daemon reads it."""
        if self.store is None:
            return self.starts.get(job)
        with Store(self.store) as store:
            return store.last_run_started(job)

    def daemon(self, start: datetime, end: datetime) -> Daemon:
        """A daemon whose clock stands at ``start`` and that stops once past ``end``."""
        self.travel_to(start)

        def run_job(job: ScheduleJob, stop: threading.Event) -> str:
            self.record_start(job.name)  # what the runner records in the store
            self.runs.append((job.name, datetime.now()))
            return self.behaviour.get(job.name, lambda _world: "ok")(self)

        def sleep(seconds: float) -> None:
            assert seconds > 0, "the daemon must never sleep for nothing"
            self.clock.shift(seconds)
            if datetime.now() >= end:
                daemon.stop.set()

        daemon = Daemon(self.jobs, run_job, self.last_start,
                        lock_path=self.tmp / "arbots-scheduler.lock", sleep=sleep,
                        max_nap=3600)
        return daemon

    def run(self, start: datetime, end: datetime) -> list[tuple[str, datetime]]:
        """Run a daemon from ``start`` until ``end``; the runs it started."""
        before = len(self.runs)
        self.daemon(start, end).run()
        return self.runs[before:]
