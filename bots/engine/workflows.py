"""The run as a Temporal workflow: begin, each bot in order on its queue, finish.

Sandbox-safe: this module imports only temporalio and :mod:`bots.engine.plan`
(plain data), never the SAP, browser, PDF or pandas code, and calls the
activities by name. The workflow's decisions depend only on its input and
the activities' results, so a recorded history replays
(tests/engine/test_replay.py).

- ``begin_run`` (queue ``<prefix>-flow``) takes the landscape's lease and records the run;
- ``run_bot`` per bot, on the bot's queue (:data:`~bots.engine.plan.BOT_QUEUE`),
  heartbeating; retried by Temporal on another worker when its worker dies.
  The portal bot (:data:`~bots.engine.plan.SPLIT_BOTS`) is several: its plan,
  then one activity per batch of today's invoices, all started at once so that
  every browser worker polling the queue takes some, then the merge of their
  outcomes;
- ``finish_run`` (``<prefix>-flow``) records the end, writes the report, releases the lease.

A bot whose error ends the run (configuration, logon, SAP unreachable after
the retries) skips the bots after it, as on the local engine. The run's
status is the workflow's result; only a run started with ``fail_on_failure``
(by a Temporal Schedule of posting bots, :mod:`bots.engine.schedules`) fails
the workflow when the run failed, so that the schedule pauses. The ``stop``
signal skips the bots not yet started; the query ``progress`` tells the bots done.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from bots.engine.plan import (
        BATCH,
        BOT_QUEUE,
        MERGE,
        PLAN,
        PROGRESS_QUERY,
        RUN_FAILED,
        SPLIT_BOTS,
        STOP_SIGNAL,
        WORKFLOW,
        BotDone,
        BotStep,
        RunEnd,
        RunProgress,
        RunRequest,
        RunResult,
        task_queue,
    )

MAX_ATTEMPTS = 5
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                    maximum_interval=timedelta(minutes=1), maximum_attempts=MAX_ATTEMPTS)
BOOKKEEPING_TIMEOUT = timedelta(minutes=10)  # begin_run, finish_run
BOT_TIMEOUT = timedelta(hours=6)  # one bot, start to close; its heartbeat says it is alive
SPLIT_PATCH = "split-bots"  # histories from before the portal bot's batches replay unsplit


@workflow.defn(name=WORKFLOW)
class RunWorkflow:
    """One run of one or more bots (the nightly: openitems, intake, cashapp, portals,
    collections)."""

    def __init__(self) -> None:
        self._progress = RunProgress(run_id="")
        self._stop = False

    @workflow.run
    async def run(self, request: RunRequest) -> RunResult:
        """Begin, run each bot, finish; the run as recorded."""
        run_id = request.run_id or (
            f"{workflow.now():%Y%m%d-%H%M%S}-{workflow.uuid4().hex[:6]}")
        self._progress.run_id = run_id
        flow = task_queue(request.task_queue_prefix, "flow")
        request = replace(request, run_id=run_id)
        await workflow.execute_activity("begin_run", request,
                                        task_queue=flow, retry_policy=RETRY,
                                        start_to_close_timeout=BOOKKEEPING_TIMEOUT)
        end = RunEnd(request, run_id)
        for bot in request.bots:
            if self._stop:
                break
            self._progress.current = bot
            try:
                if bot in SPLIT_BOTS and workflow.patched(SPLIT_PATCH):
                    done = await self._split(BotStep(request, run_id, bot))
                else:
                    done = await self._bot(BotStep(request, run_id, bot))
            except ActivityError as err:
                cause = err.cause
                end.fatal_bot = bot
                end.fatal_type = (cause.type or "") if isinstance(cause, ApplicationError) else ""
                end.fatal_message = cause.message if isinstance(cause, ApplicationError) \
                    else str(cause or err)
                break
            self._progress.done.append(done)
        self._progress.current = None
        end.stopped = self._stop
        result = await workflow.execute_activity("finish_run", end, result_type=RunResult,
                                                 task_queue=flow, retry_policy=RETRY,
                                                 start_to_close_timeout=BOOKKEEPING_TIMEOUT)
        if request.fail_on_failure and result.status in ("failed", "aborted"):
            raise ApplicationError(f"run {run_id} ended {result.status}"
                                   + (f": {result.message}" if result.message else ""),
                                   type=RUN_FAILED, non_retryable=True)
        return result

    async def _bot(self, step: BotStep) -> BotDone:
        """One ``run_bot`` activity on the bot's queue, heartbeating."""
        request = step.request
        return await workflow.execute_activity(
            "run_bot", step, result_type=BotDone,
            task_queue=task_queue(request.task_queue_prefix, BOT_QUEUE[step.bot]),
            start_to_close_timeout=BOT_TIMEOUT, retry_policy=RETRY,
            heartbeat_timeout=timedelta(seconds=request.heartbeat_seconds))

    async def _split(self, step: BotStep) -> BotDone:
        """A bot whose work the workers of its queue share: its plan, all its batches at
        once (each its own activity, on any worker), then their outcomes merged."""
        planned = await self._bot(replace(step, part=PLAN))
        if not planned.batches:
            return planned
        ended = await asyncio.gather(*(self._bot(replace(step, part=BATCH, batch=n))
                                       for n in range(planned.batches)),
                                     return_exceptions=True)
        for outcome in ended:  # every batch has ended; the first failure ends the bot
            if isinstance(outcome, BaseException):
                raise outcome
        return await self._bot(replace(step, part=MERGE, batch=planned.batches))

    @workflow.signal(name=STOP_SIGNAL)
    def stop(self) -> None:
        """Skip the bots not yet started (the one at work finishes); the run ends interrupted."""
        self._stop = True

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> RunProgress:
        """The run id, the bots done so far and the one at work."""
        return self._progress
