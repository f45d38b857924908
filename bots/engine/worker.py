"""The workers of ``arbots worker``: one Temporal worker per task queue, in one process.

``sap`` runs the bots that talk to SAP (openitems, cashapp, collections,
review), ``browser`` the portal bot, ``mail`` intake, ``flow`` the workflow
itself and its bookkeeping activities (begin and finish a run). A host runs
the queues it can serve (see runbooks/temporal.md), each worker with its
queue's ``[engine.queues.<queue>]`` limits (:func:`limits`). SIGINT or SIGTERM shuts
the workers down gracefully: the activities in hand finish first, then the
browsers kept for portal batches are closed (:mod:`bots.engine.browsers`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from bots.config import Config, EngineConfig, QueueLimits
from bots.engine.activities import ACTIVITIES
from bots.engine.browsers import BROWSER_SLOTS
from bots.engine.client import collect_client, connect
from bots.engine.plan import QUEUES, task_queue
from bots.engine.workflows import RunWorkflow

log = logging.getLogger(__name__)


def limits(engine: EngineConfig, queue: str) -> dict[str, Any]:
    """The ``Worker`` options of ``[engine.queues.<queue>]`` (none: Temporal's defaults).

    ``max_concurrent`` caps the activities one worker runs at once;
    ``max_per_minute`` is the queue's rate, all workers together, kept by the server.
    """
    queue_limits = engine.queues.get(queue, QueueLimits())
    options: dict[str, Any] = {}
    if queue_limits.max_concurrent is not None:
        options["max_concurrent_activities"] = queue_limits.max_concurrent
    if queue_limits.max_per_minute is not None:
        options["max_task_queue_activities_per_second"] = queue_limits.max_per_minute / 60
    return options


def workers(client: Client, engine: EngineConfig, queues: Sequence[str]) -> list[Worker]:
    """One worker per queue of ``queues`` (names from :data:`~bots.engine.plan.QUEUES`),
    each with its ``[engine.queues]`` limits."""
    made = []
    for queue in queues:
        flow = queue == "flow"
        made.append(Worker(client, task_queue=task_queue(engine.task_queue_prefix, queue),
                           workflows=[RunWorkflow] if flow else [],
                           activities=ACTIVITIES["flow" if flow else "bot"],
                           **limits(engine, queue)))
    return made


def serve(cfg: Config, queues: Sequence[str] = QUEUES) -> None:
    """Connect and run the workers of ``queues`` until SIGINT or SIGTERM."""
    try:
        asyncio.run(_serve(cfg, queues))
    finally:
        collect_client()


async def _serve(cfg: Config, queues: Sequence[str]) -> None:
    client = await connect(cfg.engine)
    running = workers(client, cfg.engine, queues)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.ensure_future(w.run()) for w in running]
    log.info("workers on %s: %s", cfg.engine.address, ", ".join(
        f"{task_queue(cfg.engine.task_queue_prefix, q)} {limits(cfg.engine, q) or ''}".strip()
        for q in queues))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({stopping, *tasks}, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*(w.shutdown() for w in running), return_exceptions=True)
    await asyncio.to_thread(BROWSER_SLOTS.close)  # the browsers kept for portal batches
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
