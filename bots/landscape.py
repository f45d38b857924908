"""One writer per landscape: which landscape a configuration writes to, and holding its lease.

A *landscape* is one SAP system and client with the portal sites that belong
to it. Two runs writing to one landscape at once could post one payment twice
or write a note twice, so every command that writes externally holds the
landscape's lease while it runs (a dry run writes nothing and holds none)::

    lease = LandscapeLease(store, landscape_id(cfg), run_id)
    stale = lease.acquire(wait=timedelta(minutes=30))   # wait=None: refuse at once
    try:
        ...                                   # the run; lease.register_child(browser_pid)
    finally:
        lease.release()

- **Held by a live run**: :meth:`LandscapeLease.acquire` polls until it is free
  (``wait``) or raises :class:`~bots.store.LeaseHeld`, whose message names the
  holder (run id, ``host:pid``, since when).
- **Heartbeat**: while held, a background thread with its own database
  connection renews the lease every ``ttl / 4``. A lease whose heartbeat
  stopped for ``ttl`` (default 60 s, ``ARBOTS_LEASE_TTL`` seconds) has expired.
- **Take-over**: an expired lease, or one whose holder is a process of this
  host that no longer exists, is taken over; ``acquire`` returns it so that
  the caller aborts that run (:func:`bots.takeover.abort_run`) and ends its
  leftover browsers (:func:`end_browsers`). Its pending writes are adopted
  with :meth:`bots.store.Store.adopt_pending_writes`.
- **Lost**: if another process took the lease over (this one stalled for
  longer than the ttl), the heartbeat stops and ``on_lost`` is called; the
  run should stop writing.

The same class serves any engine: a workflow engine holds one
``LandscapeLease`` per run (owned by its run id) and may call
:meth:`LandscapeLease.renew` itself instead of the thread (``heartbeat=False``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

import psutil

from bots.config import Config, ConfigError
from bots.store import Child, Lease, LeaseHeld, Store

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)
TTL_ENV = "ARBOTS_LEASE_TTL"
BROWSER_NAMES = ("chrom", "headless_shell")  # chromium, chrome, chrome-headless-shell


def landscape_id(cfg: Config) -> str:
    """The stable id of the landscape ``cfg`` writes to.

    ``sandbox:/abs/path/sap.sqlite`` for the sandbox (its file is its system),
    ``sap:<SID or host/sysnr>/<client>`` for a real SAP system.
    """
    sap = cfg.sap
    if sap.mode == "sandbox":
        return f"sandbox:{Path(sap.sandbox_db).resolve()}"
    conn = sap.connection
    system = conn.get("sysid") or "/".join(
        v for v in (conn.get("ashost") or conn.get("mshost"), conn.get("sysnr")) if v)
    return f"sap:{system}/{conn.get('client', '')}"


def lease_ttl() -> timedelta:
    """The lease's time to live: ``ARBOTS_LEASE_TTL`` seconds, else 60 s."""
    raw = os.environ.get(TTL_ENV)
    if raw is None:
        return DEFAULT_TTL
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ConfigError(f"environment {TTL_ENV}: expected a number of seconds >= 1, "
                          f"got {raw!r}")
    return timedelta(seconds=seconds)


