"""2: Remittances parsed from the inputs, waiting for cash application."""

from bots.store.migrations import insertion_order, run_script

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
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
    """)
    insertion_order("remittances")
