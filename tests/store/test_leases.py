"""One writer per landscape: the lease rows, the ledger's busy state, LandscapeLease.

Time is a fake clock: expiry is tested by moving it, never by waiting. The
store tests run on SQLite and on PostgreSQL (``store_target``: tests/store/conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from bots.config import load_config
from bots.domain import Trigger
from bots.landscape import LandscapeLease, end_browsers, landscape_id
from bots.store import Child, LeaseHeld, Store

TTL = timedelta(seconds=60)
LANDSCAPE = "sandbox:/srv/sap.sqlite"
ME = f"{socket.gethostname()}:{os.getpid()}"
ELSEWHERE = "other-host.example:4242"  # a holder whose liveness cannot be checked from here


class FakeClock:
    """Time that moves only when told to."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(store_target: Path | str, clock: FakeClock) -> Iterator[Store]:
    with Store(store_target, clock=clock) as s:
        yield s


def dead_pid() -> int:
    """The PID of a process of this host that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --------------------------------------------------------------------------- rows


def test_a_free_landscape_is_taken_and_the_row_says_by_whom(store: Store,
                                                           clock: FakeClock) -> None:
    assert store.acquire_lease(LANDSCAPE, "run-a", TTL) is None
    lease = store.lease(LANDSCAPE)
    assert lease is not None and lease.run_id == "run-a" and lease.holder == ME
    assert lease.acquired == lease.heartbeat == clock.now
    assert lease.expires == clock.now + TTL and lease.children == ()


def test_a_live_holder_is_refused_with_its_run_host_pid_and_start(store: Store) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL)
    with pytest.raises(LeaseHeld) as refused:
        store.acquire_lease(LANDSCAPE, "run-b", TTL)
    message = str(refused.value)
    assert "run run-a" in message and ME in message and "since 2026-12-07 02:00:00" in message
    assert refused.value.lease.run_id == "run-a"
    assert store.lease(LANDSCAPE).run_id == "run-a"  # untouched


def test_two_landscapes_are_independent(store: Store) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL)
    assert store.acquire_lease("sap:PRD/100", "run-b", TTL) is None


def test_heartbeats_keep_it_and_expiry_lets_the_next_run_take_it_over(
        store: Store, clock: FakeClock) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL, holder=ELSEWHERE)
    clock.advance(45)
    assert store.renew_lease(LANDSCAPE, "run-a", TTL)
    clock.advance(45)  # 90 s after the start, 45 s after the heartbeat: still live
    with pytest.raises(LeaseHeld):
        store.acquire_lease(LANDSCAPE, "run-b", TTL)
    clock.advance(15)  # exactly ttl after the last heartbeat: expired
    stale = store.acquire_lease(LANDSCAPE, "run-b", TTL)
    assert stale is not None and stale.run_id == "run-a" and stale.holder == ELSEWHERE
    assert store.lease(LANDSCAPE).run_id == "run-b"
    assert not store.renew_lease(LANDSCAPE, "run-a", TTL), "the old holder lost it"
    events = [(r["run_id"], r["event"]) for r in store.audit_log() if r["kind"] == "lease"]
    assert events == [("run-a", "acquired"), ("run-b", "taken_over")]


def test_a_dead_holder_on_this_host_is_taken_over_before_expiry(store: Store) -> None:
    holder = f"{socket.gethostname()}:{dead_pid()}"
    store.acquire_lease(LANDSCAPE, "run-a", TTL, holder=holder)
    stale = store.acquire_lease(LANDSCAPE, "run-b", TTL)
    assert stale is not None and stale.holder == holder


def test_only_the_holder_releases_and_the_same_run_may_take_it_again(store: Store) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL)
    store.record_child(LANDSCAPE, "run-a", Child(123, 1.5))
    assert store.acquire_lease(LANDSCAPE, "run-a", TTL) is None  # renewed, not taken over
    assert store.lease(LANDSCAPE).children == (Child(123, 1.5),)
    assert not store.release_lease(LANDSCAPE, "run-b")
    assert store.release_lease(LANDSCAPE, "run-a")
    assert store.lease(LANDSCAPE) is None


def test_children_are_recorded_once_and_only_by_the_holder(store: Store) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL)
    assert store.record_child(LANDSCAPE, "run-a", Child(11, 100.0))
    assert store.record_child(LANDSCAPE, "run-a", Child(11, 100.0))
    assert store.record_child(LANDSCAPE, "run-a", Child(12, None))
    assert not store.record_child(LANDSCAPE, "run-b", Child(13, None))
    assert store.lease_of_run("run-a").children == (Child(11, 100.0), Child(12, None))


# --------------------------------------------------------------------------- the ledger


def test_an_intent_of_a_live_run_is_busy_and_of_a_dead_run_pending(
        store: Store, clock: FakeClock) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL, holder=ELSEWHERE)
    assert store.ledger("run-a").begin("posting", "pay-1", "1000/42", {}) == "new"
    assert store.ledger("run-b").begin("posting", "pay-1", "1000/42", {}) == "busy"
    assert store.write("pay-1")["run_id"] == "run-a"  # still run-a's
    assert store.ledger("run-a").begin("posting", "pay-1", "1000/42", {}) == "pending"
    clock.advance(61)  # run-a stopped beating: its intent is anyone's to finish
    assert store.ledger("run-b").begin("posting", "pay-1", "1000/42", {}) == "pending"
    assert store.write("pay-1")["run_id"] == "run-b"
    busy = [r for r in store.audit_log() if r["event"] == "intent:busy"]
    assert len(busy) == 1 and busy[0]["run_id"] == "run-b"


def test_an_intent_of_a_run_without_a_lease_is_pending(store: Store) -> None:
    assert store.ledger("run-a").begin("collection_note", "n-1", "1000/42", {}) == "new"
    assert store.ledger("run-b").begin("collection_note", "n-1", "1000/42", {}) == "pending"


def test_pending_writes_of_stopped_runs_are_adopted_those_of_live_runs_not(
        store: Store, clock: FakeClock) -> None:
    store.acquire_lease("sap:PRD/100", "live", TTL, holder=ELSEWHERE)
    store.ledger("live").begin("posting", "pay-live", "x", {})
    store.ledger("crashed").begin("posting", "pay-crashed", "x", {})
    store.ledger("crashed").begin("collection_note", "note-done", "x", {})
    store.ledger("crashed").done("note-done")
    adopted = store.adopt_pending_writes("rerun")
    assert [(r["key"], r["run_id"]) for r in adopted] == [("pay-crashed", "crashed")]
    assert store.write("pay-crashed")["run_id"] == "rerun"
    assert store.write("pay-live")["run_id"] == "live"
    assert store.adopt_pending_writes("rerun") == []  # its own are not adopted again


# --------------------------------------------------------------------------- runs


def test_a_run_is_recorded_under_the_id_taken_before_its_lease(store: Store) -> None:
    run_id = store.new_run_id(("collections",))
    store.acquire_lease(LANDSCAPE, run_id, TTL)
    run = store.start_run(Trigger.ON_DEMAND, ("collections",), run_id=run_id,
                          landscape=LANDSCAPE)
    record = store.run(run.id)
    assert run.id == run_id and record.landscape == LANDSCAPE and record.status == "running"
    assert record.host == socket.gethostname() and record.pid == os.getpid()
    assert store.abort_run(run_id, "killed")
    assert not store.abort_run(run_id, "again"), "only a running run is aborted"
    assert store.run(run_id).status == "aborted" and store.run(run_id).message == "killed"


# --------------------------------------------------------------------------- LandscapeLease


class Sleeper:
    """A fake sleep: moves the clock, and runs ``then`` at the ``at``-th call."""

    def __init__(self, clock: FakeClock, at: int = 0, then=None) -> None:  # noqa: ANN001
        self.clock, self.at, self.then, self.calls = clock, at, then, 0

    def __call__(self, seconds: float) -> None:
        self.calls += 1
        self.clock.advance(seconds)
        if self.calls == self.at and self.then is not None:
            self.then()


def test_waiting_polls_until_the_holder_releases(store: Store, clock: FakeClock) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL, holder=ELSEWHERE)
    sleep = Sleeper(clock, at=3, then=lambda: store.release_lease(LANDSCAPE, "run-a"))
    lease = LandscapeLease(store, LANDSCAPE, "run-b", ttl=TTL, heartbeat=False, sleep=sleep)
    assert lease.acquire(wait=timedelta(minutes=5)) is None
    assert sleep.calls == 3 and store.lease(LANDSCAPE).run_id == "run-b"
    lease.release()
    assert store.lease(LANDSCAPE) is None


def test_waiting_gives_up_after_the_timeout_naming_the_holder(store: Store,
                                                             clock: FakeClock) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", timedelta(hours=1), holder=ELSEWHERE)
    sleep = Sleeper(clock)
    lease = LandscapeLease(store, LANDSCAPE, "run-b", ttl=TTL, heartbeat=False, sleep=sleep)
    with pytest.raises(LeaseHeld, match="run run-a"):
        lease.acquire(wait=timedelta(seconds=60))
    assert sleep.calls == 12  # every 5 s (ttl / 4, at most 5 s) for 60 s


def test_waiting_ends_when_the_run_is_asked_to_stop(store: Store, clock: FakeClock) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL, holder=ELSEWHERE)
    stop = threading.Event()
    lease = LandscapeLease(store, LANDSCAPE, "run-b", ttl=TTL, heartbeat=False,
                           sleep=Sleeper(clock, at=1, then=stop.set))
    with pytest.raises(LeaseHeld):
        lease.acquire(wait=timedelta(hours=1), stop=stop)


def test_without_wait_it_refuses_at_once(store: Store, clock: FakeClock) -> None:
    store.acquire_lease(LANDSCAPE, "run-a", TTL, holder=ELSEWHERE)
    sleep = Sleeper(clock)
    with pytest.raises(LeaseHeld):
        LandscapeLease(store, LANDSCAPE, "run-b", ttl=TTL, heartbeat=False,
                       sleep=sleep).acquire()
    assert sleep.calls == 0


def test_a_lost_lease_is_noticed_at_the_next_heartbeat(store: Store, clock: FakeClock) -> None:
    lost = threading.Event()
    lease = LandscapeLease(store, LANDSCAPE, "run-a", ttl=TTL, heartbeat=False,
                           on_lost=lost.set)
    lease.acquire()
    assert lease.renew()
    clock.advance(61)
    store.acquire_lease(LANDSCAPE, "run-b", TTL)  # run-a looked dead: taken over
    assert not lease.renew()
    assert lost.is_set() and lease.lost.is_set()
    lease.release()
    assert store.lease(LANDSCAPE).run_id == "run-b", "a lost lease is not released"


def test_the_heartbeat_thread_renews_with_its_own_connection(store_target: Path | str) -> None:
    with Store(store_target) as store:
        lease = LandscapeLease(store, LANDSCAPE, "run-a", ttl=timedelta(seconds=1))
        lease.acquire()
        first = store.lease(LANDSCAPE).heartbeat
        deadline = time.monotonic() + 20
        while store.lease(LANDSCAPE).heartbeat == first:  # waits for a condition, bounded
            assert time.monotonic() < deadline, "no heartbeat within 20 s (ttl 1 s)"
            time.sleep(0.05)
        lease.release()
        assert store.lease(LANDSCAPE) is None


def test_register_child_records_the_pid_with_its_start_time(store_target: Path | str) -> None:
    with Store(store_target) as store:
        lease = LandscapeLease(store, LANDSCAPE, "run-a", heartbeat=False)
        lease.register_child(os.getpid())  # not held yet: nothing recorded
        lease.acquire()
        lease.register_child(os.getpid())
        (child,) = store.lease(LANDSCAPE).children
        assert child.pid == os.getpid()
        assert child.created == pytest.approx(psutil.Process().create_time())


# --------------------------------------------------------------------------- browsers


@pytest.fixture
def fake_browser(tmp_path: Path) -> Iterator[subprocess.Popen]:
    """A process named ``chromium`` (python under that name) with a child of its own."""
    chromium = tmp_path / "chromium"
    chromium.symlink_to(sys.executable)
    code = ("import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
            "'import time; time.sleep(300)']); print('up', flush=True); time.sleep(300)")
    proc = subprocess.Popen([str(chromium), "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "up"
    yield proc
    for p in [proc.pid, *(c.pid for c in _children(proc.pid))]:
        if psutil.pid_exists(p):
            psutil.Process(p).kill()
    proc.wait()


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def test_leftover_browsers_are_ended_with_their_children(fake_browser) -> None:
    created = psutil.Process(fake_browser.pid).create_time()
    children = _children(fake_browser.pid)
    assert children
    ended = end_browsers([Child(fake_browser.pid, created)])
    assert fake_browser.pid in ended and {c.pid for c in children} <= set(ended)
    assert fake_browser.wait(10) is not None
    assert not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children)


def test_a_recycled_or_foreign_pid_is_never_ended(fake_browser) -> None:
    created = psutil.Process(fake_browser.pid).create_time()
    assert end_browsers([Child(fake_browser.pid, created - 3600)]) == []  # PID recycled
    assert end_browsers([Child(os.getpid(), None)]) == []  # not a browser
    assert end_browsers([Child(dead_pid(), None)]) == []  # gone
    assert fake_browser.poll() is None


# --------------------------------------------------------------------------- landscape id


def test_the_landscape_id_is_the_sandbox_file_or_the_sap_system_and_client(
        tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[sap]\nsandbox_db = "var/sap.sqlite"\n')
    sandbox = load_config(tmp_path / "a.toml", home=tmp_path)
    assert landscape_id(sandbox) == f"sandbox:{(tmp_path / 'var' / 'sap.sqlite').resolve()}"
    (tmp_path / "b.toml").write_text(
        '[sap]\nmode = "rfc"\n[sap.connection]\nashost = "sap1.example"\nsysnr = "00"\n'
        'client = "100"\nuser = "RFC"\n')
    rfc = load_config(tmp_path / "b.toml", home=tmp_path)
    assert landscape_id(rfc) == "sap:sap1.example/00/100"
