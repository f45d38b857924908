"""``arbots schedule``: configuration checks, the lock refusal, ``list`` (and ``--plan``)."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from zoneinfo import ZoneInfo

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
    # a wide console for the list table, whatever the terminal (or none, under xdist)
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


BERLIN = ZoneInfo("Europe/Berlin")
TWO_JOBS = ('[schedule.nightly]\nat = "02:00"\nbots = ["nightly"]\n'
            '[schedule.collections]\nat = "06:30"\nevery_days = 14\nbots = ["collections"]\n')


def table_rows(output: str) -> dict[str, list[str]]:
    """The rows of the printed table, by job name."""
    return {line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
            for line in output.splitlines() if line.count("│") == 6}


@pytest.fixture
def history(site, time_machine):
    """Two jobs with runs in the store; the clock frozen on 26 November 2026, 09:15 Berlin."""
    config = site(TWO_JOBS)
    store_path = load_config(config).store_path
    for job, started in (("collections", datetime(2026, 11, 16, 6, 30, tzinfo=BERLIN)),
                         ("nightly", datetime(2026, 11, 23, 2, 0, tzinfo=BERLIN))):
        time_machine.move_to(started, tick=False)
        with Store(store_path) as store:
            store.start_run(Trigger.SCHEDULE, (job,), job=job)
    time_machine.move_to(datetime(2026, 11, 26, 9, 15, tzinfo=BERLIN), tick=False)
    return config


def test_list_shows_each_jobs_last_and_next_run(history):
    result = invoke("list", "--config", history)
    assert result.exit_code == 0, result.output
    assert "last run" in result.output and "next run" in result.output
    assert table_rows(result.output) == {
        # down since the 23rd: caught up as soon as the daemon starts
        "nightly": ["nightly", "daily at 02:00", "2026-11-23 02:00", "now (catch-up)"],
        # 14 days from the day of its last run, not from today
        "collections": ["collections", "every 14 days at 06:30", "2026-11-16 06:30",
                        "2026-11-30 06:30"]}


def test_list_takes_the_config_given_before_it_and_plan_prints_the_same(history):
    listed = invoke("list", "--config", history)
    assert invoke("--config", history, "list").output == listed.output
    planned = invoke("--config", history, "--plan")
    assert planned.exit_code == 0 and planned.output == listed.output


def test_a_job_that_never_ran_waits_for_its_first_time(site, time_machine):
    time_machine.move_to(datetime(2026, 11, 26, 9, 15, tzinfo=BERLIN), tick=False)
    result = invoke("list", "--config", site(TWO_JOBS))
    assert table_rows(result.output) == {
        "nightly": ["nightly", "daily at 02:00", "never", "2026-11-27 02:00"],
        "collections": ["collections", "every 14 days at 06:30", "never", "2026-11-27 06:30"]}


def test_list_checks_the_configuration_like_the_daemon(site):
    result = invoke("list", "--config", site('[schedule.nightly]\nbots = ["cashap"]\n'))
    assert result.exit_code == 2
    assert "site.toml: schedule.nightly.bots: unknown bot 'cashap'" in unwrapped(result.output)


def test_help_names_list_and_sync():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "list" in result.output and "sync" in result.output


def test_the_daemon_on_the_temporal_engine_is_refused_naming_sync(site, monkeypatch):
    monkeypatch.setenv("ARBOTS_TEMPORAL", "127.0.0.1:7233")
    result = invoke("--config", site('[schedule.nightly]\nat = "02:00"\n'))
    assert result.exit_code == 2
    assert "the Temporal server starts the jobs; run `arbots schedule sync` once" in \
        unwrapped(result.output)


def test_sync_on_the_local_engine_is_refused_naming_the_setting(site, monkeypatch):
    monkeypatch.delenv("ARBOTS_TEMPORAL", raising=False)
    result = invoke("sync", "--config", site('[schedule.nightly]\nat = "02:00"\n'))
    assert result.exit_code == 2
    assert 'engine.kind: schedule sync needs kind = "temporal"' in unwrapped(result.output)
