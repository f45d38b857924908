"""6: The web console (bots/store/console.py): users, API tokens (hashes only), sign-in
attempts, the runs it started, review decisions; a version per remittance."""

from bots.store.migrations import insertion_order, run_script

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
    CREATE TABLE console_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('ar_staff', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE console_tokens (
        token_hash TEXT PRIMARY KEY,
        "user" TEXT NOT NULL REFERENCES console_users(name) ON DELETE CASCADE,
        created TEXT NOT NULL
    );
    CREATE TABLE console_sign_ins (
        "user" TEXT NOT NULL,
        at TEXT NOT NULL,
        ok INTEGER NOT NULL
    );
    CREATE INDEX console_sign_ins_user ON console_sign_ins("user", at);
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
    """)
    insertion_order("console_launches")
