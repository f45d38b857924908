"""Temporal unreachable: `arbots run` and `arbots worker` exit 2 naming the address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.conftest import free_port


@pytest.mark.parametrize("command", [("run", "nightly"), ("worker",)])
def test_an_unreachable_server_is_named_with_exit_2(tmp_path: Path, command) -> None:
    address = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "ARBOTS_HOME": str(tmp_path), "ARBOTS_TEMPORAL": address}
    env.pop("ARBOTS_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "bots.cli", *command], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"Temporal is unreachable at {address}" in " ".join(done.stderr.split())
