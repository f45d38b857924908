"""The workers of ``arbots worker``: one Temporal worker per task queue, in one process.

``sap`` runs the bots that talk to SAP (openitems, cashapp, collections,
review), ``browser`` the portal bot, ``mail`` intake, ``flow`` the workflow
itself and its bookkeeping activities (begin and finish a run). A host runs
the queues it can serve (see runbooks/temporal.md). SIGINT or SIGTERM shuts
the workers down gracefully: the activities in hand finish first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from temporalio.client import Client
from temporalio.worker import Worker

from bots.config import Config
from bots.engine.activities import ACTIVITIES
from bots.engine.client import collect_client, connect
from bots.engine.plan import QUEUES, task_queue
from bots.engine.workflows import RunWorkflow

log = logging.getLogger(__name__)


def workers(client: Client, prefix: str, queues: Sequence[str]) -> list[Worker]:
    """One worker per queue of ``queues`` (names from :data:`~bots.engine.plan.QUEUES`)."""
    made = []
    for queue in queues:
        flow = queue == "flow"
        made.append(Worker(client, task_queue=task_queue(prefix, queue),
                           workflows=[RunWorkflow] if flow else [],
                           activities=ACTIVITIES["flow" if flow else "bot"]))
    return made


def serve(cfg: Config, queues: Sequence[str] = QUEUES) -> None:
    """Connect and run the workers of ``queues`` until SIGINT or SIGTERM."""
    try:
        asyncio.run(_serve(cfg, queues))
    finally:
        collect_client()


async def _serve(cfg: Config, queues: Sequence[str]) -> None:
    client = await connect(cfg.engine)
    running = workers(client, cfg.engine.task_queue_prefix, queues)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.ensure_future(w.run()) for w in running]
    log.info("workers on %s: %s", cfg.engine.address,
             ", ".join(task_queue(cfg.engine.task_queue_prefix, q) for q in queues))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({stopping, *tasks}, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*(w.shutdown() for w in running), return_exceptions=True)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
