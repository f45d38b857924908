"""Inline SVG bar charts for the run report (no JavaScript, no external files).

One horizontal bar chart per currency, because amounts of different
currencies do not add up: :func:`money_charts` takes (label, currency, amount,
count) rows in display order, groups them by currency and draws each group.

Bar lengths are computed in integer minor units (``abs(minor) * width //
largest``), so a float never touches the money; the only numbers in the SVG
are pixel positions. A negative amount (credits outweighing debits in a
bucket) is drawn as long as its absolute value, in grey, with its sign in
the label. Labels are escaped like every other text on the page.

:func:`rate_trend_chart` draws rates (fractions, never money) over the last
runs as lines, for the report's trend section.
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


TREND_WIDTH, TREND_PLOT_HEIGHT, TREND_LEFT, TREND_TOP = 520, 140, 44, 30
TREND_COLORS = ("#3e5c76", "#4e8a5b", "#d8b443")


def _trend_y(rate: float) -> int:
    return TREND_TOP + round((1 - min(max(rate, 0.0), 1.0)) * TREND_PLOT_HEIGHT)


def rate_trend_chart(title: str, labels: list[str],
                     series: list[tuple[str, list[float | None]]]) -> Safe:
    """An SVG line chart of rates (0..1) over runs, oldest left: one line per ``series``
    (name, one rate or None per label), a dot on each known rate, its value on hover.

    A None (nothing to judge in that run) breaks the line there.
    """
    step = (TREND_WIDTH - TREND_LEFT - 20) // max(len(labels) - 1, 1)
    xs = [TREND_LEFT + 10 + i * step for i in range(len(labels))]
    bottom = TREND_TOP + TREND_PLOT_HEIGHT
    parts: list[object] = [el("title", title)]
    for level in (0.0, 0.5, 1.0):
        y = _trend_y(level)
        parts += [void("line", x1=TREND_LEFT, x2=TREND_WIDTH - 6, y1=y, y2=y,
                       stroke="#d9dee4"),
                  el("text", f"{round(level * 100)} %", x=TREND_LEFT - 6, y=y + 4,
                     text_anchor="end", class_="chart-label")]
    for x, label in zip(xs, labels, strict=True):
        parts.append(el("text", _short(label, 10), x=x, y=bottom + 16, text_anchor="middle",
                        class_="chart-label"))
    for number, (name, rates) in enumerate(series):
        colour = TREND_COLORS[number % len(TREND_COLORS)]
        run: list[str] = []
        for x, rate in [*zip(xs, rates, strict=True), (0, None)]:  # None last: draw the rest
            if rate is None:
                if len(run) > 1:
                    parts.append(void("polyline", points=" ".join(run), fill="none",
                                      stroke=colour, stroke_width=2))
                run = []
                continue
            run.append(f"{x},{_trend_y(rate)}")
            parts.append(el("circle", el("title", f"{name}: {100 * rate:.1f} %"), cx=x,
                            cy=_trend_y(rate), r=3, fill=colour))
        legend_x = TREND_LEFT + number * 160
        parts += [void("rect", x=legend_x, y=6, width=12, height=12, fill=colour),
                  el("text", name, x=legend_x + 16, y=16, class_="chart-label")]
    height = bottom + 24
    return el("svg", parts, role="img", viewBox=f"0 0 {TREND_WIDTH} {height}",
              width=TREND_WIDTH, height=height, class_="chart", aria_label=title)
