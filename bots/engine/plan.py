"""The plain data of a run on the Temporal engine: what a workflow's history holds.

Only ids and names: the configuration file's path, the bot names, the run
id, counts. Never a secret, an amount or a customer's name: the history is
shown in the Temporal UI and kept by the server. This module imports nothing
but the standard library, so the workflow sandbox may pass it through.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

QUEUES = ("sap", "browser", "mail", "flow")
BOT_QUEUE = {  # bot -> the kind of worker that can run it
    "openitems": "sap",
    "cashapp": "sap",
    "collections": "sap",
    "review": "sap",
    "promise": "sap",
    "contact": "sap",
    "dispute": "sap",
    "portals": "browser",
    "intake": "mail",
}
POSTING_BOTS = frozenset({"cashapp", "portals", "collections", "review", "promise",  # write
                          "contact", "dispute"})
WORKFLOW = "RunWorkflow"
RUN_FAILED = "RunFailed"  # the ApplicationError type of a scheduled run that failed
STOP_SIGNAL = "stop"
PROGRESS_QUERY = "progress"


def task_queue(prefix: str, queue: str) -> str:
    """The task queue name of ``queue`` (one of :data:`QUEUES`): ``<prefix>-<queue>``."""
    return f"{prefix}-{queue}"


def workflow_id(landscape: str, bots: list[str], night: date) -> str:
    """One id per landscape, bots and night: a second start while one runs is refused.

    The landscape is hashed (a sandbox's id is a long path); its first
    characters stay readable in the Temporal UI.
    """
    digest = hashlib.sha256(landscape.encode()).hexdigest()[:10]
    system = landscape.split(":", 1)[0]
    return f"arbots-{system}-{digest}-{'+'.join(bots)}-{night.isoformat()}"


@dataclass
class RunRequest:
    """What ``arbots run`` asks of the workflow."""

    config_path: str | None  # None: the embedded demo configuration
    home: str  # ARBOTS_HOME: relative paths of the configuration are below it
    bots: list[str]
    trigger: str = "on_demand"
    dry_run: bool = False
    run_id: str | None = None  # chosen by the caller (the console), else by the first activity
    jobs: int | None = None  # intake's reader processes (arbots run --jobs)
    task_queue_prefix: str = "arbots"
    heartbeat_seconds: int = 30  # a bot activity not heard of for this long is retried
    job: str | None = None  # the [schedule.<name>] job that started it (Temporal Schedules)
    fail_on_failure: bool = False  # a failed run fails the workflow (pauses its schedule)


PLAN, BATCH, MERGE = "plan", "batch", "merge"  # the parts of a bot run as several activities
SPLIT_BOTS = frozenset({"portals"})  # bots whose work is shared by the workers of their queue


@dataclass
class BotStep:
    """One bot of a run, or one part of it, for the activity that runs it.

    ``part`` is empty for a whole bot. A bot of :data:`SPLIT_BOTS` runs as
    :data:`PLAN` (all but the shareable work; its result says how many
    batches), each :data:`BATCH` (``batch`` its number, run at once on any
    worker of the queue), then :data:`MERGE` (``batch`` the number of batches:
    their outcomes added to the bot's section).
    """

    request: RunRequest
    run_id: str
    bot: str
    part: str = ""
    batch: int = 0


@dataclass
class BotDone:
    """How one bot ended: its status and counts (numbers only)."""

    bot: str
    status: str
    seconds: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    batches: int = 0  # after a PLAN part: how many BATCH parts follow


@dataclass
class RunEnd:
    """What the last activity is told: how the bots went and why the run stopped."""

    request: RunRequest
    run_id: str
    stopped: bool = False  # the stop signal came: the remaining bots were skipped
    fatal_bot: str | None = None  # the bot whose error ended the run (exit 2)
    fatal_type: str = ""  # that error's class name (bots.engine.errors)
    fatal_message: str = ""


@dataclass
class RunResult:
    """The workflow's result: the run as recorded in the store."""

    run_id: str
    status: str
    exit_code: int
    message: str = ""
    bots: list[BotDone] = field(default_factory=list)


@dataclass
class RunProgress:
    """The answer to the workflow's progress query: the bots done so far, the one at work."""

    run_id: str
    done: list[BotDone] = field(default_factory=list)
    current: str | None = None
