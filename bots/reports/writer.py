"""Writing a run's report files into its run folder.

:func:`write_run_report` renders all files first (``report.json``,
``worklist.xlsx``, the CSV exports of :mod:`bots.reports.csv_export`,
``report.html``), then writes each through a temporary
file in the same folder and an atomic rename: a reader never sees a
half-written report, and a rendering error leaves the previous files as they
were. Rewriting a report (a resumed run) replaces the files.

Documents an external write sent (``WriteRecord.files``: where the portal bots
put an invoice PDF or cXML document) are linked only when they are in the run
folder: the writer drops the others before rendering.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from bots.reports.csv_export import csv_exports
from bots.reports.html_report import render_html
from bots.reports.json_report import render_json
from bots.reports.model import RunReport
from bots.reports.worklist import worklist_bytes


@dataclass(frozen=True)
class ReportPaths:
    """Where the report files of one run are."""

    html: Path
    json: Path
    xlsx: Path
    csv: tuple[Path, ...] = ()  # one per list (bots.reports.csv_export)


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_present_files(run_dir: Path, report: RunReport) -> RunReport:
    """``report`` with each external write's documents narrowed to those in ``run_dir``."""
    writes = [replace(w, files=tuple(f for f in w.files if (run_dir / f).is_file()))
              if w.files else w for w in report.external_writes]
    return replace(report, external_writes=writes)


def write_run_report(run_dir: Path, report: RunReport) -> ReportPaths:
    """Write report.html, report.json, worklist.xlsx and the CSV exports of ``report``
    into ``run_dir``."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    report = with_present_files(run_dir, report)
    exports = csv_exports(report)
    paths = ReportPaths(html=run_dir / "report.html", json=run_dir / "report.json",
                        xlsx=run_dir / "worklist.xlsx",
                        csv=tuple(run_dir / name for name in exports))
    rendered = ((paths.json, render_json(report).encode("utf-8")),
                (paths.xlsx, worklist_bytes(report)),
                *((run_dir / name, data) for name, data in exports.items()),
                (paths.html, render_html(report).encode("utf-8")))
    for path, data in rendered:
        _write_atomically(path, data)
    return paths
