"""What one activity of a run hands the next: the report so far and the bots' memo, as JSON.

On the local engine the bots of a run share one :class:`BotContext` in one
process: the report they add to, and ``ctx.memo`` (the open-items snapshot,
the inputs intake read, the payments cash application cleared). On Temporal
each bot is an activity, perhaps on another worker, so the state is kept in
the run folder after each bot (``engine-state.json``, written atomically)
and read back by the next activity. An activity retried after its worker
died starts again from the state before its bot; the write ledger keeps its
writes from being repeated. The run folder must therefore be shared by the
workers of a landscape (see runbooks/temporal.md).

JSON, not pickle: loading a pickle runs whatever code the file names, so a
writable run folder would be a way into every worker. Here a file names
only classes from a fixed list (:data:`CLASSES`, :data:`ENUMS`), built with
their own constructors (which check money is Decimal). What is kept:

- the report so far (what ``report.json`` of the same folder shows at the end);
- the outcome of each batch of a bot whose batches run at once on several
  workers (the portal bot's), each in its own file (:func:`save_part`),
  added to the bot's section by the activity after them;
- the memo by id: the open-items snapshot as the run's id, its items in
  their own file written once (``engine-open-items.json``: the SAP line items,
  numbers, amounts, dates and references, by column; the customers, whose
  names they are, are read again from SAP by the next activity), the run a
  take-over found as its id, inputs by content hash, cleared items by key,
  ``jobs`` as a number. No secret is ever in the memo. A dry run's parsed
  remittances, which a dry run keeps nowhere else, are the one exception:
  they are kept whole.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from bots.domain import (
    OpenItem,
    PaymentMethod,
    Remittance,
    RemittanceLine,
    RunStatus,
    Trigger,
)
from bots.pipeline.context import BotContext
from bots.pipeline.openitems import Snapshot
from bots.reports.metrics import AmountRate, CashFigures, OnAccountCash, Rate, TrendPoint
from bots.reports.model import (
    WORKLIST_KINDS,
    AgingBucket,
    BotSection,
    BotStatus,
    ErrorItem,
    InputOutcome,
    InputRecord,
    RunReport,
    StatusAmount,
    WaitingItem,
    WriteRecord,
    WriteState,
)
from bots.store import Store
from bots.takeover import TakeOver

FILE = "engine-state.json"
ITEMS_FILE = "engine-open-items.json"  # the snapshot's items, written once per run
PART_FILE = "engine-{bot}-batch{batch}.json"  # one batch's outcome (save_part)
VERSION = 1
SNAPSHOT = "snapshot"  # ctx.memo key of the open-items snapshot (bots.pipeline.openitems)

CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    RunReport, BotSection, ErrorItem, WaitingItem, AgingBucket, StatusAmount, WriteRecord,
    InputRecord, *WORKLIST_KINDS, CashFigures, Rate, AmountRate, OnAccountCash, TrendPoint,
    Remittance, RemittanceLine)}
ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (
    RunStatus, Trigger, BotStatus, WriteState, InputOutcome, PaymentMethod)}


class CheckpointError(ValueError):
    """A state file that is not one arbots wrote (names the file and what is wrong)."""


@dataclass
class RunState:
    """The run's report so far, the bots' memo and what the run took over."""

    report: RunReport
    memo: dict[str, Any] = field(default_factory=dict)
    takeover: TakeOver = field(default_factory=TakeOver)


def save(run_dir: Path, state: RunState) -> None:
    """Write ``state`` to ``run_dir`` atomically (a reader sees the old or the new one).

    The snapshot's items are written once, to their own file (:data:`ITEMS_FILE`);
    the state names them by the run's id.
    """
    snapshot = state.memo.get(SNAPSHOT)
    if isinstance(snapshot, Snapshot) and not (run_dir / ITEMS_FILE).exists():
        _write(run_dir, ITEMS_FILE, _item_columns(snapshot.items))
    memo = {key: ({"$snapshot": state.report.run_id} if key == SNAPSHOT else encode(value))
            for key, value in state.memo.items()}
    takeover = state.takeover
    _write(run_dir, FILE, {
        "version": VERSION, "report": encode(state.report), "memo": memo,
        "takeover": {"aborted": takeover.aborted, "adopted": takeover.adopted,
                     "previous": takeover.previous.id if takeover.previous else None}})


def _write(run_dir: Path, name: str, data: Any) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    temporary = run_dir / f".{name}.{os.getpid()}"
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, run_dir / name)


def load(run_dir: Path, store: Store) -> RunState:
    """The state the last finished activity of the run left in ``run_dir``.

    The snapshot comes back as a :class:`SavedSnapshot` (see :func:`restore`),
    the run a take-over found as the store's record of it.
    """
    data = _read(run_dir)
    try:
        memo = {key: (SavedSnapshot(value["$snapshot"]) if key == SNAPSHOT else decode(value))
                for key, value in data["memo"].items()}
        taken = data["takeover"]
        previous = store.run(taken["previous"]) if taken["previous"] else None
        takeover = TakeOver(list(taken["aborted"]), dict(taken["adopted"]), previous)
    except (CheckpointError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"{run_dir / FILE}: not a run state arbots wrote: {exc}"
                              ) from None
    return RunState(report_of(run_dir, data), memo, takeover)


def save_part(run_dir: Path, bot: str, batch: int, section: BotSection,
              worklist: list[Any]) -> None:
    """Keep one batch's section and worklist rows (a bot of ``plan.SPLIT_BOTS``): its
    batches run at once, so each writes its own file, read by :func:`load_part`."""
    _write(run_dir, part_path(run_dir, bot, batch).name, {
        "version": VERSION, "section": encode(section), "worklist": encode(worklist)})


def part_path(run_dir: Path, bot: str, batch: int) -> Path:
    """The file of one batch's outcome (there once the batch has ended)."""
    return run_dir / PART_FILE.format(bot=bot, batch=batch)


