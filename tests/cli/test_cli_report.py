"""``arbots report`` never tracebacks: every odd case is one line and exit 1."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.landscape import landscape_id
from bots.store import Store
from tests.cli.cli_world import arbots, sandbox_template, world

__all__ = ["sandbox_template", "world"]  # fixtures


def one_error(result, *words: str) -> None:  # noqa: ANN001
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    text = " ".join(result.stderr.split())
    assert text.count("error:") == 1, result.stderr
    for word in words:
        assert word in text, (word, result.stderr)


def finished_run(cfg: Config, status: RunStatus = RunStatus.OK) -> str:
    with Store(cfg.store_path) as store:
        run = store.start_run(Trigger.ON_DEMAND, ("openitems",))
        store.finish_run(run.id, status, {})
    return run.id


def test_no_runs_yet(world: Config) -> None:
    one_error(arbots(world, "report"), "no runs yet")


def test_an_unknown_run(world: Config) -> None:
    finished_run(world)
    one_error(arbots(world, "report", "20990101-000000-nope"), "no run '20990101-000000-nope'")


def test_a_run_without_report_json(world: Config) -> None:
    run_id = finished_run(world)
    one_error(arbots(world, "report", run_id), f"run {run_id} (ok) has no report",
              "report.json does not exist")
    one_error(arbots(world, "report", "latest", "--json"), "has no report")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"run_id": "x"}', "\udcff"])
def test_a_corrupt_report_json(world: Config, content: str) -> None:
    run_id = finished_run(world)
    folder = world.runs_dir / run_id
    folder.mkdir(parents=True)
    (folder / "report.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    one_error(arbots(world, "report", run_id), str(folder / "report.json"))
    one_error(arbots(world, "report", run_id, "--json"), str(folder / "report.json"))


def test_a_running_run(world: Config) -> None:
    with Store(world.store_path) as store:  # a live run: this process holds its lease
        run_id = store.new_run_id(("nightly",))
        store.acquire_lease(landscape_id(world), run_id, timedelta(hours=1))
        store.start_run(Trigger.SCHEDULE, ("nightly",), run_id=run_id,
                        landscape=landscape_id(world))
        one_error(arbots(world, "report"), f"run {run_id} is still running")
        assert store.run(run_id).status == "running", "a live run is not reaped"


def test_an_aborted_run_prints_its_report_then_says_why(world: Config) -> None:
    with Store(world.store_path) as store:  # its holder is gone: the lease expired
        run_id = store.new_run_id(("nightly",))
        store.acquire_lease(landscape_id(world), run_id, timedelta(seconds=1),
                            holder="other-host.example:1")
        store.start_run(Trigger.SCHEDULE, ("nightly",), run_id=run_id,
                        landscape=landscape_id(world))
        store.db.execute("UPDATE leases SET expires = '2000-01-01T00:00:00.000+00:00'")
    result = arbots(world, "report", run_id)
    one_error(result, f"run {run_id} was aborted")
    assert f"run {run_id}: aborted" in result.stderr
    data = json.loads((world.runs_dir / run_id / "report.json").read_text())
    assert data["status"] == "aborted"


def test_a_good_report_still_prints(world: Config) -> None:
    result = arbots(world, "run", "openitems")
    assert result.returncode == 0, result.stderr
    shown = arbots(world, "report")
    assert shown.returncode == 0 and "openitems" in shown.stderr
    assert json.loads(arbots(world, "report", "--json").stdout)["status"] == "ok"
