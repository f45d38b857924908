"""A small sandbox world for the CLI process tests, and helpers to drive ``arbots`` in it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bots.config import Config
from bots.sandbox.sap import reset_sandbox
from tests.pipeline.conftest import make_world

ARBOTS = [sys.executable, "-m", "bots.cli"]


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-sandbox") / "sap.sqlite"
    reset_sandbox(path, customers=20, items=400, seed=11)
    return path


@pytest.fixture
def world(tmp_path: Path, sandbox_template: Path) -> Config:
    return make_world(tmp_path, sandbox_template)


def env_for(cfg: Config, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ARBOTS_HOME": str(cfg.home), **extra}
    env.pop("ARBOTS_CONFIG", None)
    return env


def arbots(cfg: Config, *args: str, timeout: float = 180, **env: str
           ) -> subprocess.CompletedProcess[str]:
    """Run ``arbots ARGS --config <the world's file>`` to the end."""
    return subprocess.run([*ARBOTS, *args, "--config", cfg.source], cwd=cfg.home,
                          env=env_for(cfg, **env), capture_output=True, text=True,
                          timeout=timeout)


class Running:
    """``arbots`` started in the background; its stderr collected line by line."""

    def __init__(self, cfg: Config, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen([*ARBOTS, *args, "--config", cfg.source], cwd=cfg.home,
                                     env=env_for(cfg, **env), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def wait(self, timeout: float = 180) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(10)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def wait_for(predicate: Callable[[], object], what: str, seconds: float = 60) -> None:
    """Poll ``predicate`` until true (a bounded wait for a condition, not a timing)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def store_rows(cfg: Config, sql: str, *args: object) -> list[tuple]:
    """Rows of the run store (empty while it does not exist yet)."""
    if not cfg.store_path.exists():
        return []
    try:
        with sqlite3.connect(cfg.store_path, timeout=30) as db:
            return db.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # not migrated yet
        return []
