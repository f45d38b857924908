"""A sandbox world with console users, and signed-in test clients for it."""

from __future__ import annotations

import re
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Playwright, sync_playwright

from bots.config import Config, load_config
from bots.console import create_app
from bots.console.auth import add_user
from bots.domain import OpenItem, Trigger
from bots.portals.browser import CHROMIUM_ARGS, SYSTEM_CHROMIUM
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Store
from tests.conftest import require_program
from tests.pipeline.conftest import make_world, small_sandbox  # noqa: F401  (fixture)
from tests.pipeline.typing_slip import plant_typing_slip

# nothing below certainty posts unattended: a mistyped reference always waits for review
STRICT = '\n[cashapp]\nauto_threshold = "0.99"\n'
TODAY = datetime.now(UTC).date()

PASSWORD = "correct horse battery"
USERS = {"alice": "ar_staff", "sam": "supervisor", "ada": "admin"}


@pytest.fixture
def console_world(tmp_path: Path, small_sandbox: Path) -> Config:  # noqa: F811
    """A sandbox world (strict auto threshold) with one user per role (password
    :data:`PASSWORD`)."""
    world = make_world(tmp_path, small_sandbox)
    with Path(world.source).open("a", encoding="utf-8") as config:
        config.write(STRICT)
    world = load_config(world.source, home=world.home)
    with Store(world.store_path) as store:
        for name, role in USERS.items():
            add_user(store, name, role, PASSWORD)
    return world


@pytest.fixture
def waiting(console_world: Config) -> tuple[Config, OpenItem, str]:
    """One payment waiting for review (its advice has a typing slip in the reference):
    the world, the item it pays and the remittance id."""
    item = plant_typing_slip(console_world, TODAY)
    night = run_bots(console_world, ("openitems", "intake", "cashapp"), Trigger.ON_DEMAND)
    assert {b.name: b.counts for b in night.report.bots}["cashapp"]["payments_waiting"] == 1
    with Store(console_world.store_path) as store:
        (rid,) = [r["id"] for r in store.remittances("review")]
    return console_world, item, rid


def still_open(cfg: Config, item: OpenItem) -> bool:
    """Whether ``item`` is open in the sandbox SAP now."""
    with connect(cfg.sap) as sap:
        return item.document_no in {i.document_no for i in sap.open_items_of(
            item.company_code, item.customer, TODAY)}


def wait_for_launch(cfg: Config, run_id: str, patience: float = 120) -> int:
    """The exit code of the process the console started for ``run_id``, once it ended."""
    deadline = time.monotonic() + patience
    with Store(cfg.store_path) as store:
        while time.monotonic() < deadline:
            launch = store.launch(run_id)
            if launch is not None and launch["exit_code"] is not None:
                return int(launch["exit_code"])
            time.sleep(0.1)
    raise AssertionError(f"the process of run {run_id} did not end in {patience} s")


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def signed_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in as ``name`` through the login form; the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": name, "password": password,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/runs").text)


@pytest.fixture
def client_for(console_world: Config) -> Callable[[str], tuple[TestClient, str]]:
    """A test client signed in as the given user, and its CSRF token."""
    app = create_app(console_world)

    def make(name: str) -> tuple[TestClient, str]:
        client = TestClient(app)
        return client, signed_in(client, name)

    return make


@pytest.fixture
def world(tmp_path: Path, small_sandbox: Path) -> Config:  # noqa: F811
    """A fresh sandbox world without console users."""
    return make_world(tmp_path, small_sandbox)


def loopback_socket() -> socket.socket:
    """A listening socket on a free loopback port (connections queue until served)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


@contextmanager
def served(app: FastAPI, sock: socket.socket) -> Iterator[str]:
    """``app`` served by uvicorn on ``sock`` in a thread; its base URL; stopped after."""
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


# ----------------------------------------------------------------- the browser (pytest-playwright)
# The browser tests use the plugin's ``page`` and ``context`` fixtures (its tracing,
# screenshots and videos come with them). Four of its fixtures are set here: how the
# browser is launched, what each context gets, and how long Playwright and the browser
# live.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], browser_name: str
                             ) -> dict[str, Any]:
    """How the browser is launched: Debian's Chromium (``executable_path``; Playwright
    never fetches a browser of its own), headless, with the flags the portal bot uses.
    Other engines (``--browser``) and channels (``--browser-channel``) would need a
    download: their tests are skipped."""
    if browser_name != "chromium":
        pytest.skip(f"the console is tested in Debian's Chromium, not in {browser_name}")
    executable = require_program(str(SYSTEM_CHROMIUM), "runs the console's browser tests")
    options = {k: v for k, v in browser_type_launch_args.items() if k != "channel"}
    return {**options, "executable_path": executable, "headless": True,
            "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def browser_context_args(pytestconfig: pytest.Config,
                         _pw_artifacts_folder: tempfile.TemporaryDirectory[str]
                         ) -> dict[str, Any]:
    """What each browser context gets: a video when ``--video`` asks for one (the plugin
    keeps or drops it after the test). No base URL: each test serves its own console on
    a free port."""
    if pytestconfig.getoption("--video") == "off":
        return {}
    return {"record_video_dir": _pw_artifacts_folder.name}


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright for one test module rather than the plugin's whole session: between
    two calls its sync API leaves its event loop marked as running in this thread, so
    tests sharing the xdist worker afterwards (the portals' browser tests, the engine's)
    could not run an asyncio loop of their own."""
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="module")
def browser(playwright: Playwright, browser_name: str,
            browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """The browser of one test module (see :func:`playwright`), launched as
    :func:`browser_type_launch_args` says."""
    launched = getattr(playwright, browser_name).launch(**browser_type_launch_args)
    yield launched
    launched.close()
