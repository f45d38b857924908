"""One writer per landscape, through the CLI: refuse naming the holder, --wait, two at once."""

from __future__ import annotations

import os
import socket
from collections import Counter
from datetime import datetime, timedelta

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.landscape import landscape_id
from bots.runner import run_bots
from bots.store import LeaseHeld, Store
from tests.cli.cli_world import Running, arbots, sandbox_template, store_rows, wait_for, world
from tests.pipeline.test_collections_run import notes_in_sap

__all__ = ["sandbox_template", "world"]  # fixtures

EXIT_BUSY = 75


def hold(cfg: Config, run_id: str = "20261207-020000-holder") -> Store:
    """Take the world's landscape lease in this (live) process, for an hour."""
    store = Store(cfg.store_path)
    store.acquire_lease(landscape_id(cfg), run_id, timedelta(hours=1))
    return store


def test_a_second_writer_is_refused_naming_the_holder(world: Config) -> None:
    holder = hold(world)
    result = arbots(world, "run", "collections")
    assert result.returncode == EXIT_BUSY, result.stderr
    message = " ".join(result.stderr.split())  # rich wraps long lines
    assert "held by run 20261207-020000-holder" in message
    assert f"{socket.gethostname()}:{os.getpid()}" in message and "since" in message
    assert "Traceback" not in result.stderr
    assert store_rows(world, "SELECT id FROM runs") == [], "a refused run is not recorded"
    assert notes_in_sap(world) == Counter()
    holder.close()


def test_wait_gives_up_after_its_timeout(world: Config) -> None:
    holder = hold(world)
    result = arbots(world, "run", "collections", "--wait", "--wait-timeout", "1",
                    ARBOTS_LEASE_TTL="2")
    assert result.returncode == EXIT_BUSY, result.stderr
    assert "waiting for landscape" in result.stderr
    holder.close()


def test_wait_runs_once_the_holder_is_gone(world: Config) -> None:
    holder = hold(world)
    waiting = Running(world, "run", "collections", "--wait", ARBOTS_LEASE_TTL="2")
    try:
        wait_for(lambda: "waiting for landscape" in waiting.stderr, "the run to wait")
        assert waiting.proc.poll() is None
        holder.release_lease(landscape_id(world), "20261207-020000-holder")
        assert waiting.wait() == 0, waiting.stderr
    finally:
        waiting.kill()
        holder.close()
    assert sum(notes_in_sap(world).values()) > 0


@pytest.mark.slow
@pytest.mark.parametrize("wait", [True, False])
def test_two_runs_started_together_never_write_at_once(world: Config, wait: bool) -> None:
    args = ("run", "collections", *(["--wait"] if wait else []))
    runs = [Running(world, *args), Running(world, *args)]
    try:
        codes = sorted(r.wait() for r in runs)
    finally:
        for r in runs:
            r.kill()
    notes = notes_in_sap(world)
    assert notes and set(notes.values()) == {1}, "a note was written twice"
    if wait:
        assert codes == [0, 0], [r.stderr for r in runs]
    else:
        assert codes in ([0, 0], [0, EXIT_BUSY]), [r.stderr for r in runs]
        for r in runs:
            if r.proc.returncode == EXIT_BUSY:
                assert "held by run" in " ".join(r.stderr.split())
    spans = sorted((datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in
                   store_rows(world, "SELECT started, ended FROM runs"))
    assert all(later[0] >= earlier[1]
               for earlier, later in zip(spans, spans[1:], strict=False)), \
        f"two runs wrote at once: {spans}"
    assert store_rows(world, "SELECT count(*) FROM leases") == [(0,)]


@pytest.mark.parametrize(("bots", "trigger", "inputs"), [
    (("review",), Trigger.ON_DEMAND, {"review_file": "worklist.xlsx"}),  # review apply
    (("collections",), Trigger.SCHEDULE, None),  # the scheduler's runs
])
def test_every_writing_run_takes_the_lease(world: Config, bots: tuple[str, ...],
                                           trigger: Trigger, inputs: dict | None) -> None:
    holder = hold(world)
    with pytest.raises(LeaseHeld, match="held by run 20261207-020000-holder"):
        run_bots(world, bots, trigger, inputs=inputs)
    holder.close()


def test_a_dry_run_takes_no_lease(world: Config) -> None:
    holder = hold(world)
    outcome = run_bots(world, ("collections",), Trigger.ON_DEMAND, dry_run=True)
    assert outcome.status == RunStatus.OK
    assert holder.lease(landscape_id(world)).run_id == "20261207-020000-holder"
    holder.close()
