"""``report.html``: the page a supervisor reads each morning.

:func:`render_html` turns a :class:`~bots.reports.model.RunReport` into one
self-contained HTML document: inline CSS, inline SVG charts, no JavaScript,
no external URL (a Content-Security-Policy ``default-src 'none'`` makes the
browser refuse any fetch even if one slipped in). It opens offline and
prints cleanly.

Reading order: the headline (status, duration, counts), the money (amounts by
status, aging, one chart per currency), one section per bot (its counts,
what waits for whom and why, its errors with how to fix them and links to
trace/screenshot files), the worklist summary, the inputs and the external
writes.

All text goes through :mod:`bots.reports.markup`, which escapes it: payer
names, reasons and portal messages are shown, never interpreted. Tables stop
after :data:`MAX_ROWS` rows with a note saying where the rest is
(``worklist.xlsx`` / ``report.json`` / the CSV exports hold everything); a table
of more than :data:`COLLAPSE_ROWS` rows is folded (``<details>``, its row count in
the summary), so a long list of writes does not push the rest down the page.
Each list links its CSV export (:mod:`bots.reports.csv_export`, written beside
the page); the external writes show their amounts and link the documents they
sent (invoice PDFs in the run folder); cash application's trend across the
last runs is a line chart above its table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, TypeVar

from bots.domain import RunStatus
from bots.reports import csv_export
from bots.reports.charts import STATUS_COLORS, money_charts, rate_trend_chart
from bots.reports.formatting import display_amount, format_duration, format_rate, format_time
from bots.reports.markup import Safe, el, join, relative_href, void
from bots.reports.model import (
    BotSection,
    BotStatus,
    RunReport,
    WorklistRow,
    WriteState,
)

if TYPE_CHECKING:
    from bots.reports.metrics import AmountRate, CashFigures, OnAccountCash, Rate

MAX_ROWS = 500
COLLAPSE_ROWS = 20
T = TypeVar("T")

STATUS_TEXT = {
    RunStatus.OK: "OK",
    RunStatus.FAILED: "Finished with failures",
    RunStatus.INTERRUPTED: "Interrupted (stopped on request)",
    RunStatus.ABORTED: "Aborted (died; taken over by a later run)",
    RunStatus.RUNNING: "Running",
}

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9dee4; --bg: #f6f7f9;
        --ok: #2f7d4a; --warn: #b7791f; --bad: #b03a2e; --info: #3e5c76; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
             Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; display: flex; align-items: center; gap: 10px; }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase;
     letter-spacing: .04em; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px;
          padding: 16px 20px; margin: 16px 0; }
.meta { color: var(--muted); margin: 0 0 12px; }
.meta span + span::before { content: " · "; }
.badge { display: inline-block; margin-left: 6px; padding: 2px 10px; border-radius: 12px;
         font-size: 12px; font-weight: 600; color: #fff; background: var(--info);
         vertical-align: middle; }
.badge.ok { background: var(--ok); } .badge.failed, .badge.aborted { background: var(--bad); }
.badge.interrupted { background: var(--warn); }
.badge.skipped, .badge.running { background: var(--muted); }
.badge.dry { background: #fff; color: var(--warn); border: 1px solid var(--warn); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 12px; }
.tile { flex: 1 1 150px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px;
        background: #fff; }
.tile .n { font-size: 26px; font-weight: 600; }
.tile .l { color: var(--muted); font-size: 12px; }
.tile.bad .n { color: var(--bad); } .tile.warn .n { color: var(--warn); }
.charts { display: flex; flex-wrap: wrap; gap: 8px 40px; }
.charts > div { flex: 1 1 480px; }
.chart-title { font-size: 13px; font-weight: 600; fill: var(--ink); }
.chart-label, .chart-value { font-size: 12px; fill: var(--ink); }
.counts { display: flex; flex-wrap: wrap; gap: 6px 20px; margin: 0; }
.counts div { white-space: nowrap; } .counts dt { display: inline; color: var(--muted); }
.counts dd { display: inline; margin: 0 0 0 4px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px;
         border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
th { background: var(--bg); font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
          font-size: 12px; }
tr.bad td:first-child { border-left: 3px solid var(--bad); }
.note { color: var(--muted); font-style: italic; margin: 6px 0 0; }
summary { cursor: pointer; color: var(--info); margin: 4px 0; }
a.csv { font-size: 12px; font-weight: normal; margin-left: 8px; }
.empty { color: var(--muted); }
.fix { color: var(--ok); }
.state-failed, .state-quarantined { color: var(--bad); font-weight: 600; }
.state-intent, .state-review { color: var(--warn); font-weight: 600; }
a { color: var(--info); }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
@media print {
  body { background: #fff; font-size: 11px; } main { padding: 0; max-width: none; }
  section { border: none; border-top: 1px solid var(--line); border-radius: 0;
            padding: 8px 0; break-inside: avoid-page; }
  thead { display: table-header-group; } tr { break-inside: avoid; }
  .badge { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"


# --------------------------------------------------------------------------- building blocks


def _table(headers: Sequence[str], items: Sequence[T], cells: Callable[[T], list[object]], *,
           rest_in: str, empty: str = "", numeric: frozenset[int] = frozenset(),
           row_class: str | None = None) -> Safe:
    """A table of the first MAX_ROWS ``items`` (``cells`` makes a row), with a note
    when rows were left out; the ``empty`` sentence when there are none."""
    if not items:
        return el("p", empty, class_="empty")
    head = el("thead", el("tr", [el("th", h, class_="num" if i in numeric else None)
                                 for i, h in enumerate(headers)]))
    body = el("tbody", [
        el("tr", [el("td", cell, class_="num" if i in numeric else None)
                  for i, cell in enumerate(cells(item))], class_=row_class)
        for item in items[:MAX_ROWS]])
    note = None
    if len(items) > MAX_ROWS:
        note = el("p", f"Showing the first {MAX_ROWS:,} of {len(items):,} rows; "
                       f"{rest_in} has them all.", class_="note")
    table = join([el("table", head, body), note])
    if len(items) > COLLAPSE_ROWS:
        return el("details", el("summary", f"{len(items):,} rows"), table)
    return table


def _csv_link(name: str) -> Safe:
    """A link to the CSV export ``name`` beside the page."""
    return el("a", "CSV", href=name, class_="csv", title=f"{name}: the whole list")


def _file_links(files: Sequence[str]) -> Safe:
    """Links to evidence files inside the run folder, named by file name (the path shows on
    hover); any other path as plain text."""
    links = [el("a", PurePosixPath(path).name, href=href, title=path)
             if (href := relative_href(path)) else el("span", path) for path in files]
    return Safe("<br>".join(links))


def _badge(text: str, kind: str) -> Safe:
    return el("span", text, class_=f"badge {kind}")


def _money(amounts: dict[str, Decimal]) -> str:
    return " \u00b7 ".join(f"{currency} {display_amount(amount, currency)}"
                           for currency, amount in amounts.items())


def _counts(counts: dict[str, int]) -> Safe:
    return el("dl", [el("div", el("dt", key.replace("_", " ")), el("dd", f"{value:,}"))
                     for key, value in counts.items()], class_="counts")


def _state(value: str) -> Safe:
    """An outcome or write state, coloured when it needs attention."""
    return el("span", value.replace("_", " "), class_=f"state-{value}")


def _tile(number: object, label: str, kind: str | None = None) -> Safe:
    return el("div", el("div", number, class_="n"), el("div", label, class_="l"),
              class_=f"tile {kind}" if kind else "tile")


# --------------------------------------------------------------------------- sections


def _headline(report: RunReport) -> Safe:
    errors = sum(len(bot.errors) for bot in report.bots)
    waiting = sum(len(bot.waiting) for bot in report.bots)
    writes = Counter(w.state for w in report.external_writes)
    outcomes = Counter(i.outcome.value for i in report.inputs)
    bots = Counter(bot.status for bot in report.bots)
    bot_text = ", ".join(f"{bots[s]} {s.value}" for s in BotStatus if bots[s]) or "none ran"
    input_text = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in outcomes.items())
    status = report.status
    meta = [el("span", f"trigger: {report.trigger.value.replace('_', ' ')}"),
            el("span", f"started {format_time(report.started)}"),
            el("span", f"ended {format_time(report.ended)}"),
            el("span", f"duration {format_duration(report.duration_seconds)}"),
            el("span", f"configuration {report.config_source}")]
    tiles = [
        _tile(len(report.bots), f"bots ({bot_text})", "bad" if bots[BotStatus.FAILED] else None),
        _tile(len(report.inputs), f"inputs ({input_text or 'none'})"),
        _tile(waiting, "waiting for a person", "warn" if waiting else None),
        _tile(errors, "errors to fix", "bad" if errors else None),
        _tile(len(report.worklist), "worklist rows (worklist.xlsx)"),
        _tile(writes[WriteState.DRY_RUN], "external writes a real run would make")
        if report.dry_run else
        _tile(writes[WriteState.DONE], f"external writes done ({writes[WriteState.FAILED]} "
                                       f"failed, {writes[WriteState.INTENT]} unconfirmed"
                                       + (f", {writes[WriteState.SUBMITTED]} submitted, not "
                                          "confirmed yet" if writes[WriteState.SUBMITTED]
                                          else "") + ")",
              "bad" if writes[WriteState.FAILED] or writes[WriteState.INTENT] else None),
    ]
    failing = [bot.name for bot in report.bots if bot.errors]
    attention = None
    if failing:
        links = Safe(", ".join(el("a", name, href=f"#bot-{name}") for name in failing))
        attention = el("p", "Errors in: ", links, class_="meta")
    return el("section",
              el("h1", f"Run {report.run_id} ",
                 _badge(STATUS_TEXT[status], status.value),
                 _badge("dry run: nothing written", "dry") if report.dry_run else None),
              el("p", meta, class_="meta"), attention, el("div", tiles, class_="tiles"))


def _money_section(report: RunReport) -> Safe:
    status_rows = [(s.status, s.currency, s.amount, s.count) for s in report.amounts_by_status]
    aging_rows = [(a.label, a.currency, a.amount, a.count) for a in report.aging]
    columns = [el("div", el("h3", title), money_charts(title, rows, colours) or
                  el("p", "None in this run.", class_="empty"))
               for title, rows, colours in (
                   ("What became of the money", status_rows, STATUS_COLORS),
                   ("Aging of open items", aging_rows, None))]
    return el("section", el("h2", "Money"), el("div", columns, class_="charts"))


def _bot_section(bot: BotSection) -> Safe:
    parts: list[object] = [el("h2", bot.name, _badge(bot.status.value, bot.status.value))]
    if bot.seconds is not None:
        parts.append(el("p", "Time: ", el("strong", format_duration(round(bot.seconds)))))
    parts.append(_counts(bot.counts) if bot.counts else el("p", "No counts.", class_="empty"))
    if bot.amounts:
        parts.append(el("p", "Amounts: ", el("strong", _money(bot.amounts))))
    if bot.errors:
        parts.append(el("h3", f"Errors ({len(bot.errors):,})", _csv_link(csv_export.ERRORS)))
        parts.append(_table(["What", "Reason", "How to fix", "Evidence"], bot.errors,
                            lambda e: [e.item, e.reason, el("span", e.how_to_fix, class_="fix"),
                                       _file_links(e.files)],
                            rest_in=csv_export.ERRORS, row_class="bad"))
    if bot.waiting:
        parts.append(el("h3", f"Waiting for a person ({len(bot.waiting):,})",
                        _csv_link(csv_export.WAITING)))
        parts.append(_table(["What", "For whom", "Why"], bot.waiting,
                            lambda w: [w.item, w.for_whom, w.why],
                            rest_in=csv_export.WAITING))
    if not (bot.errors or bot.waiting):
        parts.append(el("p", "No errors, nothing waits.", class_="empty"))
    return el("section", parts, id=f"bot-{bot.name}")


def _judged(rate: Rate) -> str:
    text = f"{rate.hits:,} of {rate.judged:,}"
    return text + (f", {rate.pending:,} pending" if rate.pending else "")


def _hits(rate: Rate) -> str:
    return f"{format_rate(rate.rate)} ({_judged(rate)})"


def _amount_rates(title: str, column: str, rates: Sequence[AmountRate]) -> Safe:
    return join([el("h3", title), _table(
        [column, "Currency", "Posted unattended", "All cash", "Auto rate"], rates,
        lambda a: [a.group or "(not identified)", a.currency, display_amount(a.auto, a.currency),
                   display_amount(a.total, a.currency), format_rate(a.rate)],
        numeric=frozenset({2, 3, 4}), rest_in="report.json")])


def _on_account_table(rows: Sequence[OnAccountCash], empty: str) -> Safe:
    return _table(["Customer", "Currency", "Amount"], rows,
                  lambda c: [c.customer, c.currency, display_amount(c.amount, c.currency)],
                  numeric=frozenset({2}), empty=empty, rest_in="report.json")


def _cash_section(cash: CashFigures) -> Safe:
    """Cash application's figures (definitions: bots.reports.metrics)."""
    on_account: dict[str, Decimal] = {}
    for c in cash.on_account_open:
        on_account[c.currency] = on_account.get(c.currency, Decimal(0)) + c.amount
    posted = "a real run would post unattended" if cash.dry_run else "posted unattended"
    tiles = [_tile(format_rate(cash.auto_rate),
                   f"lines {posted} ({cash.lines_auto:,} of {cash.lines:,})"),
             _tile(format_rate(cash.invoice.rate),
                   f"invoice-level hit rate ({_judged(cash.invoice)})"),
             _tile(format_rate(cash.header.rate), "header-level hit rate, payment to the "
                                                  f"right customer ({_judged(cash.header)})"),
             _tile(_money(on_account) or "none", "unapplied cash on account now",
                   "warn" if on_account else None)]
    trend = _table(["Run", "Started", "Lines", "Auto rate", "Invoice hits", "Header hits"],
                   list(reversed(cash.trend)),
                   lambda p: [p.run_id, format_time(p.started), f"{p.lines:,}",
                              format_rate(p.auto_rate), _hits(p.invoice), _hits(p.header)],
                   numeric=frozenset({2, 3}), rest_in="report.json")
    return el("section", el("h2", "Cash application figures"),
              el("p", "A hit is a line applied without a person changing it: posted "
                      "unattended and not reset, or approved in review unchanged; lines "
                      "still waiting for a person are pending.", class_="meta"),
              el("div", tiles, class_="tiles"),
              _amount_rates("Amount-weighted auto rate per company code", "Company code",
                            cash.by_company_code),
              _amount_rates("Amount-weighted auto rate per customer", "Customer",
                            cash.by_customer),
              el("h3", "Unapplied cash put on account by this run"),
              _on_account_table(cash.on_account, "None in this run."),
              el("h3", "Unapplied cash on account now (all runs)"),
              _on_account_table(cash.on_account_open, "None."),
              el("h3", "Trend across the last runs", _csv_link(csv_export.TREND)),
              _trend_chart(cash), el("p", "Newest first:", class_="meta"), trend)


