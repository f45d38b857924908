"""A sandbox world with console users, and signed-in test clients for it."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bots.config import Config, load_config
from bots.console import create_app
from bots.console.auth import add_user
from bots.domain import OpenItem, Trigger
from bots.runner import run_bots
from bots.sap import connect
from bots.store import Store
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
