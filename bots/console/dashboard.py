"""The supervisors' dashboard: today's runs and the cash-application trend of the last 30.

The figures are the ones of the run report (:mod:`bots.reports.metrics`,
computed with pandas from the store's cash lines): per run, the share of lines
posted unattended and the hit rates at invoice and header level; then the
cash still on account and why payments wait for review.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from bots.reports.metrics import on_account_open, run_trend
from bots.store import Store

LAST_RUNS = 30  # runs in the trend


def dashboard(store: Store, today: datetime) -> dict[str, Any]:
    """``{today: {runs, by_status}, trend: [...], on_account: [...], waiting_reasons}``."""
    runs_today = [r for r in store.runs(200) if r.started.date() == today.date()]
    trend = [{"run_id": p.run_id, "started": p.started.isoformat(timespec="minutes"),
              "lines": p.lines, "auto_pct": _pct(p.auto_rate),
              "invoice_hit_pct": _pct(p.invoice.rate), "header_hit_pct": _pct(p.header.rate)}
             for p in run_trend(store, last=LAST_RUNS)]
    waiting = Counter((r["reason"] or "no reason kept").split(":")[0]
                      for r in store.remittances("review"))
    return {"today": {"runs": len(runs_today),
                      "by_status": dict(Counter(r.status for r in runs_today))},
            "trend": trend,
            "on_account": [{"customer": c.customer, "currency": c.currency,
                            "amount": str(c.amount)} for c in on_account_open(store)],
            "waiting_reasons": dict(waiting.most_common())}


def _pct(rate: float | None) -> float | None:
    """A rate as a percentage with one decimal (a display figure, not money)."""
    return None if rate is None else round(rate * 100, 1)
