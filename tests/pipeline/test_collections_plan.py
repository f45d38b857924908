"""Collections planning (pure): who is followed up today, at which level, with which note."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bots.config import load_config
from bots.domain import Customer, OpenItem
from bots.pipeline.aging import aging_buckets, bucket_label, bucket_labels
from bots.pipeline.collections import NOTE_LINE_WIDTH, note_for, plan_followups, reminder_level
from bots.pipeline.reminders import reminder_key, render_reminder, write_outbox

TODAY = date(2026, 11, 24)
POLICY = load_config(None).collections
BOUNDS = (0, 30, 60, 90)


def item(customer: str, amount: str, days_past_due: int, *, doc: str = "1800000001",
         currency: str = "USD", cc: str = "1000", dunning: int = 0) -> OpenItem:
    due = TODAY - timedelta(days=days_past_due)
    return OpenItem(cc, customer, doc, "2026", "001", currency, Decimal(amount),
                    due - timedelta(days=30), due, invoice_ref=f"INV{doc[-4:]}",
                    dunning_level=dunning)


CUSTOMERS = {("1000", "0000100001"): Customer("0000100001", "Acme Corp", "1000",
                                              email="ap@acme.example.com", clerk="JS"),
             ("1000", "0000100002"): Customer("0000100002", "Beta GmbH", "1000")}


def never(_target: str) -> None:
    return None


def test_bucket_labels_follow_the_configured_bounds() -> None:
    assert bucket_labels(BOUNDS) == ["current", "1-30", "31-60", "61-90", ">90"]
    assert [bucket_label(d, BOUNDS) for d in (-5, 0, 1, 30, 31, 90, 91)] == [
        "current", "current", "1-30", "1-30", "31-60", "61-90", ">90"]


def test_aging_sums_exact_money_per_bucket_and_currency() -> None:
    items = [item("0000100001", "100.10", 10), item("0000100001", "0.20", 20, doc="2"),
             item("0000100002", "-50.00", 45, doc="3"), item("0000100002", "1500", 200,
                                                             doc="4", currency="JPY")]
    buckets = {(b.label, b.currency): (b.amount, b.count)
               for b in aging_buckets(items, TODAY, BOUNDS)}
    assert buckets == {("1-30", "USD"): (Decimal("100.30"), 2),
                       ("31-60", "USD"): (Decimal("-50.00"), 1),
                       (">90", "JPY"): (Decimal("1500"), 1)}


def test_only_past_due_accounts_are_followed_up_most_overdue_first() -> None:
    items = [item("0000100001", "500.00", 10), item("0000100002", "200.00", 75, doc="2"),
             item("0000100003", "900.00", -5, doc="3")]  # not yet due
    plan = plan_followups(items, CUSTOMERS, TODAY, POLICY, never)
    assert [f.customer.number for f in plan] == ["0000100002", "0000100001"]
    assert plan[0].bucket == "61-90" and plan[0].level == 3
    assert plan[1].level == 1 and plan[1].overdue == Decimal("500.00")


def test_credits_that_cover_the_overdue_balance_mean_no_follow_up() -> None:
    items = [item("0000100001", "500.00", 40), item("0000100001", "-600.00", 5, doc="2")]
    assert plan_followups(items, CUSTOMERS, TODAY, POLICY, never) == []


def test_cadence_every_14_days_by_default() -> None:
    items = [item("0000100001", "500.00", 40)]
    contacted = {"1000/0000100001": TODAY - timedelta(days=13)}
    assert plan_followups(items, CUSTOMERS, TODAY, POLICY, contacted.get) == []
    contacted["1000/0000100001"] = TODAY - timedelta(days=14)
    plan = plan_followups(items, CUSTOMERS, TODAY, POLICY, contacted.get)
    assert len(plan) == 1 and plan[0].next_contact == TODAY + timedelta(days=14)
    weekly = replace(POLICY, cadence_days=7)
    contacted["1000/0000100001"] = TODAY - timedelta(days=8)
    assert len(plan_followups(items, CUSTOMERS, TODAY, weekly, contacted.get)) == 1


def test_reminder_level_never_below_sap_dunning_level() -> None:
    assert [reminder_level(d, 0) for d in (1, 30, 31, 60, 61)] == [1, 1, 2, 2, 3]
    assert reminder_level(5, 2) == 2
    assert reminder_level(5, 9) == 3


def test_note_names_the_oldest_invoice_and_fits_sap_text_lines() -> None:
    f = plan_followups([item("0000100001", "1234.50", 45, doc="1800000777")], CUSTOMERS,
                       TODAY, POLICY, never)[0]
    note = note_for(f, TODAY, "ap@acme.example.com")
    text = "\n".join(note.lines)
    assert "INV0777" in text and "1234.50 USD" in text and "45 days past due" in text
    assert "ap@acme.example.com" in text and "2026-12-08" in text
    assert all(len(line) <= NOTE_LINE_WIDTH for line in note.lines)
    assert note.idempotency_key == note_for(f, TODAY, None).idempotency_key


def test_reminder_eml_lists_items_and_is_written_atomically(tmp_path: Path) -> None:
    items = [item("0000100001", "100.00", 40), item("0000100001", "20.50", 10, doc="2")]
    f = plan_followups(items, CUSTOMERS, TODAY, POLICY, never)[0]
    key = reminder_key(f)
    path = write_outbox(tmp_path, key, render_reminder(f, "ar@x.example", key))
    msg = email.message_from_bytes(path.read_bytes())
    assert msg["To"] == "ap@acme.example.com" and msg["X-Arbots-Key"] == key
    assert msg["Subject"].startswith("Second reminder")
    body = msg.get_payload()
    assert "120.50 USD" in body and "INV0001" in body
    assert [p.name for p in tmp_path.iterdir()] == [f"{key}.eml"]
