"""What a bot gets to work with during one run."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bots.config import Config
from bots.domain import Run
from bots.landscape import LandscapeLease
from bots.reports.model import RunReport
from bots.store import Store, WriteLedger

T = TypeVar("T")


class Progress(Protocol):
    """Shows progress of a step (a rich progress bar on the CLI, nothing in tests)."""

    def track(self, items: Iterable[T], description: str, total: int | None = None
              ) -> Iterator[T]: ...


class NoProgress:
    """Progress that shows nothing."""

    def track(self, items: Iterable[T], description: str, total: int | None = None
              ) -> Iterator[T]:
        yield from items


@dataclass
class BotContext:
    """The configuration, store, run, clock and external clients of one run."""

    cfg: Config
    store: Store
    run: Run
    report: RunReport
    today: date
    dry_run: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    progress: Progress = field(default_factory=NoProgress)
    memo: dict[str, Any] = field(default_factory=dict)  # results shared between bots
    lease: LandscapeLease | None = None  # the landscape's lease (None in a dry run)
    _sap: Any = None

    @property
    def ledger(self) -> WriteLedger:
        return self.store.ledger(self.run.id)

    @property
    def run_dir(self) -> Path:
        path = self.cfg.runs_dir / self.run.id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def register_child(self, pid: int) -> None:
        """Record a process this run started (a browser) on its lease.

        A run that dies leaves its children behind; the run that takes over
        ends them (if they still run and are browsers). Any thread may call
        this; in a dry run (no lease) it does nothing.
        """
        if self.lease is not None:
            self.lease.register_child(pid)

    @property
    def sap(self) -> Any:
        """The SAP client, connected on first use (sandbox or RFC by configuration)."""
        if self._sap is None:
            from bots.sap import connect

            self._sap = connect(self.cfg.sap)
        return self._sap

    def close(self) -> None:
        if self._sap is not None and hasattr(self._sap, "close"):
            self._sap.close()
        self._sap = None
