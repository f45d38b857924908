"""The daemon's timing rules on time-machine's clock: nightly, catch-up, cadence, DST."""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sched_fakes import World

from bots.config import ScheduleJob
from bots.scheduling import next_due
from bots.store import Store

NIGHTLY = ScheduleJob(name="nightly", bots=("nightly",), at=time(2, 0), every_days=1)
FORTNIGHT = ScheduleJob(name="collections", bots=("collections",), at=time(6, 30),
                        every_days=14)


@pytest.fixture
def world_of(tmp_path, time_machine):
    """``world_of(job, ...)``: a :class:`World` of those jobs on time-machine's clock."""
    return lambda *jobs, **options: World(tmp_path, jobs, time_machine, **options)


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

    def test_store_times_with_a_zone_are_read_as_local_time(self, time_machine):
        # local time in Tokyo (UTC+9): the UTC date of the start is the day before
        time_machine.move_to(datetime(2026, 3, 5, 5, tzinfo=ZoneInfo("Asia/Tokyo")))
        started = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # 5 March, 02:00 in Tokyo
        assert next_due(NIGHTLY, started, day(3, 5)) == day(4, 2)

    def test_a_job_without_time_runs_at_midnight(self):
        job = ScheduleJob(name="sweep", bots=("intake",), at=None, every_days=1)
        assert next_due(job, day(0, 0, 0, 3), day(0, 1)) == day(1)


