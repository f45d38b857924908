"""The threads of a browser worker that run portal batches, each keeping its browser.

A portal batch activity (:func:`bots.pipeline.portals.run_batch`) runs on a
thread borrowed from :data:`BROWSER_SLOTS` instead of a fresh one: the
thread keeps its Chromium and Playwright driver from one batch of a run to
the next (:mod:`bots.portals.kept`), so that a worker launches one browser
per run, not one per batch. A slot serves one batch at a time; there are as
many as the worker has run batches at once (``[engine.queues.browser]
max_concurrent``). :meth:`BrowserSlots.close`, when the worker stops, closes
every slot's browser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager

from bots.portals.kept import end_kept_browser, keep_browser


class BrowserSlots:
    """Single-thread executors whose thread keeps a browser, lent one batch at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: list[ThreadPoolExecutor] = []
        self._all: list[ThreadPoolExecutor] = []

    @contextmanager
    def borrow(self) -> Iterator[Executor]:
        """A slot for the block (a new one when all are lent)."""
        with self._lock:
            if self._free:
                slot = self._free.pop()
            else:
                slot = ThreadPoolExecutor(1, thread_name_prefix="browser-slot",
                                          initializer=keep_browser)
                self._all.append(slot)
        try:
            yield slot
        finally:
            with self._lock:
                if slot in self._all:  # not closed meanwhile
                    self._free.append(slot)

    def close(self) -> None:
        """Close every slot's browser and thread (after the batches in hand)."""
        with self._lock:
            slots, self._all, self._free = self._all, [], []
        for slot in slots:
            slot.submit(end_kept_browser).result()
            slot.shutdown()


BROWSER_SLOTS = BrowserSlots()  # this worker process's
