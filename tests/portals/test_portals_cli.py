"""`arbots portals check|submit` on the embedded sandbox configuration (real Chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from bots.store import Store
from tests.conftest import require_program

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    require_program("/usr/bin/chromium", "drives the customer portals")
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))
    monkeypatch.delenv("ARBOTS_CONFIG", raising=False)
    return tmp_path


def test_submit_from_a_file_reports_each_invoice_and_bad_entries(home: Path) -> None:
    good = {"invoice_no": "CLI-1", "invoice_date": "2026-01-05", "customer": "0000100001",
            "portal": "coupa-sandbox", "po_number": "CP-100001-01", "currency": "USD",
            "total": "14.85",
            "lines": [{"po_line": 1, "quantity": "1", "unit_price": "13.50",
                       "amount": "13.50", "tax_rate": "10", "tax_amount": "1.35"}]}
    bad = {**good, "invoice_no": "CLI-2", "total": "99.99"}
    path = home / "invoices.json"
    path.write_text(json.dumps([good, bad]))

    result = CliRunner().invoke(main, ["portals", "submit", "--portal", "coupa-sandbox",
                                       "--invoices", str(path)])

    assert result.exit_code == 1, result.output  # the bad entry counts as a failure
    assert "CLI-1: submitted CI-" in result.stdout
    assert "invoices[1]: invoice CLI-2: total 99.99 differs" in result.stderr
    with Store(home / "var/arbots.sqlite") as store:
        run = store.runs()[0]
        assert run.bots == ("portals",) and run.counts == {"submitted": 1}
        assert [w["status"] for w in store.writes()] == ["done"]

    path.write_text(json.dumps([good, {**good, "invoice_no": "CLI-3"}]))
    again = CliRunner().invoke(main, ["portals", "submit", "--portal", "coupa-sandbox",
                                      "--invoices", str(path), "--invoice", "CLI-1"])
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [
        "CLI-1: duplicate - already submitted by an earlier run (write ledger); not submitted "
        "again"]


def test_check_signs_in_to_the_three_reference_portals(home: Path) -> None:
    result = CliRunner().invoke(main, ["portals", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["coupa-sandbox: ok", "ariba-sandbox: ok",
                                          "taulia-sandbox: ok"]


def test_unknown_site_is_a_configuration_error(home: Path) -> None:
    result = CliRunner().invoke(main, ["portals", "submit", "--portal", "nowhere"])
    assert result.exit_code == 2
    assert "portals.sites: no site named 'nowhere'" in result.stderr
