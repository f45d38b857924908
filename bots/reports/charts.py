"""Inline SVG bar charts for the run report (no JavaScript, no external files).

One horizontal bar chart per currency, because amounts of different
currencies do not add up: :func:`money_charts` takes (label, currency, amount,
count) rows in display order, groups them by currency and draws each group.

Bar lengths are computed in integer minor units (``abs(minor) * width //
largest``), so a float never touches the money; the only numbers in the SVG
are pixel positions. A negative amount (credits outweighing debits in a
bucket) is drawn as long as its absolute value, in grey, with its sign in
the label. Labels are escaped like every other text on the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from bots.domain import to_minor
from bots.reports.formatting import display_amount
from bots.reports.markup import Safe, el, void

LABEL_WIDTH = 110
BAR_MAX = 200
VALUE_WIDTH = 190
ROW_HEIGHT = 26
TITLE_HEIGHT = 28
CHART_WIDTH = LABEL_WIDTH + BAR_MAX + VALUE_WIDTH
NEGATIVE_COLOR = "#9a9a9a"
# Sober colours from "fine" to "needs attention", for ordered categories.
SEVERITY = ("#4e8a5b", "#8aa957", "#d8b443", "#e08d3c", "#c8553d", "#8e2c2c")
STATUS_COLORS = {"applied": "#4e8a5b", "auto": "#4e8a5b", "posted": "#4e8a5b",
                 "review": "#d8b443", "waiting": "#d8b443",
                 "unmatched": "#c8553d", "failed": "#8e2c2c", "quarantined": "#8e2c2c"}
DEFAULT_COLOR = "#5b7590"


def _short(label: str, limit: int = 17) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def bar_chart(title: str, currency: str, bars: list[tuple[str, Decimal, int, str]]) -> Safe:
    """One SVG chart headed by its currency and total; ``bars`` are (label, amount, count,
    colour).

    ``title`` names the chart for screen readers (``<title>``, ``aria-label``).
    """
    minors = [to_minor(amount, currency) for _, amount, _, _ in bars]
    largest = max((abs(m) for m in minors), default=0) or 1
    height = TITLE_HEIGHT + ROW_HEIGHT * len(bars) + 6
    total = sum((amount for _, amount, _, _ in bars), Decimal(0))
    parts = [el("title", f"{title} ({currency})"),
             el("text", f"{currency} \u00b7 total {display_amount(total, currency)}", x=0,
                y=18, class_="chart-title")]
    for row, ((label, amount, count, colour), minor) in enumerate(zip(bars, minors,
                                                                       strict=True)):
        y = TITLE_HEIGHT + row * ROW_HEIGHT
        length = abs(minor) * BAR_MAX // largest
        if minor and not length:
            length = 1  # a tiny amount stays visible
        items = "item" if count == 1 else "items"
        parts += [
            el("text", _short(label), x=LABEL_WIDTH - 8, y=y + 17, text_anchor="end",
               class_="chart-label"),
            void("rect", x=LABEL_WIDTH, y=y + 4, width=length, height=ROW_HEIGHT - 8,
                 fill=NEGATIVE_COLOR if minor < 0 else colour),
            el("text", f"{display_amount(amount, currency)} \u00b7 {count} {items}",
               x=LABEL_WIDTH + length + 6, y=y + 17, class_="chart-value"),
        ]
    return el("svg", parts, role="img",
              viewBox=f"0 0 {CHART_WIDTH} {height}", width=CHART_WIDTH, height=height,
              class_="chart", aria_label=f"{title} ({currency})")


def _colour(label: str, position: int, colours: dict[str, str] | None) -> str:
    if colours is None:
        return SEVERITY[min(position, len(SEVERITY) - 1)]
    return colours.get(label.lower(), DEFAULT_COLOR)


def money_charts(title: str, rows: Iterable[tuple[str, str, Decimal, int]],
                 colours: dict[str, str] | None = None) -> list[Safe]:
    """One chart per currency from (label, currency, amount, count) rows.

    Colours come from ``colours`` by label, else from :data:`SEVERITY` by
    position (for ordered labels such as aging buckets).
    """
    by_currency: dict[str, list[tuple[str, Decimal, int]]] = {}
    for label, currency, amount, count in rows:
        by_currency.setdefault(currency, []).append((label, amount, count))
    charts = []
    for currency, group in by_currency.items():
        bars = [(label, amount, count, _colour(label, i, colours))
                for i, (label, amount, count) in enumerate(group)]
        charts.append(bar_chart(title, currency, bars))
    return charts
