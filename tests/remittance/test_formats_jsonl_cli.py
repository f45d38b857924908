"""The interchange JSON Lines (spec section 1) and the limits configuration."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.config import ConfigError
from bots.domain import PaymentMethod, Remittance, RemittanceLine
from bots.remittance import Limits
from bots.remittance.jsonl import read_jsonl, to_json, write_jsonl

REPO = Path(__file__).resolve().parents[2]
SPEC_KEYS = ["id", "source", "format", "payer_name", "payer_account", "payment_ref",
             "payment_date", "payment_method", "currency", "total", "lines", "warnings"]
LINE_KEYS = ["invoice_ref", "po_number", "invoice_date", "gross_amount", "discount",
             "deduction", "deduction_reason", "paid_amount"]


def _remittance(currency: str = "USD") -> Remittance:
    return Remittance(
        id="r-5f1c0a9e2b7d", source="inbox/acme-0412.pdf", format="pdf", currency=currency,
        payer_name="ACME Corp.", payment_ref="ACH 000123987", payment_date=date(2026, 4, 12),
        payment_method=PaymentMethod.ACH, total=Decimal("10290"),
        lines=[RemittanceLine("90012345", Decimal("10290"), po_number="PO-7781",
                              invoice_date=date(2026, 3, 1), gross_amount=Decimal("10500"),
                              discount=Decimal("210"))])


def test_json_matches_the_spec_example():
    obj = to_json(_remittance())
    assert list(obj) == SPEC_KEYS and list(obj["lines"][0]) == LINE_KEYS
    assert obj["total"] == "10290.00" and obj["payment_date"] == "2026-04-12"
    assert obj["payment_method"] == "ach" and obj["payer_account"] is None
    assert obj["lines"][0] == {
        "invoice_ref": "90012345", "po_number": "PO-7781", "invoice_date": "2026-03-01",
        "gross_amount": "10500.00", "discount": "210.00", "deduction": "0.00",
        "deduction_reason": None, "paid_amount": "10290.00"}


def test_amounts_follow_the_currency_decimals_and_round_trip():
    out = io.StringIO()
    assert write_jsonl([_remittance("JPY"), _remittance("KWD")], out) == 2
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["total"], second["total"]) == ("10290", "10290.000")
    back = list(read_jsonl(out.getvalue().splitlines()))
    assert back[0].total == Decimal("10290") and back[0].lines[0].discount == Decimal("210")
    assert back[1].payment_method is PaymentMethod.ACH
    assert back[0].lines[0].invoice_date == date(2026, 3, 1)


def test_limits_from_config():
    assert Limits.from_config({}, "site.toml") == Limits()
    limits = Limits.from_config({"remittance": {"limits": {"max_depth": 1}}}, "site.toml")
    assert limits.max_depth == 1 and limits.max_ratio == Limits().max_ratio
    with pytest.raises(ConfigError, match=r"site.toml: remittance.limits.max_ratio: expected"):
        Limits.from_config({"remittance": {"limits": {"max_ratio": "100"}}}, "site.toml")
    with pytest.raises(ConfigError, match=r"remittance.limits.depth: unknown setting"):
        Limits.from_config({"remittance": {"limits": {"depth": 2}}}, "site.toml")
    with pytest.raises(ValueError, match="max_members"):
        Limits(max_members=0)


def test_cli_bad_limits_config_exits_2(tmp_path):
    config = tmp_path / "site.toml"
    config.write_text((REPO / "config" / "demo.toml").read_text()
                      + "\n[remittance.limits]\nmax_ratio = -1\n")
    (tmp_path / "a.csv").write_bytes(b"Invoice,Paid\nA1,1.00\n")
    run = subprocess.run([str(REPO / ".venv" / "bin" / "arbots"), "extract",
                          str(tmp_path / "a.csv"), "--config", str(config)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert "remittance.limits.max_ratio" in run.stderr and run.stdout == ""
