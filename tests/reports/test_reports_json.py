"""report.json: required keys, types, decimal strings, and the history read back from it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from reports_samples import SCRIPT, busy_report, empty_report

from bots.reports import RunSummaryRow, report_document, write_run_report
from bots.reports.json_report import SCHEMA


def _walk(value: object) -> list[object]:
    """Every scalar in a JSON document."""
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _walk(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _walk(v)]
    return [value]


def test_top_level_keys_and_types(tmp_path: Path) -> None:
    busy = busy_report()
    doc = json.loads(write_run_report(tmp_path, busy).json.read_text(encoding="utf-8"))
    assert doc["schema"] == SCHEMA
    assert doc["run_id"] == "run-20260412-0200"
    assert doc["status"] == "failed"
    assert doc["trigger"] == "schedule"
    assert doc["dry_run"] is False
    assert datetime.fromisoformat(doc["started"]).isoformat() == "2026-04-12T02:00:00+00:00"
    assert doc["ended"] == "2026-04-12T02:04:10+00:00"
    assert doc["duration_seconds"] == 250
    assert doc["config_source"] == "config/site.toml"


def test_each_bot_has_exactly_status_seconds_counts_errors() -> None:
    busy = busy_report()
    bots = report_document(busy)["bots"]
    assert list(bots) == ["remittance", "cashapp", "portals", "collections"]
    for body in bots.values():
        assert set(body) == {"status", "seconds", "counts", "errors"}
        assert body["status"] in {"ok", "failed", "skipped"}
        assert all(isinstance(n, int) for n in body["counts"].values())
    assert bots["portals"]["status"] == "failed"
    assert bots["cashapp"]["counts"] == {"auto": 12, "review": 2, "unmatched": 1}
    error = bots["portals"]["errors"][0]
    assert set(error) == {"item", "reason", "how_to_fix", "files"}
    assert error["reason"] == f"portal said: {SCRIPT}"  # JSON keeps the text as sent
    assert error["files"][0] == "portals/coupa-90012345/trace.zip"
    assert bots["collections"] == {"status": "skipped", "seconds": None, "counts": {}, "errors": []}


def test_money_is_decimal_strings_with_currency_decimals() -> None:
    busy = busy_report()
    doc = report_document(busy)
    aging = {(a["label"], a["currency"]): a for a in doc["aging"]}
    assert aging[("1-30", "USD")] == {"label": "1-30", "currency": "USD",
                                      "amount": "12000.50", "count": 7}
    assert aging[("current", "JPY")]["amount"] == "3500000"
    assert aging[("1-30", "KWD")]["amount"] == "1234.567"
    assert aging[("61-90", "USD")]["amount"] == "-150.00"
    assert doc["amounts_by_status"][0] == {"status": "applied", "currency": "USD",
                                           "amount": "10290.00", "count": 12}
    assert doc["bot_amounts"] == {"cashapp": {"USD": "10290.00", "JPY": "1500000"}}
    assert doc["external_writes"][0]["amount"] == "10290.00"
    assert doc["external_writes"][1]["amount"] is None
    assert not any(isinstance(leaf, float) for leaf in _walk(doc))


def test_waiting_worklist_inputs() -> None:
    busy = busy_report()
    doc = report_document(busy)
    assert list(doc["waiting"]) == ["cashapp"]
    assert doc["waiting"]["cashapp"][1] == {"item": "r-2 line 3", "for_whom": "credit manager",
                                            "why": "short pay of 210.00 USD, reason DAMAGED"}
    assert doc["worklist"] == {"Collections": 2, "Cash review": 1, "Unmatched": 1,
                               "Portal failures": 1, "Credit releases": 0}
    assert [i["outcome"] for i in doc["inputs"]] == ["applied", "quarantined"]
    assert doc["external_writes"][1]["state"] == "failed"


def test_empty_run(tmp_path: Path) -> None:
    empty = empty_report()
    doc = json.loads(write_run_report(tmp_path, empty).json.read_text(encoding="utf-8"))
    assert doc["bots"] == {} and doc["aging"] == [] and doc["inputs"] == []
    assert doc["dry_run"] is True and doc["status"] == "ok"
    assert doc["worklist"] == {"Collections": 0, "Cash review": 0, "Unmatched": 0,
                               "Portal failures": 0, "Credit releases": 0}


def test_history_row_read_back_from_report_json(tmp_path: Path) -> None:
    busy = busy_report()
    doc = json.loads(write_run_report(tmp_path, busy).json.read_text(encoding="utf-8"))
    row = RunSummaryRow.from_document(doc)
    assert row == RunSummaryRow.from_report(busy)
    assert row.duration_seconds == 250
    assert row.counts == {"inputs": 2, "errors": 2, "waiting": 2, "worklist": 5, "writes": 1}
