"""``arbots run`` on the Temporal engine: connect, start the workflow, follow it, wait.

:func:`run_on_temporal` returns the same :class:`~bots.runner.RunOutcome` as
:func:`bots.runner.run_bots`: the run is recorded in the store and its report
written by the workflow's last activity, read back here from the run folder.
Temporal unreachable: :class:`~bots.config.ConfigError` naming the address
(exit 2). The same bots already running on the landscape tonight
(the workflow id is taken), or the landscape's lease held by another run:
:class:`RunRefused` (exit 75).
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, TLSConfig

from bots.config import Config, ConfigError, EngineConfig, EngineTls
from bots.domain import RunStatus, Trigger
from bots.engine import checkpoint
from bots.engine.errors import EXIT_OF_TYPE
from bots.engine.plan import (
    PROGRESS_QUERY,
    STOP_SIGNAL,
    WORKFLOW,
    BotDone,
    RunProgress,
    RunRequest,
    RunResult,
    task_queue,
    workflow_id,
)
from bots.exit_codes import EXIT_BUSY
from bots.landscape import landscape_id
from bots.runner import RunOutcome, expand

CONNECT_TIMEOUT = 10.0  # seconds
POLL = 1.0  # seconds between progress queries
DEMO_SOURCE = "config/demo.toml"  # Config.source of the embedded configuration (no file given)


class RunRefused(RuntimeError):
    """The run was not started: the same run is going, or the landscape is held."""


async def connect(engine: EngineConfig) -> Client:
    """A client of the configured Temporal server; ConfigError naming it when unreachable.

    With ``[engine.tls]`` the connection is TLS (mutual with a client
    certificate); the PEM files are read here and never logged.
    """
    tls = tls_config(engine.tls) if engine.tls is not None else False
    try:
        return await asyncio.wait_for(
            Client.connect(engine.address, namespace=engine.namespace, tls=tls),
            CONNECT_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure to connect is named the same way
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        over = "over TLS" if engine.tls is not None else "without TLS ([engine.tls] not set)"
        raise ConfigError(f"Temporal is unreachable at {engine.address} {over} (namespace "
                          f"{engine.namespace}; [engine] address or ARBOTS_TEMPORAL): "
                          f"{reason}") from None


def tls_config(tls: EngineTls) -> TLSConfig:
    """``[engine.tls]`` as temporalio's ``TLSConfig``; an unreadable file is a ConfigError."""
    def read(path: Path | None, key: str) -> bytes | None:
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"[engine.tls] {key}: cannot read {path}: {exc.strerror}"
                              ) from None

    return TLSConfig(server_root_ca_cert=read(tls.server_ca, "server_ca"),
                     client_cert=read(tls.client_cert, "client_cert"),
                     client_private_key=read(tls.client_key, "client_key"),
                     domain=tls.server_name)


def request_for(cfg: Config, bots: tuple[str, ...], *, dry_run: bool = False,
                trigger: Trigger = Trigger.ON_DEMAND, run_id: str | None = None,
                jobs: int | None = None) -> RunRequest:
    """The workflow's input for running ``bots`` with ``cfg``: paths and names only."""
    config_path = None if cfg.source == DEMO_SOURCE else str(Path(cfg.source).resolve())
    return RunRequest(config_path=config_path, home=str(cfg.home), bots=list(expand(bots)),
                      trigger=trigger.value, dry_run=dry_run, run_id=run_id, jobs=jobs,
                      task_queue_prefix=cfg.engine.task_queue_prefix,
                      heartbeat_seconds=cfg.engine.heartbeat_seconds)


def run_on_temporal(cfg: Config, request: RunRequest, stop: threading.Event | None = None,
                    on_bot: Callable[[BotDone], None] | None = None) -> RunOutcome:
    """Start the run's workflow, report each bot as it ends, wait; the outcome.

    ``stop`` set: the workflow is signalled to skip the bots not yet started.
    """
    try:
        return asyncio.run(_run(cfg, request, stop or threading.Event(),
                                on_bot or (lambda _: None)))
    except (RunRefused, ConfigError) as exc:
        raise _detached(exc) from None
    finally:
        collect_client()


def collect_client() -> None:
    """Free the Temporal client now, not while the interpreter exits.

    A client left to the garbage collection at interpreter exit sometimes
    aborts the process (``PyGILState_Release`` from the Temporal core's
    threads: 1 exit in 24 to 48 under load, none after collecting first).
    """
    gc.collect()


def _detached(exc: Exception) -> Exception:
    """``exc`` without its traceback and context, whose frames hold the client."""
    exc.__traceback__ = exc.__context__ = exc.__cause__ = None
    return exc


async def _run(cfg: Config, request: RunRequest, stop: threading.Event,
               on_bot: Callable[[BotDone], None]) -> RunOutcome:
    client = await connect(cfg.engine)
    night = date.today()
    wid = workflow_id(landscape_id(cfg), request.bots, night)
    try:
        handle: WorkflowHandle[object, RunResult] = await client.start_workflow(
            WORKFLOW, request, id=wid, result_type=RunResult,
            task_queue=task_queue(request.task_queue_prefix, "flow"))
    except WorkflowAlreadyStartedError:
        raise RunRefused(f"{', '.join(request.bots)} is already running on this landscape "
                         f"tonight (Temporal workflow {wid}); wait for it or see the "
                         "Temporal UI") from None
    try:
        result = await _follow(handle, stop, on_bot)
    except RPCError as err:  # the server went away while we followed the run
        raise ConfigError(f"Temporal at {cfg.engine.address} stopped answering while this "
                          f"command followed workflow {wid}: {err.message}; the run goes on "
                          "when the server is back (see `arbots runs`)") from None
    run_dir = cfg.runs_dir / result.run_id
    report = checkpoint.report_of(run_dir)
    return RunOutcome(result.run_id, RunStatus(result.status), report, run_dir,
                      result.message, result.exit_code)


async def _follow(handle: WorkflowHandle[object, RunResult], stop: threading.Event,
                  on_bot: Callable[[BotDone], None]) -> RunResult:
    """Wait for the workflow's result, telling each bot done; signal ``stop`` once."""
    waiting = asyncio.ensure_future(handle.result())
    told, signalled = 0, False
    while True:
        done, _ = await asyncio.wait({waiting}, timeout=POLL)
        if stop.is_set() and not signalled and not done:
            await handle.signal(STOP_SIGNAL)
            signalled = True
        progress = None if done else await _progress(handle)
        bots = progress.done if progress else []
        if done:
            try:
                result = waiting.result()
            except WorkflowFailureError as err:
                raise _refusal(err) from None
            bots = result.bots
        for bot in bots[told:]:
            on_bot(bot)
        told = max(told, len(bots))
        if done:
            return result


async def _progress(handle: WorkflowHandle[object, RunResult]) -> RunProgress | None:
    try:
        return await handle.query(PROGRESS_QUERY, result_type=RunProgress)
    except Exception:  # noqa: BLE001 - no worker has answered yet: ask again at the next poll
        return None


def _refusal(err: WorkflowFailureError) -> Exception:
    """What a failed workflow means for the caller: refused (75) or configuration (2)."""
    cause: BaseException | None = err.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__ or getattr(cause, "cause", None)
    if isinstance(cause, ApplicationError):
        if EXIT_OF_TYPE.get(cause.type or "") == EXIT_BUSY:
            return RunRefused(cause.message)
        return ConfigError(cause.message)
    return ConfigError(f"the run's workflow failed: {err.cause or err}")

