"""The run report: what a supervisor reads, what AR staff work.

For each run, :func:`write_run_report` writes these files into the run's
folder from one :class:`RunReport` (the runner fills it; see
:mod:`bots.reports.model`):

- ``report.html``: self-contained page (inline CSS and SVG charts, no
  JavaScript, no external URL), headline, money, cash application's figures
  and trend, one section per bot, worklist summary, inputs, external writes
  with amounts and the documents they sent (:mod:`bots.reports.html_report`);
- ``report.json``: the same for machines, schema ``arbots.run-report/1``
  documented in :mod:`bots.reports.json_report`;
- ``worklist.xlsx``: Summary, one sheet per worklist kind (the Decision column
  a dropdown), and a Legend (:mod:`bots.reports.worklist`);
- one CSV per list, linked from the page (:mod:`bots.reports.csv_export`).

:func:`render_history` gives the ``arbots runs`` table
(:mod:`bots.reports.history`). Everything here is a pure function of the
model except :func:`write_run_report`, which only writes files.
"""

from bots.reports.history import RunSummaryRow, render_history
from bots.reports.html_report import render_html
from bots.reports.json_report import render_json, report_document
from bots.reports.model import (
    WORKLIST_KINDS,
    AgingBucket,
    BotSection,
    BotStatus,
    CashReviewRow,
    CollectionRow,
    CreditReleaseRow,
    ErrorItem,
    InputOutcome,
    InputRecord,
    PortalFailureRow,
    RunReport,
    StatusAmount,
    UnmatchedRow,
    WaitingItem,
    WorklistRow,
    WriteRecord,
    WriteState,
)
from bots.reports.worklist import worklist_bytes
from bots.reports.writer import ReportPaths, write_run_report

__all__ = [
    "WORKLIST_KINDS", "AgingBucket", "BotSection", "BotStatus", "CashReviewRow",
    "CollectionRow", "CreditReleaseRow", "ErrorItem", "InputOutcome", "InputRecord",
    "PortalFailureRow",
    "ReportPaths", "RunReport", "RunSummaryRow", "StatusAmount", "UnmatchedRow",
    "WaitingItem", "WorklistRow", "WriteRecord", "WriteState", "render_history",
    "render_html", "render_json", "report_document", "worklist_bytes", "write_run_report",
]
