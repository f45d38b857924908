"""`arbots sap ping`, `arbots sap open-items`, `arbots sandbox reset`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sap_sandbox import TODAY, make_db, sql

from bots.cli import main
from bots.interchange import OPEN_ITEM_COLUMNS, read_open_items


def _config(tmp_path: Path, db: Path) -> Path:
    file = tmp_path / "site.toml"
    file.write_text(f'[sap]\nmode = "sandbox"\nsandbox_db = "{db}"\n'
                    'company_codes = ["1000", "2000"]\n'
                    '[sap.connection]\nuser = "ARBOTS"\n'
                    'passwd = { env = "ARBOTS_TEST_SAP_PW" }\n')
    return file


def _arbots(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from bots.cli import main; main()", *args],
                          capture_output=True, text=True, env={**os.environ, **env}, cwd=cwd,
                          timeout=120)


def test_ping_with_a_wrong_password_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = _config(tmp_path, make_db(tmp_path / "sap.sqlite"))
    env = {"ARBOTS_SANDBOX_PASSWORD": "right-one", "ARBOTS_TEST_SAP_PW": "wrong-one",
           "COLUMNS": "200"}
    done = _arbots(["sap", "ping", "--config", str(config)], env, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "SAP logon refused" in lines[0] and "wrong-one" not in done.stderr
    assert done.stdout == ""
    ok = _arbots(["sap", "ping", "--config", str(config)],
                 {**env, "ARBOTS_TEST_SAP_PW": "right-one"}, tmp_path)
    assert ok.returncode == 0 and "arbots sandbox" in ok.stdout


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_open_items_writes_the_interchange_file(tmp_path: Path, suffix: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    db = make_db(tmp_path / "sap.sqlite")
    config = _config(tmp_path, db)
    monkeypatch.setenv("ARBOTS_TEST_SAP_PW", "any")
    monkeypatch.delenv("ARBOTS_SANDBOX_PASSWORD", raising=False)
    out = tmp_path / f"open{suffix}"
    result = CliRunner().invoke(main, ["sap", "open-items", "--config", str(config),
                                       "--company-code", "1000", "--key-date",
                                       TODAY.isoformat(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    expected = sql(db, "SELECT count(*) FROM BSID WHERE BUKRS = '1000' AND UMSKZ = '' "
                   "AND BUDAT <= '20261124'")[0][0]
    if suffix == ".csv":
        with out.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == OPEN_ITEM_COLUMNS
        assert len(rows) - 1 == expected
        items, problems = read_open_items(out)
        assert problems == [] and len(items) == expected
        assert any(i.currency == "JPY" and i.amount == i.amount.to_integral() for i in items)
        assert any(row[11] == "2" and row[12] for row in rows[1:])  # 2/10 net 30 terms
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == OPEN_ITEM_COLUMNS and len(rows) - 1 == expected
        assert all(isinstance(row[10], str) for row in rows[1:])


def test_sandbox_reset_regenerates(tmp_path: Path) -> None:
    db = tmp_path / "sap.sqlite"
    config = _config(tmp_path, db)
    result = CliRunner().invoke(main, ["sandbox", "reset", "--config", str(config),
                                       "--customers", "60", "--items", "3000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert sql(db, "SELECT count(*) FROM KNA1") == [(60,)]
    assert sql(db, "SELECT count(*) FROM BSID") == [(3000,)]
    assert sql(db, "SELECT value FROM SANDBOX_INFO WHERE key = 'seed'") == [("3",)]
