"""The collections bot against the SAP sandbox, on real SQLite files.

Shows: notes land in SAP; a rerun on the same day writes no duplicate note; a
run killed between intent and done (at each step) is finished by the rerun
without duplicates; a dry run writes nothing.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.pipeline import collections
from bots.pipeline.cashapp import CLEARED
from bots.pipeline.context import BotContext
from bots.reports.model import RunReport
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Store


def notes_in_sap(cfg: Config) -> Counter[str]:
    """Idempotency keys of all collection notes in SAP, with how often each is there."""
    keys: Counter[str] = Counter()
    with connect(cfg.sap) as sap:
        accounts = {(i.company_code, i.customer)
                    for i in sap.iter_open_items(cfg.sap.company_codes, datetime.now().date())}
        for cc, customer in accounts:
            for note in sap.read_notes(cc, customer):
                keys[note.idempotency_key] += 1
    return keys


def test_notes_are_written_once_and_a_same_day_rerun_writes_none(world: Config) -> None:
    first = run_bots(world, ("nightly",), Trigger.ON_DEMAND)
    assert first.status == RunStatus.OK
    counts = {b.name: b.counts for b in first.report.bots}
    assert counts["openitems"]["open_items"] > 0
    written = counts["collections"]["notes_written"]
    assert written > 0 and written == counts["collections"]["accounts_past_due"]
    assert (first.report_dir / "report.json").exists()

    second = run_bots(world, ("nightly",), Trigger.ON_DEMAND)
    again = {b.name: b.counts for b in second.report.bots}["collections"]
    assert again["notes_written"] == 0 and again["accounts_past_due"] == 0
    in_sap = notes_in_sap(world)
    assert len(in_sap) == written and set(in_sap.values()) == {1}
    with Store(world.store_path) as store:
        assert {r["status"] for r in store.writes()} == {"done"}


class Crash(BaseException):
    """The process dies here (BaseException: nothing in the bot catches it)."""


class CrashingSap:
    """The real SAP client, dying at ``where`` during the ``nth`` note."""

    def __init__(self, client: Any, where: str, nth: int) -> None:
        self.client, self.where, self.nth, self.notes = client, where, nth, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def save_note(self, note: Any) -> None:
        self.notes += 1
        if self.notes == self.nth and self.where == "before_call":
            raise Crash
        self.client.save_note(note)

    def commit(self) -> None:
        if self.notes == self.nth and self.where == "before_commit":
            raise Crash
        self.client.commit()
        if self.notes == self.nth and self.where == "after_commit":
            raise Crash


@pytest.mark.parametrize("where", ["before_call", "before_commit", "after_commit"])
def test_a_run_killed_between_intent_and_done_is_finished_without_duplicates(
        world: Config, where: str) -> None:
    store = Store(world.store_path)
    run = store.start_run(Trigger.SCHEDULE, ("collections",))
    ctx = BotContext(cfg=world, store=store, run=run,
                     report=RunReport.from_run(run, config_source="test"),
                     today=datetime.now(UTC).date())
    crashing = CrashingSap(connect(world.sap), where, nth=3)
    ctx._sap = crashing
    with pytest.raises(Crash):
        collections.run(ctx)
    crashing.client.close()  # the dead process's connection goes: SAP rolls back its LUW
    store.db.close()
    pending = [r for r in Store(world.store_path).writes() if r["status"] == "intent"]
    assert len(pending) == 1 and pending[0]["kind"] == "collection_note"

    rerun = run_bots(world, ("collections",), Trigger.SCHEDULE)
    assert rerun.status == RunStatus.OK
    counts = rerun.report.bots[0].counts
    in_sap = notes_in_sap(world)
    assert set(in_sap.values()) == {1}, "a note was written twice"
    # the first run wrote 2 notes; the crashed third is found in SAP or written now
    assert len(in_sap) == 2 + counts["notes_written"] + counts["notes_already_written"]
    assert counts["notes_already_written"] == (1 if where == "after_commit" else 0)
    with Store(world.store_path) as s:
        assert {r["status"] for r in s.writes()} == {"done"}


def test_dry_run_writes_nothing_external(world: Config) -> None:
    outcome = run_bots(world, ("collections",), Trigger.ON_DEMAND, dry_run=True)
    counts = outcome.report.bots[0].counts
    assert counts["notes_written"] > 0  # would write
    assert notes_in_sap(world) == Counter()
    with Store(world.store_path) as store:
        assert store.writes() == []
    assert not world.collections.outbox.exists()


class StopAfterFirstItem:
    """Progress that asks the run to stop while the first bot is at work."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def track(self, items, description, total=None):  # noqa: ANN001, ANN201
        for item in items:
            self.stop.set()
            yield item


