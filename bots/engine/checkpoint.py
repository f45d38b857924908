"""What one activity of a run hands the next: the report so far and the bots' memo.

On the local engine the bots of a run share one :class:`BotContext` in one
process: the report they add to, and ``ctx.memo`` (the open-items snapshot,
the inputs intake read, the payments cash application cleared). On Temporal
each bot is an activity, perhaps on another worker, so the state is kept in
the run folder after each bot (``engine-state.pickle``, written atomically)
and read back by the next activity. An activity retried after its worker
died starts again from the state before its bot; the write ledger keeps its
writes from being repeated. The run folder must therefore be shared by the
workers of a landscape (see runbooks/temporal.md). Only arbots writes it.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bots.reports.model import RunReport
from bots.takeover import TakeOver

FILE = "engine-state.pickle"


@dataclass
class RunState:
    """The run's report so far, the bots' memo and what the run took over."""

    report: RunReport
    memo: dict[str, Any] = field(default_factory=dict)
    takeover: TakeOver = field(default_factory=TakeOver)


def save(run_dir: Path, state: RunState) -> None:
    """Write ``state`` to ``run_dir`` atomically (a reader sees the old or the new one)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    temporary = run_dir / f".{FILE}.{os.getpid()}"
    temporary.write_bytes(pickle.dumps(state))
    os.replace(temporary, run_dir / FILE)


def load(run_dir: Path) -> RunState:
    """The state the last finished activity of the run left in ``run_dir``."""
    return pickle.loads((run_dir / FILE).read_bytes())  # noqa: S301 - arbots' own file
