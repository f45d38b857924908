"""The browser's processes: found after launch so that a later run can end them.

A run killed with ``kill -9`` cannot close its browser. Chromium usually
follows its Playwright driver out, but not when it hangs, so the portal bot
records the browser's process ids with the run (``ctx.register_child``) and
the run that takes over ends them::

    pids = browser_pids()              # right after launch: this process's Chromiums
    ...                                # next run, after the crash:
    end_browser_processes(pids)        # those still alive, and their children

Only processes whose name is a browser's (:data:`BROWSER_NAMES`) are ended: a
recorded id that the system has since given to another program is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import psutil

BROWSER_NAMES = frozenset({"chromium", "chrome", "headless_shell", "chrome_crashpad_handler"})
GRACE_SECONDS = 3.0


def browser_pids(parent: int | None = None) -> list[int]:
    """Ids of the browser processes below ``parent`` (default: this process)."""
    try:
        children = psutil.Process(parent or os.getpid()).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return sorted(p.pid for p in children if _is_browser(p))


def end_browser_processes(pids: Iterable[int]) -> list[int]:
    """End the browser processes ``pids`` still alive (and their browser children).

    SIGTERM first, SIGKILL after :data:`GRACE_SECONDS`. Returns the ids ended.
    """
    targets: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            family = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        targets.update((p.pid, p) for p in family if _is_browser(p))
    for process in targets.values():
        try:
            process.terminate()
            process.resume()  # a stopped (hung) browser must run to see the signal
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(targets.values(), timeout=GRACE_SECONDS)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    return sorted(targets)


def _is_browser(process: psutil.Process) -> bool:
    try:
        return process.name() in BROWSER_NAMES and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
