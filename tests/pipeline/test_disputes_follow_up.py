"""The dispute follow-up reads only the cases still open: a case seen ended is marked in
the ledger and neither its ledger rows nor its SAP status are read again, so each run's
reads stay as many as the open cases, however many ended before."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bots.config import Config
from bots.domain import Trigger
from bots.pipeline.disputes import CLOSE_KIND, ENDED, KIND
from bots.runner import run_bots
from bots.sap.client import SapClient
from bots.store import Store
from tests.pipeline.conftest import seed_mailbox
from tests.pipeline.test_disputes import (
    ONE_CASE,
    TODAY,
    cases,
    clear_residuals,
    closes,
    with_disputes,
    with_thresholds,
)


@pytest.fixture
def seeded(world: Config) -> Config:
    seed_mailbox(world, TODAY)
    return world


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The case GUIDs each follow-up asks SAP the status of."""
    calls: list[list[str]] = []
    real = SapClient.dispute_statuses

    def recording(self: SapClient, guids: Any) -> dict[str, str]:
        calls.append(sorted(guids))
        return real(self, guids)

    monkeypatch.setattr(SapClient, "dispute_statuses", recording)
    return calls


def open_case_rows(cfg: Config) -> list[str]:
    with Store(cfg.store_path) as store:
        return [json.loads(r["result"])["case_guid"] for r in store.unmarked_writes(KIND, ENDED)]


def test_an_ended_case_is_not_read_again(seeded: Config, asked: list[list[str]]) -> None:
    cfg = with_disputes(seeded)  # every residual opens a case: one in 1000, two in 2000
    run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    guids = sorted(guid for guid, _ in cases(cfg))
    assert len(guids) == 3 and sorted(open_case_rows(cfg)) == guids
    asked.clear()
    assert clear_residuals(cfg) == 1  # 1000's residual cleared: SAP ends its case
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 1)
    assert asked == [guids]  # every open case read once
    still_open = open_case_rows(cfg)
    assert len(still_open) == 2
    [ended] = set(guids) - set(still_open)
    with Store(cfg.store_path) as store:
        [case] = [r for r in store.writes_of(KIND, "done")
                  if json.loads(r["result"])["case_guid"] == ended]
        assert json.loads(case["result"])[ENDED] == "30"
        assert len(store.writes_of(CLOSE_KIND, "done")) == 1
    asked.clear()
    for _ in range(2):  # later runs ask for the open cases only, and count nothing twice
        assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 0)
    assert asked == [sorted(still_open)] * 2


def test_a_case_ended_before_the_mark_existed_is_marked_once(
        seeded: Config, asked: list[list[str]]) -> None:
    """A store of the release before: its ended cases carry no mark; the next run reads
    them once more, records nothing twice and marks them."""
    cfg = with_disputes(with_thresholds(seeded, **ONE_CASE))
    run_bots(cfg, ("intake", "cashapp"), Trigger.ON_DEMAND)
    clear_residuals(cfg)
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 1)
    with Store(cfg.store_path) as store:  # as the release before left it: no mark
        [case] = store.writes_of(KIND, "done")
        result = {k: v for k, v in json.loads(case["result"]).items() if k != ENDED}
        with store.db.transaction():
            store.db.execute("UPDATE external_writes SET result = ? WHERE key = ?",
                             (json.dumps(result), case["key"]))
    assert len(open_case_rows(cfg)) == 1
    asked.clear()
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 0)
    assert closes(run_bots(cfg, ("cashapp",), Trigger.ON_DEMAND)) == (0, 0)
    assert len(asked) == 1 and open_case_rows(cfg) == []
