"""No orphaned Chromium: a killed run's browser processes are recorded and can be ended.

A child Python process opens the browser as the portal bot does, recording the
browser's process ids; the test then plays the crash.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from bots.landscape import end_browsers
from bots.portals.browser import browser_pids
from bots.store import Child
from tests.conftest import require_program

pytestmark = pytest.mark.slow

BOT = """
import asyncio, sys
from pathlib import Path
from bots.portals import open_browser

async def main() -> None:
    record = Path(sys.argv[1])
    def note(pid: int) -> None:
        with record.open("a") as f:
            f.write(f"{pid}\\n")
    async with open_browser(on_process=note) as browser:
        page = await (await browser.new_context()).new_page()
        await page.goto("about:blank")
        print("ready", flush=True)
        await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[int]]]:
    """A child process holding an open browser, and the browser ids it recorded."""
    require_program("/usr/bin/chromium", "the portal bot's browser")
    record = tmp_path / "pids"
    child = subprocess.Popen([sys.executable, "-c", BOT, str(record)], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).parents[2])
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    yield child, [int(line) for line in record.read_text().split()]
    child.kill()
    child.wait()


def browsers_of(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True) if "chrom" in p.name()]


def test_the_browser_processes_are_recorded_at_launch(
        bot: tuple[subprocess.Popen[str], list[int]]) -> None:
    child, recorded = bot
    assert recorded and set(recorded) <= set(browser_pids(child.pid))
    names = {psutil.Process(pid).name() for pid in recorded}  # the headless shell when installed
    assert names <= {"chromium", "chromium-headless-shell"}, names


def test_a_hung_browser_outlives_kill_9_and_is_ended_from_its_record_alone(
        bot: tuple[subprocess.Popen[str], list[int]]) -> None:
    child, recorded = bot
    family = psutil.Process(child.pid).children(recursive=True)
    browsers = browsers_of(child.pid)
    for process in browsers:
        process.suspend()  # hung: it will not notice its driver going away
    for process in (p for p in family if p not in browsers):
        process.kill()  # the Playwright driver
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert all(p.is_running() for p in browsers)  # orphaned
    bystander = subprocess.Popen(["sleep", "60"])  # an id that is not a browser's
    try:
        ended = end_browsers([Child(pid) for pid in (*recorded, bystander.pid)])
        _, alive = psutil.wait_procs(browsers, timeout=10)
        assert alive == []
        assert set(recorded) <= set(ended) and bystander.pid not in ended
        assert bystander.poll() is None  # left alone
    finally:
        bystander.kill()
        bystander.wait()


def test_ctrl_c_inside_asyncio_run_closes_the_browser(
        bot: tuple[subprocess.Popen[str], list[int]]) -> None:
    child, _ = bot
    browsers = browsers_of(child.pid)
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=30) != 0
    _, alive = psutil.wait_procs(browsers, timeout=10)
    assert alive == []
