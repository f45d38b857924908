"""Key-range paging: with the ordered reader (Z_ARBOTS_READ_TABLE) a bulk read asks for
the rows after the last primary key read, never ROWSKIPS, and reads every row once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sap_sandbox import NO_WAIT, TODAY, simulator, sql

from bots.sap import SapClient
from bots.sap.read_table import PRIMARY_KEYS, Where

ORDERED = {"read_table": "Z_ARBOTS_READ_TABLE"}


class Recorder:
    """A connection that remembers the parameters of every table read."""

    def __init__(self, db: Path) -> None:
        self.sim, self.reads = simulator(db), []

    def call(self, name: str, **params: Any) -> dict[str, Any]:
        if name.endswith("READ_TABLE") and not params.get("NO_DATA"):
            self.reads.append((name, params))
        return self.sim.call(name, **params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sim, name)


def test_pages_follow_the_primary_key_without_rowskips(sandbox_db: Path) -> None:
    connection = Recorder(sandbox_db)
    client = SapClient(connection, functions=ORDERED, page_size=7, retry=NO_WAIT)
    rows = list(client.tables.rows("BSID", ["WRBTR"], Where().eq("BUKRS", "1000")))
    key = PRIMARY_KEYS["BSID"]
    columns = ", ".join(key)
    expected = sql(sandbox_db, f"SELECT {columns}, WRBTR FROM BSID WHERE BUKRS = '1000' "
                               f"ORDER BY {columns}")
    assert [tuple(r[k] for k in key) for r in rows] == [tuple(e[:-1]) for e in expected]
    assert len(connection.reads) == len(expected) // 7 + 1
    assert {name for name, _ in connection.reads} == {"Z_ARBOTS_READ_TABLE"}
    assert {params["ROWSKIPS"] for _, params in connection.reads} == {0}
    second = " ".join(line["TEXT"] for line in connection.reads[1][1]["OPTIONS"])
    last = rows[6]
    assert second.startswith("BUKRS = '1000' AND ( BUKRS > '1000' OR ( BUKRS = '1000' AND")
    assert f"BUZEI > '{last['BUZEI']}'" in second


def test_rfc_read_table_still_pages_by_rowskips(sandbox_db: Path) -> None:
    connection = Recorder(sandbox_db)
    client = SapClient(connection, page_size=7, retry=NO_WAIT)
    rows = list(client.tables.rows("KNB1", ["AKONT"], Where().eq("BUKRS", "1000")))
    assert [params["ROWSKIPS"] for _, params in connection.reads] == \
        [7 * i for i in range(len(rows) // 7 + 1)]
    assert client.tables.order_key("KNB1") == ()


def test_the_open_item_snapshot_is_the_same_with_either_reader(sandbox_db: Path) -> None:
    def snapshot(functions: dict[str, str] | None, parallel: int) -> list:
        client = SapClient(simulator(sandbox_db), functions=functions, page_size=13,
                           retry=NO_WAIT, parallel_connections=parallel,
                           open_connection=lambda: simulator(sandbox_db))
        return list(client.iter_open_items(["1000", "2000"], TODAY))

    plain = snapshot(None, 1)
    assert len(plain) > 13 * 3
    assert snapshot(ORDERED, 1) == plain
    assert snapshot(ORDERED, 2) == plain
