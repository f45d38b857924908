"""A workflow changed in a way that breaks running workflows: it no longer begins the run.

Used by tests/engine/test_replay.py to show that the replay test can fail.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from bots.engine.plan import WORKFLOW, RunEnd, RunRequest, RunResult


@workflow.defn(name=WORKFLOW)
class WorkflowWithoutBegin:
    """Goes straight to finishing: a different sequence of commands than the history's."""

    @workflow.run
    async def run(self, request: RunRequest) -> RunResult:
        return await workflow.execute_activity(
            "finish_run", RunEnd(request, "r"), result_type=RunResult,
            start_to_close_timeout=timedelta(minutes=1))