def load_part(run_dir: Path, bot: str, batch: int) -> tuple[BotSection, list[Any]]:
    """The section and worklist rows :func:`save_part` kept for ``batch``."""
    path = part_path(run_dir, bot, batch)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        section, worklist = decode(data["section"]), decode(data["worklist"])
    except (OSError, CheckpointError, KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{path}: not a batch's outcome arbots wrote: {exc}") from None
    if data.get("version") != VERSION or not isinstance(section, BotSection) \
            or not isinstance(worklist, list):
        raise CheckpointError(f"{path}: not a batch's outcome arbots wrote")
    return section, worklist


def report_of(run_dir: Path, data: dict[str, Any] | None = None) -> RunReport:
    """The run's report as the last finished activity left it in ``run_dir``."""
    data = data if data is not None else _read(run_dir)
    try:
        report = decode(data["report"])
    except (CheckpointError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"{run_dir / FILE}: not a run state arbots wrote: {exc}"
                              ) from None
    if not isinstance(report, RunReport):
        raise CheckpointError(f"{run_dir / FILE}: not a run state arbots wrote: no report")
    return report


def _read(run_dir: Path) -> dict[str, Any]:
    path = run_dir / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CheckpointError(f"{path}: not a run state arbots wrote: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise CheckpointError(f"{path}: not a run state arbots wrote: expected version "
                              f"{VERSION}")
    return data


@dataclass(frozen=True)
class SavedSnapshot:
    """The memo's open-items snapshot as kept: the id of the run it was saved under."""

    run_id: str


def restore(ctx: BotContext) -> None:
    """Turn a :class:`SavedSnapshot` in ``ctx.memo`` back into the snapshot.

    The items from their file in the run folder; the customers read again
    from SAP (their names are not kept in the run folder).
    """
    if isinstance(ctx.memo.get(SNAPSHOT), SavedSnapshot):
        path = ctx.run_dir / ITEMS_FILE
        try:
            items = _items(json.loads(path.read_text(encoding="utf-8")))
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise CheckpointError(f"{path}: not open items arbots wrote: {exc}") from None
        customers = ctx.sap.customers(ctx.cfg.sap.company_codes)
        ctx.memo[SNAPSHOT] = Snapshot(items, {(c.company_code, c.number): c
                                              for c in customers})


# --------------------------------------------------------------------------- open items


ITEM_FIELDS = tuple(f.name for f in fields(OpenItem))
_DECIMALS = {f.name for f in fields(OpenItem) if "Decimal" in str(f.type)}
_DATES = {f.name for f in fields(OpenItem) if "date" in str(f.type)}


def _item_columns(items: list[OpenItem]) -> dict[str, list[Any]]:
    """The items by column (a million items stay a few dozen MB): money and dates as text."""
    def text(name: str, value: Any) -> Any:
        if value is None or name not in _DECIMALS | _DATES:
            return value
        return value.isoformat() if name in _DATES else str(value)

    return {name: [text(name, getattr(item, name)) for item in items] for name in ITEM_FIELDS}


def _items(columns: dict[str, list[Any]]) -> list[OpenItem]:
    def value(name: str, raw: Any) -> Any:
        if raw is None or name not in _DECIMALS | _DATES:
            return raw
        return date.fromisoformat(raw) if name in _DATES else Decimal(raw)

    rows = zip(*(columns[name] for name in ITEM_FIELDS), strict=True)
    return [OpenItem(**{name: value(name, raw) for name, raw in zip(ITEM_FIELDS, row,
                                                                   strict=True)})
            for row in rows]


# --------------------------------------------------------------------------- the codec


def encode(value: Any) -> Any:
    """``value`` as JSON data; dataclasses and enums only from :data:`CLASSES`, :data:`ENUMS`."""
    if value is None or isinstance(value, bool | int | float | str) and not isinstance(
            value, Enum):
        return value
    if isinstance(value, Enum):
        return {"$enum": _known(ENUMS, type(value)), "value": value.value}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"$set": sorted((encode(v) for v in value), key=json.dumps)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if is_dataclass(value) and not isinstance(value, type):
        return {"$class": _known(CLASSES, type(value)),
                **{f.name: encode(getattr(value, f.name)) for f in fields(value) if f.init}}
    raise TypeError(f"the run state cannot keep a {type(value).__name__}")


def decode(data: Any) -> Any:
    """The value :func:`encode` gave ``data`` for; anything else is a CheckpointError."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$class" in data:
        cls = CLASSES.get(data["$class"])
        if cls is None:
            raise CheckpointError(f"class {data['$class']!r} is not one a run state holds")
        return cls(**{k: decode(v) for k, v in data.items() if k != "$class"})
    if set(data) == {"$enum", "value"}:
        kind = ENUMS.get(data["$enum"])
        if kind is None:
            raise CheckpointError(f"enum {data['$enum']!r} is not one a run state holds")
        return kind(data["value"])
    if len(data) != 1:
        raise CheckpointError(f"unexpected keys {sorted(data)}")
    ((tag, value),) = data.items()
    readers: dict[str, Callable[[Any], Any]] = {
        "$decimal": Decimal, "$datetime": datetime.fromisoformat,
        "$date": date.fromisoformat, "$tuple": lambda v: tuple(decode(v)),
        "$set": lambda v: {decode_hashable(x) for x in v},
        "$map": lambda v: {decode_hashable(k): decode(x) for k, x in v}}
    if tag not in readers:
        raise CheckpointError(f"unexpected keys {sorted(data)}")
    return readers[tag](value)


def decode_hashable(data: Any) -> Any:
    """A set member or a map key (a tuple, not a list, where one was kept)."""
    value = decode(data)
    if isinstance(value, list):
        raise CheckpointError("a list as a set member or key")
    return value


def _known(table: dict[str, Any], cls: type) -> str:
    if table.get(cls.__name__) is not cls:
        raise TypeError(f"the run state cannot keep a {cls.__name__}")
    return cls.__name__
