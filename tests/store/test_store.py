"""The run database on real SQLite files and PostgreSQL databases: migrations, runs,
snapshots, ledger, inputs (``store_target``: tests/store/conftest.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bots.domain import OpenItem, RunStatus, Trigger
from bots.store import MIGRATIONS, Store


@pytest.fixture
def store(store_target: Path | str) -> Store:
    with Store(store_target) as s:
        yield s


def test_new_file_is_migrated_to_the_latest_version(store: Store) -> None:
    assert store.version == len(MIGRATIONS)
    for table in ("runs", "snapshot_items", "external_writes", "audit", "inputs", "promises"):
        assert store.db.execute(store.db.dialect.has_table(), (table,)).fetchone(), table


def test_a_file_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(RuntimeError, match="newer than this arbots"):
        Store(path)


def test_runs_are_listed_newest_first_with_their_counts(store: Store) -> None:
    first = store.start_run(Trigger.SCHEDULE, ("nightly",), job="nightly")
    store.finish_run(first.id, RunStatus.OK, {"notes": 3})
    second = store.start_run(Trigger.ON_DEMAND, ("collections",))
    runs = store.runs()
    assert [r.id for r in runs] == [second.id, first.id]
    assert runs[1].status == "ok" and runs[1].counts == {"notes": 3}
    assert runs[0].status == "running" and runs[0].ended is None
    assert store.last_run_started("nightly") == first.started.replace(microsecond=0)
    assert store.last_run_started("collections") is None


def test_snapshot_round_trips_money_exactly(store: Store) -> None:
    run = store.start_run(Trigger.ON_DEMAND, ("collections",))
    items = [
        OpenItem("1000", "0000100042", "1800000001", "2026", "001", "USD", Decimal("1234.56"),
                 date(2026, 9, 1), date(2026, 10, 1), invoice_ref="90012345"),
        OpenItem("2000", "0000100043", "1800000002", "2026", "001", "JPY", Decimal("-1500"),
                 date(2026, 9, 1), date(2026, 9, 1)),
        OpenItem("2000", "0000100043", "1800000003", "2026", "001", "KWD",
                 Decimal("12.345"), date(2026, 9, 1), date(2026, 9, 1)),
    ]
    assert store.save_snapshot(run.id, items) == 3
    back = sorted(store.snapshot(run.id), key=lambda i: i.document_no)
    assert [(i.amount, i.currency) for i in back] == [
        (Decimal("1234.56"), "USD"), (Decimal("-1500"), "JPY"), (Decimal("12.345"), "KWD")]
    assert back[0].invoice_ref == "90012345"


def test_ledger_new_then_done_then_never_again(store: Store) -> None:
    run = store.start_run(Trigger.ON_DEMAND, ("collections",))
    ledger = store.ledger(run.id)
    assert ledger.begin("collection_note", "note-1", "1000/0000100042", {"a": 1}) == "new"
    ledger.done("note-1", {"lines": 2})
    assert ledger.begin("collection_note", "note-1", "1000/0000100042", {"a": 1}) == "done"
    events = [r["event"] for r in store.audit_log(run.id)]
    assert events == ["intent:new", "done"]
    assert store.write("note-1")["result"] == '{"lines": 2}' and store.write("nope") is None
    assert store.last_write("collection_note", "1000/0000100042") is not None


def test_an_intent_left_by_a_crash_is_pending_on_the_next_run(store_target: Path | str) -> None:
    path = store_target
    crashed = Store(path)
    run = crashed.start_run(Trigger.SCHEDULE, ("nightly",))
    assert crashed.ledger(run.id).begin("posting", "pay-7", "1000", {}) == "new"
    crashed.db.close()  # the process dies between intent and done

    with Store(path) as again:
        rerun = again.start_run(Trigger.SCHEDULE, ("nightly",))
        ledger = again.ledger(rerun.id)
        assert ledger.begin("posting", "pay-7", "1000", {}) == "pending"
        ledger.done("pay-7", {"document": "1400000001"})
        row = again.writes()[0]
        assert (row["status"], row["attempts"], row["run_id"]) == ("done", 2, rerun.id)


def test_a_failed_write_may_be_begun_again(store: Store) -> None:
    ledger = store.ledger(store.start_run(Trigger.ON_DEMAND, ("portals",)).id)
    assert ledger.begin("portal_submission", "sub-1", "coupa", {}) == "new"
    ledger.failed("sub-1", "PO closed")
    assert ledger.begin("portal_submission", "sub-1", "coupa", {}) == "new"


def test_done_without_intent_is_a_programming_error(store: Store) -> None:
    with pytest.raises(KeyError, match="begin"):
        store.ledger("r").done("nothing")


def test_inputs_are_recorded_once_and_end_in_exactly_one_place(store: Store) -> None:
    run = store.start_run(Trigger.ON_DEMAND, ("intake",))
    assert store.record_input("abc", "inbox/a.pdf", 10, run.id) is True
    assert store.record_input("abc", "inbox/copy-of-a.pdf", 10, run.id) is False
    assert store.input_status("abc") == ("received", None)
    with pytest.raises(ValueError, match="reason"):
        store.settle_input("abc", "quarantined")
    store.settle_input("abc", "quarantined", "encrypted PDF")
    assert store.input_status("abc") == ("quarantined", "encrypted PDF")


def test_clock_is_injected(store_target: Path | str) -> None:
    fixed = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    with Store(store_target, clock=lambda: fixed) as s:
        run = s.start_run(Trigger.SCHEDULE, ("nightly",), job="nightly")
        assert run.id.startswith("20261124-020000-")
        assert s.last_run_started("nightly") == fixed


def test_a_re_sent_advice_is_kept_as_duplicate(store: Store) -> None:
    run = store.start_run(Trigger.ON_DEMAND, ("intake",))
    store.record_input("h1", "a.pdf", 1, run.id)
    store.record_input("h2", "a-again.pdf", 1, run.id)
    assert store.add_remittance("r-1", "h1", run.id, "fp", "{}") == "new"
    assert store.add_remittance("r-1", "h1", run.id, "fp", "{}") == "new"  # same file again
    assert store.add_remittance("r-2", "h2", run.id, "fp", "{}") == "duplicate"
    assert [r["id"] for r in store.remittances("new")] == ["r-1"]
    dup = store.remittances("duplicate")[0]
    assert dup["reason"] == "same advice as r-1"
    store.settle_remittance("r-1", "applied")
    assert store.remittances("new") == []
    assert store.remittance("r-1")["status"] == "applied" and store.remittance("r-9") is None
    assert store.remittance_input("r-2") == "h2"


def test_processes_opening_a_new_file_at_once_migrate_it_once(store_target: Path | str) -> None:
    import threading

    path, start, errors = store_target, threading.Barrier(4), []

    def open_store() -> None:
        start.wait()
        try:
            Store(path).close()
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)


def test_opening_waits_while_another_process_creates_the_file(tmp_path: Path) -> None:
    """Switching to WAL answers "database is locked" at once, unlike other statements:
    a run opening the store while another creates it must wait, not traceback
    (seen in 2 of 40 pairs of concurrent nightly runs)."""
    import sqlite3
    import threading

    path = tmp_path / "new.sqlite"
    creator = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    creator.execute("BEGIN IMMEDIATE")
    creator.execute("CREATE TABLE being_created (x)")
    threading.Timer(0.3, lambda: creator.execute("COMMIT")).start()
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
    creator.close()
