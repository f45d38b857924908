"""Leases: one writer per landscape.

A *landscape* is one SAP system and client with its portal sites; its id
(:func:`bots.landscape.landscape_id`) names one row of the ``leases`` table.
The row says which run may write to that landscape now: the run id that owns
it, the process holding it (``host:pid``), when it was taken, the last
heartbeat, when it expires, and the browser processes the run started (for
diagnosis and clean-up)::

    stale = store.acquire_lease("ls-3f9a", run_id, timedelta(seconds=60))
    ...                                     # every ttl/4: renew_lease(...)
    store.release_lease("ls-3f9a", run_id)

:meth:`Leases.acquire_lease` is atomic (one transaction under the store's
write lock, the row read ``FOR UPDATE`` on PostgreSQL: see
:mod:`bots.store.dialect`), so it works across hosts sharing a PostgreSQL
store; on SQLite, across the processes of one host. A lease held by
a live run is refused with :class:`LeaseHeld`, which names the holder. A
*stale* lease (expired, or held by a process of this host that no longer
exists) is taken over and returned, so that the caller can abort the run that
held it. Waiting, the heartbeat thread and the take-over's clean-up live in
:mod:`bots.landscape`; this module only keeps the rows.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import psutil

from bots.store.audit import AuditLog
from bots.store.database import Row


@dataclass(frozen=True)
class Child:
    """A process a run started (a browser): its PID and when it was created (epoch s)."""

    pid: int
    created: float | None = None


@dataclass(frozen=True)
class Lease:
    """One landscape's lease as stored."""

    landscape: str
    run_id: str
    holder: str  # "host:pid"
    acquired: datetime
    heartbeat: datetime
    expires: datetime
    children: tuple[Child, ...] = ()

    @property
    def host(self) -> str:
        return self.holder.rpartition(":")[0]

    @property
    def pid(self) -> int:
        return int(self.holder.rpartition(":")[2])

    def __str__(self) -> str:
        return (f"run {self.run_id} ({self.holder}, since "
                f"{self.acquired.isoformat(sep=' ', timespec='seconds')})")


class LeaseHeld(RuntimeError):
    """The landscape's lease is held by a live run; ``lease`` names it."""

    def __init__(self, lease: Lease) -> None:
        self.lease = lease
        super().__init__(
            f"landscape {lease.landscape} is held by {lease}; its last heartbeat was "
            f"{lease.heartbeat.isoformat(sep=' ', timespec='seconds')}. Wait for it "
            "(--wait) or run again later; see runbooks/rerun-after-failure.md")


def this_holder() -> str:
    """``host:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(lease: Lease) -> bool:
    """True when the holder is a process of this host that no longer runs.

    A holder on another host cannot be checked from here: its expiry decides.
    """
    if lease.host != socket.gethostname():
        return False
    try:
        return psutil.Process(lease.pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def is_live(lease: Lease, now: datetime) -> bool:
    """The lease still protects its run: not expired, and its holder not known dead."""
    return lease.expires > now and not holder_is_dead(lease)


class Leases(AuditLog):
    """The lease rows (part of :class:`bots.store.Store`)."""

    def lease(self, landscape: str) -> Lease | None:
        """The lease row of ``landscape`` (live or stale), or None when free."""
        return self._lease_row(landscape)

    def _lease_row(self, landscape: str, for_update: bool = False) -> Lease | None:
        row = self.db.execute("SELECT * FROM leases WHERE landscape = ?"
                              + (self.db.dialect.for_update if for_update else ""),
                              (landscape,)).fetchone()
        return _lease(row) if row else None

    def lease_of_run(self, run_id: str) -> Lease | None:
        """The lease ``run_id`` holds (live or stale), or None."""
        row = self.db.execute("SELECT * FROM leases WHERE run_id = ?", (run_id,)).fetchone()
        return _lease(row) if row else None

    def holds_live_lease(self, run_id: str) -> bool:
        """True while ``run_id`` holds a lease that is not stale."""
        lease = self.lease_of_run(run_id)
        return lease is not None and is_live(lease, self.clock())

    def live_run_ids(self) -> set[str]:
        """The runs holding a lease that is not stale (one query, for checks per row)."""
        now = self.clock()
        return {lease.run_id for lease in map(_lease, self.db.execute("SELECT * FROM leases"))
                if is_live(lease, now)}

    def acquire_lease(self, landscape: str, run_id: str, ttl: timedelta,
                      holder: str | None = None) -> Lease | None:
        """Take ``landscape``'s lease for ``run_id``; the stale lease taken over, if any.

        Raises :class:`LeaseHeld` when another run holds it and is live.
        Taking it again for the same run renews it.
        """
        now = self.clock()
        with self.db.transaction():
            current = self._lease_row(landscape, for_update=True)
            stale = None
            if current is not None and current.run_id != run_id:
                if is_live(current, now):
                    raise LeaseHeld(current)
                stale = current
            self.db.execute(
                "INSERT INTO leases (landscape, run_id, holder, acquired, heartbeat, expires,"
                " children) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (landscape) DO UPDATE SET"
                " run_id = excluded.run_id, holder = excluded.holder,"
                " acquired = excluded.acquired, heartbeat = excluded.heartbeat,"
                " expires = excluded.expires, children = excluded.children",
                (landscape, run_id, holder or this_holder(), _iso(now), _iso(now),
                 _iso(now + ttl), _children_json(current.children)
                 if current is not None and current.run_id == run_id else "[]"))
            detail = {"holder": holder or this_holder(), "ttl_seconds": ttl.total_seconds()}
            if stale is not None:
                detail["taken_over_from"] = stale.run_id
            self.audit(run_id, "lease", landscape,
                       "taken_over" if stale is not None else "acquired", detail)
        return stale

    def renew_lease(self, landscape: str, run_id: str, ttl: timedelta) -> bool:
        """The heartbeat: push the expiry to now + ``ttl``; False if ``run_id`` lost it."""
        now = self.clock()
        cur = self.db.execute(
            "UPDATE leases SET heartbeat = ?, expires = ? WHERE landscape = ? AND run_id = ?",
            (_iso(now), _iso(now + ttl), landscape, run_id))
        return cur.rowcount == 1

    def release_lease(self, landscape: str, run_id: str) -> bool:
        """Give the lease up (only if ``run_id`` still holds it)."""
        cur = self.db.execute("DELETE FROM leases WHERE landscape = ? AND run_id = ?",
                              (landscape, run_id))
        if cur.rowcount:
            self.audit(run_id, "lease", landscape, "released")
        return cur.rowcount == 1

    def record_child(self, landscape: str, run_id: str, child: Child) -> bool:
        """Note a process ``run_id`` started (a browser) on its lease; False if not held."""
        with self.db.transaction():
            current = self._lease_row(landscape, for_update=True)
            held = current is not None and current.run_id == run_id
            if held and current is not None and child not in current.children:
                self.db.execute("UPDATE leases SET children = ? WHERE landscape = ?",
                                (_children_json((*current.children, child)), landscape))
        return held


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _children_json(children: tuple[Child, ...]) -> str:
    return json.dumps([{"pid": c.pid, "created": c.created} for c in children])


def _lease(row: Row) -> Lease:
    return Lease(
        landscape=row["landscape"], run_id=row["run_id"], holder=row["holder"],
        acquired=datetime.fromisoformat(row["acquired"]),
        heartbeat=datetime.fromisoformat(row["heartbeat"]),
        expires=datetime.fromisoformat(row["expires"]),
        children=tuple(Child(int(c["pid"]), c.get("created"))
                       for c in json.loads(row["children"])))
