"""9: An external write can be ``submitted``: handed to an asynchronous service (the S/4
lockbox) that answers later. Between ``intent`` and ``done``: the write must not be sent
again, only looked up, until the service's result is found.

SQLite cannot change a CHECK constraint in place: the table is copied into a new one.
"""

from bots.store.migrations import postgresql, run_script

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = "('intent', 'submitted', 'done', 'failed')"


def upgrade() -> None:
    if postgresql():
        run_script(f"""
        ALTER TABLE external_writes DROP CONSTRAINT external_writes_status_check;
        ALTER TABLE external_writes ADD CONSTRAINT external_writes_status_check
            CHECK (status IN {STATES});
        """)
        return
    run_script(f"""
    CREATE TABLE external_writes_0009 (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN {STATES}),
        run_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    INSERT INTO external_writes_0009 (key, kind, target, status, run_id, payload, result,
        error, attempts, created, updated)
        SELECT key, kind, target, status, run_id, payload, result, error, attempts, created,
        updated FROM external_writes;
    DROP TABLE external_writes;
    ALTER TABLE external_writes_0009 RENAME TO external_writes;
    CREATE INDEX external_writes_target ON external_writes(kind, target, status);
    """)
