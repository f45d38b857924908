"""FSCM dispute cases: BAPI_DISPUTE_CREATE in the simulator, and a case per posted residual,
created once, queued on a BAPI error with the residual left posted, created on retry.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.runner import run_bots
from bots.sandbox.mailbox import seed_demo_mailbox
from bots.sandbox.sap.simulator import SapSimulator
from bots.sandbox.world import demo_mailbox_path
from bots.sap import connect
from bots.sap.disputes import DisputeCase, DisputeCaseExists, case_guid, item_key
from bots.sap.errors import SapBusinessError
from bots.store import Store

TODAY = datetime.now(UTC).date()


def sap_rows(cfg: Config, sql: str) -> list[tuple]:
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        return db.execute(sql).fetchall()


def cases(cfg: Config) -> list[tuple]:
    try:
        return sap_rows(cfg, "SELECT CASE_GUID, CASE_TYPE FROM UDM_CASE")
    except sqlite3.OperationalError:  # no case ever created: the table is made on first use
        return []


def residuals(cfg: Config) -> list[tuple]:
    return sap_rows(cfg, "SELECT s.BUKRS, s.BELNR, s.GJAHR, s.BUZEI FROM BSID s JOIN BKPF k "
                         "ON k.BUKRS = s.BUKRS AND k.BELNR = s.BELNR AND k.GJAHR = s.GJAHR "
                         "WHERE k.XBLNR LIKE 'pay-%' AND s.REBZG <> ''")


def with_disputes(world: Config, **changes: Any) -> Config:
    return replace(world, disputes=replace(world.disputes, enabled=True, **changes))


@pytest.fixture
def seeded(world: Config) -> Config:
    with connect(world.sap) as sap:
        customers = {(c.company_code, c.number): c for c in sap.customers(world.sap.company_codes)}
        items = list(sap.iter_open_items(world.sap.company_codes, TODAY))
    seed_demo_mailbox(demo_mailbox_path(world), items, customers, TODAY)
    return world


def test_the_simulated_bapi_creates_in_the_update_task_and_refuses_a_second_guid(
        world: Config) -> None:
    [open_item] = sap_rows(world, "SELECT BUKRS, BELNR, GJAHR, BUZEI FROM BSID LIMIT 1")
    case = DisputeCase("F_DM", case_guid("k1"), {"DISPUTED_AMOUNT": "10.00"},
                       [("BSEG", item_key(*open_item))], ["a note"])
    with connect(world.sap) as sap:
        guid = sap.create_dispute(case)
        assert guid == case.guid and cases(world) == []  # not committed: nobody sees it
        sap.commit()
        assert cases(world) == [(guid, "F_DM")]
        with pytest.raises(DisputeCaseExists):
            sap.create_dispute(case)
        sap.rollback()
        with pytest.raises(SapBusinessError, match="Case type ZZZZ does not exist"):
            sap.create_dispute(replace(case, case_type="ZZZZ", guid=case_guid("k2")))
        with pytest.raises(SapBusinessError, match="not an open customer item"):
            sap.create_dispute(replace(case, guid=case_guid("k3"),
                                       objects=[("BSEG", item_key("1000", "9", "2026", "1"))]))
        sap.rollback()
    with SapSimulator(world.sap.sandbox_db) as sim:
        result = sim.call("BAPI_DISPUTE_CREATE", CASE_TYPE="F_DM", TESTRUN="X",
                          ATTRIBUTES=[{"ATTR_ID": "X", "ATTR_VALUE": "1"}])
        assert result["RETURN"]["TYPE"] == "S" and len(cases(world)) == 1  # test run


def test_each_posted_residual_opens_one_case_and_a_rerun_none(seeded: Config) -> None:
    cfg = with_disputes(seeded)
    outcome = run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert outcome.status == RunStatus.OK
    counts = {b.name: b.counts for b in outcome.report.bots}["cashapp"]
    posted = residuals(cfg)
    assert counts["residuals"] == len(posted) >= 1
    assert counts["disputes_created"] == len(posted) == len(cases(cfg))
    linked = {key for (key,) in sap_rows(cfg, "SELECT OBJ_KEY FROM UDM_CASE_OBJ")}
    assert linked == {item_key(*r) for r in posted}
    attributes = {a for (a,) in sap_rows(cfg, "SELECT ATTR_ID FROM UDM_CASE_ATTR")}
    assert attributes == set(cfg.disputes.attributes.values())
    assert sap_rows(cfg, "SELECT count(*) FROM UDM_CASE_NOTE")[0][0] >= len(posted)

    again = run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert again.report.bots[-1].counts.get("disputes_created", 0) == 0
    assert len(cases(cfg)) == len(posted) and residuals(cfg) == posted


def test_a_bapi_error_leaves_the_residual_posted_and_queues_the_case(seeded: Config) -> None:
    refused = with_disputes(seeded, case_type="ZZZZ")
    outcome = run_bots(refused, ("intake", "cashapp"), Trigger.ON_DEMAND)
    counts = outcome.report.bots[-1].counts
    posted = residuals(refused)
    assert counts["disputes_queued"] == counts["residuals"] == len(posted) >= 1
    assert cases(refused) == []
    assert any("SAP refused the dispute case" in w.why
               for w in outcome.report.bots[-1].waiting)

    fixed = with_disputes(seeded)  # the case type corrected: the next run creates them
    retry = run_bots(fixed, ("cashapp",), Trigger.ON_DEMAND)
    assert retry.report.bots[0].counts["disputes_created"] == len(posted)
    assert len(cases(fixed)) == len(posted) and residuals(fixed) == posted  # no 2nd residual
    with Store(fixed.store_path) as store:
        assert {r["status"] for r in store.writes() if r["kind"] == "dispute_case"} == {"done"}


def test_a_case_created_before_a_crash_is_found_not_created_again(seeded: Config) -> None:
    cfg = with_disputes(seeded)
    run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    with Store(cfg.store_path) as store:  # as if the run died after SAP's commit, before ours
        store.db.execute("UPDATE external_writes SET status = 'intent' WHERE kind = ?",
                         ("dispute_case",))
        stuck = len(store.writes_of("dispute_case", "intent"))
    rerun = run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)
    counts = rerun.report.bots[0].counts
    assert counts["disputes_already_open"] == stuck >= 1 and counts["disputes_created"] == 0
    assert len(cases(cfg)) == stuck
