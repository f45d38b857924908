"""A browser kept open across the portal batches of one thread (a browser worker's).

On the Temporal engine one night's portal invoices come to a browser worker
as batches, one activity each (:func:`bots.pipeline.portals.run_batch`).
Launching Chromium and its Playwright driver for each batch costs CPU that
the submissions need, so a browser worker keeps one per thread that runs
batches (:mod:`bots.engine.browsers`): such a thread calls
:func:`keep_browser` once, and :func:`with_browser` then runs each batch's
work in the kept browser, on the thread's own event loop. Any other caller
(the local engine, ``arbots portals``) gets a browser of its own, launched
and closed around the work, as :func:`bots.portals.open_browser` does.

Each batch opens its own contexts (one per portal site and worker of the
runner), so sessions stay apart; only the browser process is shared. The
browser belongs to one run at a time (``owner``): its process ids are
recorded with every batch of that run (``on_process``), so that the run's
end, or the run taking over after a ``kill -9``, ends it like any browser of
the run (:func:`bots.landscape.end_browsers`). A batch of another run, or one
that finds the browser gone (crashed, or ended with its run), launches a new
one. :func:`end_kept_browser` closes it when the worker stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import psutil
from playwright.async_api import Browser, Playwright, async_playwright

from bots.portals.browser import PORTAL_CHROMIUM, browser_pids, launch, open_browser

T = TypeVar("T")
Work = Callable[[Browser], Awaitable[T]]
OnProcess = Callable[[int], object]

_LAUNCHES = threading.Lock()  # one launch at a time in this process: its new processes are its own
_HERE = threading.local()  # .kept: the KeptBrowser of this thread (keep_browser)


class KeptBrowser:
    """One Chromium and its Playwright driver, kept for the calls of one thread and owner."""

    def __init__(self, executable: Path | None = PORTAL_CHROMIUM) -> None:
        self.executable = executable
        self.loop = asyncio.new_event_loop()
        self.launches = 0  # how many browsers it launched (one per owner, plus replacements)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._owner: str | None = None
        self._pids: list[int] = []
        self._main: list[int] = []  # of self._pids, the browser's own (not its helpers)

    def run(self, owner: str, work: Work[T], on_process: OnProcess | None = None) -> T:
        """``work(browser)`` to completion in the browser of ``owner`` (launched if need be);
        ``on_process`` gets the browser's process ids first."""
        return self.loop.run_until_complete(self._run(owner, work, on_process))

    def close(self) -> None:
        """Close the browser and its driver, and the event loop."""
        self.loop.run_until_complete(self._end())
        self.loop.close()

    async def _run(self, owner: str, work: Work[T], on_process: OnProcess | None) -> T:
        browser = await self._browser_of(owner)
        if on_process is not None:
            for pid in self._pids:
                on_process(pid)
        return await work(browser)

    async def _browser_of(self, owner: str) -> Browser:
        if self._browser is not None and self._owner == owner and self._alive():
            return self._browser
        await self._end()
        with _LAUNCHES:  # another thread's launch would look like part of this one
            already = set(browser_pids())
            self._playwright = await async_playwright().start()
            self._browser = await launch(self._playwright, self.executable)
            self._pids = [pid for pid in browser_pids() if pid not in already]
        self._main = _main_processes(self._pids)
        self._owner = owner
        self.launches += 1
        return self._browser

    def _alive(self) -> bool:
        """Connected, and its processes still there (Playwright hears of a browser ended
        from outside only once its loop runs again)."""
        live = set(browser_pids())
        return self._browser is not None and self._browser.is_connected() \
            and all(pid in live for pid in self._main)

    async def _end(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser, self._playwright, self._owner = None, None, None
        self._pids, self._main = [], []
        with contextlib.suppress(Exception):  # already gone: ended with its run, or crashed
            if browser is not None:
                await browser.close()
        with contextlib.suppress(Exception):
            if playwright is not None:
                await playwright.stop()


def _main_processes(pids: list[int]) -> list[int]:
    """Of a browser's process ids, those whose parent is not one of them."""
    main = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            if psutil.Process(pid).ppid() not in pids:
                main.append(pid)
    return main


def keep_browser() -> None:
    """From now on, :func:`with_browser` on this thread keeps its browser (until
    :func:`end_kept_browser`)."""
    _HERE.kept = KeptBrowser()


def end_kept_browser() -> None:
    """Close this thread's kept browser, if it has one."""
    kept: KeptBrowser | None = getattr(_HERE, "kept", None)
    _HERE.kept = None
    if kept is not None:
        kept.close()


def with_browser(work: Work[T], *, owner: str, on_process: OnProcess | None = None) -> T:
    """``work(browser)`` to completion: in this thread's kept browser when it has one, else
    in a browser of its own, closed afterwards. ``owner``: the run the work is for."""
    kept: KeptBrowser | None = getattr(_HERE, "kept", None)
    if kept is not None:
        return kept.run(owner, work, on_process)

    async def once() -> T:
        async with open_browser(on_process=on_process) as browser:
            return await work(browser)
    return asyncio.run(once())
