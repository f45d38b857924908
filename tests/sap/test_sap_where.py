"""OPTIONS (the WHERE text of RFC_READ_TABLE): operators, and injection refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sap_sandbox import simulator, sql

from bots.sandbox.sap.ddic import fields_of
from bots.sandbox.sap.errors import ABAPApplicationError, ExternalRuntimeError
from bots.sandbox.sap.where import to_sql


def _belnrs(db: Path, *lines: str) -> list[str]:
    result = simulator(db).call("RFC_READ_TABLE", QUERY_TABLE="BSID",
                                OPTIONS=[{"TEXT": line} for line in lines],
                                FIELDS=[{"FIELDNAME": "BELNR"}])
    return sorted(row["WA"] for row in result["DATA"])


def _direct(db: Path, where: str, *params: object) -> list[str]:
    return sorted(b for (b,) in sql(db, f"SELECT BELNR FROM BSID WHERE {where}", *params))


@pytest.mark.parametrize(("options", "where"), [
    (["BUKRS = '2000'"], "BUKRS = '2000'"),
    (["BUKRS EQ '2000' AND SHKZG NE 'S'"], "BUKRS = '2000' AND SHKZG <> 'S'"),
    (["WAERS IN ( 'JPY' , 'EUR' )", "AND BLART = 'RV'"],
     "WAERS IN ('JPY', 'EUR') AND BLART = 'RV'"),
    (["XBLNR LIKE 'CM-%'"], "XBLNR LIKE 'CM-%'"),
    (["NOT ( BUKRS = '1000' OR BLART = 'RV' )"], "NOT (BUKRS = '1000' OR BLART = 'RV')"),
    (["WRBTR BETWEEN '100.00' AND '250.00'"], "WRBTR BETWEEN 10000 AND 25000"),
    (["BUDAT >= '20261101' AND BUDAT < '20261115' AND UMSKZ = ' '"],
     "BUDAT >= '20261101' AND BUDAT < '20261115' AND UMSKZ = ''"),
    (["KUNNR = '100003'"], "KUNNR = '100003'"),  # CHAR: no ALPHA conversion in SQL
    (["GJAHR = 2026 AND BUZEI GT '0'"], "GJAHR = '2026' AND BUZEI > '000'"),
])
def test_operators_select_what_sql_selects(sandbox_db: Path, options: list[str],
                                           where: str) -> None:
    expected = _direct(sandbox_db, where)
    assert _belnrs(sandbox_db, *options) == expected


def test_like_is_case_sensitive_as_in_abap(sandbox_db: Path) -> None:
    assert _belnrs(sandbox_db, "XBLNR LIKE 'inv-%'") == []
    assert len(_belnrs(sandbox_db, "XBLNR LIKE 'INV-____-%'")) > 100


@pytest.mark.parametrize("text", [
    "BUKRS = '1000'; DROP TABLE BSID",
    "BUKRS = '1000' -- comment",
    "BUKRS = '1000' OR 1 = 1",
    "1 = 1",
    "BUKRS = '1000' UNION SELECT",
    "BUKRS = '1000",
    "BCODE = 'x'",
    "BUKRS = '1000' AND",
    "BUKRS IN ( )",
    "BUKRS = \"1000\"",
    "(BUKRS = '1000'",
])
def test_injection_and_malformed_text_are_refused(sandbox_db: Path, text: str) -> None:
    with pytest.raises(ABAPApplicationError) as caught:
        _belnrs(sandbox_db, text)
    assert caught.value.key == "OPTION_NOT_VALID"
    assert sql(sandbox_db, "SELECT count(*) FROM BSID")[0][0] == 400


def test_quotes_inside_a_literal_stay_a_value(sandbox_db: Path) -> None:
    assert _belnrs(sandbox_db, "KUNNR = 'x'' OR ''1''=''1'") == []
    parsed = to_sql(["NAME1 = 'O''Brien' OR NAME1 LIKE '100[%'"], fields_of("KNA1"))
    assert parsed.sql == '("NAME1" = ? OR "NAME1" GLOB ?)'
    assert parsed.params == ["O'Brien", "100[[]*"]


def test_an_options_line_over_72_characters_is_refused(sandbox_db: Path) -> None:
    with pytest.raises(ExternalRuntimeError) as caught:
        _belnrs(sandbox_db, "BUKRS = '1000' AND " + "XBLNR <> 'x' AND " * 4 + "BLART = 'RV'")
    assert caught.value.key == "RFC_CONVERSION_FAILURE"
