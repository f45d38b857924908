"""The scheduler daemon: unattended runs of the configured jobs, one instance per store.

What it does
------------
Each ``[schedule.<name>]`` job of the configuration (:class:`bots.config.ScheduleJob`)
runs its bots daily at ``at`` (HH:MM, local time), or every ``every_days`` days at
that time. Each becomes one job of a private ``schedule.Scheduler`` (the declared
`schedule <https://schedule.readthedocs.io>`_ package), and the daemon is
schedule's own loop::

    >>> daemon = Daemon(cfg.schedule, run_job, last_run,
    ...                 lock_path=Path("var/arbots-scheduler.lock"))
    >>> daemon.run()        # until SIGTERM / SIGINT

    # which amounts to
    >>> for job in cfg.schedule:
    ...     scheduler.every(job.every_days).days.at(f"{job.at:%H:%M}").do(run_job, job)
    ...     # then its next_run is set from the store (below)
    >>> while not daemon.stop.is_set():
    ...     scheduler.run_pending()
    ...     time.sleep(min(scheduler.idle_seconds, max_nap))

``run_job(job, stop)`` runs the job's bots and returns the run's status;
``last_run(name)`` says when the named job last started (the run store keeps it),
so that the daemon's memory survives restarts.

What is wrapped around ``schedule``
-----------------------------------
``schedule`` keeps a job's next run in memory, counts it from the moment the
process registered the job, and by design "run_pending() does not run missed
jobs". Two things go around it, both through the job's ``next_run``:

- the store's last run: when the daemon starts, each job's ``next_run`` is set
  from its last start in the store (:func:`next_due`), not from the process's
  start, so a restart neither resets a 14-day cadence nor repeats a night;
- the catch-up rule: a ``next_run`` that the store's last start puts in the
  past is left there, so schedule's ``run_pending()`` runs the job at once;
  and after each run its ``next_run`` is set by the same rule from the time
  the run began.

Time is schedule's: ``datetime.datetime.now()``. Tests freeze and move it with
time-machine and hand the daemon time-machine's ``shift`` as its ``sleep``.

The rule
--------
A job that last started on day D is next due at ``at`` on day D + every_days,
whatever the hour it started. Consequences:

- Nightly at 02:00 (every_days = 1): it runs at 02:00, not before.
- Catch-up: when the daemon starts after that time has passed (it was down,
  the machine was off), the job runs once at once, and then at its next HH:MM.
  One catch-up per job, not one per missed day. A catch-up counts as the run
  of the day it started on: a nightly job caught up at 01:00 does not run
  again at 02:00 that day (schedule by itself would run it again at 02:00).
- Every 14 days at 06:30: the cadence is counted from the last start in the
  store, so restarting the daemon does not reset it.
- A job that has never run has nothing to catch up: it waits for its first
  HH:MM. A job without ``at`` runs at 00:00.

Stopping and failures
---------------------
SIGTERM or SIGINT sets :attr:`Daemon.stop`. The job in hand sees the same
event, finishes the step it is in and returns; no new job starts; ``run()``
returns. A second SIGINT (Ctrl-C) raises ``KeyboardInterrupt`` at once (the
job in hand records its run ``interrupted``). A job that raises is logged and
the daemon goes on with the next.
A failed run is not retried until its next due time: the store's run record
says what failed, and the next run resumes it.

Single instance
---------------
``run()`` first takes an exclusive ``fcntl.flock`` on the lock file, which holds
the holder's pid, host and start time. A second daemon refuses with
:class:`AlreadyRunning` naming the first (``pid@host since time``). The kernel
drops the lock when its process dies, so a lock file left by a dead daemon is
simply taken over; its content is information, never the lock itself.

Limits
------
Times are naive local wall-clock times, as ``schedule``'s are; the configuration
has no time zone of its own (set ``TZ`` for the process). On the spring-forward
night a 02:30 job runs at 03:00; on the fall-back night it runs once. The flock
is per host: it does not keep two daemons on two machines sharing one network
store apart (flock over NFS is not reliable); run one daemon per store.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import signal
import socket
import threading
import time as _time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from types import FrameType

import schedule

from bots.config import ScheduleJob

log = logging.getLogger(__name__)

RunJob = Callable[[ScheduleJob, threading.Event], str]
LastRun = Callable[[str], datetime | None]

MIDNIGHT = time(0, 0)


# --------------------------------------------------------------------------- due times


def local_naive(moment: datetime) -> datetime:
    """``moment`` as a naive local time (aware times from the store are converted)."""
    return moment if moment.tzinfo is None else moment.astimezone().replace(tzinfo=None)


def next_due(job: ScheduleJob, last_started: datetime | None, now: datetime) -> datetime:
    """When ``job`` is next due; a time at or before ``now`` means "run now".

    ``last_started`` None (never ran): the first ``at`` from ``now`` on.
    Otherwise ``at`` on the day ``every_days`` days after the day it last started.
    """
    at = job.at or MIDNIGHT
    if last_started is None:
        today = datetime.combine(now.date(), at)
        return today if today >= now else today + timedelta(days=1)
    day = local_naive(last_started).date() + timedelta(days=job.every_days)
    return datetime.combine(day, at)


# --------------------------------------------------------------------------- the lock


class AlreadyRunning(RuntimeError):
    """Another daemon holds the lock; the message names it (pid@host since time)."""


@dataclass(frozen=True)
class LockHolder:
    """What a lock file says about the daemon that holds it."""

    pid: int
    host: str
    started: str

    def __str__(self) -> str:
        return f"pid {self.pid}@{self.host} since {self.started}"


class SchedulerLock:
    """An exclusive, non-blocking ``fcntl.flock`` on ``path`` for one daemon.

    Use as a context manager; entering raises :class:`AlreadyRunning` when
    another process holds it.
    """

    def __init__(self, path: Path, started: datetime) -> None:
        self.path, self.started = Path(path), started
        self._fd: int | None = None

    def __enter__(self) -> LockHolder:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise AlreadyRunning(f"another arbots scheduler is running: {holder} "
                                 f"(lock file {self.path})") from None
        me = LockHolder(os.getpid(), socket.gethostname(),
                        self.started.isoformat(sep=" ", timespec="seconds"))
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me.__dict__).encode() + b"\n", 0)
        os.fsync(fd)
        self._fd = fd
        return me

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)  # the holder is gone; the file may stay
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read_holder(fd: int) -> str:
    """The holder named in an open lock file, or why it cannot be named."""
    raw = os.pread(fd, 4096, 0)
    try:
        return str(LockHolder(**json.loads(raw)))
    except (ValueError, TypeError):
        return "a process whose lock file does not name it yet"


# --------------------------------------------------------------------------- the daemon


class Daemon:
    """Runs ``jobs`` on a ``schedule.Scheduler`` until stopped; see the module docstring."""

    def __init__(self, jobs: Iterable[ScheduleJob], run_job: RunJob, last_run: LastRun, *,
                 lock_path: Path, sleep: Callable[[float], None] = _time.sleep,
                 max_nap: float = 1.0) -> None:
        """``sleep``: how the daemon waits (tests pass time-machine's ``shift``).
        ``max_nap``: the longest single sleep, so that a wall-clock jump (NTP,
        suspend, daylight saving) or a stop request is noticed within that time."""
        self.jobs = tuple(jobs)
        self.run_job, self.last_run = run_job, last_run
        self.lock_path, self.sleep, self.max_nap = Path(lock_path), sleep, max_nap
        self.stop = threading.Event()
        self.scheduler = schedule.Scheduler()
        self._entries: dict[str, schedule.Job] = {}
        self._next_by_rule: dict[str, datetime] = {}  # set by the jobs of one pass
        self._started = 0  # jobs started in one pass

    def run(self) -> None:
        """Take the lock, catch up, then run jobs as they fall due until stopped.

        Called from the main thread, SIGTERM and SIGINT stop it (the handlers are
        installed before the lock is taken, and the previous ones restored on
        return; a stop requested before the loop starts runs no job). Raises
        :class:`AlreadyRunning` when another daemon holds the lock.
        """
        # Handlers first: a stop request that arrives once the lock is taken (and the
        # lock file names this process) must find them installed.
        with self._signals_stop(), SchedulerLock(self.lock_path, datetime.now()) as me:
            log.info("scheduler started (%s), %d job(s)", me, len(self.jobs))
            self.plan()
            while not self.stop.is_set():
                self.run_pending()
                wait = self.scheduler.idle_seconds
                if self.stop.is_set() or wait is None:
                    break
                if wait > 0:
                    self.sleep(min(wait, self.max_nap))
            log.info("scheduler stopped")

    def plan(self) -> None:
        """Register each job with the scheduler, due by its last start in the store."""
        now = datetime.now()
        self.scheduler.clear()
        for job in self.jobs:
            at = (job.at or MIDNIGHT).strftime("%H:%M")
            entry = self.scheduler.every(job.every_days).days.at(at).do(self._run_one, job)
            last = self.last_run(job.name)
            entry.next_run = next_due(job, last, now)
            self._entries[job.name] = entry
            if entry.next_run < now:
                log.warning("%s: missed its run due %s (last started %s); catching up now",
                            job.name, _fmt(entry.next_run), _fmt(last))
            else:
                log.info("%s: next run %s", job.name, _fmt(entry.next_run))

    def run_pending(self) -> int:
        """Run every job that is due now, earliest first; how many were started.

        schedule's ``run_pending()``, with each job's next run then set by the
        rule (from the time its run began). Plans first (:meth:`plan`) when
        nothing is planned yet. No job starts once :attr:`stop` is set.
        """
        if not self.scheduler.jobs and self.jobs:
            self.plan()
        self._next_by_rule, self._started = {}, 0
        self.scheduler.run_pending()
        for name, due in self._next_by_rule.items():
            self._entries[name].next_run = due
        return self._started

    def _run_one(self, job: ScheduleJob) -> None:
        """The scheduler's job function: run ``job`` once, or nothing once stopped."""
        if self.stop.is_set():  # schedule picked it before the stop: it stays due
            self._next_by_rule[job.name] = self._entries[job.name].next_run or datetime.now()
            return
        began = datetime.now()
        self._started += 1
        log.info("%s: starting %s", job.name, ", ".join(job.bots))
        try:
            status = self.run_job(job, self.stop)
        except Exception:
            log.exception("%s: the run raised; the scheduler goes on", job.name)
        else:
            log.log(logging.INFO if status == "ok" else logging.WARNING,
                    "%s: finished: %s", job.name, status)
        self._next_by_rule[job.name] = next_due(job, began, began)
        if not self.stop.is_set():
            log.info("%s: next run %s", job.name, _fmt(self._next_by_rule[job.name]))

    @contextmanager
    def _signals_stop(self) -> Iterator[None]:
        """While inside, SIGTERM and SIGINT set :attr:`stop` (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def request_stop(signum: int, _frame: FrameType | None) -> None:
            if signum == signal.SIGINT and self.stop.is_set():
                raise KeyboardInterrupt  # a second Ctrl-C: stop at once
            log.warning("%s received: finishing the step in hand, starting nothing new",
                        signal.Signals(signum).name)
            self.stop.set()

        previous = {sig: signal.signal(sig, request_stop)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _fmt(moment: datetime | None) -> str:
    return "never" if moment is None else local_naive(moment).isoformat(sep=" ",
                                                                        timespec="minutes")
