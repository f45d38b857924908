"""``arbots schedule``: configuration checks, the lock refusal, ``--plan``."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from rich.console import Console

from bots.cli import main
from bots.config import load_config
from bots.domain import Trigger
from bots.scheduling import SchedulerLock
from bots.store import Store

STORE = '[store]\npath = "var/arbots.sqlite"\nruns_dir = "var/runs"\n'


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Write a site configuration below a fresh ARBOTS_HOME; returns its path."""
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))
    # a wide console for the --plan table, whatever the terminal (or none, under xdist)
    monkeypatch.setattr("bots.cli.schedule.console", Console(stderr=True, width=200))
    path = tmp_path / "site.toml"

    def write(schedule: str) -> str:
        path.write_text(STORE + schedule)
        return str(path)

    return write


def invoke(*args: str):
    return CliRunner().invoke(main, ["schedule", *args])


def unwrapped(output: str) -> str:
    """Error lines as printed, rejoined where the console wrapped them."""
    return output.replace("\n", "")


def test_no_jobs_is_a_configuration_error(site):
    result = invoke("--config", site(""))
    assert result.exit_code == 2
    assert "site.toml: schedule: no jobs configured; add a table schedule.<name>" \
        in unwrapped(result.output)


def test_unknown_bot_is_named_with_file_and_key(site):
    result = invoke("--config", site('[schedule.nightly]\nat = "02:00"\nbots = ["cashap"]\n'))
    assert result.exit_code == 2
    assert "site.toml: schedule.nightly.bots: unknown bot 'cashap'" in unwrapped(result.output)


def test_second_scheduler_on_the_same_store_exits_2_naming_the_first(site, tmp_path):
    config = site('[schedule.nightly]\nat = "02:00"\nbots = ["nightly"]\n')
    with SchedulerLock(tmp_path / "var" / "arbots-scheduler.lock", datetime(2026, 3, 2, 1)):
        result = invoke("--config", config)
    assert result.exit_code == 2
    assert f"pid {os.getpid()}@{socket.gethostname()} since 2026-03-02 01:00:00" \
        in unwrapped(result.output)


def test_plan_shows_catch_up_and_cadence(site):
    config = site('[schedule.nightly]\nat = "02:00"\nbots = ["nightly"]\n'
                  '[schedule.collections]\nat = "06:30"\nevery_days = 14\n'
                  'bots = ["collections"]\n')
    cfg = load_config(config)
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    with Store(cfg.store_path, clock=lambda: three_days_ago) as store:
        store.start_run(Trigger.SCHEDULE, ("openitems", "collections"), job="nightly")
    result = invoke("--config", config, "--plan")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
            for line in result.output.splitlines() if line.count("│") == 6}
    assert rows["nightly"][1:] == [
        "daily at 02:00",
        three_days_ago.astimezone().strftime("%Y-%m-%d %H:%M"),
        "now (catch-up)"]
    assert rows["collections"][1:3] == ["every 14 days at 06:30", "never"]
    assert rows["collections"][3].endswith(" 06:30")
