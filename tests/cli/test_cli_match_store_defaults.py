"""``arbots match`` knows what the nightly run knows: learned aliases, applied remittances."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cashapp import Memory
from bots.cli import main
from bots.config import load_config
from bots.store import Store

OPEN_CSV = """\
company_code,customer,document_no,fiscal_year,line_item,invoice_ref,po_number,doc_date,\
due_date,currency,amount,discount_pct,discount_date
1000,0000100042,1800000123,2026,001,90012345,,2026-03-01,2026-03-31,USD,500.00,,
1000,0000100042,1800000124,2026,001,90012346,,2026-03-01,2026-03-31,USD,80.00,,
"""
CUST_CSV = "customer,name,parent,aliases\n0000100042,ACME Corp.,,\n"
REMITTANCES = [
    # amount only: needs the payer, whom only a learned alias names
    {"id": "r-alias", "source": "a.pdf", "format": "pdf", "payer_name": "Roadrunner Holdings",
     "payment_ref": "ACH 1", "payment_date": "2026-03-12", "currency": "USD",
     "total": "500.00", "lines": []},
    {"id": "r-done", "source": "b.pdf", "format": "pdf", "payer_name": "ACME Corp.",
     "payment_ref": "ACH 2", "payment_date": "2026-03-12", "currency": "USD", "total": "80.00",
     "lines": [{"invoice_ref": "90012346", "paid_amount": "80.00"}]},
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARBOTS_HOME", str(tmp_path))
    monkeypatch.delenv("ARBOTS_CONFIG", raising=False)
    (tmp_path / "OPEN.csv").write_text(OPEN_CSV, encoding="utf-8")
    (tmp_path / "CUST.csv").write_text(CUST_CSV, encoding="utf-8")
    (tmp_path / "R.jsonl").write_text("".join(json.dumps(r) + "\n" for r in REMITTANCES),
                                      encoding="utf-8")
    return tmp_path


def match(home: Path, *extra: str) -> dict[str, list[dict[str, str]]]:
    out = home / "P.csv"
    result = CliRunner().invoke(main, [
        "match", "--open-items", str(home / "OPEN.csv"), "--remittances", str(home / "R.jsonl"),
        "--customers", str(home / "CUST.csv"), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    rows: dict[str, list[dict[str, str]]] = {}
    with out.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["remittance_id"], []).append(row)
    return rows


def nightly_knowledge(home: Path) -> None:
    """What nightly runs leave behind: a learned alias, a remittance applied."""
    cfg = load_config(None)
    Memory(cfg.cashapp_memory_path).add([("ROADRUNNER HOLDINGS", "0000100042")], [])
    with Store(cfg.store_path) as store:
        store.record_input("h1", "demo:b.eml", 1, "run-1")
        store.add_remittance("r-done", "h1", "run-1", "fp-done", "{}")
        store.settle_remittance("r-done", "applied")


def test_without_a_store_nothing_is_learned_or_applied_and_nothing_is_created(home):
    rows = match(home)
    assert [r["rule"] for r in rows["r-alias"]] == ["unmatched"]
    assert "payer is not identified" in rows["r-alias"][0]["reason"]
    assert rows["r-done"][0]["document_no"] == "1800000124"
    assert not (home / "var").exists()


def test_the_store_s_learned_aliases_and_applied_remittances_are_used_by_default(home):
    nightly_knowledge(home)
    rows = match(home)
    assert [r["document_no"] for r in rows["r-alias"]] == ["1800000123"]
    assert "already applied" in rows["r-done"][0]["reason"]
    assert rows["r-done"][0]["document_no"] == ""


def test_memory_and_already_applied_options_replace_the_store(home):
    nightly_knowledge(home)
    (home / "none.txt").write_text("", encoding="utf-8")
    rows = match(home, "--memory", str(home / "other.sqlite"),
                 "--already-applied", str(home / "none.txt"))
    assert [r["rule"] for r in rows["r-alias"]] == ["unmatched"]
    assert rows["r-done"][0]["document_no"] == "1800000124"
