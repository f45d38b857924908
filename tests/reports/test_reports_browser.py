"""report.html in a real browser (Debian chromium): opens offline, no script needed, readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_samples import busy_report

from bots.reports import write_run_report
from tests.conftest import require_program

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.slow
def test_page_opens_offline_without_javascript(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    busy = busy_report()
    executable = require_program(CHROMIUM, "renders the run report")
    page_path = write_run_report(tmp_path, busy).html
    requests: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            context = browser.new_context(java_script_enabled=False,
                                          viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console_errors.append(m.text)
                    if m.type == "error" else None)
            page.goto(page_path.as_uri())
            heading = page.locator("h1")
            assert heading.inner_text().startswith("Run run-20260412-0200")
            charts = page.locator("svg.chart")
            assert charts.count() == 5  # status: USD, JPY; aging: USD, JPY, KWD
            box = charts.first.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 60
            assert page.locator("#bot-portals table tbody tr").count() == 1
            png = page.screenshot(full_page=True)
            page.emulate_media(media="print")
            assert page.locator("body").evaluate(
                "b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
        finally:
            browser.close()
    assert requests == [page_path.as_uri()]
    assert console_errors == []
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
