"""Credit holds in the nightly run: [credit] on, cash application lists (or releases) the
credit-blocked orders of customers who paid; off, it reads nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.reports.model import CreditReleaseRow
from bots.runner import run_bots
from bots.store import Store
from tests.pipeline.conftest import seed_mailbox

TODAY = datetime.now(UTC).date()


def blocked(cfg: Config) -> set[str]:
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        return {v for (v,) in db.execute("SELECT VBELN FROM VBUK WHERE CMGST = 'B'")}


def with_credit(world: Config, **changes: Any) -> Config:
    return replace(world, credit=replace(world.credit, enabled=True, **changes))


@pytest.fixture
def seeded(world: Config) -> Config:
    seed_mailbox(world, TODAY)
    return world


def test_off_by_default_nothing_is_read(seeded: Config) -> None:
    outcome = run_bots(seeded, ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert "credit_holds_seen" not in outcome.report.bots[-1].counts


def test_the_night_lists_then_releases_what_it_listed(seeded: Config) -> None:
    """The wiring and the counts; in this small world (20 customers) the blocked orders'
    customers still owe past-due items after the night, so none may be proposed: the
    policy and the releases are tested in tests/sap/test_sap_credit_holds.py."""
    before = blocked(seeded)
    listed = run_bots(with_credit(seeded), ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert listed.status == RunStatus.OK
    counts = listed.report.bots[-1].counts
    assert counts["credit_holds_seen"] == len(before) >= 1
    rows = [r for r in listed.report.worklist if isinstance(r, CreditReleaseRow)]
    assert len(rows) == counts["credit_holds_proposed"] and counts["credit_holds_released"] == 0
    assert blocked(seeded) == before  # a list only: nothing written to SAP

    auto = with_credit(seeded, auto_release=True)
    released = run_bots(auto, ("cashapp",), Trigger.ON_DEMAND).report.bots[-1].counts
    # tonight's payments are posted now; what SAP's re-check lets through is released once
    assert released["credit_holds_released"] + released["credit_holds_refused"] == \
        released["credit_holds_proposed"]
    assert len(blocked(seeded)) == len(before) - released["credit_holds_released"]
    again = run_bots(auto, ("cashapp",), Trigger.ON_DEMAND).report.bots[-1].counts
    assert again["credit_holds_released"] == 0
    with Store(auto.store_path) as store:
        done = [w for w in store.writes() if w["kind"] == "credit_release"
                and w["status"] == "done"]
    assert len(done) == released["credit_holds_released"]
