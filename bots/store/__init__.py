"""The run database: runs and their leases, snapshots, inputs, remittances, the ledger, audit.

One SQLite file (``[store] path`` in the configuration), or a PostgreSQL
database shared by several hosts (``[store] url``). Everything a supervisor
or a rerun needs to know lives here::

    store = Store(Path("var/arbots.sqlite"))     # or Store("postgresql://arbots@db/arbots")
    run = store.start_run(Trigger.ON_DEMAND, ("collections",))
    ledger = store.ledger(run.id)
    if ledger.begin("collection_note", key, target="1000/0000100042", payload={...}) == "new":
        sap.save_note(...); sap.commit()
        ledger.done(key, {"lines": 3})
    store.finish_run(run.id, RunStatus.OK, counts={...})

:class:`Store` is one connection with one part per thing held, each in its
own module:

========================  ====================================================
:mod:`~bots.store.database`     the connection (SQLAlchemy Core), rows, URL redaction
:mod:`~bots.store.dialect`      what differs between SQLite and PostgreSQL
:mod:`~bots.store.schema`       alembic revisions (``MIGRATIONS``), applied on open
:mod:`~bots.store.migrations`   the revisions themselves, one file each
:mod:`~bots.store.runs`         runs: start, finish, abort, history (``RunRecord``)
:mod:`~bots.store.leases`       one writer per landscape: the lease rows (``Lease``)
:mod:`~bots.store.snapshots`    the open items each run pulled
:mod:`~bots.store.inputs`       inputs seen, by content hash, and where each ended
:mod:`~bots.store.remittances`  remittances parsed from the inputs, and their status
:mod:`~bots.store.ledger`       the external-write ledger (``WriteLedger``)
:mod:`~bots.store.templates`    learned templates (payer + layout) and the layouts read
:mod:`~bots.store.cash_lines`   what cash application proposed per line, what was posted
:mod:`~bots.store.audit`        the audit log
:mod:`~bots.store.console`      the web console's users, tokens, launches, review decisions
:mod:`~bots.store.promises`     promises to pay and what came of them (``Promise``)
========================  ====================================================
"""

from __future__ import annotations

from bots.store.cash_lines import CashLine, CashLines
from bots.store.connection import Clock
from bots.store.console import ConsoleTables, StaleDecision
from bots.store.database import DATABASE_ERRORS, Row, StoreTargetError, redact
from bots.store.inputs import Inputs
from bots.store.leases import Child, Lease, LeaseHeld
from bots.store.ledger import ExternalWrites, WriteLedger, WriteState
from bots.store.promises import Promise, Promises
from bots.store.remittances import Remittances
from bots.store.runs import RunRecord, Runs
from bots.store.schema import MIGRATIONS, SchemaTooNew
from bots.store.snapshots import Snapshots
from bots.store.templates import LearnedTemplates


class Store(Runs, ExternalWrites, Snapshots, Inputs, Remittances, LearnedTemplates,
            CashLines, ConsoleTables, Promises):
    """Opens (and migrates) the run database at ``path`` (a file or a URL); see the
    module docstring."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["DATABASE_ERRORS", "MIGRATIONS", "CashLine", "Child", "Clock", "Lease", "LeaseHeld",
           "Promise", "Row", "RunRecord", "SchemaTooNew", "StaleDecision", "Store",
           "StoreTargetError", "WriteLedger", "WriteState", "redact"]
