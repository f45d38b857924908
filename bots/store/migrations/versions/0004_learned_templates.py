"""4: Learned templates (bots/store/templates.py) and the layouts they are learned from."""

from bots.store.migrations import run_script

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
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
    """)
