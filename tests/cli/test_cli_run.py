"""The `arbots run` surface: exit codes and one-line errors a person can act on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipeline.conftest import write_config

ARBOTS = [sys.executable, "-m", "bots.cli"]


def arbots(*args: str, cwd: Path, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, "ARBOTS_HOME": str(cwd), **(env or {})}
    full_env.pop("ARBOTS_CONFIG", None)
    return subprocess.run([*ARBOTS, *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=120)


def test_wrong_sap_password_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, sap_extra='[sap.connection]\nuser = "ARBOTS"\n'
                                              'passwd = { env = "TEST_SAP_PASSWORD" }')
    result = arbots("run", "nightly", "--config", str(config), cwd=tmp_path,
                    env={"ARBOTS_SANDBOX_PASSWORD": "right-one",
                         "TEST_SAP_PASSWORD": "wrong-one"})
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "logon" in errors[0].lower()
    assert "wrong-one" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("toml", "named"), [
    ("[sap]\nmode = 'rfx'\n", "sap.mode"),
    ("[sap]\npage_size = 'many'\n", "sap.page_size"),
    ("[collections]\ncadence_days = 0\n", "collections.cadence_days"),
    ("[sap.connection]\npasswd = 'hunter2'\n", "sap.connection.passwd"),
    ("[sap]\ncompany_code = ['1000']\n", "sap.company_code"),
    ("[sap\nmode = 'rfc'\n", "not valid TOML"),
])
def test_a_malformed_config_names_the_file_and_key(tmp_path: Path, toml: str,
                                                   named: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml, encoding="utf-8")
    result = arbots("run", "nightly", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    line = result.stderr.strip().splitlines()[-1]
    assert str(config) in line and named in line
    assert "hunter2" not in result.stderr


def test_unknown_bot_is_a_configuration_error(tmp_path: Path) -> None:
    result = arbots("run", "nightlyy", cwd=tmp_path)
    assert result.returncode == 2 and "unknown bot 'nightlyy'" in result.stderr


def test_run_then_history_then_report_latest(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    run = arbots("run", "openitems", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    runs = arbots("runs", "--config", str(config), cwd=tmp_path)
    assert "openitems" in runs.stderr and "ok" in runs.stderr
    report = arbots("report", "latest", "--json", "--config", str(config), cwd=tmp_path)
    data = json.loads(report.stdout)
    assert data["status"] == "ok" and data["bots"]["openitems"]["counts"]["open_items"] > 0
