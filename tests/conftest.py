"""Shared test set-up: where the public samples are, and what the machine has."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
IN_CI = os.environ.get("CI") == "true"

# Property tests judge answers, not speed: no per-example deadline (a loaded
# machine made one time out), and in CI the same examples every run.
settings.register_profile("arbots", deadline=None, derandomize=IN_CI)
settings.load_profile("arbots")


def require_program(path_or_name: str, why: str) -> str:
    """Path of a program the test needs: missing fails in CI, skips elsewhere."""
    found = path_or_name if Path(path_or_name).exists() else shutil.which(path_or_name)
    if not found:
        message = f"{path_or_name} is not installed ({why}); `make test` installs it as root"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def samples() -> Path:
    """The folder of public sample files (../shared/samples)."""
    if not SAMPLES.is_dir():
        pytest.fail(f"public samples not found at {SAMPLES}")
    return SAMPLES
