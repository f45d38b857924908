"""RFC_READ_TABLE: row layout, paging, the 512-character split, its exceptions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sap_sandbox import NO_WAIT, simulator, sql

from bots.sandbox.sap.ddic import TABLES
from bots.sandbox.sap.errors import ABAPApplicationError
from bots.sap import SapBusinessError, SapClient
from bots.sap.read_table import TableReader, Where
from bots.sap.rfc import Rfc


def test_rows_are_fixed_width_with_the_reported_layout(sandbox_db: Path) -> None:
    sim = simulator(sandbox_db)
    result = sim.call("RFC_READ_TABLE", QUERY_TABLE="BSID", ROWCOUNT=1,
                      OPTIONS=[{"TEXT": "WAERS = 'JPY'"}],
                      FIELDS=[{"FIELDNAME": f} for f in ("KUNNR", "WRBTR", "AUGDT", "BUZEI")])
    layout = [(f["FIELDNAME"], f["OFFSET"], f["LENGTH"], f["TYPE"]) for f in result["FIELDS"]]
    assert layout == [("KUNNR", "000000", "000010", "C"), ("WRBTR", "000010", "000015", "P"),
                      ("AUGDT", "000025", "000008", "D"), ("BUZEI", "000033", "000003", "N")]
    (row,) = result["DATA"]
    kunnr, wrbtr, augdt, buzei = row["WA"][:10], row["WA"][10:25], row["WA"][25:33], \
        row["WA"][33:]
    (stored,) = sql(sandbox_db, "SELECT KUNNR, WRBTR FROM BSID WHERE WAERS = 'JPY' "
                    "ORDER BY BUKRS, KUNNR, UMSKS, UMSKZ, AUGDT, AUGBL, ZUONR, GJAHR, BELNR, "
                    "BUZEI LIMIT 1")
    assert kunnr == stored[0]
    assert wrbtr == f"{stored[1] // 100}.{stored[1] % 100:02d}".rjust(15)  # internal, 2 dec.
    assert augdt == "00000000" and buzei == "001"
    assert sim.call("RFC_READ_TABLE", QUERY_TABLE="T001", DELIMITER="|",
                    FIELDS=[{"FIELDNAME": "BUKRS"}, {"FIELDNAME": "WAERS"}])["DATA"] == \
        [{"WA": "1000|USD"}, {"WA": "2000|EUR"}]


def test_paging_returns_every_row_once_in_key_order(sandbox_db: Path) -> None:
    reader = TableReader(Rfc(simulator(sandbox_db), retry=NO_WAIT), page_size=7)
    rows = list(reader.rows("BSID", ["BELNR", "WRBTR"], Where().eq("BUKRS", "2000"),
                            key=("BUKRS", "BELNR", "GJAHR", "BUZEI")))
    expected = sql(sandbox_db, "SELECT BELNR FROM BSID WHERE BUKRS = '2000' ORDER BY BUKRS, "
                   "KUNNR, UMSKS, UMSKZ, AUGDT, AUGBL, ZUONR, GJAHR, BELNR, BUZEI")
    assert len(rows) == len(expected) > 7 * 3
    assert [r["BELNR"] for r in rows] == [b for (b,) in expected]


def test_a_too_wide_field_list_raises_data_buffer_exceeded(sandbox_db: Path) -> None:
    every_field = [{"FIELDNAME": f.name} for f in TABLES["BSID"]]
    with pytest.raises(ABAPApplicationError) as caught:
        simulator(sandbox_db).call("RFC_READ_TABLE", QUERY_TABLE="BSID", NO_DATA="X",
                                   FIELDS=every_field)
    assert caught.value.key == "DATA_BUFFER_EXCEEDED"


def test_wide_reads_are_split_and_stitched_by_key(sandbox_db: Path) -> None:
    calls: list[list[str]] = []
    sim = simulator(sandbox_db)

    class Spy:
        def call(self, name: str, /, **params: object) -> dict:
            calls.append([f["FIELDNAME"] for f in params.get("FIELDS", [])])  # type: ignore
            return sim.call(name, **params)

    reader = TableReader(Rfc(Spy(), retry=NO_WAIT), page_size=100)
    names = [f.name for f in TABLES["BSID"]]
    key = ("BUKRS", "BELNR", "GJAHR", "BUZEI")
    rows = list(reader.rows("BSID", names, Where().eq("BUKRS", "1000"), key=key))
    data_calls = [c for c in calls if len(c) < len(names)]
    assert len({tuple(c) for c in data_calls}) >= 2  # at least two field groups
    assert all(set(key) <= set(c) for c in data_calls[-2:])
    direct = sql(sandbox_db, "SELECT BELNR, XBLNR, KIDNO, ZUONR, SGTXT, WRBTR, PRCTR FROM BSID "
                 "WHERE BUKRS = '1000'")
    assert len(rows) == len(direct)
    by_doc = {r["BELNR"]: r for r in rows}
    for belnr, xblnr, _kidno, zuonr, sgtxt, wrbtr, _prctr in direct:
        row = by_doc[belnr]
        assert (row["XBLNR"], row["ZUONR"], row["SGTXT"]) == (xblnr, zuonr, sgtxt)
        assert row["WRBTR"] == f"{wrbtr // 100}.{wrbtr % 100:02d}"
        assert set(row) == set(names)


@pytest.mark.parametrize(("params", "key"), [
    ({"QUERY_TABLE": "USR02"}, "TABLE_NOT_AVAILABLE"),
    ({"QUERY_TABLE": "KNA1", "FIELDS": [{"FIELDNAME": "BCODE"}]}, "FIELD_NOT_VALID"),
])
def test_unknown_tables_and_fields_are_refused(sandbox_db: Path, params: dict,
                                               key: str) -> None:
    with pytest.raises(ABAPApplicationError) as caught:
        simulator(sandbox_db).call("RFC_READ_TABLE", **params)
    assert caught.value.key == key


def test_client_reports_refusals_as_business_errors_without_retry(client: SapClient) -> None:
    with pytest.raises(SapBusinessError) as caught:
        list(client.tables.rows("USR02", ["BNAME"]))
    assert caught.value.key == "TABLE_NOT_AVAILABLE"


def test_where_builder_splits_lines_between_tokens() -> None:
    values = [f"{100000 + i:010d}" for i in range(12)]
    lines = Where().eq("NAME1", "O'Brien & Sons").isin("KUNNR", values).lines()
    assert all(len(line["TEXT"]) <= 72 for line in lines)
    assert len(lines) > 2
    text = " ".join(line["TEXT"] for line in lines)
    assert text.startswith("NAME1 = 'O''Brien & Sons' AND KUNNR IN ( '0000100000' ,")
    assert all(f"'{v}'" in [t.strip() for line in lines for t in line["TEXT"].split(" ")]
               for v in values)


def test_row_text_signs_pads_and_cuts_by_characters(sandbox_db: Path) -> None:
    """Packed numbers right-aligned with a trailing minus, texts cut at their length in
    characters (not bytes), each field at its offset, the delimiter between fields."""
    long_text = "Zahlung für Müller " * 4  # 76 characters, SGTXT holds 50
    with sqlite3.connect(sandbox_db) as db:
        db.execute("INSERT INTO BSID (MANDT, BUKRS, KUNNR, GJAHR, BELNR, BUZEI, BUDAT, BLDAT, "
                   "WAERS, SHKZG, WRBTR, ZBD1T, ZBD1P, SGTXT) VALUES ('100', '1000', "
                   "'0000100001', '2026', '1899990077', '001', '20261001', '20261001', 'EUR', "
                   "'H', -1250, -3, 2500, ?)", [long_text])
    fields = [{"FIELDNAME": f} for f in ("WRBTR", "ZBD1T", "ZBD1P", "SGTXT", "WAERS")]
    options = [{"TEXT": "BELNR = '1899990077'"}]
    sim = simulator(sandbox_db)
    (row,) = sim.call("RFC_READ_TABLE", QUERY_TABLE="BSID", FIELDS=fields,
                      OPTIONS=options)["DATA"]
    assert row["WA"] == "12.50-".rjust(15) + "3-".rjust(5) + "2.500".rjust(7) + \
        long_text[:50] + "EUR"
    (row,) = sim.call("RFC_READ_TABLE", QUERY_TABLE="BSID", FIELDS=fields, DELIMITER="|",
                      OPTIONS=options)["DATA"]
    assert row["WA"].split("|") == ["12.50-".rjust(15), "3-".rjust(5), "2.500".rjust(7),
                                    long_text[:50], "EUR"]
