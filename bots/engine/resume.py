"""Resumable long reads: a retried open-items activity resumes at the page it had reached.

The open items come from SAP page by page (``RFC_READ_TABLE`` or
``Z_ARBOTS_READ_TABLE`` on BSID and BSAD: a million items are 200 pages).
On Temporal, the openitems activity reads them through a :class:`PageJournal`:

- every such call and SAP's answer are kept, one JSON line each, in the run
  folder (``reads/openitems.jsonl``), and the number of pages kept is the
  activity's heartbeat details (:class:`Position`);
- a retried attempt (its worker died, SAP dropped the line) starts from the
  heartbeat details of the attempt before: the reader's first calls are
  answered from the pages kept, each only if it asks exactly what was asked
  before (a fingerprint of function and parameters), and SAP is asked from
  the recorded page on. The reader above does not know: the calls it makes
  and the items it gets are the same, so the snapshot is the same.

Only the open-item tables are kept (company code, customer number, document,
amounts, dates, references: what the store's snapshot holds anyway; no names,
no secrets); customers, currencies and every write always go to SAP. The
file is removed when the activity succeeds. With ``[sap] parallel_connections``
above 1 only the first connection's pages are kept, and a retry replays them
only while its calls come in the same order.

Mailbox scans need no journal: intake records each message by content hash
and moves it out of the inbox when it is settled, so a retried intake lists
only the messages left (its position is the inbox itself).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

JOURNALED_TABLES = frozenset({"BSID", "BSAD"})  # the open-item tables
DETAILS_KEY = "open_item_pages"


@dataclass
class Position:
    """How many open-item pages the journal holds: what the activity heartbeats."""

    pages: int = 0

    def details(self) -> dict[str, int]:
        """The heartbeat details: ``{"open_item_pages": n}``."""
        return {DETAILS_KEY: self.pages}

    @classmethod
    def from_details(cls, details: Sequence[Any]) -> Position:
        """The position the attempt before heartbeat last (none: from the first page)."""
        for detail in reversed(details):
            if isinstance(detail, dict) and isinstance(detail.get(DETAILS_KEY), int):
                return cls(max(detail[DETAILS_KEY], 0))
        return cls()


class PageJournal:
    """A pyrfc-like connection that keeps the open-item pages and replays them on a retry.

    ``position``: where the attempt before got to (updated as pages are
    read); ``read_functions``: the function module names of table reads.
    """

    def __init__(self, connection: Any, path: Path, position: Position,
                 read_functions: set[str]) -> None:
        self.connection, self.path, self.position = connection, path, position
        self.read_functions = read_functions
        self._kept = _read(path)[:position.pages]
        self.position.pages = len(self._kept)
        self._next = 0  # the kept page the next read is compared with
        self.replayed = 0  # pages answered from the journal in this attempt
        self._rewrite(self._kept)

    def call(self, function: str, **params: Any) -> Any:
        """pyrfc's ``call``: a kept page when it is the same request, else SAP (and kept)."""
        if function not in self.read_functions or \
                params.get("QUERY_TABLE") not in JOURNALED_TABLES:
            return self.connection.call(function, **params)
        request = _fingerprint(function, params)
        if self._next < len(self._kept):
            if self._kept[self._next]["request"] == request:
                self._next += 1
                self.replayed += 1
                return self._kept[self._next - 1]["result"]
            log.info("open-item read: page %d asks otherwise than before; reading on from SAP",
                     self._next + 1)
            self._kept = self._kept[:self._next]
            self._rewrite(self._kept)
            self.position.pages = len(self._kept)
        result = self.connection.call(function, **params)
        entry = {"request": request, "result": result}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
        self._kept.append(entry)
        self._next = len(self._kept)
        self.position.pages = len(self._kept)
        return result

    def remove(self) -> None:
        """Forget the kept pages (the read is done and its snapshot stored)."""
        self.path.unlink(missing_ok=True)

    def __getattr__(self, name: str) -> Any:  # close() and whatever else pyrfc offers
        return getattr(self.connection, name)

    def _rewrite(self, entries: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def journal_reads(sap: Any, path: Path, position: Position) -> PageJournal:
    """Put a :class:`PageJournal` between ``sap`` (a SapClient) and its SAP connection."""
    rfc = sap.rfc
    journal = PageJournal(rfc.connection, path, position,
                          {rfc.name("read_table"), "RFC_READ_TABLE"})
    rfc.connection = journal
    return journal


def _fingerprint(function: str, params: dict[str, Any]) -> str:
    text = json.dumps([function, params], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path) -> list[dict[str, Any]]:
    """The entries of a journal; a last line cut short by a crash is left out."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            break
        if not isinstance(entry, dict) or not {"request", "result"} <= set(entry):
            break
        entries.append(entry)
    return entries
