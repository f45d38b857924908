"""7: Promises to pay (bots/store/promises.py), judged by the collections bot."""

from bots.store.migrations import run_script

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
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
    """)
