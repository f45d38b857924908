"""The one browser a portal run drives: Debian's Chromium, headless, quiet on the network.

``async with open_browser() as browser:`` launches Debian's Chromium through
Playwright's ``executable_path`` (Playwright's own download when there is
none): its headless shell (package ``chromium-headless-shell``,
:data:`HEADLESS_SHELL`) when installed, else ``/usr/bin/chromium``. The
headless shell is the browser without its user interface; per portal page
it takes half the CPU of ``/usr/bin/chromium --headless`` (0.11 against
0.22 CPU s a page at 250 ms, 1.1 against 2.5 CPU s an invoice) and nothing
while a page sits idle. Both get the flags an unattended root process on a
closed network needs: ``--no-sandbox`` (we run as root) and the
``--disable-background-networking`` family (without them Chromium keeps
calling home). Playwright calls a foreign executable "use at your own risk":
the test suite is the smoke test against the installed Chromium.

``on_process`` is called with the id of each browser process right after the
launch (:func:`browser_pids`): the nightly bot records them with its run
(``ctx.register_child``), so that the run taking over after a ``kill -9`` can
end a Chromium left behind (:func:`bots.landscape.end_browsers`; Chromium
usually follows its Playwright driver out, but not when it hangs). Leaving
the block in any way (an exception, a cancellation, a KeyboardInterrupt inside
``asyncio.run``) closes the browser.

A browser worker of the Temporal engine keeps its browser across the portal
batches it runs (:mod:`bots.portals.kept`).

Parallelism comes from several contexts in this one browser (see
:mod:`bots.portals.runner`); Playwright objects are not thread-safe, so use
them from one asyncio loop.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import psutil
from playwright.async_api import Browser, Playwright, async_playwright

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")  # chromium-headless-shell
PORTAL_CHROMIUM = HEADLESS_SHELL if HEADLESS_SHELL.exists() else SYSTEM_CHROMIUM
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync")


@asynccontextmanager
async def open_browser(executable: Path | None = PORTAL_CHROMIUM, *,
                       on_process: Callable[[int], object] | None = None
                       ) -> AsyncIterator[Browser]:
    """A headless Chromium for the block; closed (with Playwright) afterwards."""
    already = set(browser_pids()) if on_process is not None else set()
    async with async_playwright() as playwright:
        browser = await launch(playwright, executable)
        try:
            if on_process is not None:
                for pid in browser_pids():
                    if pid not in already:  # another browser of this process is not ours
                        on_process(pid)
            yield browser
        finally:
            await browser.close()


async def launch(playwright: Playwright, executable: Path | None = PORTAL_CHROMIUM) -> Browser:
    """A headless Chromium of ``playwright`` with :data:`CHROMIUM_ARGS` (``executable`` when
    it exists, else Playwright's own)."""
    path = str(executable) if executable is not None and executable.exists() else None
    return await playwright.chromium.launch(executable_path=path, headless=True,
                                            args=list(CHROMIUM_ARGS))


def browser_pids(parent: int | None = None) -> list[int]:
    """Ids of the Chromium processes below ``parent`` (default: this process)."""
    try:
        children = psutil.Process(parent or os.getpid()).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    pids = []
    for process in children:
        try:
            if "chrom" in process.name() and process.status() != psutil.STATUS_ZOMBIE:
                pids.append(process.pid)
        except psutil.NoSuchProcess:
            continue
    return sorted(pids)
