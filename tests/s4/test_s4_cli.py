"""`arbots run openitems` with sap.mode = "s4", against the S/4 simulator on loopback."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from s4_world import TODAY, write_config

from bots.cli import main
from bots.sandbox.s4 import S4Server
from bots.sandbox.sap import SapSimulator
from bots.sap import SapClient

pytestmark = pytest.mark.usefixtures("secrets_env")


def _openitems_section(runs: Path) -> dict:
    (report,) = runs.glob("*/report.json")
    return dict(json.loads(report.read_text(encoding="utf-8"))["bots"]["openitems"])


@pytest.mark.slow
@pytest.mark.parametrize("simulator", ["started by the test", "started by the adapter"])
def test_run_openitems_in_s4_mode(tmp_path: Path, world: Path, s4: S4Server,
                                  simulator: str) -> None:
    base_url = s4.url if simulator == "started by the test" else None
    config = write_config(tmp_path, world, base_url=base_url, auth="oauth",
                          services={"API_BUSINESS_PARTNER": "basic"})
    result = CliRunner().invoke(main, ["run", "openitems", "--config", str(config)])
    assert result.exit_code == 0, result.output
    with SapClient(SapSimulator(world)) as rfc:
        items = list(rfc.iter_open_items(["1000", "2000"], TODAY))
        customers = rfc.customers(["1000", "2000"])
    section = _openitems_section(tmp_path / "runs")
    counts = section["counts"]
    assert section["status"] == "ok"
    assert counts["open_items"] == len(items) and counts["customers"] == len(customers)
    if base_url is not None:
        assert s4.stats.tokens_granted == 1 and s4.stats.reads["A_CustomerCompany"] == 1


@pytest.mark.slow
def test_the_demo_s4_configuration_runs_openitems(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))  # the demo world is generated there
    config = Path(__file__).resolve().parents[2] / "config" / "demo-s4.toml"
    result = CliRunner().invoke(main, ["run", "openitems", "--config", str(config)])
    assert result.exit_code == 0, result.output
    with SapClient(SapSimulator(tmp_path / "var" / "sandbox" / "sap.sqlite")) as rfc:
        customers = rfc.customers(["1000", "2000"])
        items = list(rfc.iter_open_items(["1000", "2000"], date.today()))
    section = _openitems_section(tmp_path / "var" / "runs")
    assert section["status"] == "ok" and section["counts"]["customers"] == len(customers)
    assert section["counts"]["open_items"] == len(items) > 1000


@pytest.mark.slow
def test_the_demo_s4_nightly_runs_the_whole_night_on_s4(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo world (made with config/demo.toml, the same files), then the nightly job
    on S/4: every payment the RFC road would post goes as a lockbox batch and is posted,
    the new invoices go to the reference portals with their S/4 billing lines, and every
    note is a file attached through the attachment service."""
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))
    configs = Path(__file__).resolve().parents[2] / "config"
    reset = CliRunner().invoke(main, ["sandbox", "reset", "--world", "--config",
                                      str(configs / "demo.toml")])
    assert reset.exit_code == 0, reset.output
    result = CliRunner().invoke(main, ["run", "nightly", "--config",
                                       str(configs / "demo-s4.toml")])
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "var" / "runs").glob("*/report.json")
    cash = json.loads(report.read_text(encoding="utf-8"))["bots"]["cashapp"]
    posted = cash["counts"]["payments_posted"]
    assert cash["status"] == "ok" and posted >= 10 and not cash["counts"].get(
        "payments_submitted")
    with sqlite3.connect(tmp_path / "var" / "sandbox" / "sap.sqlite") as con:
        checks = con.execute("SELECT STATUS, count(*) FROM S4_LOCKBOX_ITEM GROUP BY 1").fetchall()
    assert checks == [("posted", posted)]
    bots = json.loads(report.read_text(encoding="utf-8"))["bots"]
    portals, collections = bots["portals"], bots["collections"]
    assert portals["status"] == "ok" and portals["counts"]["submitted"] >= 10
    notes = (cash["counts"]["notes_written"] + portals["counts"]["notes_written"]
             + collections["counts"]["notes_written"])
    with sqlite3.connect(tmp_path / "var" / "sandbox" / "sap.sqlite") as con:
        attached = con.execute("SELECT count(*) FROM S4_ATTACHMENTS").fetchone()[0]
    assert attached == notes > 50
