"""Dunning: SAP's dunning levels and blocks (BSID MANST/MANSP, KNB5) are respected, SAP's
dunning run may send the reminders instead of arbots, and reminder texts come from
Jinja2 templates by level and customer language.
"""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from bots.config import Config, load_config
from bots.domain import Customer, OpenItem, RunStatus, Trigger
from bots.pipeline.collections import plan_followups, reminder_withheld
from bots.pipeline.reminders import ReminderTemplateError, reminder_text
from bots.runner import run_bots
from bots.sandbox.sap.demo import ACCOUNT_BLOCK_EVERY
from bots.sap import connect

TODAY = date(2026, 12, 7)
POLICY = load_config(None).collections


def item(doc: str, amount: str, days_past_due: int, *, level: int = 0, block: str = "",
         customer: str = "0000100001") -> OpenItem:
    due = TODAY - timedelta(days=days_past_due)
    return OpenItem("1000", customer, doc, "2026", "001", "EUR", Decimal(amount),
                    due - timedelta(days=30), due, invoice_ref=f"INV-{doc}",
                    dunning_level=level, dunning_block=block)


def plan_one(items: list[OpenItem], customer: Customer) -> object:
    [followup] = plan_followups(items, {("1000", customer.number): customer}, TODAY, POLICY,
                                lambda _target: None)
    return followup


GERMAN = Customer("0000100001", "Beispiel GmbH", "1000", email="ap@beispiel.example",
                  language="D")


# --------------------------------------------------------------------------- planning (pure)


def test_blocked_items_are_left_out_of_the_reminder_and_levels_follow_sap() -> None:
    f = plan_one([item("1", "100.00", 10), item("2", "70.00", 20, block="R")],
                 replace(GERMAN, dunning_level=2))
    assert [i.document_no for i in f.overdue_items] == ["2", "1"]  # the note sees both
    assert [i.document_no for i in f.remind_items] == ["1"]
    assert f.level == 2  # 20 days alone would be level 1; the account is at SAP level 2
    assert reminder_withheld(f, POLICY) == ""


def test_no_reminder_for_a_blocked_account_all_blocked_items_or_when_sap_duns() -> None:
    blocked_account = plan_one([item("1", "100.00", 40)], replace(GERMAN, dunning_block="A"))
    assert "dunning block A" in reminder_withheld(blocked_account, POLICY)
    all_blocked = plan_one([item("1", "100.00", 40, block="R")], GERMAN)
    assert "every overdue item" in reminder_withheld(all_blocked, POLICY)
    by_sap = plan_one([item("1", "100.00", 40)], GERMAN)
    assert "F150" in reminder_withheld(by_sap, replace(POLICY, reminders_by="sap"))


# --------------------------------------------------------------------------- templates


def test_reminder_text_by_level_and_language_with_english_fallback() -> None:
    items = [item("1", "1234.50", 45, level=2), item("2", "10.00", 50, block="R")]
    subject, body = reminder_text(plan_one(items, GERMAN))
    assert subject == "1. Mahnung: überfällige Rechnungen auf Konto 100001"
    assert "INV-1" in body and "1234.50 EUR" in body and "INV-2" not in body
    assert "Überfällig insgesamt: 1234.50 EUR" in body
    french = replace(GERMAN, language="F")  # no French templates shipped: English
    subject, body = reminder_text(plan_one([item("1", "5.00", 70)], french))
    assert subject == "Final notice: overdue balance on account 100001"
    assert "Dear Beispiel GmbH accounts payable team" in body


def test_a_broken_template_is_named(tmp_path: Path) -> None:
    (tmp_path / "level1.en.txt.j2").write_text("Subject: x\n\n{{ items.nope }}",
                                               encoding="utf-8")
    with pytest.raises(ReminderTemplateError, match="level1.en.txt.j2"):
        reminder_text(plan_one([item("1", "5.00", 3)], GERMAN), tmp_path)
    with pytest.raises(ReminderTemplateError, match="level2.en.txt.j2: no reminder template"):
        reminder_text(plan_one([item("1", "5.00", 40)], GERMAN), tmp_path)


# --------------------------------------------------------------------------- sandbox


def test_sandbox_seeds_and_the_client_reads_sap_dunning_data(world: Config) -> None:
    today = datetime.now(UTC).date()
    with connect(world.sap) as sap:
        customers = sap.customers(world.sap.company_codes)
        items = list(sap.iter_open_items(world.sap.company_codes, today))
    blocked = {c.number for c in customers if c.dunning_block}
    assert blocked and all(int(n) % ACCOUNT_BLOCK_EVERY == 0 for n in blocked)
    assert {c.language for c in customers} == {"E", "D"}
    assert any(c.dunning_level == 3 for c in customers)
    assert {i.dunning_block for i in items} == {"", "R"}
    assert all(i.dunning_level > 0 for i in items if i.dunning_block)


def outbox(cfg: Config) -> list[EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), _class=EmailMessage, policy=default)
            for p in sorted(cfg.collections.outbox.glob("*.eml"))]


def test_run_sends_no_reminder_to_blocked_accounts_nor_blocked_items(world: Config) -> None:
    today = datetime.now(UTC).date()
    with connect(world.sap) as sap:
        customers = sap.customers(world.sap.company_codes)
        items = list(sap.iter_open_items(world.sap.company_codes, today))
    blocked_mail = {c.email for c in customers if c.dunning_block}
    blocked_refs = {i.invoice_ref for i in items if i.dunning_block}
    outcome = run_bots(world, ("collections",), Trigger.ON_DEMAND)
    assert outcome.status == RunStatus.OK
    counts = outcome.report.bots[0].counts
    assert counts["reminders_blocked"] >= 1 and counts["reminders_left_to_sap"] == 0
    mails = outbox(world)
    assert len(mails) == counts["reminders_rendered"] > 0
    assert not {m["To"] for m in mails} & blocked_mail
    assert not any(ref in m.get_content() for m in mails for ref in blocked_refs)
    assert counts["notes_written"] == counts["accounts_past_due"]  # blocked: still noted


def test_reminders_by_sap_sends_none_but_still_writes_notes(world: Config) -> None:
    cfg = replace(world, collections=replace(world.collections, reminders_by="sap"))
    outcome = run_bots(cfg, ("collections",), Trigger.ON_DEMAND)
    counts = outcome.report.bots[0].counts
    assert counts["reminders_rendered"] == counts["reminders_sent"] == 0
    assert counts["reminders_left_to_sap"] == counts["accounts_past_due"] > 0
    assert counts["notes_written"] == counts["accounts_past_due"]
    assert outbox(cfg) == []
    customer = outcome.report.worklist[0].customer
    with connect(cfg.sap) as sap:
        notes = [n for cc in cfg.sap.company_codes for n in sap.read_notes(cc, customer)]
    assert notes and all(any("F150" in line for line in n.lines) for n in notes)


def test_reminders_by_is_checked(tmp_path: Path) -> None:
    from bots.config import ConfigError

    path = tmp_path / "site.toml"
    path.write_text('[collections]\nreminders_by = "both"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="reminders_by"):
        load_config(path, home=tmp_path)
