"""The crash bench's counts see duplicates and losses planted in a sandbox world."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from bench.crash import COUNTS, Calibration, TrialWorld, count_damage, duplicate_reminders
from bots.sandbox.portals.db import PoLine, PortalDB, PurchaseOrder


@pytest.fixture
def world(tmp_path: Path) -> tuple[TrialWorld, list[str]]:
    world = TrialWorld(tmp_path / "world")
    return world, world.reset()


def _sap(world: TrialWorld) -> sqlite3.Connection:
    return sqlite3.connect(world.var / "sandbox" / "sap.sqlite", isolation_level=None)


def test_a_world_nothing_ran_on_has_lost_every_mail_and_nothing_else(world) -> None:
    trial_world, mails = world
    counts = count_damage(trial_world, mails)
    assert set(counts) == set(COUNTS)
    assert counts["lost_mails"] == len(mails) == 8
    assert not any(n for name, n in counts.items() if name != "lost_mails")


def test_mails_moved_and_settled_are_not_lost(world) -> None:
    trial_world, mails = world
    box = trial_world.var / "sandbox" / "mailbox"
    (box / "processed").mkdir()
    for name in mails:
        shutil.move(box / name, box / "processed" / name)
    from bots.store import Store

    with Store(trial_world.var / "arbots.sqlite") as store:
        from bots.domain import Trigger

        run = store.start_run(Trigger.ON_DEMAND, ("intake",))
        for n, name in enumerate(mails):
            store.record_input(f"h{n}", f"sandbox:{name}", 1, run.id)
            store.settle_input(f"h{n}", "quarantined", "planted")
    counts = count_damage(trial_world, mails)
    assert counts["lost_mails"] == 0
    assert counts["runs_running"] == 1  # the planted run never finished


def test_duplicate_postings_notes_and_submissions_are_counted(world) -> None:
    trial_world, mails = world
    with _sap(trial_world) as sap:
        header = ("100", "1000", "1400000001", "2026", "DZ", "FB05", "pay-key-1")
        for belnr in ("1400000001", "1400000002", "1400000003"):
            sap.execute('INSERT INTO BKPF (MANDT, BUKRS, BELNR, GJAHR, BLART, TCODE, XBLNR)'
                        " VALUES (?, ?, ?, ?, ?, ?, ?)", (*header[:2], belnr, *header[3:]))
        for seq in (1, 2):
            sap.execute("INSERT INTO ZARBOTS_TEXT VALUES ('KNB1', '00001000011000', '0001', "
                        "'E', ?, '*', 'arbots note-abc 2026-12-07 collections')", (seq,))
        for seq, key in ((1, "p1"), (2, "p2")):  # one submission noted under two keys
            sap.execute("INSERT INTO ZARBOTS_TEXT VALUES ('BELEG', '100018000000012026', "
                        "'0001', 'E', ?, '*', ?)",
                        (seq, f"arbots note-{key} 2026-12-07 portal:coupa-sandbox:sub-1"))
    portal = PortalDB(trial_world.var / "sandbox" / "portals" / "coupa.sqlite")
    portal.add_purchase_order(PurchaseOrder("CP-1", "0000100001", "USD", "Open",
                                            (PoLine(1, "goods", Decimal(1), Decimal(10)),)))
    for _ in range(2):
        portal.add_invoice(number="INV-X", po="CP-1", currency="USD", invoice_date="2026-12-07",
                           lines=[], total=Decimal(10), status="Submitted", attachment="",
                           prefix="CP")
    portal.close()
    counts = count_damage(trial_world, mails)
    assert counts["dup_postings"] == 2
    assert counts["dup_notes"] == 2
    assert counts["dup_submissions"] == 1
    assert counts["portal_without_note"] == 2  # INV-X is no SAP invoice: no note can be found


def test_two_reminders_to_one_account_on_one_day_are_one_too_many(tmp_path: Path) -> None:
    def eml(name: str, to: str, currency: str) -> None:
        (tmp_path / name).write_text(
            f"To: {to}\nDate: Mon, 07 Dec 2026 09:00:00 +0000\nSubject: x\n\n"
            f"Total past due: 1,000.00 {currency}\n")

    eml("a.eml", "ap1@example.com", "USD")
    eml("b.eml", "ap1@example.com", "EUR")  # the same customer's other company code
    assert duplicate_reminders(tmp_path) == 0
    eml("c.eml", "ap1@example.com", "USD")
    assert duplicate_reminders(tmp_path) == 1


def test_kill_points_cover_every_bot_and_repeat_by_seed() -> None:
    calibration = Calibration({"openitems": (0, 1), "intake": (1, 2), "cashapp": (2, 3),
                               "portals": (3, 10), "collections": (10, 11)},
                              {"intake": 8, "cashapp": 16, "portals": 16, "collections": 44})
    points = [calibration.point(seed) for seed in range(1, 51)]
    assert {p.bot for p in points} == {"openitems", "intake", "cashapp", "portals",
                                       "collections"}
    for p in points:
        if p.bot == "openitems":
            assert p.events is None and 0 <= p.delay <= 1
        else:
            assert p.delay == 0 and p.events is not None
            assert 0 <= p.events <= calibration.events[p.bot]
    assert len({p.events for p in points if p.bot == "collections"}) > 5  # spread, not fixed
    assert points == [calibration.point(seed) for seed in range(1, 51)]
    assert calibration.seconds == 11


def test_a_traceback_in_a_commands_log_is_counted(world) -> None:
    trial_world, mails = world
    (trial_world.folder / "run2.log").write_text(
        "Traceback (most recent call last):\n  ...\nsqlite3.OperationalError: database is locked\n")
    assert count_damage(trial_world, mails)["tracebacks"] == 1
