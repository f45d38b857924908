"""Open items read over several RFC connections (issue 12, item 3): same rows, same order.

The parallel pull splits BSID/BSAD into company-code and customer ranges
(cut at equal counts of KNB1 customers) and reads them over one connection
each at a time; the items must come out exactly as one connection gives
them. A range that fails fails the whole pull, named. The pages read ahead
of the caller stay within the read's buffer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sap_sandbox import NO_WAIT, TODAY, simulator

from bots.sandbox.sap.errors import abap_error
from bots.sap import SapBusinessError, SapClient
from bots.sap.open_items import ITEM_FIELDS, ITEM_KEY, customer_ranges
from bots.sap.parallel import HEAD_AHEAD, Partition, _Flow, read_partitions
from bots.sap.read_table import TableReader
from bots.sap.rfc import Rfc

CODES = ["2000", "1000"]  # not in key order: the pull sorts them as SAP's key does


def _client(path: Path, parallel: int, wrap: Any = None) -> SapClient:
    def open_connection() -> Any:
        return wrap(simulator(path)) if wrap else simulator(path)

    return SapClient(open_connection(), page_size=7, retry=NO_WAIT,
                     parallel_connections=parallel, open_connection=open_connection)


def _add_item_of_unknown_customer(path: Path) -> None:
    """An item whose customer is in no KNB1 row: after the last range of 1000."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO BSID (MANDT, BUKRS, KUNNR, GJAHR, BELNR, BUZEI, BUDAT, BLDAT, "
                   "WAERS, SHKZG, ZFBDT, WRBTR) VALUES ('100', '1000', '9999999999', '2026', "
                   "'1899990001', '001', '20261001', '20261001', 'USD', 'S', '20261001', 100)")


def _add_item_cleared_tomorrow(path: Path) -> None:
    """A BSAD item still open at TODAY: it comes after every BSID item."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO BSAD (MANDT, BUKRS, KUNNR, GJAHR, BELNR, BUZEI, BUDAT, BLDAT, "
                   "WAERS, SHKZG, ZFBDT, WRBTR, AUGDT, AUGBL) VALUES ('100', '1000', "
                   "'0000100002', '2026', '1899990002', '001', '20261001', '20261001', 'USD', "
                   "'S', '20261001', 200, '20261125', '1400099998')")


def test_parallel_pull_equals_single_pull_row_for_row(sandbox_db: Path) -> None:
    _add_item_of_unknown_customer(sandbox_db)
    _add_item_cleared_tomorrow(sandbox_db)
    with _client(sandbox_db, 1) as one:
        single = list(one.iter_open_items(CODES, TODAY))
    with _client(sandbox_db, 3) as three:
        parallel = list(three.iter_open_items(CODES, TODAY))
        assert len(three._extra) == 2  # really over three connections
    assert len(single) > 100 and any(i.customer == "9999999999" for i in single)
    assert single[-1].document_no == "1899990002"  # BSAD's, after BSID's
    assert parallel == single


def test_customer_ranges_cover_each_company_code_in_key_order(client: SapClient) -> None:
    ranges = customer_ranges(client.tables, CODES, 6)
    names = [name for name, _ in ranges]
    assert len(names) == 6
    assert names[0].startswith("BUKRS 1000, KUNNR below ") and "from" not in names[0]
    assert names[2].startswith("BUKRS 1000, KUNNR from ") and "below" not in names[2]
    assert names[3].startswith("BUKRS 2000, KUNNR below ")
    lows = [name.split(" from ")[1].split()[0] for name in names[1:3]]
    assert lows == sorted(lows)


class FailingRange:
    """A connection whose RFC_READ_TABLE on ``table`` fails for one customer range."""

    def __init__(self, inner: Any, marker: str, table: str = "BSID") -> None:
        self.inner, self.marker, self.table = inner, marker, table

    def call(self, name: str, /, **params: Any) -> dict[str, Any]:
        text = " ".join(line["TEXT"] for line in params.get("OPTIONS", []))
        if params.get("QUERY_TABLE") == self.table and self.marker in text:
            raise abap_error("NOT_AUTHORIZED", "no authorisation for this range")
        return self.inner.call(name, **params)

    def close(self) -> None:
        self.inner.close()


def test_a_failing_range_fails_the_pull_and_names_it(sandbox_db: Path,
                                                     client: SapClient) -> None:
    name, where = customer_ranges(client.tables, CODES, 3 * 4)[5]
    low = name.split(" from ")[1].split()[0]
    marker = f"BUKRS = '{name.split()[1].rstrip(',')}' AND KUNNR >= '{low}'"
    assert marker in " ".join(line["TEXT"] for line in where.lines())
    with _client(sandbox_db, 3, lambda sim: FailingRange(sim, marker)) as sap, \
            pytest.raises(SapBusinessError) as failed:
        list(sap.iter_open_items(CODES, TODAY))
    assert str(failed.value).startswith(f"BSID partition 6 of 12 ({name}): ")
    assert failed.value.key == "NOT_AUTHORIZED"


def test_a_failing_range_of_the_second_table_is_named_in_its_table(
        sandbox_db: Path, client: SapClient) -> None:
    name, where = customer_ranges(client.tables, CODES, 3 * 4)[2]
    low = name.split(" from ")[1].split()[0]
    marker = f"KUNNR >= '{low}'"
    with _client(sandbox_db, 3, lambda sim: FailingRange(sim, marker, "BSAD")) as sap, \
            pytest.raises(SapBusinessError) as failed:
        list(sap.iter_open_items(CODES, TODAY))
    assert str(failed.value).startswith(f"BSAD partition 3 of 12 ({name}): ")


class Counting:
    """A connection counting its RFC_READ_TABLE calls into a shared list."""

    def __init__(self, inner: Any, calls: list[str]) -> None:
        self.inner, self.calls = inner, calls

    def call(self, name: str, /, **params: Any) -> dict[str, Any]:
        if name == "RFC_READ_TABLE" and not params.get("NO_DATA"):
            self.calls.append(params["QUERY_TABLE"])
        return self.inner.call(name, **params)

    def close(self) -> None:
        self.inner.close()


def test_pages_read_ahead_of_the_caller_stay_within_the_buffer(sandbox_db: Path,
                                                               client: SapClient) -> None:
    calls: list[str] = []
    readers = [TableReader(Rfc(Counting(simulator(sandbox_db), calls)), page_size=5)
               for _ in range(3)]
    parts = [Partition(name, where) for name, where in customer_ranges(client.tables, CODES, 8)]
    taken = 0
    for page in read_partitions(readers, "BSID", ITEM_FIELDS, parts, key=ITEM_KEY, buffered=4):
        taken += 1
        assert len(calls) - taken <= 4 + HEAD_AHEAD  # the buffer, and the head's two
        assert len(page) <= 5
    assert taken >= 40 and len(calls) >= taken  # every page, plus each partition's last call


def test_the_partition_being_taken_may_always_read_ahead() -> None:
    flow = _Flow(partitions=3, buffered=2)
    flow.before_page(1)
    flow.before_page(2)  # later partitions filled the buffer
    assert not flow._may_read(1) and not flow._may_read(2)
    flow.before_page(0)
    flow.before_page(0)  # the head: two pages whatever the buffer holds
    assert not flow._may_read(0)
    flow.taken(0)
    flow.taken(0)
    flow.at(1)  # partition 0 done: 1 is the head now, with one page of its two
    assert flow._may_read(1) and not flow._may_read(2)
