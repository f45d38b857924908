"""The store's schema: numbered migrations, applied in order when a file is opened.

The file records its version in ``PRAGMA user_version``; :func:`migrate` runs
the migrations it has not seen yet, each in one transaction, and refuses a
file newer than this code. A schema change is a new entry at the end of
:data:`MIGRATIONS`, never an edit of an old one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, snapshots, external writes, audit, inputs
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        trigger TEXT NOT NULL,
        job TEXT,
        bots TEXT NOT NULL,
        dry_run INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        counts TEXT NOT NULL DEFAULT '{}',
        host TEXT,
        pid INTEGER
    );
    CREATE INDEX runs_started ON runs(started);
    CREATE TABLE snapshot_items (
        run_id TEXT NOT NULL REFERENCES runs(id),
        company_code TEXT NOT NULL,
        customer TEXT NOT NULL,
        document_no TEXT NOT NULL,
        fiscal_year TEXT NOT NULL,
        line_item TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        doc_date TEXT NOT NULL,
        due_date TEXT NOT NULL,
        invoice_ref TEXT NOT NULL DEFAULT '',
        po_number TEXT NOT NULL DEFAULT '',
        dunning_level INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, company_code, customer, document_no, fiscal_year, line_item)
    );
    CREATE TABLE external_writes (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('intent', 'done', 'failed')),
        run_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX external_writes_target ON external_writes(kind, target, status);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        run_id TEXT,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE inputs (
        hash TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        size INTEGER NOT NULL,
        first_run TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('received', 'applied', 'waiting', 'quarantined')),
        reason TEXT,
        updated TEXT NOT NULL
    );
    """,
    # 2: remittances parsed from the inputs, waiting for cash application
    """
    CREATE TABLE remittances (
        id TEXT PRIMARY KEY,
        input_hash TEXT NOT NULL REFERENCES inputs(hash),
        run_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('new', 'applied', 'review', 'duplicate')),
        reason TEXT,
        body TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX remittances_status ON remittances(status);
    CREATE INDEX remittances_fingerprint ON remittances(fingerprint);
    """,
    # 3: one writer per landscape: the lease, and what a run ended with
    """
    CREATE TABLE leases (
        landscape TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        holder TEXT NOT NULL,
        acquired TEXT NOT NULL,
        heartbeat TEXT NOT NULL,
        expires TEXT NOT NULL,
        children TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX leases_run ON leases(run_id);
    ALTER TABLE runs ADD COLUMN landscape TEXT;
    ALTER TABLE runs ADD COLUMN message TEXT;
    """,
    # learned templates (bots/store/templates.py) and the layouts they are learned from
    """
    CREATE TABLE learned_templates (
        id INTEGER PRIMARY KEY,
        payer TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        format TEXT NOT NULL,
        label TEXT NOT NULL,
        learned_by TEXT NOT NULL,
        learned_at TEXT NOT NULL,
        remittance_id TEXT,
        UNIQUE (payer, fingerprint)
    );
    CREATE TABLE remittance_layouts (
        remittance_id TEXT PRIMARY KEY,
        layout TEXT NOT NULL
    );
    """,
    # cash lines (bots/store/cash_lines.py): what the engine proposed, what a person posted
    """
    CREATE TABLE cash_lines (
        run_id TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('engine', 'person')),
        remittance_id TEXT NOT NULL,
        line_index INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        company_code TEXT NOT NULL,
        customer TEXT NOT NULL,
        document_no TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        decision TEXT NOT NULL,
        posted INTEGER NOT NULL,
        row TEXT NOT NULL
    );
    CREATE INDEX cash_lines_run ON cash_lines(run_id, source);
    CREATE INDEX cash_lines_remittance ON cash_lines(remittance_id);
    """,
    # 6: the web console (bots/store/console.py): users, API tokens (hashes only), sign-in
    # attempts, the runs it started, review decisions; a version per remittance
    """
    CREATE TABLE console_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('ar_staff', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE console_tokens (
        token_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES console_users(name) ON DELETE CASCADE,
        created TEXT NOT NULL
    );
    CREATE TABLE console_sign_ins (
        user TEXT NOT NULL,
        at TEXT NOT NULL,
        ok INTEGER NOT NULL
    );
    CREATE INDEX console_sign_ins_user ON console_sign_ins(user, at);
    CREATE TABLE console_launches (
        run_id TEXT PRIMARY KEY,
        bot TEXT NOT NULL,
        dry_run INTEGER NOT NULL,
        person TEXT NOT NULL,
        pid INTEGER,
        started TEXT NOT NULL,
        exit_code INTEGER,
        message TEXT
    );
    CREATE TABLE review_decisions (
        id INTEGER PRIMARY KEY,
        remittance_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'reassign')),
        target TEXT NOT NULL DEFAULT '{}',
        person TEXT NOT NULL,
        at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed')),
        message TEXT
    );
    CREATE INDEX review_decisions_status ON review_decisions(status);
    ALTER TABLE remittances ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    """,
    # 7: promises to pay (bots/store/promises.py), judged by the collections bot
    """
    CREATE TABLE promises (
        id INTEGER PRIMARY KEY,
        company_code TEXT NOT NULL,
        customer TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
        promised_date TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('worklist', 'console', 'cli')),
        baseline TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'broken')),
        paid_minor INTEGER,
        settled_at TEXT,
        escalated INTEGER NOT NULL DEFAULT 0,
        UNIQUE (company_code, customer, currency, amount_minor, promised_date)
    );
    CREATE INDEX promises_status ON promises(status, promised_date);
    """,
)


def version(db: sqlite3.Connection) -> int:
    """The schema version the open file is at."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the file at ``path`` (open as ``db``) to the latest version, or refuse it.

    The version is read again and the migrations applied under one write
    lock, so two processes opening a new file at once migrate it once; a file
    already at the latest version is opened without taking the lock.
    """
    if version(db) == len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        current = version(db)
        if current > len(MIGRATIONS):
            raise RuntimeError(f"{path}: store schema {current} is newer than this "
                               f"arbots ({len(MIGRATIONS)}); upgrade arbots")
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            for statement in _statements(script):
                db.execute(statement)
            db.execute(f"PRAGMA user_version={number}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """The SQL statements of ``script``, one by one."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements
