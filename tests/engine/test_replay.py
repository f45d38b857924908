"""Determinism: a history recorded from a real nightly on Temporal replays on today's workflow.

``histories/nightly.json`` was fetched from the dev server after a nightly of
the small sandbox world (5 bots, all ok); ``nightly-portal-batches.json``
after one with the portal bot in batches (4 more portal invoices, 2 browser
workers), which the first predates. A change to the workflow that would
make running workflows fail on a new worker version fails this test; record
a new history only with a versioned workflow change (``workflow.patched``).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from bots.engine.workflows import RunWorkflow
from tests.engine.changed_workflow import WorkflowWithoutBegin

HISTORY = Path(__file__).parent / "histories" / "nightly.json"
HISTORIES = (HISTORY,  # before the portal bot's batches (it replays unsplit: workflow.patched)
             # the portal bot as its plan, 2 batches on 2 browser workers and the merge
             Path(__file__).parent / "histories" / "nightly-portal-batches.json")
JSON_PLAIN = base64.b64encode(b"json/plain").decode()


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
def test_the_recorded_nightly_replays(path: Path) -> None:
    history = WorkflowHistory.from_json("nightly", path.read_text(encoding="utf-8"))
    result = asyncio.run(Replayer(workflows=[RunWorkflow]).replay_workflow(
        history, raise_on_replay_failure=False))
    assert result.replay_failure is None


def test_a_changed_workflow_is_caught() -> None:
    """The guard can fail: a workflow that no longer begins the run does not replay."""
    history = WorkflowHistory.from_json("nightly", HISTORY.read_text(encoding="utf-8"))
    result = asyncio.run(Replayer(workflows=[WorkflowWithoutBegin]).replay_workflow(
        history, raise_on_replay_failure=False))
    assert result.replay_failure is not None


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
def test_the_history_holds_ids_and_counts_only(path: Path) -> None:
    """Every payload of the recorded history is made of the plan's dataclasses' fields,
    and a bot's counts are numbers: no names, amounts or secrets reach Temporal."""
    from dataclasses import fields

    from bots.engine.plan import BotDone, BotStep, RunEnd, RunProgress, RunRequest, RunResult

    allowed = {f.name for kind in (BotDone, BotStep, RunEnd, RunProgress, RunRequest, RunResult)
               for f in fields(kind)} | {"id", "deprecated"}  # workflow.patched's marker
    payloads = list(_payloads(json.loads(path.read_text(encoding="utf-8"))))
    assert len(payloads) >= 12  # the request; begin; 5 bots, each a step and a result; ...
    keys: set[str] = set()
    counts: list[object] = []
    _walk(payloads, keys, counts)
    assert keys <= allowed, keys - allowed
    assert counts and all(isinstance(n, int) for n in counts)


def _payloads(node: object) -> Iterator[object]:
    """The JSON documents of a history's payloads (base64 ``data`` with encoding json/plain)."""
    if isinstance(node, dict):
        if node.get("metadata", {}).get("encoding") == JSON_PLAIN and "data" in node:
            yield json.loads(base64.b64decode(node["data"]))
        for value in node.values():
            yield from _payloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from _payloads(value)


def _walk(value: object, keys: set[str], counts: list[object]) -> None:
    """Collect the keys of every document, and the values of every ``counts`` table."""
    if isinstance(value, dict):
        for key, item in value.items():
            keys.add(key)
            if key == "counts" and isinstance(item, dict):
                counts.extend(item.values())
            else:
                _walk(item, keys, counts)
    elif isinstance(value, list):
        for item in value:
            _walk(item, keys, counts)