class TestNightly:
    def test_runs_at_two_and_not_before(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        daemon = world.daemon(day(1, 1, 0), day(9))
        assert daemon.run_pending() == 0
        world.travel_to(day(1, 1, 59, 59))
        assert daemon.run_pending() == 0
        world.travel_to(day(1, 2))
        assert daemon.run_pending() == 1
        assert daemon.run_pending() == 0  # once per day, not once per pass
        assert world.runs == [("nightly", day(1, 2))]

    def test_loop_runs_it_each_night_at_two_sharp(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        runs = world.run(day(0, 12), day(3, 12))
        assert runs == [("nightly", day(1, 2)), ("nightly", day(2, 2)), ("nightly", day(3, 2))]

    def test_first_ever_start_has_nothing_to_catch_up(self, world_of):
        world = world_of(NIGHTLY)
        assert world.run(day(0, 10), day(1, 3)) == [("nightly", day(1, 2))]

    def test_a_long_run_does_not_shift_the_next_night(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        world.behaviour["nightly"] = lambda w: w.advance(hours=5) or "ok"
        runs = world.run(day(0, 12), day(2, 12))
        assert runs == [("nightly", day(1, 2)), ("nightly", day(2, 2))]


class TestCatchUp:
    def test_after_days_of_downtime_it_runs_once_at_once(self, world_of, caplog):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)  # then down for five days
        with caplog.at_level(logging.INFO, logger="bots.scheduling"):
            runs = world.run(day(5, 10, 17), day(7, 3))
        assert runs == [("nightly", day(5, 10, 17)),  # one catch-up, not five
                        ("nightly", day(6, 2)), ("nightly", day(7, 2))]
        assert "missed its run due 2026-03-03 02:00" in caplog.text

    def test_down_over_the_nightly_time_only_is_caught_up(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        assert world.run(day(1, 2, 30), day(1, 23)) == [("nightly", day(1, 2, 30))]

    def test_restart_before_the_time_is_no_catch_up(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        assert world.run(day(1, 1), day(1, 1, 59)) == []

    def test_catch_up_counts_as_that_days_run(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        runs = world.run(day(2, 1), day(3, 3))
        assert runs == [("nightly", day(2, 1)), ("nightly", day(3, 2))]


class TestFortnightly:
    def test_cadence_is_kept_across_restarts(self, world_of):
        world = world_of(FORTNIGHT)
        first = world.run(day(0, 5), day(20))
        assert first == [("collections", day(0, 6, 30)), ("collections", day(14, 6, 30))]
        # down two days, restarted: the count goes on from day 14, not from the restart
        second = world.run(day(22, 9), day(45))
        assert second == [("collections", day(28, 6, 30)), ("collections", day(42, 6, 30))]

    def test_many_restarts_in_between_change_nothing(self, world_of):
        world = world_of(FORTNIGHT)
        world.starts["collections"] = day(0, 6, 30)
        runs = []
        for n in range(1, 14):  # restarted every day, each time after 06:30
            runs += world.run(day(n, 8), day(n, 23))
        assert runs == []
        assert world.run(day(13, 23), day(14, 23)) == [("collections", day(14, 6, 30))]

    def test_overdue_fortnight_is_caught_up_once_and_restarts_the_count(self, world_of):
        world = world_of(FORTNIGHT)
        world.starts["collections"] = day(0, 6, 30)
        runs = world.run(day(20, 14), day(40))
        assert runs == [("collections", day(20, 14)), ("collections", day(34, 6, 30))]

    def test_side_by_side_with_the_nightly(self, world_of):
        world = world_of(NIGHTLY, FORTNIGHT)
        world.starts.update(nightly=day(13, 2), collections=day(0, 6, 30))
        runs = world.run(day(13, 12), day(15, 12))
        assert runs == [("nightly", day(14, 2)), ("collections", day(14, 6, 30)),
                        ("nightly", day(15, 2))]


class TestFailures:
    def test_a_raising_job_is_logged_and_the_next_job_still_runs(self, world_of, caplog):
        world = world_of(NIGHTLY, FORTNIGHT)
        world.starts.update(nightly=day(13, 2), collections=day(0, 6, 30))

        def explode(_world):
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

    def test_a_failed_status_is_logged_as_a_warning(self, world_of, caplog):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        world.behaviour["nightly"] = lambda _world: "failed"
        with caplog.at_level(logging.INFO, logger="bots.scheduling"):
            world.run(day(1, 1), day(1, 3))
        finished = [r for r in caplog.records if "finished" in r.getMessage()]
        assert [(r.levelno, r.getMessage()) for r in finished] == \
            [(logging.WARNING, "nightly: finished: failed")]


class TestStop:
    def test_no_job_starts_once_stop_is_set(self, world_of):
        world = world_of(NIGHTLY, FORTNIGHT)
        world.starts.update(nightly=day(0, 2), collections=day(0, 6, 30))
        daemon = world.daemon(day(20), day(30))

        def first_job_sees_a_stop(_world):
            daemon.stop.set()
            return "interrupted"

        world.behaviour["nightly"] = first_job_sees_a_stop
        daemon.run()
        assert world.runs == [("nightly", day(20))]  # collections, also due, did not start

    def test_signal_handlers_are_put_back_after_the_run(self, world_of):
        before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
        world_of(NIGHTLY).run(day(0), day(1))
        assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


@pytest.mark.parametrize("every_days", [0, -3])
def test_config_refuses_a_cadence_below_one_day(tmp_path, every_days):
    from bots.config import ConfigError, load_config

    site = tmp_path / "site.toml"
    site.write_text(f'[schedule.nightly]\nat = "02:00"\nevery_days = {every_days}\n')
    with pytest.raises(ConfigError, match="schedule.nightly.every_days: must be at least 1"):
        load_config(site, home=tmp_path)


class TestOnSchedulesScheduler:
    """The jobs are ``schedule`` jobs; the store's last start and the rule set their next run."""

    def test_each_job_is_a_schedule_job_due_by_its_last_start(self, world_of):
        world = world_of(NIGHTLY, FORTNIGHT)
        world.starts.update(nightly=day(13, 2), collections=day(0, 6, 30))
        daemon = world.daemon(day(13, 12), day(20))
        daemon.plan()
        entries = {entry.job_func.args[0].name: entry for entry in daemon.scheduler.get_jobs()}
        assert {name: (entry.interval, entry.unit, entry.at_time, entry.next_run)
                for name, entry in entries.items()} == {
            "nightly": (1, "days", time(2, 0), day(14, 2)),
            # schedule by itself would count 14 days from the daemon's start (day 27)
            "collections": (14, "days", time(6, 30), day(14, 6, 30))}
        assert daemon.scheduler.idle_seconds == timedelta(hours=14).total_seconds()

    def test_after_a_catch_up_the_next_run_is_tomorrow_not_today(self, world_of):
        world = world_of(NIGHTLY)
        world.starts["nightly"] = day(0, 2)
        daemon = world.daemon(day(2, 1), day(9))
        assert daemon.run_pending() == 1  # the missed night of day 1, caught up at 01:00
        # schedule by itself would run it again at 02:00 today
        assert daemon.scheduler.next_run == day(3, 2)
        world.travel_to(day(2, 2))
        assert daemon.run_pending() == 0
        assert world.runs == [("nightly", day(2, 1))]


AT_HALF_PAST_MIDNIGHT = ScheduleJob(name="nightly", bots=("nightly",), at=time(0, 30),
                                    every_days=1)


class TestWithTheRunStore:
    """Last starts recorded as runs in a real run store (UTC) and read back as local time."""

    def test_a_missed_night_is_caught_up_once(self, world_of):
        world = world_of(NIGHTLY, store=True)
        world.travel_to(day(0, 2))
        world.record_start("nightly")
        # down from day 0 noon to day 2, 08:00: the nights of day 1 and day 2 were missed
        runs = world.run(day(2, 8), day(3, 3))
        assert runs == [("nightly", day(2, 8)), ("nightly", day(3, 2))]
        assert world.last_start("nightly") == datetime(2026, 3, 5, 2, tzinfo=UTC)

    @pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
    def test_no_second_run_in_the_same_night_after_a_restart(self, world_of, zone):
        # 00:30 in Berlin is 23:30 UTC of the day before: the store's date is not the night's
        world = world_of(AT_HALF_PAST_MIDNIGHT, store=True, zone=ZoneInfo(zone))
        world.travel_to(day(0, 0, 30))
        world.record_start("nightly")  # then down over the night of day 1
        # restarted at 00:10 on day 2, before the job's time: the missed night runs at once
        assert world.run(day(2, 0, 10), day(2, 0, 15)) == [("nightly", day(2, 0, 10))]
        # stopped and restarted, twice, the same night: nothing runs again, not even at 00:30
        assert world.run(day(2, 0, 20), day(2, 6)) == []
        assert world.run(day(2, 6, 5), day(2, 23, 59)) == []
        assert world.run(day(2, 23, 59), day(3, 1)) == [("nightly", day(3, 0, 30))]


BERLIN = ZoneInfo("Europe/Berlin")
AT_HALF_PAST_TWO = ScheduleJob(name="nightly", bots=("nightly",), at=time(2, 30), every_days=1)


class TestDaylightSaving:
    """``at`` is local wall-clock time; here the process's zone is Europe/Berlin."""

    def test_spring_forward_night_runs_at_three(self, world_of):
        # 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist
        world = world_of(AT_HALF_PAST_TWO, store=True, zone=BERLIN)
        world.travel_to(datetime(2026, 3, 28, 2, 30))
        world.record_start("nightly")
        runs = world.run(datetime(2026, 3, 28, 12), datetime(2026, 3, 30, 12))
        assert runs == [("nightly", datetime(2026, 3, 29, 3, 0)),
                        ("nightly", datetime(2026, 3, 30, 2, 30))]

    def test_fall_back_night_runs_once(self, world_of):
        # 25 October 2026: 03:00 CEST falls back to 02:00 CET, so 02:30 comes twice
        world = world_of(AT_HALF_PAST_TWO, store=True, zone=BERLIN)
        world.travel_to(datetime(2026, 10, 24, 2, 30))
        world.record_start("nightly")
        runs = world.run(datetime(2026, 10, 24, 12), datetime(2026, 10, 26, 12))
        assert runs == [("nightly", datetime(2026, 10, 25, 2, 30)),
                        ("nightly", datetime(2026, 10, 26, 2, 30))]
        with Store(world.store) as store:
            started = sorted(run.started for run in store.runs())
        # the first 02:30 (CEST, 00:30 UTC), not the second (CET, 01:30 UTC)
        assert started[1:] == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                               datetime(2026, 10, 26, 1, 30, tzinfo=UTC)]
