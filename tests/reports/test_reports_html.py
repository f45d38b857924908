"""report.html: self-contained, no script, hostile text escaped everywhere, tables truncated."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from reports_samples import ATTR, FORMULA, SCRIPT, busy_report, empty_report

from bots.reports import (
    BotSection,
    BotStatus,
    WaitingItem,
    render_html,
    write_run_report,
)
from bots.reports.charts import BAR_MAX, NEGATIVE_COLOR, bar_chart
from bots.reports.html_report import MAX_ROWS
from bots.reports.markup import Safe, el, esc, relative_href


class _Tags(HTMLParser):
    """Every start tag with its attributes, and all text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def test_self_contained_no_script_no_external_resources() -> None:
    busy = busy_report()
    page = render_html(busy)
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "@import" not in page and "url(" not in page
    parsed = _parse(page)
    assert "script" not in {tag for tag, _ in parsed.tags}
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            assert "://" not in value and not value.startswith(("//", "javascript:")), value
    # The browser is told to fetch nothing, whatever slipped in.
    assert ("meta", {"http-equiv": "Content-Security-Policy",
                     "content": "default-src 'none'; style-src 'unsafe-inline'; "
                                "img-src 'self' data:"}) in parsed.tags


def test_hostile_text_is_shown_not_interpreted() -> None:
    busy = busy_report()
    page = render_html(busy)
    assert SCRIPT not in page and '"onmouseover=' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;onmouseover=alert(2) x=&quot;" in page
    text = "".join(_parse(page).text)
    # Payer name (waiting item), reason (error), file name (input), write target and detail.
    assert f"payment from {SCRIPT}" in text
    assert f"portal said: {SCRIPT}" in text
    assert f"inbox/{SCRIPT}.pdf" in text
    assert f"90012345 {SCRIPT}" in text
    assert f"deduction reason {ATTR}" in text


def test_hostile_text_in_every_field_the_page_shows() -> None:
    busy = busy_report()
    hostile = replace(busy, run_id=SCRIPT, config_source=ATTR, bots=[
        BotSection(SCRIPT, BotStatus.FAILED, counts={ATTR: 1}, waiting=[
            WaitingItem(SCRIPT, ATTR, FORMULA)])])
    page = render_html(hostile)
    assert "<script" not in page.lower() and '"onmouseover=' not in page
    for _, attrs in _parse(page).tags:
        assert not any(name.startswith("on") for name in attrs), attrs


def test_evidence_links_stay_inside_the_run_folder() -> None:
    busy = busy_report()
    hrefs = [attrs.get("href") for tag, attrs in _parse(render_html(busy)).tags if tag == "a"]
    assert "portals/coupa-90012345/trace.zip" in hrefs
    assert "portals/coupa-90012345/screenshot.png" in hrefs
    assert "worklist.xlsx" in hrefs
    assert "#bot-portals" in hrefs
    assert not any("evil" in (h or "") for h in hrefs)
    assert "https://evil.example/steal.png" in render_html(busy)  # shown as text


def test_headline_shows_status_duration_and_counts() -> None:
    busy = busy_report()
    text = " ".join(_parse(render_html(busy)).text)
    assert "Run run-20260412-0200" in text and "Finished with failures" in text
    assert "duration 4m 10s" in text
    assert "errors to fix" in text and "USD 10,290.00 \u00b7 JPY 1,500,000" in text


def test_big_tables_are_truncated_with_a_note() -> None:
    busy = busy_report()
    many = [WaitingItem(f"item {i}", "AR clerk", "why") for i in range(MAX_ROWS + 100)]
    busy.bots.append(BotSection("intake", BotStatus.OK, waiting=many))
    page = render_html(busy)
    assert f"item {MAX_ROWS - 1}<" in page and f"item {MAX_ROWS}<" not in page
    assert f"Showing the first {MAX_ROWS} of {MAX_ROWS + 100:,} rows" in page


def test_empty_run_renders() -> None:
    empty = empty_report()
    page = render_html(empty)
    text = " ".join(_parse(page).text)
    assert "Run run-empty" in text and "dry run: nothing written" in text
    assert "No inputs." in text and "No external writes." in text
    assert "external writes a real run would make" in text
    assert "<svg" not in page


def test_bar_lengths_are_integer_arithmetic_on_minor_units() -> None:
    svg = bar_chart("Aging", "USD", [("current", Decimal("52000.00"), 20, "#000"),
                                     ("1-30", Decimal("12000.50"), 7, "#000"),
                                     ("tiny", Decimal("0.01"), 1, "#000"),
                                     ("credit", Decimal("-5200.00"), 1, "#000")])
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
    assert widths == [BAR_MAX, 1200050 * BAR_MAX // 5200000, 1, BAR_MAX // 10]
    assert f'fill="{NEGATIVE_COLOR}"' in svg and "-5,200.00 \u00b7 1 item" in svg
    assert ">USD \u00b7 total 58,800.51<" in svg


def test_markup_helpers() -> None:
    assert esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert esc(Safe("<b>")) == "<b>"
    assert el("td", "'x'", class_='a"b', data_n=1) == \
        '<td class="a&quot;b" data-n="1">&#x27;x&#x27;</td>'
    assert el("p", None, ["a", None, Safe("<br>")]) == "<p>a<br></p>"
    assert relative_href("portals/run 1/trace.zip") == "portals/run%201/trace.zip"
    for outside in ("/etc/passwd", "../other/x.png", "https://x.example/a",
                    "javascript:alert(1)", "file:///etc/passwd", "//host/x", "C:\\x.png", ""):
        assert relative_href(outside) is None, outside


def test_written_page_is_the_rendered_page(tmp_path: Path) -> None:
    busy = busy_report()
    paths = write_run_report(tmp_path, busy)
    assert paths.html.read_text(encoding="utf-8") == render_html(busy)
