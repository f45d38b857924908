"""``arbots schedule sync``: the configured ``[schedule.<name>]`` jobs as Temporal Schedules.

On the Temporal engine the server, not a daemon, starts the nightly: each job
becomes one Schedule (id ``<task_queue_prefix>-<job>``) whose action starts
:class:`~bots.engine.workflows.RunWorkflow` with the job's bots, trigger
``schedule`` and the job's name (so ``arbots schedule list`` and ``arbots
runs`` show it as with the daemon). Its policies:

- **overlap SKIP**: a run still going when the next is due is left alone, the
  next start is skipped (one writer per landscape, as the lease says);
- **catch-up window** ``[engine] catchup_minutes`` (default 60): a start the
  server missed (it was down) runs when it is back within that window, else
  it is dropped and the next one is waited for;
- **pause on failure** for jobs with a bot that writes (:data:`POSTING_BOTS`):
  the run is started with ``fail_on_failure``, a failed or aborted run fails
  the workflow, and the server pauses the schedule until a person has read the
  report and unpaused it (UI, or ``temporal schedule toggle --unpause``).
  A night refused because another run held the landscape fails it too.

Times: ``at`` (HH:MM) in ``[engine] time_zone`` (IANA name, default UTC), daily
by a calendar spec. ``every_days`` > 1 is an interval of that many days whose
phase puts it at ``at`` on the days counted from 1970-01-01 (so a resync never
moves it); an interval is absolute time, so across a daylight-saving change it
runs an hour off the wall clock until the next change.

Sync is idempotent: a schedule that does not exist is created; one whose
spec, policies and action differ from the configuration (a fingerprint kept
in the action's details) is updated, keeping its paused state and note; one
that matches is left as it is. Schedules of jobs removed from the
configuration are not deleted (``temporal schedule delete --schedule-id``).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.converter import PayloadConverter
from temporalio.service import RPCError, RPCStatusCode

from bots.config import Config, ConfigError, ScheduleJob
from bots.domain import Trigger
from bots.engine.client import collect_client, connect, request_for
from bots.engine.plan import POSTING_BOTS, WORKFLOW, task_queue
from bots.runner import expand

MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Synced:
    """What sync did with one job: ``created``, ``updated`` or ``unchanged``."""

    job: str
    schedule_id: str
    outcome: str
    pauses_on_failure: bool


def schedule_id(cfg: Config, job: ScheduleJob) -> str:
    """The Schedule's id: ``<task_queue_prefix>-<job name>``."""
    return f"{cfg.engine.task_queue_prefix}-{job.name}"


def pauses_on_failure(job: ScheduleJob) -> bool:
    """Whether ``job`` runs a bot that writes externally (its schedule pauses on a failure)."""
    return bool(POSTING_BOTS.intersection(expand(job.bots)))


def spec_of(job: ScheduleJob, time_zone: str) -> ScheduleSpec:
    """When the job runs: daily at ``at`` in ``time_zone``, or every ``every_days`` days."""
    at = job.at or MIDNIGHT
    if job.every_days == 1:
        return ScheduleSpec(calendars=[ScheduleCalendarSpec(
            hour=[ScheduleRange(at.hour)], minute=[ScheduleRange(at.minute)])],
            time_zone_name=time_zone)
    every = timedelta(days=job.every_days)
    first = datetime.combine(date(1970, 1, 1), at, tzinfo=ZoneInfo(time_zone))
    offset = timedelta(seconds=first.timestamp() % every.total_seconds())
    return ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every, offset=offset)])


def schedule_of(cfg: Config, job: ScheduleJob) -> Schedule:
    """The Schedule of ``job`` as the configuration says it, its fingerprint in the details."""
    pauses = pauses_on_failure(job)
    request = replace(request_for(cfg, job.bots, trigger=Trigger.SCHEDULE), job=job.name,
                      fail_on_failure=pauses)
    spec = spec_of(job, cfg.engine.time_zone)
    policy = SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP,
                            catchup_window=timedelta(minutes=cfg.engine.catchup_minutes),
                            pause_on_failure=pauses)
    flow = task_queue(cfg.engine.task_queue_prefix, "flow")
    sid = schedule_id(cfg, job)
    fingerprint = hashlib.sha256(repr((spec, policy, request, flow)).encode()).hexdigest()[:16]
    action = ScheduleActionStartWorkflow(
        WORKFLOW, request, id=sid, task_queue=flow,
        static_summary=f"arbots {job.name}: {', '.join(request.bots)}",
        static_details=f"arbots schedule sync {fingerprint}")
    return Schedule(action=action, spec=spec, policy=policy)


def sync(cfg: Config, jobs: tuple[ScheduleJob, ...]) -> list[Synced]:
    """Create or update one Temporal Schedule per job; what was done with each.

    Temporal unreachable or refusing: :class:`~bots.config.ConfigError` naming the address.
    """
    try:
        return asyncio.run(_sync(cfg, jobs))
    finally:
        collect_client()


async def _sync(cfg: Config, jobs: tuple[ScheduleJob, ...]) -> list[Synced]:
    client = await connect(cfg.engine)
    done = []
    for job in jobs:
        try:
            done.append(await _sync_one(client, cfg, job))
        except RPCError as err:  # e.g. no permission on the namespace: named, exit 2
            raise ConfigError(f"Temporal at {cfg.engine.address} (namespace "
                              f"{cfg.engine.namespace}) refused schedule "
                              f"{schedule_id(cfg, job)}: {err.message}") from None
    return done


async def _sync_one(client: Client, cfg: Config, job: ScheduleJob) -> Synced:
    sid, wanted = schedule_id(cfg, job), schedule_of(cfg, job)
    done = Synced(job.name, sid, "created", wanted.policy.pause_on_failure)
    handle = client.get_schedule_handle(sid)
    try:
        described = await handle.describe()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
        try:
            await client.create_schedule(sid, wanted)
            return done
        except ScheduleAlreadyRunningError:  # created meanwhile by another sync
            described = await handle.describe()
    if _details(described.schedule) == _details(wanted):
        return replace(done, outcome="unchanged")

    def keep_state(current: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(replace(wanted, state=current.description.schedule.state))

    await handle.update(keep_state)
    return replace(done, outcome="updated")


def _details(schedule: Schedule) -> str | None:
    """The action's details text (the fingerprint); described, it comes as a payload."""
    action = schedule.action
    if not isinstance(action, ScheduleActionStartWorkflow):
        return None
    details: object = action.static_details
    if isinstance(details, Payload):
        details = PayloadConverter.default.from_payload(details, str)
    return details if isinstance(details, str) else None