class LandscapeLease:
    """The lease of ``landscape`` for ``run_id``, with its heartbeat thread."""

    def __init__(self, store: Store, landscape: str, run_id: str, *,
                 ttl: timedelta | None = None, heartbeat: bool = True,
                 on_lost: Callable[[], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """``sleep`` waits between polls while waiting for the lease (a fake in tests)."""
        self.store, self.landscape, self.run_id = store, landscape, run_id
        self.ttl = ttl or lease_ttl()
        self.on_lost, self.sleep = on_lost, sleep
        self.lost = threading.Event()
        self.held = False
        self._heartbeat = heartbeat
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ taking it

    def acquire(self, wait: timedelta | None = None,
                stop: threading.Event | None = None) -> Lease | None:
        """Take the lease; the stale lease taken over, or None.

        Held by a live run: poll every ``ttl / 4`` (at most 5 s) until free, for
        at most ``wait``; with ``wait`` None, when it runs out or when ``stop`` is
        set, raise :class:`~bots.store.LeaseHeld` naming the holder.
        """
        deadline = self.store.clock() + wait if wait is not None else None
        poll, waited = min(self.ttl.total_seconds() / 4, 5.0), False
        while True:
            try:
                stale = self.store.acquire_lease(self.landscape, self.run_id, self.ttl)
                break
            except LeaseHeld as held:
                if deadline is None or self.store.clock() >= deadline or (
                        stop is not None and stop.is_set()):
                    raise
                if not waited:
                    log.warning("waiting for landscape %s: held by %s", self.landscape,
                                held.lease)
                waited = True
                self.sleep(poll)
        self.held = True
        if self._heartbeat:
            self._thread = threading.Thread(target=self._beat, daemon=True,
                                            name=f"lease-heartbeat-{self.run_id}")
            self._thread.start()
        return stale

    # ------------------------------------------------------------------ keeping it

    def renew(self, store: Store | None = None) -> bool:
        """One heartbeat; False (and ``on_lost`` called) when another run took the lease."""
        if (store or self.store).renew_lease(self.landscape, self.run_id, self.ttl):
            return True
        if not self.lost.is_set():
            self.lost.set()
            log.error("run %s lost the lease of %s to another run; stopping", self.run_id,
                      self.landscape)
            if self.on_lost is not None:
                self.on_lost()
        return False

    def _beat(self) -> None:
        """The heartbeat thread: its own connection, a renewal every ttl / 4."""
        interval = self.ttl.total_seconds() / 4
        with Store(self.store.path, clock=self.store.clock) as own:
            while not self._stop.wait(interval):
                try:
                    if not self.renew(own):
                        return
                except Exception:  # a locked or unreachable store: try again next beat
                    log.exception("lease heartbeat of run %s failed; retrying", self.run_id)

    def register_child(self, pid: int) -> None:
        """Record a process the run started (a browser) on the lease, from any thread."""
        if not self.held:
            return
        try:
            created: float | None = psutil.Process(pid).create_time()
        except psutil.Error:
            created = None
        with Store(self.store.path, clock=self.store.clock) as own:
            own.record_child(self.landscape, self.run_id, Child(pid, created))

    # ------------------------------------------------------------------ giving it up

    def release(self) -> None:
        """Stop the heartbeat, end browsers of the run still alive, give the lease up."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.ttl.total_seconds())
            self._thread = None
        if not self.held:
            return
        lease = self.store.lease_of_run(self.run_id)
        if lease is not None:
            end_browsers(lease.children)
        self.store.release_lease(self.landscape, self.run_id)
        self.held = False


def end_browsers(children: Iterable[Child], timeout: float = 5.0) -> list[int]:
    """End the recorded browser processes that still run, with their child processes.

    A PID is ended only if its process still exists, was created when the
    record says (a PID recycled since is left alone) and is a Chromium or
    Chrome. Returns the PIDs ended.
    """
    victims: list[psutil.Process] = []
    for child in children:
        try:
            process = psutil.Process(child.pid)
            if child.created is not None and abs(process.create_time() - child.created) > 1:
                continue
            if not _is_browser(process):
                continue
            victims += [process, *process.children(recursive=True)]
        except psutil.Error:
            continue
    for process in victims:
        try:
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(victims, timeout=timeout)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    if victims:
        log.warning("ended %d leftover browser process(es): %s", len(victims),
                    ", ".join(str(p.pid) for p in victims))
    return [p.pid for p in victims]


def _is_browser(process: psutil.Process) -> bool:
    names = [process.name()]
    cmdline = process.cmdline()
    if cmdline:
        names.append(Path(cmdline[0]).name)
    return any(marker in name.lower() for name in names for marker in BROWSER_NAMES)
