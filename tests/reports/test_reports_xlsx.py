"""worklist.xlsx: sheets, frozen bold header, typed amounts and dates, formula guard."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reports_samples import FORMULA, SCRIPT, busy_report, empty_report

from bots.reports import RunReport, UnmatchedRow, worklist_bytes, write_run_report
from bots.reports.worklist import amount_format, safe_text

WORKLIST_SHEETS = ["Collections", "Cash review", "Unmatched", "Portal failures",
                   "Credit releases"]
SHEETS = ["Summary", *WORKLIST_SHEETS, "Legend"]


def _open(report: RunReport) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(worklist_bytes(report)))


def _rows(ws: Worksheet) -> list[dict[str, Any]]:
    """Data rows as {header: cell}."""
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]


def test_sheets_header_frozen_bold_filtered(tmp_path) -> None:
    busy = busy_report()
    wb = openpyxl.load_workbook(write_run_report(tmp_path, busy).xlsx)
    assert wb.sheetnames == SHEETS
    for name in WORKLIST_SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        assert ws.auto_filter.ref.startswith("A1:")
        titles = [c.value for c in ws[1]]
        ends = {"Cash review": ["Decision", "Corrected invoice ref"],
                "Unmatched": ["Decision", "Corrected invoice ref"],
                "Collections": ["Decision", "Promised amount", "Promised date"]}
        end = ends.get(name, ["Decision"])
        assert titles[-len(end):] == end
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
    assert wb["Collections"].auto_filter.ref == "A1:P3"  # 13 fields, Decision, 2 promise
    promised = _rows(wb["Collections"])[0]["Promised amount"]
    assert promised.value is None and promised.fill.fgColor.rgb.endswith("FFF4CC")
    assert [c.value for c in wb["Unmatched"][1]] == [
        "Remittance", "Source", "Payer name", "Payment reference", "Payment date", "Currency",
        "Amount", "Reason", "Invoice reference", "Decision", "Corrected invoice ref"]
    (row,) = _rows(wb["Unmatched"])
    assert row["Corrected invoice ref"].value is None
    assert row["Corrected invoice ref"].fill.fgColor.rgb.endswith("FFF4CC")


def test_amounts_are_numbers_with_the_currency_decimals() -> None:
    busy = busy_report()
    wb = _open(busy)
    usd, jpy = _rows(wb["Collections"])
    assert usd["Overdue"].data_type == "n" and usd["Overdue"].number_format == "#,##0.00"
    assert Decimal(str(usd["Overdue"].value)) == Decimal("12000.50")
    assert jpy["Overdue"].number_format == "#,##0" and jpy["Overdue"].value == 350000
    (kwd,) = _rows(wb["Unmatched"])
    assert kwd["Amount"].number_format == "#,##0.000"
    assert Decimal(str(kwd["Amount"].value)) == Decimal("1234.567")
    (review,) = _rows(wb["Cash review"])
    assert review["Confidence"].value == pytest.approx(0.82)
    assert review["Confidence"].number_format == "0%"
    assert review["Discount amount"].value == 210


def test_dates_are_dates_and_decision_is_empty() -> None:
    busy = busy_report()
    wb = _open(busy)
    usd = _rows(wb["Collections"])[0]
    assert usd["Oldest due"].value == datetime(2026, 3, 1)
    assert usd["Oldest due"].is_date and usd["Last note"].value == datetime(2026, 3, 29)
    assert usd["Days past due"].value == 42
    assert usd["Decision"].value is None
    assert _rows(wb["Collections"])[1]["Last note"].value is None


def test_formula_injection_guard() -> None:
    busy = busy_report()
    wb = _open(busy)
    assert _rows(wb["Collections"])[1]["Customer name"].value == "'" + FORMULA
    review = _rows(wb["Cash review"])[0]
    assert review["Payer name"].value == f"'-{SCRIPT}"
    assert review["Reason"].value.startswith("'@reason")
    assert _rows(wb["Unmatched"])[0]["Payer name"].value == "'+Gulf Trading"
    assert _rows(wb["Collections"])[0]["Customer name"].value == f"ACME {SCRIPT}"
    formulas = [c.coordinate for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []


def test_safe_text() -> None:
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("\t=cmd") == "'\t=cmd"
    assert safe_text("ACME-1") == "ACME-1"
    assert safe_text("bell\x07 and nul\x00") == "bell and nul"
    assert len(safe_text("x" * 40_000)) == 32_767
    assert [amount_format(c) for c in ("JPY", "USD", "KWD")] == ["#,##0", "#,##0.00",
                                                                 "#,##0.000"]


def test_control_characters_from_a_payer_do_not_break_the_workbook() -> None:
    busy = busy_report()
    busy.worklist.append(UnmatchedRow("r-ctl", "x.pdf", "Payer\x0bName\x1f", "", None, "USD",
                                      Decimal("1.00"), "reason"))
    rows = _rows(_open(busy)["Unmatched"])
    assert rows[1]["Payer name"].value == "PayerName"


def test_trace_links_only_inside_the_run_folder() -> None:
    busy = busy_report()
    (row,) = _rows(_open(busy)["Portal failures"])
    assert row["Trace"].hyperlink.target == "portals/coupa-90012345/trace.zip"
    assert row["Screenshot"].value == "/etc/passwd" and row["Screenshot"].hyperlink is None


def test_summary_sheet() -> None:
    busy = busy_report()
    ws = _open(busy)["Summary"]
    values = {row[0].value: row[1].value for row in ws.iter_rows() if len(row) > 1}
    assert ws["A1"].value == "arbots run run-20260412-0200"
    assert values["Status"] == "failed" and values["Duration"] == "4m 10s"
    assert values["Started"] == "2026-04-12 02:00:00 UTC"
    assert values["Collections"] == 2 and values["Portal failures"] == 1
    cells = {row[0].value: row for row in ws.iter_rows()}
    assert cells["Collections"][0].hyperlink.location == "'Collections'!A1"
    jpy_aging = [row for row in ws.iter_rows() if row[1].value == "JPY"]
    assert [r[2].number_format for r in jpy_aging] == ["#,##0", "#,##0"]


def test_empty_run_has_every_sheet_with_its_header() -> None:
    empty = empty_report()
    wb = _open(empty)
    assert wb.sheetnames == SHEETS
    for name in WORKLIST_SHEETS:
        assert wb[name].max_row == 1 and wb[name].freeze_panes == "A2"


def _validations(ws: Worksheet) -> dict[str, list[str]]:
    """Column letter -> the values of the list validation that covers it from row 2."""
    out = {}
    for check in ws.data_validations.dataValidation:
        assert check.type == "list"
        (cells,) = str(check.sqref).split()
        first, last = cells.split(":")
        assert first[1:] == "2" and last[:1] == first[:1] and int(last[1:]) > 100_000
        out[first[0]] = check.formula1.strip('"').split(",")
    return out


def test_decision_column_has_a_dropdown_of_what_review_apply_accepts(tmp_path) -> None:
    from bots.pipeline.review import read_decisions
    from bots.pipeline.worklist_file import load_worklist

    wb = _open(busy_report())
    for name in WORKLIST_SHEETS:
        ws = wb[name]
        decision = next(c for c in ws[1] if c.value == "Decision")
        checks = _validations(ws)
        assert list(checks) == [decision.column_letter]
        values = checks[decision.column_letter]
        assert values == (["approve", "reject", "account", "wrong"] if name == "Cash review"
                          else ["approve", "reject"])
        assert "Legend" in decision.comment.text and "approve:" in decision.comment.text
        check = ws.data_validations.dataValidation[0]
        assert check.showErrorMessage and check.allow_blank
    # each dropdown value is one review apply reads as itself
    ws = wb["Cash review"]
    titles = [c.value for c in ws[1]]
    template = [c.value for c in ws[2]]
    for value in _validations(ws)[get_column_letter(titles.index("Decision") + 1)]:
        ws.append([*template[:titles.index("Decision")], value])
    path = tmp_path / "decided.xlsx"
    wb.save(path)
    assert [r.decision for r in read_decisions(load_worklist(path))] == \
        ["", "approve", "reject", "account", "wrong"]


def test_legend_says_what_each_decision_does() -> None:
    ws = _open(busy_report())["Legend"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    review = {value: what for sheet, column, value, what in rows
              if sheet == "Cash review" and column == "Decision"}
    assert set(review) == {"approve", "reject", "account", "wrong", "(empty)"}
    assert "posts the payment" in review["approve"] and "nothing is posted" in review["reject"]
    assert {sheet for sheet, column, *_ in rows if column == "Decision"} == \
        set(WORKLIST_SHEETS)
    assert {sheet for sheet, column, *_ in rows if column == "Corrected invoice ref"} == \
        {"Cash review", "Unmatched"}


def test_why_a_partly_posted_payment_waits_is_on_its_review_rows() -> None:
    busy = busy_report()
    why = "500.00 USD on account (document 1400000555), not applied: =short pay"
    busy.worklist.append(replace(busy.worklist[2], remittance_id="r-part",
                                 waiting_reason=why))
    rows = _rows(_open(busy)["Cash review"])
    assert rows[0]["Why the payment waits"].value is None
    assert rows[1]["Why the payment waits"].value == why
    assert rows[1]["Remittance"].value == "r-part"
