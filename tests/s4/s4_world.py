"""Shared set-up of the S/4 tests: a small sandbox world and the S/4 simulator over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bots.config import Config, load_config
from bots.retry import RetryPolicy
from bots.sandbox.s4 import SANDBOX_CLIENT_SECRET, SANDBOX_PASSWORD, S4Server, start_s4
from bots.sandbox.sap import generate

TODAY = date(2026, 11, 24)
PAGE = 50  # the simulator's page size in these tests: the world's items take many pages
NO_WAIT = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0, sleep=lambda _: None)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sandbox SAP file (20 customers, 400 items), read-only for the module's tests."""
    path = tmp_path_factory.mktemp("s4") / "sap.sqlite"
    generate(path, customers=20, items=400, seed=7, today=TODAY)
    return path


@pytest.fixture
def s4(world: Path) -> Iterator[S4Server]:
    with start_s4(world, page_size=PAGE) as server:
        yield server


@pytest.fixture
def own_world(tmp_path: Path, world: Path) -> Path:
    """A copy of the module's world that this test may write to."""
    path = tmp_path / "own.sqlite"
    shutil.copyfile(world, path)
    return path


@pytest.fixture
def own_s4(own_world: Path) -> Iterator[S4Server]:
    """The S/4 simulator over the test's own world (today fixed at :data:`TODAY`)."""
    with start_s4(own_world, clock=lambda: TODAY) as server:
        yield server


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox logons in the environment variables the test configurations name."""
    monkeypatch.setenv("TEST_S4_PASSWORD", SANDBOX_PASSWORD)
    monkeypatch.setenv("TEST_S4_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)


def write_config(folder: Path, db: Path, *, base_url: str | None, auth: str = "oauth",
                 services: dict[str, str] | None = None, timeout: int = 10) -> Path:
    """An s4 configuration file in ``folder`` (secrets by environment reference)."""
    lines = ["[store]", f'path = "{folder / "arbots.sqlite"}"', f'runs_dir = "{folder / "runs"}"',
             "[sap]", 'mode = "s4"', f'sandbox_db = "{db}"', 'company_codes = ["1000", "2000"]',
             "[sap.s4]", f'auth = "{auth}"', f"timeout_seconds = {timeout}"]
    if base_url is not None:
        lines += [f'base_url = "{base_url}"', 'user = "ARBOTS_COMM_USER"',
                  'password = { env = "TEST_S4_PASSWORD" }',
                  'client_id = "arbots-sandbox-client"',
                  'client_secret = { env = "TEST_S4_CLIENT_SECRET" }']
    if services:
        lines.append("[sap.s4.services]")
        lines += [f'{name} = "{kind}"' for name, kind in services.items()]
    file = folder / "s4.toml"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return file


def s4_config(folder: Path, db: Path, **kwargs: object) -> Config:
    return load_config(write_config(folder, db, **kwargs), home=folder)  # type: ignore[arg-type]
