"""The model refuses floats and duplicates; files are written whole; the history table."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from reports_samples import STARTED, busy_report
from rich.console import Console

from bots.domain import RunStatus, Trigger
from bots.reports import (
    AgingBucket,
    BotSection,
    BotStatus,
    CollectionRow,
    RunReport,
    RunSummaryRow,
    StatusAmount,
    WriteRecord,
    WriteState,
    render_history,
    write_run_report,
)
from bots.reports.formatting import display_amount, format_duration, format_time


def test_money_never_a_float() -> None:
    with pytest.raises(TypeError, match="aging bucket 1-30: money is a Decimal, got float"):
        AgingBucket("1-30", "USD", 12.5, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got float"):
        StatusAmount("applied", "USD", 1.0, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"bot cashapp: amounts\[USD\]"):
        BotSection("cashapp", BotStatus.OK, amounts={"USD": 1.5})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="collections row 0000100042"):
        CollectionRow("0000100042", "ACME", "USD", 10.0, date(2026, 1, 1), 3,  # type: ignore
                      "1-30")
    with pytest.raises(ValueError, match="an amount needs a currency"):
        WriteRecord("SAP", "post", "x", "k-1", WriteState.DONE, amount=Decimal("1"))
    with pytest.raises(TypeError, match=r"counts\[auto\] is an int"):
        BotSection("cashapp", BotStatus.OK, counts={"auto": 1.0})  # type: ignore[dict-item]


def test_bot_names_are_unique_and_enums_are_coerced() -> None:
    with pytest.raises(ValueError, match="a bot appears twice"):
        RunReport("r", RunStatus.OK, Trigger.API, False, STARTED, None, "x",
                  bots=[BotSection("a", BotStatus.OK), BotSection("a", BotStatus.OK)])
    report = RunReport("r", "ok", "api", False, STARTED, None, "x")  # type: ignore[arg-type]
    assert report.status is RunStatus.OK and report.trigger is Trigger.API
    assert report.duration_seconds is None
    assert list(report.worklist_by_kind()) == ["Collections", "Cash review", "Unmatched",
                                               "Portal failures", "Credit releases"]


def test_formatting() -> None:
    assert display_amount(Decimal("1234567.5"), "USD") == "1,234,567.50"
    assert display_amount(Decimal("1500.4"), "JPY") == "1,500"
    assert display_amount(Decimal("-0.0005"), "KWD") == "-0.001"
    assert [format_duration(s) for s in (None, 9, 250, 3725)] == [
        "running", "9s", "4m 10s", "1h 02m 05s"]
    assert format_time(STARTED) == "2026-04-12 02:00:00 UTC"
    assert format_time(datetime(2026, 4, 12, 2, 0)) == "2026-04-12 02:00:00"


def test_write_replaces_files_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    busy = busy_report()
    run_dir = tmp_path / "runs" / busy.run_id
    first = write_run_report(run_dir, busy)
    busy.bots[0].counts["files"] = 99
    second = write_run_report(run_dir, busy)
    assert first == second
    assert sorted(p.name for p in run_dir.iterdir()) == sorted([
        "report.html", "report.json", "worklist.xlsx", *(p.name for p in second.csv)])
    assert len(second.csv) == 10  # no temporary file left beside them
    assert '"files": 99' in second.json.read_text(encoding="utf-8")


def test_history_table() -> None:
    runs = [
        RunSummaryRow("run-2", Trigger.ON_DEMAND, STARTED, None, RunStatus.RUNNING),
        RunSummaryRow("[bold]run-1[/bold]", Trigger.SCHEDULE, STARTED,
                      STARTED + timedelta(seconds=250), RunStatus.FAILED, dry_run=True,
                      counts={"inputs": 1200, "errors": 2}),
    ]
    console = Console(record=True, width=160, color_system=None)
    console.print(render_history(runs))
    text = console.export_text()
    assert "[bold]run-1[/bold]" in text  # shown literally, markup not interpreted
    assert "failed (dry run)" in text and "4m 10s" in text and "running" in text
    assert "inputs 1,200 \u00b7 errors 2" in text
    assert text.index("run-2") < text.index("run-1")
    assert "2026-04-12 02:00:00 UTC" in text
    assert "on demand" in text
