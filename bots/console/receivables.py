"""Receivables figures of the dashboard, computed with pandas from the open-item snapshots.

Each run that pulled open items kept them (:meth:`bots.store.Store.snapshot`);
its key date is the day it started. Per snapshot and currency (no exchange
rates: currencies are never added together):

- **aging**: the open amount per days-past-due bucket (the configured
  ``[collections] aging_buckets``, as in the run report), credits included;
- **share current**: the not-yet-due part of the open amount, in percent;
- **DSO** (days sales outstanding) = open amount / amount billed in the last
  :data:`DSO_DAYS` days x :data:`DSO_DAYS`. What was billed is what the
  snapshots saw: every invoice item (positive amount) with a document date in
  the window, in any snapshot up to the key date, counted once at the largest
  open amount seen (a part payment lowers it in later snapshots). An invoice
  billed and paid between two snapshots is not seen, so with few snapshots
  DSO reads high; nightly snapshots see nearly every invoice.

Amounts are summed in integer minor units and given as decimal strings;
percentages and days are display figures with one decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from bots.domain import from_minor
from bots.pipeline.aging import bucket_label, bucket_labels
from bots.store import Store

DSO_DAYS = 90
LAST_SNAPSHOTS = 30  # snapshots in the trend
RUNS_LOOKED_AT = 200  # newest runs searched for snapshots
COLUMNS = ("run_id", "key_date", "item", "currency", "amount_minor", "doc_date", "due_date")


def snapshot_frame(store: Store, last: int = LAST_SNAPSHOTS) -> pd.DataFrame:
    """The open items of the newest ``last`` snapshots, one row per item and snapshot
    (:data:`COLUMNS`; ``item``: company code/customer/document/year/line)."""
    rows: list[tuple[Any, ...]] = []
    taken = 0
    for run in store.runs(RUNS_LOOKED_AT):
        found = [(run.id, run.started.date(),
                  f"{i.company_code}/{i.customer}/{i.document_no}/{i.fiscal_year}/{i.line_item}",
                  i.currency, i.amount_minor, i.doc_date, i.due_date)
                 for i in store.snapshot(run.id)]
        if found:
            rows.extend(found)
            taken += 1
            if taken == last:
                break
    return pd.DataFrame(rows, columns=list(COLUMNS))


def receivables(frame: pd.DataFrame, bounds: Sequence[int]) -> list[dict[str, Any]]:
    """Per snapshot (oldest first) and currency: ``{run_id, key_date, currency, open,
    aging: {bucket: amount}, current_pct, billed, dso_days}`` (see the module docstring).
    ``current_pct`` and ``dso_days`` are None when there is nothing to divide by."""
    if frame.empty:
        return []
    labels = bucket_labels(tuple(bounds))
    frame = frame.assign(bucket=[
        bucket_label((key - due).days, tuple(bounds))
        for key, due in zip(frame["key_date"], frame["due_date"], strict=True)])
    aging = frame.pivot_table(index=["run_id", "key_date", "currency"], columns="bucket",
                              values="amount_minor", aggfunc="sum", fill_value=0)
    aging = aging.reindex(columns=labels, fill_value=0)
    invoices = frame[frame["amount_minor"] > 0]
    out = []
    for (run_id, key_date, currency), row in aging.sort_index(level=1, sort_remaining=True
                                                              ).iterrows():
        open_minor = int(row.sum())
        billed = _billed(invoices, key_date, currency)
        out.append({
            "run_id": run_id, "key_date": key_date.isoformat(), "currency": currency,
            "open": str(from_minor(open_minor, currency)),
            "aging": {label: str(from_minor(int(row[label]), currency)) for label in labels},
            "current_pct": _ratio(int(row[labels[0]]), open_minor, 100),
            "billed": str(from_minor(billed, currency)),
            "dso_days": _ratio(open_minor, billed, DSO_DAYS)})
    return out


def _billed(invoices: pd.DataFrame, key_date: date, currency: str) -> int:
    """Minor units billed in the :data:`DSO_DAYS` days up to ``key_date``: invoice items
    of ``currency`` seen in a snapshot up to then, dated in the window, each once at its
    largest open amount."""
    seen = invoices[(invoices["currency"] == currency) & (invoices["key_date"] <= key_date)
                    & (invoices["doc_date"] > key_date - timedelta(days=DSO_DAYS))
                    & (invoices["doc_date"] <= key_date)]
    return int(seen.groupby("item")["amount_minor"].max().sum())


def _ratio(part: int, whole: int, scale: int) -> float | None:
    """``part / whole * scale`` with one decimal (a display figure), None for a zero or
    negative ``whole``."""
    return None if whole <= 0 else round(part / whole * scale, 1)
