"""Processes sharing one store: the lease and the ledger's idempotency under contention,
on PostgreSQL (several hosts share a store only there) and on SQLite (several processes
of one host).

Each contender is its own process (multiprocessing, spawned); they start together at
a barrier and then race, with no sleeps: the store alone decides who wins.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from bots.store import LeaseHeld, Store

CONTENDERS = 4
LANDSCAPES = [f"sap:PRD/{n:03d}" for n in range(10)]
KEYS = [f"pay-{n}" for n in range(20)]
TTL = timedelta(minutes=5)


def _take_leases(target: Path | str, name: str, start: Any, results: Any) -> None:
    """A contender: try every landscape's lease once; report each as won or held."""
    with Store(target) as store:
        start.wait(60)
        for landscape in LANDSCAPES:
            try:
                store.acquire_lease(landscape, f"run-{name}", TTL, holder=f"host-{name}:1")
                results.put((landscape, name))
            except LeaseHeld:
                results.put((landscape, "held"))


def _begin_writes(target: Path | str, name: str, start: Any, results: Any) -> None:
    """A live run (it holds its own landscape's lease) beginning the same writes as the others."""
    with Store(target) as store:
        run_id = f"run-{name}"
        store.acquire_lease(f"landscape-{name}", run_id, TTL, holder=f"host-{name}:1")
        ledger = store.ledger(run_id)
        start.wait(60)
        for key in KEYS:
            state = ledger.begin("posting", key, "1000/42", {"by": name})
            if state == "new":
                ledger.done(key, {"document": f"14000{key}"})
            results.put((key, state))


def _race(target: Path | str, contender: Any, reports: int) -> list[tuple[str, str]]:
    """Run the contenders at once; the ``reports`` (landscape or key, outcome) they sent."""
    Store(target).close()  # migrated before the race
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(CONTENDERS), spawn.Queue()
    processes = [spawn.Process(target=contender, args=(target, str(n), start, results))
                 for n in range(CONTENDERS)]
    for process in processes:
        process.start()
    # read before joining: a process that put on a queue ends only once it is read
    found = [results.get(timeout=120) for _ in range(reports)]
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * CONTENDERS
    return found


def test_processes_racing_for_leases_get_each_exactly_once(store_target: Path | str) -> None:
    reports = _race(store_target, _take_leases, CONTENDERS * len(LANDSCAPES))
    won = [(landscape, name) for landscape, name in reports if name != "held"]
    assert sorted(landscape for landscape, _ in won) == LANDSCAPES  # one winner each
    with Store(store_target) as store:
        for landscape, name in won:
            assert store.lease(landscape).run_id == f"run-{name}"
        events = Counter(r["event"] for r in store.audit_log() if r["kind"] == "lease")
    assert events == {"acquired": len(LANDSCAPES)}


def test_processes_beginning_the_same_writes_write_each_exactly_once(
        store_target: Path | str) -> None:
    states = _race(store_target, _begin_writes, CONTENDERS * len(KEYS))
    for key in KEYS:
        seen = Counter(state for k, state in states if k == key)
        assert seen["new"] == 1, (key, seen)
        assert seen["new"] + seen["busy"] + seen["done"] == CONTENDERS, (key, seen)
        assert seen["pending"] == 0, (key, seen)
    with Store(store_target) as store:
        assert {w["key"]: w["status"] for w in store.writes()} == dict.fromkeys(KEYS, "done")
        new = Counter(r["key"] for r in store.audit_log() if r["event"] == "intent:new")
        assert new == dict.fromkeys(KEYS, 1)