def test_a_stop_request_finishes_the_bot_in_hand_and_skips_the_rest(world: Config) -> None:
    stop = threading.Event()
    outcome = run_bots(world, ("openitems", "collections"), Trigger.SCHEDULE, stop,
                       progress=StopAfterFirstItem(stop))
    bots = {b.name: b for b in outcome.report.bots}
    assert bots["openitems"].status.value == "ok" and bots["openitems"].counts["open_items"] > 1
    assert bots["collections"].status.value == "skipped"
    assert outcome.status == RunStatus.INTERRUPTED and outcome.exit_code == 130
    assert "stopped on request before: collections" in outcome.message
    assert notes_in_sap(world) == Counter()


def notes_per_account(cfg: Config) -> Counter[tuple[str, str]]:
    """How many arbots collection notes each account has in SAP."""
    per: Counter[tuple[str, str]] = Counter()
    with connect(cfg.sap) as sap:
        accounts = {(i.company_code, i.customer)
                    for i in sap.iter_open_items(cfg.sap.company_codes, datetime.now().date())}
        for cc, customer in accounts:
            per[(cc, customer)] += sum(n.kind == "collections"
                                       for n in sap.read_notes(cc, customer))
    return per


def test_a_note_a_killed_run_left_at_intent_is_settled_though_no_plan_brings_it_back(
        world: Config) -> None:
    """Killed after SAP's commit, before the ledger's done; the rerun is the next day."""
    store = Store(world.store_path)
    run = store.start_run(Trigger.SCHEDULE, ("collections",))
    ctx = BotContext(cfg=world, store=store, run=run,
                     report=RunReport.from_run(run, config_source="test"),
                     today=datetime.now(UTC).date())
    crashing = CrashingSap(connect(world.sap), "after_commit", nth=3)
    ctx._sap = crashing
    with pytest.raises(Crash):
        collections.run(ctx)
    crashing.client.close()
    store.db.close()

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    rerun = run_bots(world, ("collections",), Trigger.SCHEDULE, clock=lambda: tomorrow)
    assert rerun.status == RunStatus.OK
    assert rerun.report.bots[0].counts["notes_already_written"] == 1  # found in SAP
    with Store(world.store_path) as s:
        assert {r["status"] for r in s.writes()} == {"done"}, "an intent was left open"
    assert set(notes_per_account(world).values()) <= {0, 1}, "an account was noted twice"


def test_reminders_left_at_intent_are_settled_from_the_outbox(world: Config) -> None:
    with Store(world.store_path) as store:
        ledger = store.ledger(store.start_run(Trigger.SCHEDULE, ("collections",)).id)
        for key in ("mail-rendered", "mail-never-rendered"):
            assert ledger.begin("reminder_email", key, "1000/0000100001", {}) == "new"
        store.finish_run(ledger.run_id, RunStatus.ABORTED, {})
    world.collections.outbox.mkdir(parents=True)
    (world.collections.outbox / "mail-rendered.eml").write_text("Subject: reminder\n\n.")

    run_bots(world, ("collections",), Trigger.SCHEDULE)
    with Store(world.store_path) as store:
        assert store.write("mail-rendered")["status"] == "done"
        assert store.write("mail-never-rendered")["status"] == "failed"


def test_items_cash_application_cleared_in_the_same_run_are_not_chased(world: Config) -> None:
    store = Store(world.store_path)
    run = store.start_run(Trigger.SCHEDULE, ("collections",))
    ctx = BotContext(cfg=world, store=store, run=run,
                     report=RunReport.from_run(run, config_source="test"),
                     today=datetime.now(UTC).date(), dry_run=True)
    planned = collections.run(ctx).counts["accounts_past_due"]
    items = ctx.memo["snapshot"].items
    paid = {i.customer for i in items if i.amount > 0 and i.days_past_due(ctx.today) > 0}
    ctx.memo[CLEARED] = {i.key for i in items if i.customer in paid}  # everything paid
    assert collections.run(ctx).counts["accounts_past_due"] == 0 < planned
    store.close()
