"""Documents read by a pool of worker processes, the results handed back in input order.

    for name, result in read_in_order(read_file, ((str(p), p) for p in paths), jobs=2):
        if isinstance(result, WorkerLost):
            ...                      # only this document: its worker died (or raised)
        else:
            ...                      # read_file(p), in the order of ``paths``

:func:`read_in_order` runs ``func`` on each payload in one of ``jobs`` worker
processes and yields ``(name, result)`` in the order the tasks came, as soon
as the result at the head of that order is there (a bounded reorder buffer:
at most ``window`` tasks are handed out and not yet yielded, so memory does
not grow with the number of documents, and the tasks are read from the
iterable only as the pool needs them). ``jobs=1`` reads in this process
instead, one after the other, as before there was a pool.

Tasks go to a worker in batches of up to ``BATCH`` and their results come
back in one message per batch, so that the parent, which competes with the
workers for the cores, is woken and pickles once per batch rather than once
per document. Each worker holds at most two batches at a time (one in hand,
one queued) and marks in shared memory the task it is reading, so the parent
knows which document a worker was reading when it died: a worker killed by a
segfault, the OOM killer or ``kill -9`` makes that one document a
:class:`WorkerLost` with the reason (``the worker process died: killed by
SIGKILL``); the other tasks it held (read but not sent, or not read yet) go
to another worker, a fresh worker takes the dead one's place and the rest go
on. An exception escaping ``func`` is a :class:`WorkerLost` too (the readers
do not let one escape).

The workers know what the caller's context knows: the run's open items
(:mod:`bots.remittance.known`) and the templates learned from corrections
(:mod:`bots.remittance.learned`) in force when :func:`read_in_order` is
called are handed to each worker when it starts. ``func`` and the payloads
must pickle; workers come from a fork server (a clean process with the
readers and ``func``'s module imported once, started with the first pool of
the process), never forked from the caller with its threads.

Test hook: when the environment variable ``ARBOTS_TEST_KILL_WORKER_ON`` is
set, a worker kills itself with SIGKILL before reading a task whose name
contains its value (how the tests show that one dead worker costs one
document only).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import queue
import selectors
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bots.domain import Remittance
from bots.remittance import (
    DEFAULT_LIMITS,
    Failure,
    Limits,
    extract_file,
    known,
    learned,
)
from bots.remittance.jsonl import to_line

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

KILL_ENV = "ARBOTS_TEST_KILL_WORKER_ON"
DEPTH = 2  # batches a worker holds at once: the one in hand and the next
BATCH = 4  # tasks per batch, at most
#: Tasks per worker handed out and not yet yielded (more than ``DEPTH * BATCH``). While
#: a slow document (a long PDF) holds the head of the order, the other workers go on
#: with the tasks behind it instead of waiting; the results held are small, so memory
#: stays flat.
WINDOW = 32
#: Imported once in the fork server, so that a new worker starts in milliseconds.
PRELOAD = ["bots.remittance", "bots.remittance.pool", "bots.remittance.pdf",
           "bots.remittance.archive", "bots.remittance.bai2", "bots.remittance.camt",
           "bots.remittance.einvoice", "bots.remittance.email", "bots.remittance.htmltables",
           "bots.remittance.mt940", "bots.remittance.plaintext", "bots.remittance.sheets",
           "bots.remittance.x12_820"]


@dataclass(frozen=True)
class WorkerLost:
    """A document whose worker died while reading it (or raised): why, for a person."""

    reason: str


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)


def start_fork_server(func: Callable[..., Any]) -> Any:
    """Start the fork server, which imports the readers and ``func``'s module, and return
    its multiprocessing context; no wait: it imports while the caller goes on (listing
    the files, say) until :func:`read_in_order` asks it for the first worker. Once per
    process; later calls find it running."""
    context = multiprocessing.get_context("forkserver")
    module = getattr(getattr(func, "func", func), "__module__", None)  # partial or not
    context.set_forkserver_preload([*PRELOAD, *([module] if module else [])])
    multiprocessing.forkserver.ensure_running()
    return context


def read_in_order(func: Callable[[T], R], tasks: Iterable[tuple[str, T]], jobs: int,
                  window: int | None = None) -> Iterator[tuple[str, R | WorkerLost]]:
    """``(name, func(payload))`` for each ``(name, payload)``, in the order given.

    ``jobs`` worker processes (1: in this process); ``window``: tasks handed
    out but not yet yielded, at most (default ``WINDOW * jobs``).
    """
    if jobs <= 1:
        for name, payload in tasks:
            yield name, func(payload)
        return
    pool = _Pool(func, jobs)
    try:
        yield from pool.run(iter(tasks), window or WINDOW * jobs)
    finally:
        pool.close()


@dataclass
class _Worker:
    process: Any  # multiprocessing's Process of the fork-server context
    conn: multiprocessing.connection.Connection
    reading: Any  # shared int: the sequence number of the task it is reading
    held: deque[list[int]] = field(default_factory=deque)  # batches, oldest first


class _Pool:
    """The worker processes of one :func:`read_in_order` and their bookkeeping."""

    def __init__(self, func: Callable[[Any], Any], jobs: int) -> None:
        self.context = start_fork_server(func)
        self.start_args = (func, known.current(), learned.current(),
                           os.environ.get(KILL_ENV) or None)
        self.selector = selectors.DefaultSelector()  # the workers' pipes and sentinels
        self.workers = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        reading = self.context.RawValue("q", -1)
        process = self.context.Process(target=_serve,
                                       args=(theirs, reading, *self.start_args),
                                       daemon=True, name="arbots-reader")
        process.start()
        theirs.close()
        worker = _Worker(process, ours, reading)
        self.selector.register(ours, selectors.EVENT_READ, worker)
        self.selector.register(process.sentinel, selectors.EVENT_READ, worker)
        return worker

    def run(self, tasks: Iterator[tuple[str, Any]],
            window: int) -> Iterator[tuple[str, Any]]:
        names: dict[int, str] = {}
        payloads: dict[int, Any] = {}  # read from ``tasks``, result not back yet
        results: dict[int, Any] = {}
        pending: deque[int] = deque()  # not handed out yet (or again: its worker died)
        next_seq = head = 0
        exhausted = False
        while True:
            while head in results:  # the head's result is in: out it goes, and the next
                yield names.pop(head), results.pop(head)
                head += 1
            while not exhausted and next_seq - head < window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                names[next_seq], payloads[next_seq] = task
                pending.append(next_seq)
                next_seq += 1
            if exhausted and head == next_seq:
                return
            self._hand_out(pending, names, payloads)
            for worker, died in self._ready():
                self._collect(worker, died, payloads, results, pending)

    def _hand_out(self, pending: deque[int], names: dict[int, str],
                  payloads: dict[int, Any]) -> None:
        """Batches of the pending tasks to the workers holding fewer than ``DEPTH``, one
        each in turn; smaller batches when few tasks are left, so that all workers get some."""
        size = max(1, min(BATCH, len(pending) // (DEPTH * len(self.workers))))
        for _ in range(DEPTH):
            for worker in self.workers:
                if not pending:
                    return
                if len(worker.held) >= DEPTH:
                    continue
                batch = [pending.popleft() for _ in range(min(size, len(pending)))]
                worker.held.append(batch)
                try:
                    worker.conn.send([(seq, names[seq], payloads[seq]) for seq in batch])
                except OSError:  # it died: _collect finds out and replaces it
                    continue

    def _ready(self) -> list[tuple[_Worker, bool]]:
        """The workers with a result to read or that died, and whether they died (waits
        for one). One select over every pipe and process sentinel, registered once."""
        ready: dict[int, tuple[_Worker, bool]] = {}
        for key, _ in self.selector.select():
            worker = key.data
            died = key.fileobj is not worker.conn or ready.get(id(worker), (worker, False))[1]
            ready[id(worker)] = (worker, died)
        return list(ready.values())

    def _collect(self, worker: _Worker, died: bool, payloads: dict[int, Any],
                 results: dict[int, Any], pending: deque[int]) -> None:
        """Take the worker's next results; if it died, the results it sent before it died,
        then the task it was reading is lost, the others it held are handed out again
        and a fresh worker takes its place."""
        try:
            if not died:
                self._take(worker, payloads, results)
                return
            while worker.held and worker.conn.poll():
                self._take(worker, payloads, results)
        except (EOFError, OSError):  # its pipe closed: it is gone
            pass
        worker.process.join()
        held = [seq for batch in worker.held for seq in batch]
        if held:
            # the task it was reading; if none it holds (it died between batches), the
            # first, so that a task that kills every worker cannot go round for ever
            lost = worker.reading.value if worker.reading.value in held else held[0]
            payloads.pop(lost)
            results[lost] = WorkerLost(f"the worker process died: {_death(worker.process)}")
            pending.extendleft(reversed([seq for seq in held if seq != lost]))  # first
        self.selector.unregister(worker.conn)
        self.selector.unregister(worker.process.sentinel)
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    @staticmethod
    def _take(worker: _Worker, payloads: dict[int, Any], results: dict[int, Any]) -> None:
        """The results of the worker's oldest batch."""
        for seq, result in worker.conn.recv():
            payloads.pop(seq)
            results[seq] = result
        worker.held.popleft()

    def close(self) -> None:
        """Stop the workers and wait for them; one still holding tasks (the caller
        stopped early) is killed, its results are not wanted."""
        for worker in self.workers:
            if worker.held:
                worker.process.kill()
                continue
            try:
                worker.conn.send(None)
            except OSError:
                worker.process.kill()
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.selector.close()


