"""The supervisors' dashboard: today's runs and the cash-application trend of the last 30.

The cash figures are the ones of the run report (:mod:`bots.reports.metrics`,
computed with pandas from the store's cash lines): per run, the share of lines
posted unattended and the hit rates at invoice and header level; then the
cash still on account and why payments wait for review; the amount-weighted
auto rate per run and currency; portal success over the runs that submitted
invoices (from the runs' counts). The receivables
figures (DSO, share of A/R current, aging per snapshot) come from the open-item
snapshots (:mod:`bots.console.receivables`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bots.console.receivables import receivables, snapshot_frame
from bots.reports.metrics import amount_rates_by_run, on_account_open, run_trend
from bots.store import RunRecord, Store

LAST_RUNS = 30  # runs in the trend


def dashboard(store: Store, today: datetime, aging_bounds: Sequence[int]) -> dict[str, Any]:
    """``{today: {runs, by_status}, trend: [...], on_account: [...], waiting_reasons,
    portals: [...], receivables: [...]}`` (``receivables``: per snapshot and currency,
    oldest first, see :func:`bots.console.receivables.receivables`; ``aging_bounds``: the
    buckets)."""
    runs_today = [r for r in store.runs(200) if r.started.date() == today.date()]
    points = run_trend(store, last=LAST_RUNS)
    by_amount: dict[str, dict[str, float | None]] = {}
    for rate in amount_rates_by_run(store, [p.run_id for p in points]):
        by_amount.setdefault(rate.group, {})[rate.currency] = _pct(rate.rate)
    trend = [{"run_id": p.run_id, "started": p.started.isoformat(timespec="minutes"),
              "lines": p.lines, "auto_pct": _pct(p.auto_rate),
              "invoice_hit_pct": _pct(p.invoice.rate), "header_hit_pct": _pct(p.header.rate),
              "amount_auto_pct": by_amount.get(p.run_id, {})}
             for p in points]
    waiting = Counter((r["reason"] or "no reason kept").split(":")[0]
                      for r in store.remittances("review"))
    return {"today": {"runs": len(runs_today),
                      "by_status": dict(Counter(r.status for r in runs_today))},
            "trend": trend,
            "on_account": [{"customer": c.customer, "currency": c.currency,
                            "amount": str(c.amount)} for c in on_account_open(store)],
            "waiting_reasons": dict(waiting.most_common()),
            "portals": portal_trend(store.runs(200)),
            "receivables": receivables(snapshot_frame(store), aging_bounds)}


def portal_trend(runs: Sequence[RunRecord]) -> list[dict[str, Any]]:
    """Portal submissions of the last :data:`LAST_RUNS` real runs that had the portal bot
    (``runs``: newest first), oldest first: submitted (or found there already), refused by
    the portal, failed, and the success rate among them."""
    points = []
    for run in runs:
        counts = run.counts.get("portals") if isinstance(run.counts, dict) else None
        if run.dry_run or not isinstance(counts, dict):
            continue
        done = int(counts.get("submitted", 0)) + int(counts.get("duplicate", 0))
        refused, failed = int(counts.get("rejected", 0)), int(counts.get("failed", 0))
        tried = done + refused + failed
        points.append({"run_id": run.id, "started": run.started.isoformat(timespec="minutes"),
                       "submitted": done, "rejected": refused, "failed": failed,
                       "success_pct": _pct(done / tried if tried else None)})
    return points[:LAST_RUNS][::-1]


def _pct(rate: float | None) -> float | None:
    """A rate as a percentage with one decimal (a display figure, not money)."""
    return None if rate is None else round(rate * 100, 1)
