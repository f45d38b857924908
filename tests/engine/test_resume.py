"""A long read resumes where a failed attempt stopped: the open-item pages, on retry.

The openitems activity is run in-process with temporalio's ActivityEnvironment
(heartbeats captured, the next attempt given the last heartbeat's details, as
the server does) over a sandbox SAP whose line drops at the 4th open-item read.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from bench.crash import TrialWorld
from bots.engine.activities import _begin, run_bot
from bots.engine.plan import BotDone, BotStep, RunRequest
from bots.engine.resume import PageJournal, Position
from bots.store import Store
from tests.engine import sap_flaky


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> TrialWorld:
    """The small sandbox world, read in pages of 10 rows through the flaky connection."""
    world = TrialWorld(tmp_path / "world")
    world.reset()
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(text.replace('company_codes = ["1000", "2000"]\n',
                                         'company_codes = ["1000", "2000"]\npage_size = 10\n'),
                            encoding="utf-8")
    monkeypatch.setattr(sap_flaky, "DB", world.var / "sandbox" / "sap.sqlite")
    monkeypatch.setattr(sap_flaky, "FAIL_AT", None)
    monkeypatch.setattr(sap_flaky, "CALLS", [])
    monkeypatch.setenv("ARBOTS_SAP_CONNECTION", "tests.engine.sap_flaky:connect")
    return world


def _step(world: TrialWorld, run_id: str) -> BotStep:
    request = RunRequest(config_path=str(world.config), home=str(world.folder),
                         bots=["openitems"], dry_run=True, run_id=run_id)
    _begin(request)
    return BotStep(request, run_id, "openitems")


def _attempt(step: BotStep, details: list | None = None) -> tuple[BotDone | Exception, list]:
    """One attempt of the activity; its outcome and the heartbeats it sent."""
    env = ActivityEnvironment()
    if details is not None:
        env.info = replace(env.info, attempt=2, heartbeat_details=details)
    beats: list = []
    env.on_heartbeat = lambda *d: beats.append(list(d))
    try:
        return asyncio.run(env.run(run_bot, step)), beats
    except ApplicationError as exc:
        return exc, beats


def _items(world: TrialWorld, run_id: str) -> list:
    with Store(world.var / "arbots.sqlite") as store:
        return sorted(i.key for i in store.snapshot(run_id))


def test_a_failed_read_resumes_from_the_recorded_page_not_from_zero(world: TrialWorld) -> None:
    clean, _ = _attempt(_step(world, "clean"))
    assert isinstance(clean, BotDone) and clean.status == "ok"
    whole = list(sap_flaky.CALLS)
    assert len(whole) > 10  # pages of 10 rows, BSID and BSAD

    step = _step(world, "resumed")
    sap_flaky.CALLS.clear()
    sap_flaky.FAIL_AT = 4
    failed, beats = _attempt(step)
    assert isinstance(failed, ApplicationError) and failed.type == "SapTechnicalError"
    assert not failed.non_retryable
    assert beats[-1] == [{"open_item_pages": 3}]  # three reads kept before the line dropped
    journal = world.var / "runs" / "resumed" / "reads" / "openitems.jsonl"
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 3

    sap_flaky.CALLS.clear()
    sap_flaky.FAIL_AT = None
    resumed, _ = _attempt(step, details=beats[-1])
    assert isinstance(resumed, BotDone) and resumed.status == "ok"
    assert sap_flaky.CALLS == whole[3:]  # SAP asked from the 4th read on, not from the first
    assert resumed.counts == clean.counts
    assert _items(world, "resumed") == _items(world, "clean")
    assert not journal.exists()  # the read is done: its pages are in the snapshot


def test_the_heartbeat_decides_how_many_kept_pages_are_replayed(tmp_path: Path) -> None:
    class Sap:
        def __init__(self) -> None:
            self.calls: list[int] = []

        def call(self, function: str, **params: object) -> dict:
            self.calls.append(int(params["ROWSKIPS"]))  # type: ignore[call-overload]
            return {"DATA": [{"WA": f"row {params['ROWSKIPS']}"}]}

    path = tmp_path / "reads.jsonl"
    first = Sap()
    journal = PageJournal(first, path, Position(), {"RFC_READ_TABLE"})
    for skip in range(5):
        journal.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWSKIPS=skip)
    journal.call("RFC_READ_TABLE", QUERY_TABLE="KNA1", ROWSKIPS=0)  # not an open-item read
    assert journal.position == Position(5) and first.calls == [0, 1, 2, 3, 4, 0]
    with path.open("a", encoding="utf-8") as out:
        out.write('{"request": "cut short by a cr')  # a crash in the middle of a line

    second = Sap()
    journal = PageJournal(second, path, Position(2), {"RFC_READ_TABLE"})  # heartbeat said 2
    answers = [journal.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWSKIPS=skip)
               for skip in range(5)]
    assert second.calls == [2, 3, 4] and journal.replayed == 2
    assert answers == [{"DATA": [{"WA": f"row {skip}"}]} for skip in range(5)]

    third = Sap()
    journal = PageJournal(third, path, Position(5), {"RFC_READ_TABLE"})
    journal.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWSKIPS=0)
    journal.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWSKIPS=7)  # asks otherwise: SAP
    journal.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWSKIPS=2)
    assert third.calls == [7, 2] and journal.position == Position(3)