@dataclass(frozen=True)
class FileRead:
    """What :func:`read_file` hands back: the remittances already as JSON Lines (so
    that the parent only writes them), the returns and the failures."""

    lines: list[tuple[str, str, str]]  # (remittance id, source, JSON line without "\n")
    returns: list[Remittance]
    failures: list[Failure]


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> FileRead:
    """One file through the front door, for a worker: even a bug that escapes the
    front door is one failure of this file (``unreadable: <ExceptionType>``)."""
    try:
        result = extract_file(path, limits=limits)
    except Exception as exc:  # extract_file never raises for bad input; a bug must not either
        log.warning("extracting %s failed", path, exc_info=True)
        return FileRead([], [], [Failure(str(path), "internal",
                                         f"unreadable: {type(exc).__name__}")])
    lines = [(r.id, r.source, to_line(r)) for r in result.remittances]
    return FileRead(lines, result.returns, result.failures)


def _receive(conn: multiprocessing.connection.Connection, inbox: queue.SimpleQueue[Any]) -> None:
    """Move the batches from the pipe to ``inbox``; None when the parent is gone or done."""
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            batch = None
        inbox.put(batch)
        if batch is None:
            return


def _death(process: Any) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def _serve(conn: multiprocessing.connection.Connection, reading: Any,
           func: Callable[[Any], Any], items: known.KnownItems | None,
           hints: learned.Learned | None, kill_on: str | None) -> None:
    """A worker: read batches of tasks until told to stop; Ctrl-C is the parent's to handle.

    A thread takes the batches off the pipe as they come, so that the parent's
    send of the next batch never waits on this worker's send of results (both
    can be bigger than the pipe holds). ``reading`` (shared with the parent)
    holds the sequence number of the task in hand.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, inbox), daemon=True).start()
    with known.using(items), learned.using(hints):
        while (batch := inbox.get()) is not None:
            results = []
            for seq, name, payload in batch:
                reading.value = seq
                if kill_on and kill_on in name:
                    os.kill(os.getpid(), signal.SIGKILL)
                try:
                    result = func(payload)
                except Exception as exc:  # noqa: BLE001 - the parent reports it for this one
                    result = WorkerLost(f"reading failed: {type(exc).__name__}: {exc}")
                results.append((seq, result))
            conn.send(results)
