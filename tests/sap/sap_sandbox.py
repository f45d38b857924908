"""Shared set-up of the SAP tests: a small sandbox file per test, direct SQL to check it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bots.retry import RetryPolicy
from bots.sandbox.sap import SapSimulator, generate
from bots.sandbox.sap.credit import net_due
from bots.sandbox.sap.errors import communication_error
from bots.sap import SapClient

TODAY = date(2026, 11, 24)
NO_WAIT = RetryPolicy(attempts=3, base_delay=0.0, sleep=lambda _: None)


def make_db(path: Path, customers: int = 20, items: int = 400) -> Path:
    generate(path, customers=customers, items=items, seed=7, today=TODAY)
    return path


def sql(path: Path, query: str, *params: Any) -> list[tuple]:
    """Rows of ``query`` read straight from the sandbox file (committed data only)."""
    with sqlite3.connect(path) as db:
        return db.execute(query, params).fetchall()


def pay_overdue(db: Path, customer: str, today: date = TODAY) -> None:
    """Tonight's payment cleared every overdue item of ``customer`` in company code 1000
    (straight in the sandbox file)."""
    keys = ("ZFBDT", "ZBD1T", "ZBD2T", "ZBD3T")
    rows = sql(db, "SELECT BELNR, ZFBDT, ZBD1T, ZBD2T, ZBD3T FROM BSID WHERE KUNNR = ? "
                   "AND BUKRS = '1000'", customer)
    overdue = [r[0] for r in rows if net_due(dict(zip(keys, r[1:], strict=True))) < today]
    with sqlite3.connect(db) as con:
        con.executemany("DELETE FROM BSID WHERE KUNNR = ? AND BELNR = ?",
                        [(customer, belnr) for belnr in overdue])


def simulator(path: Path, **kwargs: Any) -> SapSimulator:
    return SapSimulator(path, clock=lambda: TODAY, **kwargs)


@pytest.fixture
def sandbox_db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "sap.sqlite")


@pytest.fixture
def client(sandbox_db: Path) -> Iterator[SapClient]:
    with SapClient(simulator(sandbox_db), page_size=50, retry=NO_WAIT) as sap:
        yield sap


class Flaky:
    """A connection that fails with CommunicationError ``failures`` times, then works."""

    def __init__(self, inner: Any, failures: int) -> None:
        self.inner, self.failures, self.calls = inner, failures, 0

    def call(self, name: str, /, **params: Any) -> dict[str, Any]:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise communication_error("partner not reached (simulated line drop)")
        return self.inner.call(name, **params)


FACTORY_CALLS: list[dict[str, Any]] = []


def factory(**params: Any) -> SapSimulator:
    """Target of ARBOTS_SAP_CONNECTION in the tests: records its parameters."""
    FACTORY_CALLS.append(dict(params))
    return simulator(Path(os.environ["ARBOTS_TEST_SANDBOX_DB"]))
