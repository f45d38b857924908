"""Lists of the console as CSV files (runs, the review queue), formula-guarded.

Text in these lists comes from customers (payer names, references, reasons),
so every cell goes through :func:`bots.formula_guard.neutralise_row` before it
reaches a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.responses import Response

from bots.formula_guard import neutralise_row

RUN_COLUMNS = ("run_id", "status", "trigger", "person", "bots", "dry_run", "started", "ended",
               "duration_seconds", "message")
REVIEW_COLUMNS = ("id", "payer", "payment_ref", "payment_date", "amount", "currency",
                  "document_no", "applied_amount", "confidence", "reason", "decision", "person",
                  "status")


def csv_response(name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """``rows`` under ``columns`` as a CSV download called ``name``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(neutralise_row("" if v is None else v for v in row) for row in rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def run_rows(runs: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    """One row per run (see :data:`RUN_COLUMNS`)."""
    for r in runs:
        yield [*(r[c] for c in RUN_COLUMNS[:4]), " ".join(r["bots"]),
               *(r[c] for c in RUN_COLUMNS[5:])]


def review_rows(items: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    """One row per proposal of each waiting payment (see :data:`REVIEW_COLUMNS`)."""
    for item in items:
        decision = item["decision"] or {}
        head = [item[c] for c in REVIEW_COLUMNS[:6]]
        tail = [decision.get("decision", ""), decision.get("person", ""),
                decision.get("status", "")]
        for p in item["proposals"] or [{}]:
            yield [*head, *(p.get(c, "") for c in REVIEW_COLUMNS[6:10]), *tail]
