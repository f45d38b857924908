"""The one browser a portal run drives: Debian's Chromium, headless, quiet on the network.

``async with open_browser() as browser:`` launches ``/usr/bin/chromium``
through Playwright's ``executable_path`` when it exists (Playwright's own
download otherwise), with the flags an unattended root process on a closed
network needs: ``--no-sandbox`` (we run as root) and the
``--disable-background-networking`` family (without them Chromium keeps
calling home). Playwright calls a foreign executable "use at your own risk":
the test suite is the smoke test against the installed Chromium.

Parallelism comes from several contexts in this one browser (see
:mod:`bots.portals.runner`); Playwright objects are not thread-safe, so use
them from one asyncio loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, async_playwright

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync")


@asynccontextmanager
async def open_browser(executable: Path | None = SYSTEM_CHROMIUM) -> AsyncIterator[Browser]:
    """A headless Chromium for the block; closed (with Playwright) afterwards."""
    path = str(executable) if executable is not None and executable.exists() else None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=path, headless=True,
                                                   args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            await browser.close()
