"""One table read over several RFC connections at once, merged back in key order.

    parts = [Partition("BUKRS 1000, KUNNR < 0000100200", where_1), ...]   # key ranges, in order
    for page in read_partitions(readers, "BSID", fields, parts, key=ITEM_KEY):
        ...   # page: a TextPage, as TableReader.text_pages gives them

A real SAP system answers each ``RFC_READ_TABLE`` page after a round trip
(tens to hundreds of milliseconds); one connection spends most of a big read
waiting. :func:`read_partitions` splits the read into *partitions*, each one
WHERE clause selecting a contiguous range of the table's primary key, and
reads them over ``len(readers)`` connections in threads, each thread taking
the next partition not yet taken. Each partition is paged exactly as a
single read is (``ROWSKIPS``/``ROWCOUNT``, rows in primary-key order within
the read); the caller gets the partitions one after the other in the order
given, page by page (as :meth:`TableReader.text_pages` gives them), so when
they are key ranges in key order the rows come out in the same order as one
read over one connection would give them. A partition may name a table of
its own (``Partition(..., table="BSAD")``): one read of several tables with
the same fields keeps every connection busy until the last table's end.

Memory is bounded: at most ``buffered`` pages (default
:data:`PAGES_PER_READER` per connection) are read, or being read, and not
yet taken by the caller, whatever the size of the table; the thread of the
partition the caller is taking may always run two pages ahead, so the read
never stalls. The buffer is what lets the other connections go on while the
caller takes the first partition (which comes through one connection, page
after page): it holds the later partitions' pages meanwhile. With pages of
5,000 rows of open items a page is about 1.3 MB of row text.

A failure in any partition stops the read at once: the other threads finish
the call in hand and stop, and the caller gets the error with the table and
the partition named in its message (same error class and SAP message fields
as the original). Nothing read before is handed out as if complete; a caller
that keeps the rows only after the iterator ended (the snapshot) keeps
nothing.

Threads suit this work: the waiting happens in the connection library (or
the simulator's sleep and SQLite) without the GIL. Cutting the row text into
fields and the caller's typing of them hold it, so that share of the time
does not shrink with more connections: keep it small per row (the pages stay
uncut until the caller takes them, which converts them column by column).
"""

from __future__ import annotations

import copy
import queue
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bots.sap.errors import SapError, SapTechnicalError
from bots.sap.read_table import TableReader, TextPage, Where


@dataclass(frozen=True)
class Partition:
    """One slice of a read: a name for messages, its whole WHERE clause and its table
    (empty: the read's)."""

    name: str
    where: Where
    table: str = ""


class _Stopped(Exception):
    """Raised in a reading thread when the read was abandoned."""


#: Pages a parallel read may hold per connection before the caller takes them.
PAGES_PER_READER = 10
HEAD_AHEAD = 2  # pages the partition being taken may hold, whatever the buffer holds


class _Flow:
    """Credit for pages: at most ``buffered`` held, the head partition always two."""

    def __init__(self, partitions: int, buffered: int) -> None:
        self.buffered = buffered
        self.held = 0  # pages read or being read, not yet taken
        self.unread = [0] * partitions
        self.head = 0  # the partition the consumer is taking
        self.stopped = False
        self._cond = threading.Condition()

    def _may_read(self, index: int) -> bool:
        if index == self.head:
            return self.unread[index] < HEAD_AHEAD or self.held < self.buffered
        return self.held < self.buffered

    def before_page(self, index: int) -> None:
        """Wait until partition ``index`` may hold one more page (or the read stopped)."""
        with self._cond:
            self._cond.wait_for(lambda: self.stopped or self._may_read(index))
            if self.stopped:
                raise _Stopped
            self.held += 1
            self.unread[index] += 1

    def taken(self, index: int) -> None:
        """The consumer took one page of partition ``index`` (or it did not come)."""
        with self._cond:
            self.held -= 1
            self.unread[index] -= 1
            self._cond.notify_all()

    def at(self, head: int) -> None:
        """The consumer takes partition ``head`` from now on."""
        with self._cond:
            self.head = head
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped = True
            self._cond.notify_all()


def read_partitions(readers: Sequence[TableReader], table: str, fields: Sequence[str],
                    partitions: Sequence[Partition], key: Sequence[str] = (),
                    buffered: int | None = None) -> Iterator[TextPage]:
    """The pages of every partition, partition after partition, read over ``readers``.

    Each reader (one connection each) is used by one thread; with one reader
    this is a plain sequential read. ``buffered``: pages held at most (default
    :data:`PAGES_PER_READER` per reader). Raises the first partition's error
    as described in the module docstring.
    """
    if not readers:
        raise ValueError("read_partitions needs at least one reader")
    flow = _Flow(len(partitions), buffered or PAGES_PER_READER * len(readers))
    inbox: queue.Queue[tuple[int, TextPage | None | Exception]] = queue.Queue()
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
                for page in _paced(reader.text_pages(part.table or table, fields, part.where,
                                                     key), flow, index):
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


def _paced(pages: Iterator[TextPage], flow: _Flow, index: int) -> Iterator[TextPage]:
    """``pages``, each fetched only once the partition has credit for it."""
    while True:
        flow.before_page(index)
        page = next(pages, None)
        if page is None:
            flow.taken(index)  # the credit taken for a page that did not come
            return
        yield page


def _in_order(inbox: queue.Queue[tuple[int, TextPage | None | Exception]], flow: _Flow,
              table: str, partitions: Sequence[Partition]) -> Iterator[TextPage]:
    """Hand out the pages partition by partition, the later ones buffered meanwhile."""
    waiting: dict[int, deque[TextPage | None]] = {}
    for head in range(len(partitions)):
        flow.at(head)
        while True:
            pending = waiting.get(head)
            while not pending:
                index, item = inbox.get()
                if isinstance(item, Exception):
                    raise _named(item, table, partitions, index) from item
                waiting.setdefault(index, deque()).append(item)
                pending = waiting.get(head)
            page = pending.popleft()
            if page is None:
                del waiting[head]
                break
            flow.taken(head)
            yield page


def _named(exc: Exception, table: str, partitions: Sequence[Partition],
           index: int) -> Exception:
    """``exc`` with the table and the partition (n of its table's) named in its message."""
    own = partitions[index].table or table
    same = [i for i, part in enumerate(partitions) if (part.table or table) == own]
    where = (f"{own} partition {same.index(index) + 1} of {len(same)} "
             f"({partitions[index].name})")
    if isinstance(exc, SapError):
        named = copy.copy(exc)
        named.message = f"{where}: {exc.message}"
        named.args = (named.message,)
        return named
    return SapTechnicalError(f"{where}: {type(exc).__name__}: {exc}")
