"""FSCM dispute cases: BAPI_DISPUTE_CREATE in the simulator, and a case per posted residual
from the company code's ``dispute_min`` on, created once, queued on a BAPI error with the
residual left posted, created on retry; such a residual posts instead of waiting for review,
and one a person approves in review opens its case after the posting. Each case is followed
to its end: closed by SAP (process integration) and recorded, or closed by arbots once its
residual is cleared (integration off), a refused close waiting for the next run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from bots.config import Config
from bots.domain import RunStatus, Trigger
from bots.runner import run_bots
from bots.sandbox.sap.disputes import INTEGRATION_KEY
from bots.sandbox.sap.simulator import SapSimulator
from bots.sap import ClearItem, connect
from bots.sap.disputes import DisputeCase, DisputeCaseExists, case_guid, item_key
from bots.sap.errors import SapBusinessError
from bots.sap.posting import ClearingRequest
from bots.store import Store
from tests.pipeline.conftest import seed_mailbox

TODAY = datetime.now(UTC).date()


def sap_rows(cfg: Config, sql: str) -> list[tuple]:
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        return db.execute(sql).fetchall()


def cases(cfg: Config) -> list[tuple]:
    return sap_rows(cfg, "SELECT CASE_GUID, CASE_TYPE FROM SCMG_T_CASE_ATTR")


def statuses(cfg: Config) -> list[tuple]:
    return sap_rows(cfg, "SELECT STAT_ORDERNO, CLOSED_BY FROM SCMG_T_CASE_ATTR")


def residuals(cfg: Config) -> list[tuple]:
    return sap_rows(cfg, "SELECT s.BUKRS, s.BELNR, s.GJAHR, s.BUZEI FROM BSID s JOIN BKPF k "
                         "ON k.BUKRS = s.BUKRS AND k.BELNR = s.BELNR AND k.GJAHR = s.GJAHR "
                         "WHERE k.XBLNR LIKE 'pay-%' AND s.REBZG <> ''")


def with_thresholds(world: Config, **dispute_min: str) -> Config:
    """``world`` with ``dispute_min`` of the threshold table: ``default`` and per company code
    (``c1000="500"``)."""
    table: dict[str, Any] = {"dispute_min": dispute_min.pop("default", "0")}
    table["company_codes"] = {code[1:]: {"dispute_min": v} for code, v in dispute_min.items()}
    return replace(world, raw={**world.raw, "cashapp": {**world.raw.get("cashapp", {}), **table}})


def with_disputes(world: Config, enabled: bool = True, **changes: Any) -> Config:
    """Disputes on; unless ``world`` says otherwise, every residual reaches ``dispute_min``."""
    if "dispute_min" not in world.raw.get("cashapp", {}):
        world = with_thresholds(world)
    return replace(world, disputes=replace(world.disputes, enabled=enabled, **changes))


@pytest.fixture
def seeded(world: Config) -> Config:
    seed_mailbox(world, TODAY)
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


def cash(outcome: Any) -> Any:
    return {b.name: b for b in outcome.report.bots}["cashapp"]


def test_a_residual_from_dispute_min_posts_with_a_case_instead_of_review(seeded: Config) -> None:
    # The demo's residuals: 1093.17 USD in company code 1000, 823.77 and 410.48 EUR in 2000.
    cfg = with_disputes(with_thresholds(seeded, default="25000", c1000="500", c2000="1000"))
    outcome = run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    section = cash(outcome)
    posted = residuals(cfg)
    assert len(posted) == section.counts["residuals"] == 3  # all posted, none waits
    assert section.counts["payments_waiting"] == 0
    assert not [r for r in outcome.report.worklist
                if getattr(r, "customer", "") == "0000100012"]
    [(guid, _)] = cases(cfg)  # only 1000's residual reaches its dispute_min
    [(obj,)] = sap_rows(cfg, "SELECT OBJ_KEY FROM UDM_CASE_OBJ")
    assert obj == item_key(*[r for r in posted if r[0] == "1000"][0])
    lines = [w for w in section.waiting if w.item.startswith("dispute case")]
    assert [w.item for w in lines] == [
        f"dispute case {guid} opened for 1800000012 (1093.17 USD)"]
    assert not any("dispute threshold" in w.why for w in section.waiting)

    again = run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert cash(again).counts.get("disputes_created", 0) == 0 and len(cases(cfg)) == 1
    assert residuals(cfg) == posted


def test_with_disputes_off_a_residual_from_dispute_min_waits_for_review(seeded: Config) -> None:
    cfg = with_disputes(with_thresholds(seeded, default="25000", c1000="500", c2000="1000"),
                        enabled=False)
    outcome = run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    section = cash(outcome)
    assert section.counts["residuals"] == len(residuals(cfg)) == 2  # 2000's, below its minimum
    assert section.counts["payments_waiting"] == 1 and cases(cfg) == []
    assert any("reaches the dispute threshold of 500.00" in w.why for w in section.waiting)
    assert {r.document_no for r in outcome.report.worklist
            if getattr(r, "customer", "") == "0000100012"} >= {"1800000012"}


def test_a_residual_approved_in_review_opens_its_case_once(seeded: Config) -> None:
    thresholds = with_thresholds(seeded, default="25000", c1000="500", c2000="1000")
    night = run_bots(with_disputes(thresholds, enabled=False), ("intake", "cashapp"),
                     Trigger.ON_DEMAND)
    book = load_workbook(night.report_dir / "worklist.xlsx")
    sheet = book["Cash review"]
    column = [c.value for c in sheet[1]].index("Decision") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=column, value="approve")
    decided = night.report_dir / "decided.xlsx"
    book.save(decided)

    cfg = with_disputes(thresholds)
    applied = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    review = applied.report.bots[0]
    assert review.counts["payments_posted"] == 1 and review.counts["disputes_created"] == 1
    [(guid, _)] = cases(cfg)
    assert any(w.item == f"dispute case {guid} opened for 1800000012 (1093.17 USD)"
               for w in review.waiting)
    [(obj,)] = sap_rows(cfg, "SELECT OBJ_KEY FROM UDM_CASE_OBJ")
    assert sap_rows(cfg, "SELECT REBZG, DMBTR FROM BSID WHERE BUKRS || BELNR || GJAHR || "
                         f"BUZEI = '{obj}'") == [("1800000012", 109317)]
    again = run_bots(cfg, ("review",), Trigger.ON_DEMAND, inputs={"review_file": decided})
    assert again.report.bots[0].counts.get("disputes_created", 0) == 0
    assert len(cases(cfg)) == 1


# ---------------------------------------------------------------- following a case to its end

ONE_CASE = {"default": "25000", "c1000": "500", "c2000": "1000"}  # only 1000's residual


def clear_residuals(cfg: Config) -> int:
    """A later payment clears every residual arbots posted (FB05 through our wrapper)."""
    rows = sap_rows(cfg, "SELECT s.BUKRS, s.KUNNR, s.BELNR, s.GJAHR, s.BUZEI, s.WAERS, "
                         "s.WRBTR FROM BSID s JOIN BKPF k ON k.BUKRS = s.BUKRS AND "
                         "k.BELNR = s.BELNR AND k.GJAHR = s.GJAHR WHERE k.XBLNR LIKE 'PAY-%' "
                         "AND s.REBZG <> '' AND s.BUKRS = '1000'")
    with connect(cfg.sap) as sap:
        for bukrs, kunnr, belnr, gjahr, buzei, waers, wrbtr in rows:
            amount = Decimal(wrbtr).scaleb(-2)
            sap.post_clearing(ClearingRequest(bukrs, waers, f"later-{belnr}", TODAY, TODAY,
                                              amount, "113100",
                                              (ClearItem(kunnr, belnr, gjahr, buzei, amount),)))
            sap.commit()
    return len(rows)


def without_process_integration(cfg: Config, **changes: Any) -> Config:
    with sqlite3.connect(cfg.sap.sandbox_db) as db:
        db.execute("INSERT OR REPLACE INTO SANDBOX_INFO VALUES (?, '')", (INTEGRATION_KEY,))
    return replace(cfg, disputes=replace(cfg.disputes, process_integration=False, **changes))


def closes(outcome: Any) -> tuple[int, int]:
    counts = cash(outcome).counts
    return counts.get("disputes_closed", 0), counts.get("disputes_closed_in_sap", 0)


def test_with_process_integration_sap_closes_the_case_and_arbots_only_records_it(
        seeded: Config) -> None:
    cfg = with_disputes(with_thresholds(seeded, **ONE_CASE))
    run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    assert statuses(cfg) == [("10", "")]
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 0)  # still open
    assert clear_residuals(cfg) == 1
    assert statuses(cfg) == [("30", "ARBOTS")]  # SAP closed it when the item was cleared
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 1)
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 0)  # recorded once
    with Store(cfg.store_path) as store:
        [row] = store.writes_of("dispute_close", "done")
        assert '"found_in_sap": true' in row["result"]


def test_without_process_integration_arbots_closes_a_case_whose_residual_was_cleared(
        seeded: Config) -> None:
    cfg = without_process_integration(with_disputes(with_thresholds(seeded, **ONE_CASE)))
    run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    [(guid, _)] = cases(cfg)
    assert clear_residuals(cfg) == 1
    assert statuses(cfg) == [("10", "")]  # nobody told the case
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (1, 0)
    assert statuses(cfg) == [("30", "ARBOTS")]
    notes = [line for (line,) in sap_rows(cfg, "SELECT TDLINE FROM UDM_CASE_NOTE "
                                               f"WHERE CASE_GUID = '{guid}' ORDER BY SEQ")]
    assert "was cleared in SAP; case closed" in notes[-1]
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 0)  # closed once


def test_a_close_sap_refuses_waits_and_the_next_run_closes_it(seeded: Config) -> None:
    base = with_disputes(with_thresholds(seeded, **ONE_CASE))
    cfg = without_process_integration(base, final_statuses=("30", "99"), close_status="99")
    run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    clear_residuals(cfg)
    refused = run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)
    assert closes(refused) == (0, 0) and statuses(cfg) == [("10", "")]
    [wait] = [w for w in cash(refused).waiting if "refused to close" in w.why]
    assert "Status 99 is not in the status profile" in wait.why
    fixed = replace(cfg, disputes=replace(cfg.disputes, close_status="30"))
    assert closes(run_bots(fixed, ("cashapp",), Trigger.ON_DEMAND)) == (1, 0)
    assert statuses(cfg) == [("30", "ARBOTS")]


def test_the_simulated_attributes_change_refuses_an_unknown_case_or_status(
        world: Config) -> None:
    [open_item] = sap_rows(world, "SELECT BUKRS, BELNR, GJAHR, BUZEI FROM BSID LIMIT 1")
    guid = case_guid("k-change")
    with connect(world.sap) as sap:
        sap.create_dispute(DisputeCase("F_DM", guid, {"DISPUTED_AMOUNT": "1.00"},
                                       [("BSEG", item_key(*open_item))]))
        sap.commit()
        with pytest.raises(SapBusinessError, match="does not exist"):
            sap.set_dispute_status(case_guid("nobody"), "30", [])
        with pytest.raises(SapBusinessError, match="not in the status profile"):
            sap.set_dispute_status(guid, "77", [])
        sap.rollback()
        assert sap.dispute_statuses([guid, case_guid("nobody")]) == {guid: "10"}
        sap.set_dispute_status(guid, "20", ["being worked"])
        assert statuses(world) == [("10", "")]  # others see it only after the commit
        sap.commit()
        assert sap.dispute_statuses([guid]) == {guid: "20"}
