"""The ledger's ``submitted`` state (store revision 0009), on SQLite and PostgreSQL: a write
handed to an asynchronous service is looked up, never begun as new or pending again."""

from __future__ import annotations

from pathlib import Path

from bots.domain import Trigger
from bots.store import Store


def test_a_submitted_write_stays_submitted_until_done(store_target: Path | str) -> None:
    first = Store(store_target)
    run = first.start_run(Trigger.SCHEDULE, ("nightly",))
    ledger = first.ledger(run.id)
    assert ledger.begin("posting", "pay-9", "1000/0000100042", {"amount": "10.00"}) == "new"
    ledger.submitted("pay-9", {"batch": "0000000001"})
    assert first.writes_of("posting", "submitted")[0]["key"] == "pay-9"
    first.db.close()  # the run ends before SAP has posted the batch

    with Store(store_target) as again:
        rerun = again.start_run(Trigger.SCHEDULE, ("nightly",))
        ledger = again.ledger(rerun.id)
        assert ledger.begin("posting", "pay-9", "1000/0000100042", {}) == "submitted"
        assert again.adopt_pending_writes(rerun.id) == []  # nothing at intent to adopt
        ledger.done("pay-9", {"document": "1400000001"})
        row = again.write("pay-9")
        assert row is not None
        assert (row["status"], row["attempts"], row["run_id"]) == ("done", 1, rerun.id)
        assert ledger.begin("posting", "pay-9", "1000/0000100042", {}) == "done"
        events = [r["event"] for r in again.db.execute(
            "SELECT event FROM audit WHERE key = 'pay-9' ORDER BY id")]
        assert events == ["intent:new", "submitted", "intent:submitted", "done"]
