"""Determinism: a history recorded from a real nightly on Temporal replays on today's workflow.

``histories/nightly.json`` was fetched from the dev server after a nightly of
the small sandbox world (5 bots, all ok). A change to the workflow that would
make running workflows fail on a new worker version fails this test; record
a new history only with a versioned workflow change (``workflow.patched``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from bots.engine.workflows import RunWorkflow
from tests.engine.changed_workflow import WorkflowWithoutBegin

HISTORY = Path(__file__).parent / "histories" / "nightly.json"


def test_the_recorded_nightly_replays() -> None:
    history = WorkflowHistory.from_json("nightly", HISTORY.read_text(encoding="utf-8"))
    result = asyncio.run(Replayer(workflows=[RunWorkflow]).replay_workflow(
        history, raise_on_replay_failure=False))
    assert result.replay_failure is None


def test_a_changed_workflow_is_caught() -> None:
    """The guard can fail: a workflow that no longer begins the run does not replay."""
    history = WorkflowHistory.from_json("nightly", HISTORY.read_text(encoding="utf-8"))
    result = asyncio.run(Replayer(workflows=[WorkflowWithoutBegin]).replay_workflow(
        history, raise_on_replay_failure=False))
    assert result.replay_failure is not None
