"""``report.json``: the run report for machines (schema ``arbots.run-report/1``).

:func:`report_document` gives the document as plain JSON types;
:func:`render_json` the text (UTF-8, two-space indent, keys in the order
below). The shape is a contract: add keys, never rename or retype them
without a new schema version.

.. code-block:: text

    {
      "schema": "arbots.run-report/1",
      "run_id": "run-20260412-0200",
      "status": "running" | "ok" | "failed" | "interrupted" | "aborted",
      "trigger": "schedule" | "on_demand" | "api",
      "dry_run": false,
      "started": "2026-04-12T02:00:00+00:00",       ISO 8601, as recorded
      "ended": "2026-04-12T02:04:10+00:00" | null,  null while running
      "duration_seconds": 250 | null,
      "config_source": "config/site.toml",
      "company_codes": ["1000", "2000"],            the run's company codes ([]: not recorded)
      "bots": {                                     one entry per bot, exactly these keys:
        "<name>": {"status": "ok" | "failed" | "skipped",
                   "seconds": 12.3 | null,       the bot's wall time; null: it did not run
                   "counts": {"<what>": <int>, ...},
                   "errors": [{"item": str, "reason": str, "how_to_fix": str,
                               "files": [str, ...]}]}    files relative to the run folder
      },
      "waiting": {"<bot name>": [{"item": str, "for_whom": str, "why": str}]},
      "bot_amounts": {"<bot name>": {"<currency>": "<decimal>"}},
      "aging": [{"label": str, "currency": str, "amount": "<decimal>", "count": int}],
      "amounts_by_status": [{"status": str, "currency": str, "amount": "<decimal>",
                             "count": int}],
      "worklist": {"<sheet name>": <row count>, ...},   every sheet of worklist.xlsx
      "external_writes": [{"system": str, "action": str, "target": str,
                           "idempotency_key": str,
                           "state": "intent" | "submitted" | "done" | "failed" |
                                    "dry_run",
                           "currency": str, "amount": "<decimal>" | null, "detail": str,
                           "files": [str, ...]}],    documents sent, relative paths
      "inputs": [{"source": str, "sha256": str, "format": str,
                  "outcome": "applied" | "review" | "quarantined" | "seen_before",
                  "reason": str}],
      "cash": null | {                              cash application's figures
        "dry_run": bool, "lines": int, "lines_auto": int, "auto_rate": <rate>,
        "invoice_hits": <hits>, "header_hits": <hits>,
        "auto_by_company_code": [{"company_code": str, "currency": str,
                                  "auto": "<decimal>", "total": "<decimal>",
                                  "rate": <rate>}],
        "auto_by_customer": [{"customer": str, ...the same}],
        "on_account": [{"customer": str, "currency": str, "amount": "<decimal>"}],
        "on_account_open": [...the same: unapplied now, all runs],
        "trend": [{"run_id": str, "started": str, "lines": int, "lines_auto": int,
                   "auto_rate": <rate>, "invoice_hits": <hits>, "header_hits": <hits>}]
      }
    }

    <rate>: a fraction 0..1 rounded to 4 places, or null when there is nothing to
    divide by; <hits>: {"hits": int, "judged": int, "pending": int, "rate": <rate>}.
    The definitions (what a hit is, in production and on a benchmark) are in
    :mod:`bots.reports.metrics`; ``trend`` is the last runs, oldest first.

Amounts are decimal strings with a dot and the currency's decimals
(``"1234.50"``, ``"1500"`` for JPY, ``"12.345"`` for KWD), never JSON numbers,
so that no reader parses money into a float. ``waiting`` and ``bot_amounts``
only list bots that have some.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bots.domain import format_amount
from bots.reports.model import RunReport

if TYPE_CHECKING:
    from bots.reports.metrics import AmountRate, CashFigures, OnAccountCash, Rate

SCHEMA = "arbots.run-report/1"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def report_document(report: RunReport) -> dict[str, Any]:
    """The report as JSON-ready dicts, lists, strings, ints and booleans."""
    return {
        "schema": SCHEMA,
        "run_id": report.run_id,
        "status": report.status.value,
        "trigger": report.trigger.value,
        "dry_run": report.dry_run,
        "started": _iso(report.started),
        "ended": _iso(report.ended),
        "duration_seconds": report.duration_seconds,
        "config_source": report.config_source,
        "company_codes": list(report.company_codes),
        "bots": {
            bot.name: {
                "status": bot.status.value,
                "seconds": bot.seconds,
                "counts": dict(bot.counts),
                "errors": [{"item": e.item, "reason": e.reason, "how_to_fix": e.how_to_fix,
                            "files": list(e.files)} for e in bot.errors],
            }
            for bot in report.bots
        },
        "waiting": {
            bot.name: [{"item": w.item, "for_whom": w.for_whom, "why": w.why}
                       for w in bot.waiting]
            for bot in report.bots if bot.waiting
        },
        "bot_amounts": {
            bot.name: {cur: format_amount(amount, cur) for cur, amount in bot.amounts.items()}
            for bot in report.bots if bot.amounts
        },
        "aging": [{"label": a.label, "currency": a.currency,
                   "amount": format_amount(a.amount, a.currency), "count": a.count}
                  for a in report.aging],
        "amounts_by_status": [{"status": s.status, "currency": s.currency,
                               "amount": format_amount(s.amount, s.currency), "count": s.count}
                              for s in report.amounts_by_status],
        "worklist": {sheet: len(rows) for sheet, rows in report.worklist_by_kind().items()},
        "external_writes": [
            {"system": w.system, "action": w.action, "target": w.target,
             "idempotency_key": w.idempotency_key, "state": w.state.value,
             "currency": w.currency,
             "amount": format_amount(w.amount, w.currency) if w.amount is not None else None,
             "detail": w.detail, "files": list(w.files)}
            for w in report.external_writes
        ],
        "inputs": [{"source": i.source, "sha256": i.sha256, "format": i.format,
                    "outcome": i.outcome.value, "reason": i.reason} for i in report.inputs],
        "cash": cash_document(report.cash) if report.cash is not None else None,
    }


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _hits(rate: Rate) -> dict[str, Any]:
    return {"hits": rate.hits, "judged": rate.judged, "pending": rate.pending,
            "rate": _rate(rate.rate)}


def _amount_rate(name: str, a: AmountRate) -> dict[str, Any]:
    return {name: a.group, "currency": a.currency, "auto": format_amount(a.auto, a.currency),
            "total": format_amount(a.total, a.currency), "rate": _rate(a.rate)}


def _cash(rows: Sequence[OnAccountCash]) -> list[dict[str, str]]:
    return [{"customer": c.customer, "currency": c.currency,
             "amount": format_amount(c.amount, c.currency)} for c in rows]


def cash_document(cash: CashFigures) -> dict[str, Any]:
    """The ``cash`` part of the report."""
    return {
        "dry_run": cash.dry_run, "lines": cash.lines, "lines_auto": cash.lines_auto,
        "auto_rate": _rate(cash.auto_rate),
        "invoice_hits": _hits(cash.invoice), "header_hits": _hits(cash.header),
        "auto_by_company_code": [_amount_rate("company_code", a) for a in cash.by_company_code],
        "auto_by_customer": [_amount_rate("customer", a) for a in cash.by_customer],
        "on_account": _cash(cash.on_account),
        "on_account_open": _cash(cash.on_account_open),
        "trend": [{"run_id": p.run_id, "started": p.started.isoformat(), "lines": p.lines,
                   "lines_auto": p.lines_auto, "auto_rate": _rate(p.auto_rate),
                   "invoice_hits": _hits(p.invoice), "header_hits": _hits(p.header)}
                  for p in cash.trend],
    }


def render_json(report: RunReport) -> str:
    """``report.json``'s text."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"
