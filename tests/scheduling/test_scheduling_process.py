"""The daemon as a real process: single-instance lock, SIGTERM/SIGINT stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sched_fakes import World

from bots.config import ScheduleJob
from bots.scheduling import AlreadyRunning, SchedulerLock

CHILD = Path(__file__).with_name("sched_child.py")
JOB = ScheduleJob(name="nightly", bots=("nightly",), at=None, every_days=1)


def start_child(mode: str, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), mode, str(folder)],
                            stderr=subprocess.PIPE, text=True)


def wait_for(predicate, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def lock_names(path: Path, pid: int) -> bool:
    try:
        return json.loads(path.read_text() or "{}").get("pid") == pid
    except (FileNotFoundError, ValueError):
        return False


def events(folder: Path) -> list[str]:
    file = folder / "events.log"
    return file.read_text().splitlines() if file.exists() else []


@pytest.fixture
def child(tmp_path):
    """Start a daemon process; it is killed if a test leaves it running."""
    started: list[subprocess.Popen] = []

    def start(mode: str) -> subprocess.Popen:
        started.append(start_child(mode, tmp_path))
        return started[-1]

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class TestLock:
    def test_second_daemon_refuses_naming_the_first(self, tmp_path, child, time_machine):
        first = child("idle")
        lock = tmp_path / "arbots-scheduler.lock"
        wait_for(lambda: lock_names(lock, first.pid), "the first daemon to take the lock")

        world = World(tmp_path, (JOB,), time_machine)
        with pytest.raises(AlreadyRunning) as refused:
            world.run(datetime(2026, 3, 2), datetime(2026, 3, 3))
        message = str(refused.value)
        assert f"pid {first.pid}@{socket.gethostname()} since " in message
        assert str(lock) in message
        assert world.runs == []

        first.send_signal(signal.SIGTERM)
        assert first.wait(20) == 0
        assert events(tmp_path) == ["exited"]
        # the first is gone: now the second one starts
        assert world.run(datetime(2026, 3, 2, 1), datetime(2026, 3, 3, 1)) == \
            [("nightly", datetime(2026, 3, 3))]

    def test_lock_of_a_killed_daemon_is_taken_over(self, tmp_path, child):
        first = child("idle")
        lock = tmp_path / "arbots-scheduler.lock"
        wait_for(lambda: lock_names(lock, first.pid), "the first daemon to take the lock")
        first.kill()  # SIGKILL: no clean-up, the file still names it
        first.wait()
        assert lock_names(lock, first.pid)

        with SchedulerLock(lock, datetime(2026, 3, 2, 9, 15)) as me:
            assert me.pid == os.getpid()
            assert json.loads(lock.read_text()) == {
                "pid": os.getpid(), "host": socket.gethostname(),
                "started": "2026-03-02 09:15:00"}
        assert lock.read_text() == ""  # released: the holder is no longer named

    def test_unreadable_lock_file_is_taken_over(self, tmp_path):
        lock = tmp_path / "arbots-scheduler.lock"
        lock.write_text("not json at all")
        with SchedulerLock(lock, datetime(2026, 3, 2)) as me:
            assert json.loads(lock.read_text())["pid"] == me.pid

    def test_same_process_cannot_take_it_twice(self, tmp_path):
        lock = tmp_path / "sub" / "arbots-scheduler.lock"
        with SchedulerLock(lock, datetime(2026, 3, 2)), \
                pytest.raises(AlreadyRunning, match=f"pid {os.getpid()}@"):
            with SchedulerLock(lock, datetime(2026, 3, 2)):
                pass


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_lets_the_step_in_hand_finish_and_starts_nothing_new(tmp_path, child, sig):
    proc = child("steps")
    wait_for(lambda: "begin 2" in events(tmp_path), "the job's third step")
    proc.send_signal(sig)
    assert proc.wait(20) == 0, proc.stderr.read()

    log = events(tmp_path)
    assert log[0] == "start slow"
    last_begin = max(int(line.split()[1]) for line in log if line.startswith("begin"))
    assert 2 <= last_begin < 99  # stopped early, not after all 100 steps
    assert log[-3:] == [f"end {last_begin}", "stopped slow", "exited"]
    assert "start next" not in log  # overdue as well, but no job starts after the signal
    assert f"{signal.Signals(sig).name} received" in proc.stderr.read()