def _trend_chart(cash: CashFigures) -> Safe | None:
    """The rates of the trend's runs as lines, oldest left; None with fewer than two runs."""
    if len(cash.trend) < 2:
        return None
    return rate_trend_chart(
        "Cash application across the last runs",
        [p.started.strftime("%m-%d") for p in cash.trend],
        [("Auto rate", [p.auto_rate for p in cash.trend]),
         ("Invoice hits", [p.invoice.rate for p in cash.trend]),
         ("Header hits", [p.header.rate for p in cash.trend])])


def _worklist_section(sheets: dict[str, list[WorklistRow]]) -> Safe:
    return el("section", el("h2", "Worklist"),
              el("p", "AR staff work these rows in ",
                 el("a", "worklist.xlsx", href="worklist.xlsx"), "."),
              _table(["Sheet", "Rows", "Export"], list(sheets.items()),
                     lambda sheet: [sheet[0], f"{len(sheet[1]):,}",
                                    _csv_link(csv_export.worklist_file(sheet[0]))],
                     numeric=frozenset({1}), rest_in="worklist.xlsx"))


def _inputs_section(report: RunReport) -> Safe:
    body = _table(["Input", "Format", "Ended in", "Reason", "SHA-256"], report.inputs,
                  lambda i: [i.source, i.format, _state(i.outcome.value), i.reason,
                             el("span", i.sha256[:12], class_="code", title=i.sha256)],
                  empty="No inputs.", rest_in=csv_export.INPUTS)
    return el("section", el("h2", f"Inputs ({len(report.inputs):,})",
                            _csv_link(csv_export.INPUTS)), body)


