"""One table read over several RFC connections at once, merged back in key order.

    parts = [Partition("BUKRS 1000, KUNNR < 0000100200", where_1), ...]   # key ranges, in order
    for page in read_partitions(readers, "BSID", fields, parts, key=ITEM_KEY):
        ...   # page: {field: texts}, TableReader.column_pages

A real SAP system answers each ``RFC_READ_TABLE`` page after a round trip
(tens to hundreds of milliseconds); one connection spends most of a big read
waiting. :func:`read_partitions` splits the read into *partitions*, each one
WHERE clause selecting a contiguous range of the table's primary key, and
reads them over ``len(readers)`` connections in threads, each thread taking
the next partition not yet taken. Each partition is paged exactly as a
single read is (``ROWSKIPS``/``ROWCOUNT``, rows in primary-key order within
the read); the caller gets the partitions one after the other in the order
given, page by page (by column, as :meth:`TableReader.column_pages` gives
them), so when they are key ranges in key order the rows come out in the
same order as one read over one connection would give them.

Memory is bounded: a thread reads at most ``ahead`` pages of a partition
before the caller has taken them, so at most ``ahead`` pages per partition
wait in memory, whatever the size of the table.

A failure in any partition stops the read at once: the other threads finish
the call in hand and stop, and the caller gets the error with the table and
the partition named in its message (same error class and SAP message fields
as the original). Nothing read before is handed out as if complete; a caller
that keeps the rows only after the iterator ended (the snapshot) keeps
nothing.

Threads suit this work: the waiting happens in the connection library (or
the simulator's sleep and SQLite) without the GIL. Cutting the row text into
fields and the caller's typing of them hold it, so that share of the time
does not shrink with more connections: keep it small per row (columns, not
a dict per row).
"""

from __future__ import annotations

import copy
import queue
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bots.sap.errors import SapError, SapTechnicalError
from bots.sap.read_table import Columns, TableReader, Where


@dataclass(frozen=True)
class Partition:
    """One slice of a read: a name for messages and its whole WHERE clause."""

    name: str
    where: Where


class _Stopped(Exception):
    """Raised in a reading thread when the read was abandoned."""


class _Flow:
    """Per-partition credit: a reader may run ``ahead`` pages before the consumer."""

    def __init__(self, partitions: int, ahead: int) -> None:
        self.ahead = ahead
        self.unread = [0] * partitions
        self.stopped = False
        self._cond = threading.Condition()

    def before_page(self, index: int) -> None:
        """Wait until partition ``index`` may hold one more page (or the read stopped)."""
        with self._cond:
            self._cond.wait_for(lambda: self.stopped or self.unread[index] < self.ahead)
            if self.stopped:
                raise _Stopped
            self.unread[index] += 1

    def taken(self, index: int) -> None:
        """The consumer took one page of partition ``index``."""
        with self._cond:
            self.unread[index] -= 1
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify_all()


def read_partitions(readers: Sequence[TableReader], table: str, fields: Sequence[str],
                    partitions: Sequence[Partition], key: Sequence[str] = (),
                    ahead: int = 2) -> Iterator[Columns]:
    """The pages of every partition, partition after partition, read over ``readers``.

    Each reader (one connection each) is used by one thread; with one reader
    this is a plain sequential read. Raises the first partition's error as
    described in the module docstring.
    """
    if not readers:
        raise ValueError("read_partitions needs at least one reader")
    flow = _Flow(len(partitions), ahead)
    inbox: queue.Queue[tuple[int, Columns | None | Exception]] = queue.Queue()
    next_index = iter(range(len(partitions)))
    claim = threading.Lock()

    def work(reader: TableReader) -> None:
        while True:
            with claim:
                index = next(next_index, None)
            if index is None:
                return
            part = partitions[index]
            try:
                for page in _paced(reader.column_pages(table, fields, part.where, key), flow,
                                   index):
                    inbox.put((index, page))
                inbox.put((index, None))
            except _Stopped:
                return
            except Exception as exc:  # noqa: BLE001 - handed to the consumer, named
                inbox.put((index, exc))
                return

    threads = [threading.Thread(target=work, args=(reader,), daemon=True,
                                name=f"sap-read-{table}-{n}")
               for n, reader in enumerate(readers[:len(partitions)])]
    for thread in threads:
        thread.start()
    try:
        yield from _in_order(inbox, flow, table, partitions)
    finally:
        flow.stop()
        for thread in threads:
            thread.join()


def _paced(pages: Iterator[Columns], flow: _Flow, index: int) -> Iterator[Columns]:
    """``pages``, each fetched only once the partition has credit for it."""
    while True:
        flow.before_page(index)
        page = next(pages, None)
        if page is None:
            flow.taken(index)  # the credit taken for a page that did not come
            return
        yield page


def _in_order(inbox: queue.Queue[tuple[int, Columns | None | Exception]], flow: _Flow,
              table: str, partitions: Sequence[Partition]) -> Iterator[Columns]:
    """Hand out the pages partition by partition, the later ones buffered meanwhile."""
    waiting: dict[int, deque[Columns | None]] = {}
    for head in range(len(partitions)):
        while True:
            pending = waiting.get(head)
            while not pending:
                index, item = inbox.get()
                if isinstance(item, Exception):
                    raise _named(item, table, partitions[index], index,
                                 len(partitions)) from item
                waiting.setdefault(index, deque()).append(item)
                pending = waiting.get(head)
            page = pending.popleft()
            if page is None:
                del waiting[head]
                break
            flow.taken(head)
            yield page


def _named(exc: Exception, table: str, part: Partition, index: int,
           count: int) -> Exception:
    """``exc`` with the table and the partition named in front of its message."""
    where = f"{table} partition {index + 1} of {count} ({part.name})"
    if isinstance(exc, SapError):
        named = copy.copy(exc)
        named.message = f"{where}: {exc.message}"
        named.args = (named.message,)
        return named
    return SapTechnicalError(f"{where}: {type(exc).__name__}: {exc}")
