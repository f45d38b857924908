"""1: Runs, snapshots, external writes, audit, inputs."""

from bots.store.migrations import insertion_order, run_script

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
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
    """)
    insertion_order("runs")
