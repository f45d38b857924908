"""The daemon's timing rules, on a fake clock: nightly, catch-up, 14-day cadence, failures."""

from __future__ import annotations

import logging
import signal
import time as _time
from datetime import UTC, datetime, time, timedelta

import pytest
from sched_fakes import World

from bots.config import ScheduleJob
from bots.scheduling import next_due

NIGHTLY = ScheduleJob(name="nightly", bots=("nightly",), at=time(2, 0), every_days=1)
FORTNIGHT = ScheduleJob(name="collections", bots=("collections",), at=time(6, 30),
                        every_days=14)


def day(n: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    """Day n of the test calendar (day 0 = Monday 2 March 2026), at hh:mm:ss."""
    return datetime(2026, 3, 2, hh, mm, ss) + timedelta(days=n)


class TestNextDue:
    def test_never_run_waits_for_todays_time_when_still_ahead(self):
        assert next_due(NIGHTLY, None, day(0, 1, 30)) == day(0, 2)

    def test_never_run_waits_for_tomorrow_when_today_has_passed(self):
        assert next_due(NIGHTLY, None, day(0, 2, 0, 1)) == day(1, 2)

    def test_counts_days_from_the_day_it_last_started_not_the_hour(self):
        # started a few seconds late: still due at 02:00 sharp the next day
        assert next_due(NIGHTLY, day(0, 2, 0, 5), day(0, 3)) == day(1, 2)
        assert next_due(FORTNIGHT, day(0, 6, 31), day(0, 7)) == day(14, 6, 30)

    def test_store_times_with_a_zone_are_read_as_local_time(self, monkeypatch):
        monkeypatch.setenv("TZ", "Asia/Tokyo")  # UTC+9, so the UTC date is the day before
        _time.tzset()
        try:
            started = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # 5 March, 02:00 in Tokyo
            assert next_due(NIGHTLY, started, day(3, 5)) == day(4, 2)
        finally:
            monkeypatch.undo()
            _time.tzset()

    def test_a_job_without_time_runs_at_midnight(self):
        job = ScheduleJob(name="sweep", bots=("intake",), at=None, every_days=1)
        assert next_due(job, day(0, 0, 0, 3), day(0, 1)) == day(1)


class TestNightly:
    def test_runs_at_two_and_not_before(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        daemon, clock = world.daemon(day(1, 1, 0), day(9))
        assert daemon.run_pending() == 0
        clock.t = day(1, 1, 59, 59)
        assert daemon.run_pending() == 0
        clock.t = day(1, 2)
        assert daemon.run_pending() == 1
        assert daemon.run_pending() == 0  # once per day, not once per pass
        assert world.runs == [("nightly", day(1, 2))]

    def test_loop_runs_it_each_night_at_two_sharp(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        runs = world.run(day(0, 12), day(3, 12))
        assert runs == [("nightly", day(1, 2)), ("nightly", day(2, 2)), ("nightly", day(3, 2))]

    def test_first_ever_start_has_nothing_to_catch_up(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        assert world.run(day(0, 10), day(1, 3)) == [("nightly", day(1, 2))]

    def test_a_long_run_does_not_shift_the_next_night(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        world.behaviour["nightly"] = lambda clock: clock.advance(hours=5) or "ok"
        runs = world.run(day(0, 12), day(2, 12))
        assert runs == [("nightly", day(1, 2)), ("nightly", day(2, 2))]


class TestCatchUp:
    def test_after_days_of_downtime_it_runs_once_at_once(self, tmp_path, caplog):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)  # then down for five days
        with caplog.at_level(logging.INFO, logger="bots.scheduling"):
            runs = world.run(day(5, 10, 17), day(7, 3))
        assert runs == [("nightly", day(5, 10, 17)),  # one catch-up, not five
                        ("nightly", day(6, 2)), ("nightly", day(7, 2))]
        assert "missed its run due 2026-03-03 02:00" in caplog.text

    def test_down_over_the_nightly_time_only_is_caught_up(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        assert world.run(day(1, 2, 30), day(1, 23)) == [("nightly", day(1, 2, 30))]

    def test_restart_before_the_time_is_no_catch_up(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        assert world.run(day(1, 1), day(1, 1, 59)) == []

    def test_catch_up_counts_as_that_days_run(self, tmp_path):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        runs = world.run(day(2, 1), day(3, 3))
        assert runs == [("nightly", day(2, 1)), ("nightly", day(3, 2))]


class TestFortnightly:
    def test_cadence_is_kept_across_restarts(self, tmp_path):
        world = World(tmp_path, (FORTNIGHT,))
        first = world.run(day(0, 5), day(20))
        assert first == [("collections", day(0, 6, 30)), ("collections", day(14, 6, 30))]
        # down two days, restarted: the count goes on from day 14, not from the restart
        second = world.run(day(22, 9), day(45))
        assert second == [("collections", day(28, 6, 30)), ("collections", day(42, 6, 30))]

    def test_many_restarts_in_between_change_nothing(self, tmp_path):
        world = World(tmp_path, (FORTNIGHT,))
        world.starts["collections"] = day(0, 6, 30)
        runs = []
        for n in range(1, 14):  # restarted every day, each time after 06:30
            runs += world.run(day(n, 8), day(n, 23))
        assert runs == []
        assert world.run(day(13, 23), day(14, 23)) == [("collections", day(14, 6, 30))]

    def test_overdue_fortnight_is_caught_up_once_and_restarts_the_count(self, tmp_path):
        world = World(tmp_path, (FORTNIGHT,))
        world.starts["collections"] = day(0, 6, 30)
        runs = world.run(day(20, 14), day(40))
        assert runs == [("collections", day(20, 14)), ("collections", day(34, 6, 30))]

    def test_side_by_side_with_the_nightly(self, tmp_path):
        world = World(tmp_path, (NIGHTLY, FORTNIGHT))
        world.starts.update(nightly=day(13, 2), collections=day(0, 6, 30))
        runs = world.run(day(13, 12), day(15, 12))
        assert runs == [("nightly", day(14, 2)), ("collections", day(14, 6, 30)),
                        ("nightly", day(15, 2))]


class TestFailures:
    def test_a_raising_job_is_logged_and_the_next_job_still_runs(self, tmp_path, caplog):
        world = World(tmp_path, (NIGHTLY, FORTNIGHT))
        world.starts.update(nightly=day(13, 2), collections=day(0, 6, 30))

        def explode(_clock):
            raise ConnectionError("SAP gateway timed out")

        world.behaviour["nightly"] = explode
        with caplog.at_level(logging.INFO, logger="bots.scheduling"):
            runs = world.run(day(14, 1), day(15, 12))
        # no hot retry loop: the failed job waits for its next night
        assert runs == [("nightly", day(14, 2)), ("collections", day(14, 6, 30)),
                        ("nightly", day(15, 2))]
        failed = [r for r in caplog.records if "the run raised" in r.getMessage()]
        assert len(failed) == 2 and failed[0].levelno == logging.ERROR
        assert "SAP gateway timed out" in caplog.text

    def test_a_failed_status_is_logged_as_a_warning(self, tmp_path, caplog):
        world = World(tmp_path, (NIGHTLY,))
        world.starts["nightly"] = day(0, 2)
        world.behaviour["nightly"] = lambda _clock: "failed"
        with caplog.at_level(logging.INFO, logger="bots.scheduling"):
            world.run(day(1, 1), day(1, 3))
        finished = [r for r in caplog.records if "finished" in r.getMessage()]
        assert [(r.levelno, r.getMessage()) for r in finished] == \
            [(logging.WARNING, "nightly: finished: failed")]


class TestStop:
    def test_no_job_starts_once_stop_is_set(self, tmp_path):
        world = World(tmp_path, (NIGHTLY, FORTNIGHT))
        world.starts.update(nightly=day(0, 2), collections=day(0, 6, 30))
        daemon, clock = world.daemon(day(20), day(30))

        def first_job_sees_a_stop(_clock):
            daemon.stop.set()
            return "interrupted"

        world.behaviour["nightly"] = first_job_sees_a_stop
        daemon.run()
        assert world.runs == [("nightly", day(20))]  # collections, also due, did not start

    def test_signal_handlers_are_put_back_after_the_run(self, tmp_path):
        before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
        World(tmp_path, (NIGHTLY,)).run(day(0), day(1))
        assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


@pytest.mark.parametrize("every_days", [0, -3])
def test_config_refuses_a_cadence_below_one_day(tmp_path, every_days):
    from bots.config import ConfigError, load_config

    site = tmp_path / "site.toml"
    site.write_text(f'[schedule.nightly]\nat = "02:00"\nevery_days = {every_days}\n')
    with pytest.raises(ConfigError, match="schedule.nightly.every_days: must be at least 1"):
        load_config(site, home=tmp_path)
