"""3: One writer per landscape: the lease, and what a run ended with."""

from bots.store.migrations import run_script

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
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
    """)
