"""``arbots schedule sync`` against a real Temporal dev server: create, update, describe."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import (
    Client,
    ScheduleActionStartWorkflow,
    ScheduleDescription,
    ScheduleOverlapPolicy,
)

from tests.engine.conftest import free_port

SITE = """
[engine]
kind = "temporal"
address = "{address}"
task_queue_prefix = "{prefix}"
catchup_minutes = 90
time_zone = "Europe/Berlin"

[schedule.nightly]
at = "{at}"
bots = ["nightly"]

[schedule.snapshot]
at = "06:30"
every_days = 14
bots = ["openitems"]
"""


def _sync(home: Path, address: str, prefix: str, at: str = "02:00",
          engine_env: str | None = None) -> subprocess.CompletedProcess[str]:
    (home / "site.toml").write_text(SITE.format(address=address, prefix=prefix, at=at),
                                    encoding="utf-8")
    env = {**os.environ, "ARBOTS_HOME": str(home), "COLUMNS": "200"}
    for name in ("ARBOTS_CONFIG", "ARBOTS_TEMPORAL"):
        env.pop(name, None)
    if engine_env is not None:
        env["ARBOTS_TEMPORAL"] = engine_env
    return subprocess.run([sys.executable, "-m", "bots.cli", "schedule", "sync", "--config",
                           "site.toml"], env=env, cwd=home, capture_output=True, text=True,
                          timeout=120)


def _describe(address: str, *ids: str) -> dict[str, ScheduleDescription]:
    async def described() -> dict[str, ScheduleDescription]:
        client = await Client.connect(address)
        return {sid: await client.get_schedule_handle(sid).describe() for sid in ids}

    return asyncio.run(described())


def _pause(address: str, sid: str) -> None:
    async def pause() -> None:
        client = await Client.connect(address)
        await client.get_schedule_handle(sid).pause(note="paused by the test")

    asyncio.run(pause())


def _outcomes(done: subprocess.CompletedProcess[str], *ids: str) -> dict[str, str]:
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert all(any(sid in line for line in lines) for sid in ids), done.stdout
    return {sid: next(line for line in lines if line.startswith(f"{sid}: ")).split()[1]
            for sid in ids}


def test_sync_creates_the_schedules_with_their_policies_then_keeps_them(
        tmp_path: Path, temporal_address: str) -> None:
    ids = ("sy1-nightly", "sy1-snapshot")
    assert _outcomes(_sync(tmp_path, temporal_address, "sy1"), *ids) == dict.fromkeys(
        ids, "created")
    described = _describe(temporal_address, *ids)
    nightly, snapshot = (described[sid].schedule for sid in ids)

    assert nightly.policy.overlap == ScheduleOverlapPolicy.SKIP
    assert nightly.policy.catchup_window == timedelta(minutes=90)
    assert nightly.policy.pause_on_failure  # the nightly posts
    assert not snapshot.policy.pause_on_failure  # openitems only reads
    assert snapshot.policy.overlap == ScheduleOverlapPolicy.SKIP
    (calendar,) = nightly.spec.calendars
    assert ([r.start for r in calendar.hour], [r.start for r in calendar.minute]) == ([2], [0])
    assert nightly.spec.time_zone_name == "Europe/Berlin"
    (interval,) = snapshot.spec.intervals
    assert interval.every == timedelta(days=14)
    assert (interval.offset.total_seconds() / 60) % (24 * 60) == 5 * 60 + 30  # 06:30 CET

    action = nightly.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert (action.workflow, action.task_queue) == ("RunWorkflow", "sy1-flow")
    request = json.loads(action.args[0].data)  # type: ignore[union-attr]
    assert request["bots"] == ["openitems", "intake", "cashapp", "portals", "collections"]
    assert (request["trigger"], request["job"], request["fail_on_failure"]) == (
        "schedule", "nightly", True)
    assert request["config_path"] == str(tmp_path / "site.toml")

    assert _outcomes(_sync(tmp_path, temporal_address, "sy1"), *ids) == dict.fromkeys(
        ids, "unchanged")
    again = _describe(temporal_address, *ids)
    assert [again[sid].schedule.spec for sid in ids] == [described[sid].schedule.spec
                                                         for sid in ids]


def test_a_changed_time_updates_the_schedule_and_keeps_it_paused(
        tmp_path: Path, temporal_address: str) -> None:
    ids = ("sy2-nightly", "sy2-snapshot")
    _outcomes(_sync(tmp_path, temporal_address, "sy2"), *ids)
    _pause(temporal_address, "sy2-nightly")
    assert _outcomes(_sync(tmp_path, temporal_address, "sy2", at="03:15"), *ids) == {
        "sy2-nightly": "updated", "sy2-snapshot": "unchanged"}
    nightly = _describe(temporal_address, "sy2-nightly")["sy2-nightly"].schedule
    (calendar,) = nightly.spec.calendars
    assert ([r.start for r in calendar.hour], [r.start for r in calendar.minute]) == ([3], [15])
    assert nightly.state.paused  # a person paused it: sync does not unpause it
    assert nightly.state.note == "paused by the test"


def test_sync_needs_the_temporal_engine_and_a_reachable_server(tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "site.toml").write_text('[schedule.nightly]\nat = "02:00"\n', encoding="utf-8")
    env = {**os.environ, "ARBOTS_HOME": str(local)}
    for name in ("ARBOTS_CONFIG", "ARBOTS_TEMPORAL"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "bots.cli", "schedule", "sync", "--config",
                           "site.toml"], env=env, cwd=local, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert 'engine.kind: schedule sync needs kind = "temporal"' in " ".join(done.stderr.split())

    address = f"127.0.0.1:{free_port()}"
    done = _sync(tmp_path, address, "sy3")
    assert done.returncode == 2
    assert f"Temporal is unreachable at {address}" in " ".join(done.stderr.split())


@pytest.mark.parametrize("bots", [["intake"], ["openitems", "intake"]])
def test_jobs_that_write_nothing_external_do_not_pause(bots: list[str]) -> None:
    from bots.config import ScheduleJob
    from bots.engine.schedules import pauses_on_failure

    assert not pauses_on_failure(ScheduleJob("j", tuple(bots), None, 1))
    assert pauses_on_failure(ScheduleJob("j", (*bots, "collections"), None, 1))


@pytest.mark.slow
def test_a_failed_scheduled_night_pauses_its_schedule(tmp_path: Path, temporal_address: str,
                                                      monkeypatch) -> None:
    import time
    from contextlib import closing

    from bench.crash import end_trial_processes
    from tests.engine.conftest import temporal_world

    world, _ = temporal_world(tmp_path / "world", temporal_address)  # [schedule.nightly]
    monkeypatch.setenv("ARBOTS_SAP_CONNECTION", "tests.engine.sap_refusing:connect")
    assert world.run("schedule", "sync", log="sync") == 0
    worker = world.start("worker", log="worker")
    sid = f"t{world.token}-nightly"
    try:
        async def trigger() -> None:
            client = await Client.connect(temporal_address)
            await client.get_schedule_handle(sid).trigger()

        asyncio.run(trigger())
        deadline = time.monotonic() + 60
        while not _describe(temporal_address, sid)[sid].schedule.state.paused:
            assert time.monotonic() < deadline, "the schedule was not paused"
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        end_trial_processes(world.token)
    db = world.store()
    assert db is not None
    with closing(db):
        (run,) = db.execute("SELECT trigger, job, status, message FROM runs").fetchall()
    assert (run["trigger"], run["job"], run["status"]) == ("schedule", "nightly", "failed")
    assert "Name or password is incorrect" in run["message"]


def test_a_namespace_the_server_does_not_have_is_named_with_exit_2(
        tmp_path: Path, temporal_address: str) -> None:
    (tmp_path / "site.toml").write_text(
        SITE.format(address=temporal_address, prefix="sy4", at="02:00").replace(
            'catchup_minutes = 90\n', 'catchup_minutes = 90\nnamespace = "nowhere"\n'),
        encoding="utf-8")
    env = {**os.environ, "ARBOTS_HOME": str(tmp_path)}
    for name in ("ARBOTS_CONFIG", "ARBOTS_TEMPORAL"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "bots.cli", "schedule", "sync", "--config",
                           "site.toml"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    message = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"Temporal at {temporal_address} (namespace nowhere) refused schedule sy4-nightly" \
        in message
    assert "Traceback" not in done.stderr
