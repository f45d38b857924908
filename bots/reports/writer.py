"""Writing a run's report files into its run folder.

:func:`write_run_report` renders all three files first (``report.json``,
``worklist.xlsx``, ``report.html``), then writes each through a temporary
file in the same folder and an atomic rename: a reader never sees a
half-written report, and a rendering error leaves the previous files as they
were. Rewriting a report (a resumed run) replaces the files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_run_report(run_dir: Path, report: RunReport) -> ReportPaths:
    """Write report.html, report.json and worklist.xlsx of ``report`` into ``run_dir``."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(html=run_dir / "report.html", json=run_dir / "report.json",
                        xlsx=run_dir / "worklist.xlsx")
    rendered = ((paths.json, render_json(report).encode("utf-8")),
                (paths.xlsx, worklist_bytes(report)),
                (paths.html, render_html(report).encode("utf-8")))
    for path, data in rendered:
        _write_atomically(path, data)
    return paths
