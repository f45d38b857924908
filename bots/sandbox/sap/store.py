"""The simulator's SQLite file: schema from the DDIC, and how values are stored.

One table per DDIC table (same name, same columns, same primary key,
``WITHOUT ROWID`` so that rows sit in key order; no secondary index on the
item tables, so that reads in key order never need a sort), plus ``ZARBOTS_TEXT`` for
the long texts of notes and ``SANDBOX_INFO`` for what generated the data.

Storage per DDIC type: CHAR without trailing blanks, NUMC with leading
zeros, DATS as ``'YYYYMMDD'`` (``'00000000'`` when blank), CURR/DEC as an
integer count of the field's last decimal (``WRBTR`` 15.00 is stored as
1500). Amounts are SAP's *internal* values: 1500 yen is internally 15.00,
stored 1500; turning it into 1500 yen (TCURX) is the client's job, as with a
real system. (So the stored integer of a CURR field is always the amount in
the currency's minor units.) Every column has its initial value as default,
so inserts name only what they set.

The file is opened in WAL mode: a reader never waits for a writer, and a
connection sees others' writes only once they are committed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bots.sandbox.sap.ddic import INTEGER, PACKED, TABLES, Field

TEXT_TABLE = "ZARBOTS_TEXT"
BUSY_TIMEOUT_MS = 10_000


def _column(f: Field) -> str:
    default = initial_stored(f)
    if isinstance(default, int):
        return f'"{f.name}" INTEGER NOT NULL DEFAULT {default}'
    return f"\"{f.name}\" TEXT NOT NULL DEFAULT '{default}'"


def schema() -> list[str]:
    """CREATE statements for every table of the sandbox."""
    statements = []
    for name, fields in TABLES.items():
        key = ", ".join(f'"{f.name}"' for f in fields if f.key)
        columns = ", ".join(_column(f) for f in fields)
        statements.append(f'CREATE TABLE "{name}" ({columns}, PRIMARY KEY ({key})) '
                          "WITHOUT ROWID")
    statements += [
        'CREATE INDEX "BKPF~XBL" ON "BKPF" ("BUKRS", "XBLNR")',
        f'CREATE TABLE "{TEXT_TABLE}" (TDOBJECT TEXT NOT NULL, TDNAME TEXT NOT NULL, '
        "TDID TEXT NOT NULL, TDSPRAS TEXT NOT NULL, SEQ INTEGER NOT NULL, "
        "TDFORMAT TEXT NOT NULL, TDLINE TEXT NOT NULL, "
        "PRIMARY KEY (TDOBJECT, TDNAME, TDID, TDSPRAS, SEQ)) WITHOUT ROWID",
        'CREATE TABLE "SANDBOX_INFO" (KEY TEXT PRIMARY KEY, VALUE TEXT NOT NULL)',
    ]
    return statements


def open_db(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (the simulator opens its own transactions)."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    # A commit survives a killed process (WAL); only a power cut may lose the last ones,
    # which the sandbox need not survive. FULL cost the big day 150 s of fsyncs.
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def create(path: Path) -> sqlite3.Connection:
    """A new, empty sandbox database at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_db(path)
    db.execute("BEGIN")
    for statement in schema():
        db.execute(statement)
    db.execute("COMMIT")
    return db


def initial_stored(f: Field) -> object:
    """The stored initial value of a column."""
    if f.kind in PACKED or f.kind in INTEGER:
        return 0
    return {"NUMC": "0" * f.length, "DATS": "00000000"}.get(f.kind, "")
