"""What the console shows of runs: the list, one run's report, its external writes.

Plain data (dicts of str/int/bool), shared by the pages and the JSON API. A
run the console started but whose process has not recorded it yet is
``starting``; one whose process ended without recording it (refused: another
run holds the landscape, a configuration error) is ``refused``, with the
process's last line as the message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from bots.domain import RunStatus
from bots.store import Row, RunRecord, Store

WRITES_PAGE = 50
REPORT_PATIENCE = 60  # seconds a run page waits for the report of a run that ended
FILES_LIMIT = 500
FINISHED = {s.value for s in RunStatus} - {RunStatus.RUNNING.value} | {"refused"}


@dataclass(frozen=True)
class RunFilter:
    """Which runs the list shows (empty: all)."""

    bot: str = ""
    status: str = ""


def run_list(store: Store, wanted: RunFilter = RunFilter(), limit: int = 100
             ) -> list[dict[str, Any]]:
    """The runs, newest first, each as :func:`summary`, filtered by bot and status."""
    launches = {r["run_id"]: r for r in store.launches(limit)}
    records = {r.id: r for r in store.runs(limit)}
    rows = [summary(records.get(run_id), launch) for run_id, launch in launches.items()
            if run_id not in records]
    rows += [summary(record, launches.get(record.id)) for record in records.values()]
    rows.sort(key=lambda r: (r["started"], r["run_id"]), reverse=True)
    return [r for r in rows
            if (not wanted.bot or wanted.bot in r["bots"])
            and (not wanted.status or r["status"] == wanted.status)][:limit]


def run_summary(store: Store, run_id: str) -> dict[str, Any] | None:
    """One run as :func:`summary`, or None when no such run exists."""
    record, launch = store.run(run_id), store.launch(run_id)
    if record is None and launch is None:
        return None
    return summary(record, launch)


def summary(record: RunRecord | None, launch: Row | None) -> dict[str, Any]:
    """One run: id, status, trigger, person, bots, dry run, times, duration, counts, message,
    company codes."""
    if record is None:
        assert launch is not None
        gone = launch["exit_code"] is None and not psutil.pid_exists(launch["pid"] or 0)
        ended = launch["exit_code"] is not None or gone
        message = "its process ended without recording the run (the console was restarted " \
            "meanwhile: see its log in the runs folder, console/)" if gone else \
            launch["message"] or "the run did not start"
        return {"run_id": launch["run_id"], "status": "refused" if ended else "starting",
                "trigger": "console", "person": launch["person"], "bots": [launch["bot"]],
                "dry_run": bool(launch["dry_run"]), "started": launch["started"], "ended": None,
                "duration_seconds": None, "counts": {}, "message": message if ended else "",
                "company_codes": []}
    duration = (record.ended - record.started).total_seconds() if record.ended else None
    return {"run_id": record.id, "status": record.status,
            "trigger": "console" if launch is not None else record.trigger,
            "person": launch["person"] if launch is not None else "",
            "bots": list(record.bots), "dry_run": record.dry_run,
            "started": record.started.isoformat(timespec="seconds"),
            "ended": record.ended.isoformat(timespec="seconds") if record.ended else None,
            "duration_seconds": None if duration is None else round(duration),
            "counts": totals(record.counts), "message": record.message,
            "company_codes": list(record.company_codes)}


def totals(counts: dict[str, Any]) -> dict[str, int]:
    """The per-bot counts of a run flattened to ``bot.count`` (numbers only)."""
    out: dict[str, int] = {}
    for bot, numbers in counts.items():
        if isinstance(numbers, dict):
            out.update({f"{bot}.{k}": v for k, v in numbers.items()
                        if isinstance(v, int) and not isinstance(v, bool)})
    return out


def report(runs_dir: Path, run_id: str) -> dict[str, Any] | None:
    """The run's ``report.json`` (None: not written yet, or unreadable)."""
    try:
        data = json.loads((runs_dir / run_id / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def company_codes(report: dict[str, Any] | None) -> list[str]:
    """The company codes a run worked on, as its ``report`` names them ([]: no report yet,
    or one written before reports named them)."""
    codes = (report or {}).get("company_codes")
    return [str(c) for c in codes] if isinstance(codes, list) else []


def files(runs_dir: Path, run_id: str, limit: int = FILES_LIMIT) -> list[dict[str, Any]]:
    """What the run kept in its folder (report, worklist, portal traces, screenshots, sent
    PDFs): ``{path, bytes}`` relative to the folder, in name order, at most ``limit``."""
    folder = runs_dir / run_id
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.rglob("*") if p.is_file())[:limit]
    return [{"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size}
            for p in found]


def run_file(runs_dir: Path, run_id: str, relative: str) -> Path | None:
    """The file ``relative`` of the run's folder, or None when there is none or the path
    leads out of the folder."""
    folder = (runs_dir / run_id).resolve()
    path = (folder / relative).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def writes(store: Store, run_id: str, page: int = 1, kind: str = "") -> dict[str, Any]:
    """One page of the run's external writes (kind, target, status, amount, currency)."""
    rows = [w for w in store.writes(run_id) if not kind or w["kind"] == kind]
    pages = max(1, -(-len(rows) // WRITES_PAGE))
    page = min(max(page, 1), pages)
    chosen = rows[(page - 1) * WRITES_PAGE: page * WRITES_PAGE]
    return {"page": page, "pages": pages, "total": len(rows),
            "kinds": sorted({w["kind"] for w in store.writes(run_id)}),
            "rows": [_write(w) for w in chosen]}


def _write(row: Row) -> dict[str, Any]:
    """One external write for display: the amount (a string) where the payload has one,
    the SAP document number where the result has one."""
    payload, result = _object(row["payload"]), _object(row["result"])
    return {"key": row["key"], "kind": row["kind"], "target": row["target"],
            "status": row["status"], "amount": str(payload.get("amount") or ""),
            "currency": str(payload.get("currency") or ""),
            "document": str(result.get("document") or ""), "error": row["error"] or "",
            "updated": row["updated"]}


def _object(text: str | None) -> dict[str, Any]:
    """The JSON object in ``text`` ({} for none or anything else)."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def followed(run: dict[str, Any], report: dict[str, Any] | None, now: datetime) -> bool:
    """Whether the run page keeps polling: while the run goes on, and for up to
    :data:`REPORT_PATIENCE` seconds after it ended until its report is written (the store
    says ``ok`` a moment before ``report.json`` exists)."""
    if run["status"] not in FINISHED:
        return True
    return report is None and run["ended"] is not None \
        and elapsed(run["ended"], now) < REPORT_PATIENCE


def elapsed(started: str, now: datetime) -> int:
    """Seconds since ``started`` (an ISO time)."""
    return max(0, int((now - datetime.fromisoformat(started)).total_seconds()))