def _writes_section(report: RunReport) -> Safe:
    writes = report.external_writes
    body = _table(["System", "Action", "Target", "Amount", "State", "Idempotency key",
                   "Detail", "Sent"], writes,
                  lambda w: [w.system, w.action, w.target,
                             "" if w.amount is None
                             else f"{w.currency} {display_amount(w.amount, w.currency)}",
                             _state(w.state.value),
                             el("span", w.idempotency_key, class_="code"), w.detail,
                             _file_links(w.files)],
                  numeric=frozenset({3}), empty="No external writes.", rest_in=csv_export.WRITES)
    return el("section", el("h2", f"External writes ({len(writes):,})",
                            _csv_link(csv_export.WRITES)), body)


def render_html(report: RunReport) -> str:
    """The whole report page as one self-contained HTML string."""
    head = el("head", void("meta", charset="utf-8"),
              void("meta", http_equiv="Content-Security-Policy", content=CSP),
              void("meta", name="viewport", content="width=device-width, initial-scale=1"),
              el("title", f"arbots run {report.run_id}: {STATUS_TEXT[report.status]}"),
              el("style", Safe(CSS)))
    body = el("body", el("main",
                         _headline(report), _money_section(report),
                         _cash_section(report.cash) if report.cash is not None else None,
                         [_bot_section(bot) for bot in report.bots],
                         _worklist_section(report.worklist_by_kind()),
                         _inputs_section(report), _writes_section(report),
                         el("footer", f"arbots run report \u00b7 run {report.run_id} \u00b7 "
                                      "machine-readable: report.json \u00b7 worklist: "
                                      "worklist.xlsx")))
    return "<!DOCTYPE html>\n" + el("html", head, body, lang="en") + "\n"
