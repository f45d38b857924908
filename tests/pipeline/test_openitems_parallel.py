"""The open-items bot over parallel connections (issue 12, item 3): all or nothing.

With ``[sap] parallel_connections`` the nightly pull reads customer ranges
over several connections; the snapshot is the same as over one, and a range
that fails fails the bot with the range named and stores no snapshot at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bots.config import Config, load_config
from bots.domain import Trigger
from bots.runner import run_bots
from bots.sandbox.sap import SapSimulator
from bots.sandbox.sap.errors import communication_error
from bots.sap import SapClient
from bots.sap.connect import FACTORY_ENV
from bots.sap.open_items import customer_ranges
from bots.store import Store
from tests.pipeline.conftest import make_world, write_config

FAIL_IN: dict[str, str] = {}  # the BSID range that fails: {"marker": OPTIONS text}


class _Connection:
    """The sandbox connection, failing RFC_READ_TABLE on BSID for one customer range."""

    def __init__(self, path: Path) -> None:
        self.inner = SapSimulator(path)

    def call(self, name: str, /, **params: Any) -> dict[str, Any]:
        text = " ".join(line["TEXT"] for line in params.get("OPTIONS", []))
        if params.get("QUERY_TABLE") == "BSID" and FAIL_IN.get("marker", "\0") in text:
            raise communication_error("connection reset by peer")
        return self.inner.call(name, **params)

    def close(self) -> None:
        self.inner.close()


def connection(**params: Any) -> _Connection:
    """Target of ARBOTS_SAP_CONNECTION in these tests."""
    return _Connection(Path(FAIL_IN["db"]))


def _world(folder: Path, template: Path, parallel: int) -> Config:
    make_world(folder, template)
    return load_config(write_config(folder, f"parallel_connections = {parallel}\nretries = 0"),
                       home=folder)


def _snapshot(cfg: Config, run_id: str) -> list:
    with Store(cfg.store_path) as store:
        return list(store.snapshot(run_id))


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv(FACTORY_ENV, f"{__name__}:connection")
    yield FAIL_IN
    FAIL_IN.clear()


def test_the_snapshot_is_the_same_over_three_connections(tmp_path: Path,
                                                         small_sandbox: Path) -> None:
    one = _world(tmp_path / "one", small_sandbox, 1)
    three = _world(tmp_path / "three", small_sandbox, 3)
    single = run_bots(one, ("openitems",), Trigger.ON_DEMAND)
    parallel = run_bots(three, ("openitems",), Trigger.ON_DEMAND)
    assert single.status == parallel.status == "ok"
    items = _snapshot(one, single.run_id)
    assert len(items) > 300 and _snapshot(three, parallel.run_id) == items


def test_a_failing_range_fails_the_bot_named_and_stores_no_snapshot(
        tmp_path: Path, small_sandbox: Path, failing: dict[str, str]) -> None:
    cfg = _world(tmp_path, small_sandbox, 3)
    with SapClient(SapSimulator(cfg.sap.sandbox_db)) as sap:
        name, where = customer_ranges(sap.tables, cfg.sap.company_codes, 12)[8]
    failing["db"] = str(cfg.sap.sandbox_db)
    failing["marker"] = " ".join(line["TEXT"] for line in where.lines())
    outcome = run_bots(cfg, ("openitems",), Trigger.ON_DEMAND)
    assert outcome.status == "failed"
    (section,) = outcome.report.bots
    (error,) = section.errors
    assert name.startswith("BUKRS 2000, KUNNR from ")
    assert f"BSID partition 9 of 12 ({name}): " in error.reason
    assert "connection reset by peer" in error.reason
    assert _snapshot(cfg, outcome.run_id) == []
