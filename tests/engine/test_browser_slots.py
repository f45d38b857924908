"""A browser worker's batch threads keep one Chromium per run (bots.engine.browsers,
bots.portals.kept): the same browser for the batches of one run, a new one for
another run or when it is gone, and none left once the slots are closed."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from bots.engine.browsers import BrowserSlots
from bots.landscape import end_browsers
from bots.portals.browser import PORTAL_CHROMIUM, browser_pids
from bots.portals.kept import with_browser
from bots.store import Child
from tests.conftest import require_program

pytestmark = pytest.mark.slow


def batch(owner: str) -> list[int]:
    """What a portal batch does with the browser: a context of its own, a page; the
    browser's process ids it recorded with its run."""
    async def work(browser: Browser) -> None:
        context = await browser.new_context()
        await (await context.new_page()).set_content("<p>invoice</p>")
        await context.close()

    recorded: list[int] = []
    with_browser(work, owner=owner, on_process=recorded.append)
    return recorded


def test_the_batches_of_a_run_share_its_browser_until_it_is_gone() -> None:
    require_program(str(PORTAL_CHROMIUM), "the portal bot's browser")
    slots = BrowserSlots()
    try:
        with slots.borrow() as slot:
            first = slot.submit(batch, "run-1").result()
            assert first and set(first) <= set(browser_pids())
            assert slot.submit(batch, "run-1").result() == first  # kept, recorded again
            end_browsers([Child(pid) for pid in first])  # the run's end ends its browsers
            replaced = slot.submit(batch, "run-1").result()
            assert replaced and not set(replaced) & set(first)
            other = slot.submit(batch, "run-2").result()  # another run: its own browser
            assert other and not set(other) & set(replaced)
            assert not set(replaced) & set(browser_pids())  # the first run's was closed
    finally:
        slots.close()
    assert browser_pids() == []


def test_a_thread_without_a_kept_browser_closes_its_own() -> None:
    require_program(str(PORTAL_CHROMIUM), "the portal bot's browser")
    assert batch("run-1")
    assert browser_pids() == []
