"""The files of `arbots match` (spec/interchange.md section 2) and the command itself."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from bots.interchange import (
    PROPOSAL_COLUMNS,
    InterchangeError,
    read_customers,
    read_open_items,
    read_remittances,
)

HEADER = ("company_code,customer,document_no,fiscal_year,line_item,invoice_ref,po_number,"
          "doc_date,due_date,currency,amount,discount_pct,discount_date\n")
OPEN_CSV = HEADER + """\
1000,0000100042,1800000123,2026,001,90012345,PO-7781,2026-03-01,2026-03-31,USD,10500.00,2,\
2026-03-15
1000,0000100042,1800000124,2026,001,90012346,,2026-03-01,2026-03-31,USD,"1,200.00",,
1000,0000100042,1800000125,2026,001,90012347,,2026-03-01,2026-03-31,USD,99.999,,
1000,0000100043,1800000126,2026,001,A-77,,2026-03-02,2026-04-01,JPY,150000,,
1000,0000100043,1800000127,2026,001,A-78,,2026-03-02,,JPY,150000,,
"""
CUST_CSV = """customer,name,parent,aliases
0000100042,ACME Corp.,,Acme Trading;ACME Intl
0000100043,Nippon Bolt KK,,
"""


def _remittances() -> str:
    rows = [
        {"id": "r-1", "source": "inbox/acme.pdf", "format": "pdf", "payer_name": "ACME Corp.",
         "payer_account": None, "payment_ref": "ACH 1", "payment_date": "2026-03-12",
         "payment_method": "ach", "currency": "USD", "total": "10290.00",
         "lines": [{"invoice_ref": "90012345", "po_number": "PO-7781", "invoice_date": None,
                    "gross_amount": "10500.00", "discount": "210.00", "deduction": "0.00",
                    "deduction_reason": None, "paid_amount": "10290.00"}], "warnings": []},
        {"id": "r-2", "source": "inbox/bolt.pdf", "format": "pdf", "payer_name": "Nippon Bolt",
         "payment_date": "2026-03-20", "currency": "JPY", "total": "150000", "lines": []},
        {"id": "r-3", "currency": "USD", "total": 12.5, "lines": []},
        {"id": "r-4", "currency": "USD", "lines": [{"invoice_ref": "X"}]},
        {"id": "r-5", "currency": "USD", "payer_name": "Nobody", "total": "5.00", "lines": []},
    ]
    return "\n".join(json.dumps(r) for r in rows) + "\n{not json\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"open": tmp_path / "OPEN.csv", "remit": tmp_path / "REMIT.jsonl",
             "cust": tmp_path / "CUST.csv", "out": tmp_path / "PROPOSALS.csv"}
    paths["open"].write_text(OPEN_CSV, encoding="utf-8")
    paths["remit"].write_text(_remittances(), encoding="utf-8")
    paths["cust"].write_text(CUST_CSV, encoding="utf-8")
    return paths


def test_read_open_items_reports_bad_rows(files):
    items, problems = read_open_items(files["open"])
    assert [i.document_no for i in items] == ["1800000123", "1800000126"]
    assert items[0].discount_pct == Decimal("2") and items[1].amount == Decimal("150000")
    assert [str(p) for p in problems] == [
        f"{files['open']}:3: amount: '1,200.00' is not a decimal with a dot",
        f"{files['open']}:4: amount: '99.999' has more decimals than USD allows",
        f"{files['open']}:6: due_date: is required",
    ]


def test_read_remittances_and_customers(files):
    remittances, problems = read_remittances(files["remit"])
    assert [r.id for r in remittances] == ["r-1", "r-2", "r-5"]
    assert remittances[0].lines[0].discount == Decimal("210.00")
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (3, "total"), (4, "lines[0].paid_amount"), (6, "not valid JSON")]
    assert "JSON number" in problems[0].reason
    customers, problems = read_customers(files["cust"])
    assert customers[0].aliases == ("Acme Trading", "ACME Intl") and not problems


def test_missing_column_is_a_file_error(tmp_path):
    bad = tmp_path / "OPEN.csv"
    bad.write_text("customer,amount\n1,2.00\n", encoding="utf-8")
    with pytest.raises(InterchangeError, match="missing column"):
        read_open_items(bad)


def test_cli_writes_the_spec_columns_and_exits_1_on_bad_rows(files):
    result = CliRunner().invoke(main, [
        "match", "--open-items", str(files["open"]), "--remittances", str(files["remit"]),
        "--customers", str(files["cust"]), "--out", str(files["out"])])
    assert result.exit_code == 1, result.output
    with open(files["out"], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == PROPOSAL_COLUMNS
    r1 = rows[0]
    assert (r1["remittance_id"], r1["line_index"], r1["document_no"], r1["applied_amount"],
            r1["discount_amount"], r1["decision"], r1["rule"]) == (
        "r-1", "0", "1800000123", "10290.00", "210.00", "auto", "exact-ref")
    assert float(r1["confidence"]) >= 0.9
    r2 = rows[1]
    assert (r2["remittance_id"], r2["line_index"], r2["document_no"], r2["applied_amount"],
            r2["rule"]) == ("r-2", "", "1800000126", "150000", "amount-only")
    unmatched = rows[2]
    assert (unmatched["remittance_id"], unmatched["document_no"], unmatched["decision"]) == (
        "r-5", "", "review")
    assert unmatched["reason"].startswith("Payment (5.00 USD) not matched: ")
    err = result.stderr if hasattr(result, "stderr") else result.output
    assert "amount: '1,200.00' is not a decimal with a dot" in err
    assert "unmatched" in err


def test_cli_bad_policy_exits_2(files):
    result = CliRunner().invoke(main, [
        "match", "--open-items", str(files["open"]), "--remittances", str(files["remit"]),
        "--out", str(files["out"]), "--policy", "auto_threshold=2"])
    assert result.exit_code == 2
    assert "auto_threshold: must be between 0 and 1" in (result.stderr or result.output)


def test_cli_clean_input_exits_0(tmp_path, files):
    clean = tmp_path / "clean.jsonl"
    clean.write_text(files["remit"].read_text().splitlines()[0] + "\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("\n".join(OPEN_CSV.splitlines()[:2]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, [
        "match", "--open-items", str(good), "--remittances", str(clean),
        "--out", str(files["out"])])
    assert result.exit_code == 0, result.output


def test_round_trip_through_files_gives_the_engine_result(tmp_path):
    """The corpus written to the interchange files and matched by the CLI = the engine."""
    from bench.cashapp_corpus import generate
    from bots.cashapp import Policy, match
    from bots.interchange import (
        proposal_rows,
        write_customers,
        write_open_items,
        write_remittances,
    )

    corpus = generate(seed=5, customers=40, payments=120)
    write_open_items(corpus.open_items, tmp_path / "OPEN.csv")
    write_customers(corpus.customers, tmp_path / "CUST.csv")
    write_remittances(corpus.remittances, tmp_path / "REMIT.jsonl")
    (tmp_path / "applied.txt").write_text("\n".join(sorted(corpus.already_applied)))
    result = CliRunner().invoke(main, [
        "match", "--open-items", str(tmp_path / "OPEN.csv"),
        "--remittances", str(tmp_path / "REMIT.jsonl"),
        "--customers", str(tmp_path / "CUST.csv"), "--out", str(tmp_path / "P.csv"),
        "--already-applied", str(tmp_path / "applied.txt")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "P.csv", encoding="utf-8", newline="") as handle:
        from_files = list(csv.DictReader(handle))
    direct = list(proposal_rows(match(corpus.open_items, corpus.remittances, corpus.customers,
                                      Policy(), already_applied=corpus.already_applied),
                                [r.id for r in corpus.remittances]))
    assert len(from_files) > 200
    assert from_files == direct
