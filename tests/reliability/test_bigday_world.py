"""The big-day world (``python -m bench bigday``) has the promised shape, here at 2 %."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bench.bigday import PROFILE_RATE, bot_profile, site_toml
from bots.config import load_config
from bots.portals.settings import portals_config
from bots.sandbox.mailbox import BIGDAY_COUNTS, scaled_counts
from bots.sandbox.portals.launcher import LATENCY_ENV, start_portals
from bots.sandbox.world import SIZES, reset_world
from bots.sap import connect

TODAY = date(2026, 12, 7)
FIXED = {"duplicate": 1, "not-remittance": 1, "corrupt": 1}  # always in the demo mailbox


def test_the_full_big_day_is_what_the_issue_asks() -> None:
    big = SIZES["bigday"]
    assert (big.customers, big.items, big.portal_invoices) == (6000, 100_000, 300)
    assert sum(big.mails.values()) == 3000
    assert set(big.mails) == set(SIZES["demo"].mails)  # the demo's mix of shapes


def test_bigday_at_two_percent_has_the_shape(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(site_toml(contexts=2), encoding="utf-8")
    cfg = load_config(site, home=tmp_path)
    size = SIZES["bigday"].scaled(0.02)
    assert (size.customers, size.items, size.portal_invoices) == (120, 2000, 6)

    seeded = reset_world(cfg, TODAY, size=size)

    assert Counter(s.scenario for s in seeded) == {**scaled_counts(BIGDAY_COUNTS, 0.02),
                                                   **FIXED}
    assert sum(scaled_counts(BIGDAY_COUNTS, 0.02).values()) == 60
    names = sorted(p.name for p in (tmp_path / "var/sandbox/mailbox").glob("*.eml"))
    assert names == [s.file for s in seeded]
    portal_customers = set(portals_config(cfg).customers)
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        assert db.execute("SELECT count(*) FROM BSID").fetchone() == (2000,)
        new = db.execute("SELECT KUNNR, ZUONR, BLDAT, BLART FROM BSID "
                         "WHERE ZUONR LIKE 'PO-P%'").fetchall()
    assert len(new) == 6 and len({po for _, po, _, _ in new}) == 6  # one PO each
    assert {kunnr for kunnr, _, _, _ in new} == portal_customers
    assert {(day, kind) for _, _, day, kind in new} == {("20261207", "RV")}
    with connect(cfg.sap) as sap:
        items = list(sap.iter_open_items(cfg.sap.company_codes, TODAY))
    accounts = {(i.company_code, i.customer) for i in items}
    past_due = {(i.company_code, i.customer) for i in items
                if i.due_date < TODAY and i.amount > 0}
    assert len(accounts) == 132  # the middle tenth of the customers in both company codes
    assert len(past_due) >= 100  # the full day: over 5,000 of 6,600


def test_the_bench_configuration_sets_the_portal_contexts(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(site_toml(contexts=3), encoding="utf-8")
    pcfg = portals_config(load_config(site, home=tmp_path))
    assert pcfg.max_contexts == 9
    assert {s.name: s.contexts for s in pcfg.sites.values()} == {
        "coupa-sandbox": 3, "ariba-sandbox": 3, "taulia-sandbox": 3}
    assert set(pcfg.customers.values()) == set(pcfg.sites)


def test_portal_latency_comes_from_the_environment(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LATENCY_ENV, "250")
    with start_portals(["0000100001"], tmp_path) as world:
        assert {world[f].faults.delay_seconds for f in ("coupa", "ariba", "taulia")} == {
            Decimal("0.25")}
    monkeypatch.setenv(LATENCY_ENV, "slow")
    with pytest.raises(ValueError, match=f"{LATENCY_ENV}: expected milliseconds"):
        with start_portals(["0000100001"], tmp_path):
            pass


def test_profile_samples_are_given_to_the_bot_that_ran(tmp_path: Path) -> None:
    runner = "<module> (arbots:8);_run_one (bots/runner.py:195)"
    samples = tmp_path / "profile.txt"
    samples.write_text("\n".join([
        f"{runner};run (/x/bots/pipeline/cashapp.py:458);_post (bots/sandbox/sap/clearing.py:266) "
        f"{3 * PROFILE_RATE}",
        f"{runner};run (bots/pipeline/portals.py:150);select (selectors.py:468) {PROFILE_RATE}",
        "_bootstrap (threading.py:1002);run (rich/live.py:35) 400",  # another thread
    ]), encoding="utf-8")
    per_bot, hot = bot_profile(samples)
    assert per_bot == {"cashapp": 3.0, "portals": 1.0}
    assert hot == [("_post (bots/sandbox/sap/clearing.py:266)", 3.0),
                   ("select (selectors.py:468)", 1.0)]
