"""The intake bot: remittance e-mails from the mailboxes into the store, nothing lost.

For every message waiting in every configured mailbox (the demo folder by
default):

1. fetch its raw bytes and **record them by content hash before parsing**
   (:meth:`Store.record_input`); a message whose hash was settled before is
   not processed again, only moved out of the inbox;
2. extract its remittances (:func:`bots.remittance.extract`: body, every
   attachment, recursively; with the run's open items known to the readers
   when the snapshot was pulled first, as in the nightly run, so that the
   column naming *our* invoices wins over the payer's voucher numbers) and
   keep each in the store for cash application, with the layout it was read
   from (to learn from a correction later); the templates learned from
   earlier corrections (:mod:`bots.remittance.learned`) are known to the readers;
   an advice re-sent in another message (same payer, payment reference, date,
   total and lines) is kept as a duplicate and never applied;
3. settle the input: ``waiting`` (for cash application, which later settles it
   ``applied`` or leaves it ``waiting`` for review) or ``quarantined`` with the
   reason (not a remittance, corrupt, encrypted, needs OCR, duplicate ...);
   a bank return of an earlier payment is kept as a return record for cash
   application (:func:`keep_returns`), which finds the posting it undoes;
4. only then move the message to ``processed`` or ``exceptions``.

The reading of step 2 runs in ``[intake] jobs`` worker processes (``arbots
run --jobs N``; default: one per core; 1: in this process); the rest stays here, message after
message in mailbox order (:mod:`bots.remittance.pool`): a message whose worker dies
(a segfault in a PDF library, the OOM killer) is quarantined with that reason
(``the worker process died: killed by SIGKILL``) and the others go on.

A crash anywhere leaves the message in the inbox with its input recorded as
``received``; the next run processes it again, and the store's primary keys
(remittance id = content hash + index) make that a no-op where it had got to.

Poison never stops intake: whatever goes wrong while one message is read (a
reader bug, an amount out of range, ``decimal.InvalidOperation``) quarantines
that message with a short reason naming the part (``advice.csv: amount out of
range: '1e309' (exponent notation)``, ``unreadable: RecursionError``) and the
bot goes on with the next. A re-sent copy of a quarantined message (same
content hash) goes straight to ``exceptions`` again, never to ``processed``.

A dry run reads and parses, records and moves nothing, and hands the
remittances to the cash-application bot in memory (``ctx.memo``), so that it
can say what it would post.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from bots.cashapp.engine import advice_key
from bots.config import Config, ConfigError
from bots.domain import Remittance, stable_id
from bots.email.base import Mailbox, MailboxError, MessageRef
from bots.email.settings import configured_mailboxes
from bots.pipeline.context import BotContext
from bots.remittance import RETURN_REASON, ExtractResult, extract, learned
from bots.remittance.jsonl import to_json
from bots.remittance.known import KnownItems
from bots.remittance.known import using as using_open_items
from bots.remittance.pool import WorkerLost, default_jobs, read_in_order
from bots.remittance.records import content_hash
from bots.reports.model import BotSection, BotStatus, ErrorItem, InputOutcome, InputRecord

SETTLED = ("applied", "waiting", "quarantined")

log = logging.getLogger(__name__)


def fingerprint(r: Remittance) -> str:
    """What makes two advices the same payment, whatever file carried them."""
    return stable_id("fp", *advice_key(r), length=20)


def run(ctx: BotContext) -> BotSection:
    """The bot: every waiting message of every mailbox, recorded, parsed, settled, moved."""
    section = BotSection("intake", BotStatus.OK, counts={
        "messages": 0, "remittances": 0, "duplicates": 0, "quarantined": 0,
        "seen_before": 0})
    ctx.memo.setdefault("inputs", {})
    pulled = ctx.memo.get("snapshot")  # the nightly run pulled it first; alone, none
    with using_open_items(KnownItems.of_open_items(pulled.items) if pulled else None), \
            learned.using(learned.Learned(ctx.store.learned_hints())):
        _take_mailboxes(ctx, section)
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def _take_mailboxes(ctx: BotContext, section: BotSection) -> None:
    """Every waiting message of every configured mailbox (open items known to the readers).

    Messages are fetched and recorded here, read by ``[intake] jobs`` worker
    processes (:mod:`bots.remittance.pool`) and settled here in mailbox order.
    """
    jobs = ctx.memo.get("jobs") or intake_jobs(ctx.cfg)  # `arbots run --jobs` first
    for box in configured_mailboxes(ctx.cfg):
        try:
            with box:
                refs = box.list_new()
                arrived: dict[str, Arrival] = {}
                tasks = _arrivals(ctx, box, refs, arrived, section)
                for source, read in read_in_order(read_recorded, tasks, min(jobs, len(refs))):
                    settle(ctx, box, arrived.pop(source), read, section)
        except MailboxError as exc:
            section.errors.append(ErrorItem(
                f"mailbox {box.name}", str(exc),
                "See runbooks/mailbox-errors.md; messages stay in the inbox and the next "
                "run takes them."))


def _arrivals(ctx: BotContext, box: Mailbox, refs: list[MessageRef],
              arrived: dict[str, Arrival],
              section: BotSection) -> Iterator[tuple[str, tuple[bytes, str]]]:
    """The messages to read, ``(source, (raw, source))``, each fetched and recorded
    only when the pool asks for it; each also put in ``arrived`` by source."""
    for ref in ctx.progress.track(refs, f"Mailbox {box.name}", len(refs)):
        if ctx.stop.is_set():
            return
        if (arrival := arrive(ctx, box, ref, section)) is not None:
            arrived[arrival.source] = arrival
            yield arrival.source, (arrival.raw, arrival.source)


def intake_jobs(cfg: Config) -> int:
    """``[intake] jobs``: worker processes reading messages (default: one per core)."""
    jobs = (cfg.raw.get("intake") or {}).get("jobs", default_jobs())
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ConfigError(f"{cfg.source}: intake.jobs: expected a whole number of at least 1, "
                          f"got {jobs!r}")
    return jobs


@dataclass(frozen=True)
class Arrival:
    """A message fetched and recorded, to be read and settled."""

    ref: MessageRef
    raw: bytes
    digest: str
    source: str


Read = tuple[ExtractResult, list[str], str | None, list[learned.Layout]]


def arrive(ctx: BotContext, box: Mailbox, ref: MessageRef,
           section: BotSection) -> Arrival | None:
    """Fetch the message and record it by content hash; None when it was settled before
    (then it is moved out of the inbox here and not read again)."""
    raw = box.fetch(ref)
    digest = content_hash(raw)
    source = f"{box.name}:{ref.id}"
    section.counts["messages"] += 1
    if not ctx.dry_run and not ctx.store.record_input(digest, source, len(raw), ctx.run.id):
        status = ctx.store.input_status(digest)
        if status and status[0] in SETTLED:
            section.counts["seen_before"] += 1
            quarantined = status[0] == "quarantined"
            ctx.memo["inputs"][digest] = (source, "email", InputOutcome.QUARANTINED
                                          if quarantined else InputOutcome.SEEN_BEFORE)
            box.move(ref, "exceptions" if quarantined else "processed")
            return None
    return Arrival(ref, raw, digest, source)


def read_recorded(message: tuple[bytes, str]) -> Read:
    """:func:`read_message` of ``(raw, source)`` and the layouts of the tables it read
    (what a worker process hands back)."""
    with learned.recording() as layouts:
        result, bodies, failed = read_message(*message)
    return result, bodies, failed, layouts


def settle(ctx: BotContext, box: Mailbox, arrival: Arrival, read: Read | WorkerLost,
           section: BotSection) -> None:
    """Keep what was read from the message, settle its input and move it; a message
    whose worker died is quarantined with that reason."""
    if isinstance(read, WorkerLost):
        read = ExtractResult(), [], read.reason, []
    result, bodies, failed, layouts = read
    ref, digest, source = arrival.ref, arrival.digest, arrival.source
    if ctx.dry_run:  # hand the remittances to cash application in memory
        seen = ctx.memo.setdefault("dry_run_remittances", {})
        fresh = {fingerprint(r): r for r in result.remittances if fingerprint(r) not in seen}
        seen.update(fresh)
        section.counts["remittances"] += len(fresh)
        section.counts["duplicates"] += len(result.remittances) - len(fresh)
        section.counts["quarantined"] += int(not fresh)
        return
    store = ctx.store
    kept = []
    for remittance, body in zip(result.remittances, bodies, strict=True):
        kept_as = store.add_remittance(remittance.id, digest, ctx.run.id,
                                       fingerprint(remittance), body)
        if layout := next((lay for lay in layouts if lay.holds(remittance)), None):
            store.keep_layout(remittance.id, layout)
        section.counts["duplicates" if kept_as == "duplicate" else "remittances"] += 1
        if kept_as != "duplicate":
            kept.append(remittance)
    kept += keep_returns(ctx, result.returns, digest, section)
    if kept:
        store.settle_input(digest, "waiting", "waiting for cash application")
        ctx.memo["inputs"][digest] = (source, kept[0].format, None)
        box.move(ref, "processed")
        return
    if result.remittances or result.returns:
        reason = "duplicate advice: the same payment was already received"
    else:
        reason = failed or failure_reason(result, source)
    log.warning("%s quarantined: %s", source, reason)
    store.settle_input(digest, "quarantined", reason)
    section.counts["quarantined"] += 1
    ctx.memo["inputs"][digest] = (source, "email", InputOutcome.QUARANTINED)
    box.move(ref, "exceptions")


def keep_returns(ctx: BotContext, returns: list[Remittance], digest: str,
                 section: BotSection) -> list[Remittance]:
    """Hand bank returns of earlier payments on to cash application as *return records*
    (``kind = "return"`` in the stored body; :mod:`bots.pipeline.resets`); the new ones.

    Their fingerprint differs from the returned payment's, so a return is never
    taken for a duplicate of the payment it returns (a re-sent return is one).
    """
    kept = []
    for r in returns:
        body = json.dumps({**to_json(r), "kind": "return"})
        fp = stable_id("rt", *advice_key(r), length=20)
        if ctx.store.add_remittance(r.id, digest, ctx.run.id, fp, body) == "duplicate":
            section.counts["duplicates"] += 1
            continue
        section.counts["returns"] = section.counts.get("returns", 0) + 1
        kept.append(r)
    return kept


def read_message(raw: bytes, source: str) -> tuple[ExtractResult, list[str], str | None]:
    """The message's remittances, each as its stored JSON, or why it could not be read.

    Never raises: an exception from extraction or serialisation is the reason
    (``unreadable: <ExceptionType>``) and the result is empty.
    """
    try:
        result = extract(raw, source)
        return result, [json.dumps(to_json(r)) for r in result.remittances], None
    except Exception as exc:  # a reader bug must not stop intake: the message is quarantined
        log.warning("reading %s failed", source, exc_info=True)
        return ExtractResult(), [], f"unreadable: {type(exc).__name__}"


def failure_reason(result: ExtractResult, source: str) -> str:
    """One short line from the failures, each named by its part (``advice.pdf: ...``), and
    the returns of earlier payments, which are no remittances either."""
    reasons = []
    for failure in result.failures:
        part = failure.source.removeprefix(source).lstrip("#")
        text = f"{part}: {failure.reason}" if part else failure.reason
        if text not in reasons:
            reasons.append(text)
    if result.returns:  # a bank booking returning an earlier payment: for a person to see
        reasons.append(f"{RETURN_REASON} ({len(result.returns)})")
    return "; ".join(reasons)[:500] or "no remittance found"


def input_records(ctx: BotContext) -> list[InputRecord]:
    """Where each input this run took in ended, as the store says now."""
    records = []
    for digest, (source, fmt, outcome) in ctx.memo.get("inputs", {}).items():
        status, reason = ctx.store.input_status(digest) or ("waiting", None)
        if outcome is None:
            outcome = {"applied": InputOutcome.APPLIED,
                       "quarantined": InputOutcome.QUARANTINED}.get(status, InputOutcome.REVIEW)
        records.append(InputRecord(source, digest, fmt, outcome, reason or ""))
    return records
